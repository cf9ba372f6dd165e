/* Issue 12's per-load proof and noise figures: the isolation observer against
 * the real Chromium 156 traces of tests/fixtures/traces/ (each a fresh
 * renderer, no cache, an idle spare renderer beside it) and a hand-written
 * trace in which everything that breaks isolation happens; host_cpu against
 * the real /proc while this process burns a known amount of CPU;
 * renderer_procs against real processes standing in for renderers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/host_cpu.h"
#include "base/util.h"
#include "collector/trace/extract.h"
#include "collector/trace/isolation.h"
#include "collector/trace/trace_parser.h"
#include "collector/measure/renderer_procs.h"
#include "tests/check.h"
#include "tests/fixture_io.h"

struct tee {
    struct extractor *x;
    struct isolation *iso;
};

static void tee_event(void *arg, const struct trace_event *ev)
{
    struct tee *t = arg;
    extract_event(t->x, ev);
    isolation_event(t->iso, ev);
}

/* Parses text through the extractor and the observer; fills both results. */
static int observe(const char *text, size_t len, const char *module_path,
                   struct extract_result *x, struct isolation_result *iso)
{
    struct tee t = { extractor_new(module_path), isolation_new() };
    struct trace_parser *tp = trace_parser_new(tee_event, &t);
    int rc = trace_parser_feed(tp, text, len);
    if (rc == 0)
        rc = trace_parser_finish(tp);
    if (rc == 0) {
        extract_finish(t.x, x);
        isolation_finish(t.iso, x->renderer_pid, x->request_id, iso);
    }
    trace_parser_free(tp);
    extractor_free(t.x);
    isolation_free(t.iso);
    return rc;
}

static void test_real_traces(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/traces/expected.json", FIXTURES_DIR);
    json_t *all = json_load_file(path, 0, NULL);
    CHECK(json_array_size(all) >= 4);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        char name[512];
        snprintf(name, sizeof name, "traces/%s", json_string_value(json_object_get(e, "file")));
        size_t len;
        char *text = fixture_read_gz(name, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        struct extract_result x;
        struct isolation_result iso;
        int rc = observe(text, len, json_string_value(json_object_get(e, "module_path")), &x,
                         &iso);
        CHECK(rc == 0);
        if (rc == 0) {
            CHECK(x.renderer_pid > 0);
            CHECK(iso.from_cache == 0);
            CHECK(iso.from_service_worker == 0);
            CHECK(iso.code_cache_events == 0);
            CHECK(iso.other_renderers >= 1);          /* Chrome's idle spare renderer(s) */
            CHECK(iso.other_renderer_events == 0);    /* ... doing nothing */
            CHECK(iso.documents == 1);                /* the harness navigation */
            CHECK(x.encoded_data_length > 0);
            char what[160];
            isolation_describe(&iso, 1, x.encoded_data_length, what, sizeof what);
            CHECK_STR(what, "isolated");
            isolation_describe(&iso, 0, x.encoded_data_length, what, sizeof what);
            CHECK_STR(what, "pid_reused");
            extract_result_free(&x);
        }
        free(text);
    }
    json_decref(all);
}

/* Everything that breaks isolation, once: a response from the HTTP cache, a
 * code-cache hit on the load's renderer, another renderer parsing a page, a
 * second document. */
static const char shared_trace[] =
        "{\"traceEvents\":["
        "{\"ph\":\"M\",\"pid\":10,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"Renderer\"}},"
        "{\"ph\":\"M\",\"pid\":20,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"Renderer\"}},"
        "{\"ph\":\"M\",\"pid\":30,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"Browser\"}},"
        "{\"ph\":\"X\",\"pid\":20,\"tid\":1,\"ts\":5,\"dur\":1,\"name\":\"RunTask\",\"cat\":\"x\"},"
        "{\"ph\":\"X\",\"pid\":20,\"tid\":1,\"ts\":6,\"dur\":1,\"name\":\"ParseHTML\",\"cat\":\"devtools.timeline\"},"
        "{\"ph\":\"I\",\"pid\":10,\"tid\":1,\"ts\":7,\"name\":\"ResourceSendRequest\",\"cat\":\"devtools.timeline\","
        "\"args\":{\"data\":{\"requestId\":\"d1\",\"resourceType\":\"Document\",\"url\":\"http://h/pages/harness.html\"}}},"
        "{\"ph\":\"I\",\"pid\":20,\"tid\":1,\"ts\":8,\"name\":\"ResourceSendRequest\",\"cat\":\"devtools.timeline\","
        "\"args\":{\"data\":{\"requestId\":\"d2\",\"resourceType\":\"Document\",\"url\":\"http://h/other.html\"}}},"
        "{\"ph\":\"I\",\"pid\":10,\"tid\":1,\"ts\":10,\"name\":\"ResourceSendRequest\",\"cat\":\"devtools.timeline\","
        "\"args\":{\"data\":{\"requestId\":\"r1\",\"resourceType\":\"Other\",\"url\":\"http://h/m.wasm\"}}},"
        "{\"ph\":\"I\",\"pid\":10,\"tid\":1,\"ts\":20,\"name\":\"ResourceReceiveResponse\",\"cat\":\"devtools.timeline\","
        "\"args\":{\"data\":{\"requestId\":\"r1\",\"fromCache\":true,\"fromServiceWorker\":false,\"statusCode\":200}}},"
        "{\"ph\":\"I\",\"pid\":10,\"tid\":1,\"ts\":30,\"name\":\"v8.wasm.moduleCacheHit\",\"cat\":\"disabled-by-default-devtools.timeline\"},"
        "{\"ph\":\"X\",\"pid\":10,\"tid\":1,\"ts\":31,\"dur\":3,\"name\":\"wasm.Deserialize\",\"cat\":\"v8.wasm\"},"
        "{\"ph\":\"I\",\"pid\":10,\"tid\":1,\"ts\":40,\"name\":\"ResourceFinish\",\"cat\":\"devtools.timeline\","
        "\"args\":{\"data\":{\"requestId\":\"r1\",\"encodedDataLength\":0,\"decodedBodyLength\":8}}}"
        "]}";

static void test_everything_shared(void)
{
    const char *trace = shared_trace;
    struct extract_result x;
    struct isolation_result iso;
    CHECK(observe(trace, strlen(trace), "/m.wasm", &x, &iso) == 0);
    CHECK(x.renderer_pid == 10);
    CHECK(iso.from_cache == 1);
    CHECK(iso.from_service_worker == 0);
    CHECK(iso.code_cache_events == 2);
    CHECK(iso.other_renderers == 1);          /* pid 30 is the browser, not counted */
    CHECK(iso.other_renderer_events == 2);    /* ParseHTML and the request, not RunTask */
    CHECK(iso.documents == 2);
    char what[160];
    isolation_describe(&iso, 0, x.encoded_data_length, what, sizeof what);
    CHECK_STR(what, "pid_reused,from_cache,no_wire_bytes,code_cache_hit,other_renderer_busy,"
                    "extra_document");
    /* unknowns are not held against the load */
    struct isolation_result unknown = { .from_cache = -1, .from_service_worker = -1 };
    isolation_describe(&unknown, -1, -1, what, sizeof what);
    CHECK_STR(what, "isolated");
    /* a short buffer stays terminated */
    char tiny[12];
    isolation_describe(&iso, 0, 0, tiny, sizeof tiny);
    CHECK(strlen(tiny) < sizeof tiny);
    extract_result_free(&x);
}

/* A batched load (docs/batched-tracing.md) is judged on its window only:
 * the other renderer's page work and the documents before it are another
 * load's; the response and the code-cache events inside it still count. */
static void test_window(void)
{
    struct tee t = { extractor_new("/m.wasm"), isolation_new() };
    isolation_set_window(t.iso, 9, 9, 45);
    struct trace_parser *tp = trace_parser_new(tee_event, &t);
    CHECK(trace_parser_feed(tp, shared_trace, strlen(shared_trace)) == 0);
    CHECK(trace_parser_finish(tp) == 0);
    struct extract_result x;
    struct isolation_result iso;
    extract_finish(t.x, &x);
    isolation_finish(t.iso, x.renderer_pid, x.request_id, &iso);
    CHECK(iso.from_cache == 1);
    CHECK(iso.code_cache_events == 2);
    CHECK(iso.other_renderers == 0);          /* pid 20 did nothing in the window */
    CHECK(iso.other_renderer_events == 0);
    CHECK(iso.documents == 0);                /* both documents came before it */
    /* the same events through a new observer with a wider window */
    isolation_free(t.iso);
    t.iso = isolation_new();
    isolation_set_window(t.iso, 0, 0, 45);
    trace_parser_free(tp);
    tp = trace_parser_new(isolation_event, t.iso);
    CHECK(trace_parser_feed(tp, shared_trace, strlen(shared_trace)) == 0);
    CHECK(trace_parser_finish(tp) == 0);
    isolation_finish(t.iso, x.renderer_pid, x.request_id, &iso);
    CHECK(iso.other_renderers == 1);
    CHECK(iso.other_renderer_events == 2);
    CHECK(iso.documents == 2);
    /* a harness loaded ahead (span from 0, window from 9): the documents of
     * its span count, the other renderer's work before the window does not */
    isolation_free(t.iso);
    t.iso = isolation_new();
    isolation_set_window(t.iso, 0, 9, 45);
    trace_parser_free(tp);
    tp = trace_parser_new(isolation_event, t.iso);
    CHECK(trace_parser_feed(tp, shared_trace, strlen(shared_trace)) == 0);
    CHECK(trace_parser_finish(tp) == 0);
    isolation_finish(t.iso, x.renderer_pid, x.request_id, &iso);
    CHECK(iso.documents == 2);
    CHECK(iso.other_renderers == 0);
    CHECK(iso.other_renderer_events == 0);
    trace_parser_free(tp);
    extract_result_free(&x);
    extractor_free(t.x);
    isolation_free(t.iso);
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void burn_cpu_ms(double ms)
{
    double t0 = cpu_ms();
    volatile uint64_t sink = 0;
    while (cpu_ms() - t0 < ms)
        for (int i = 0; i < 100000; i++)
            sink += (uint64_t)i * 2654435761u;
}

/* This process burns 300 ms of CPU between two samples: host_cpu must count
 * it as its own (within the tick resolution), and the host's busy time must
 * include it. */
static void test_host_cpu(void)
{
    struct host_cpu_sample a, b;
    host_cpu_sample(0, &a);
    CHECK(a.ok);
    burn_cpu_ms(300.0);
    host_cpu_sample(0, &b);
    CHECK(b.ok);
    struct host_cpu_window w;
    host_cpu_window(&a, &b, &w);
    CHECK(w.cpus >= 1);
    CHECK(w.window_ms >= 300.0);
    CHECK(w.own_ms >= 250.0);                 /* 300 ms burned, 10 ms ticks */
    CHECK(w.own_ms <= w.window_ms + 20.0);    /* one thread: at most the wall time */
    CHECK(w.busy_ms + 30.0 >= w.own_ms);      /* the host saw it too */
    CHECK(w.other_ms >= 0.0);
    CHECK(w.other_share >= 0.0 && w.other_share <= 1.0);
    CHECK(fabs(w.other_ms - fmax(0.0, w.busy_ms - w.own_ms)) < 1e-9);

    /* a failed sample leaves the window unknown */
    struct host_cpu_sample bad = { 0 };
    host_cpu_window(&a, &bad, &w);
    CHECK(isnan(w.other_ms) && isnan(w.other_share));
}

/* A process of the group that burned 300 ms BEFORE the window and exits
 * inside it: none of its lifetime is "other" (summing the group's totals
 * counted all 300 ms as other: busy - own went up by what left with it). The
 * window is 50 ms, so other is at most the host's busy time in it, far
 * below 300 ms however busy the host is. */
static void test_exiting_process(void)
{
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        burn_cpu_ms(300.0);
        char c = 'x';
        (void)!write(ready[1], &c, 1);
        pause();                               /* until killed */
        _exit(0);
    }
    CHECK(child > 0);
    setpgid(child, child);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    struct host_cpu_sample a, b;
    host_cpu_sample(child, &a);
    CHECK(a.ok && a.n_procs == 1);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);                   /* gone inside the window */
    usleep(50000);
    host_cpu_sample(child, &b);
    CHECK(b.ok && b.n_procs == 0);
    struct host_cpu_window w;
    host_cpu_window(&a, &b, &w);
    CHECK(w.other_ms < 250.0);
    CHECK(w.other_ms <= w.busy_ms + 1e-9);
    close(ready[0]);
    close(ready[1]);
}

/* A child of the group (as Chrome's zygote's renderers are) burns 300 ms
 * before the window and 100 ms inside it, exits, and its parent in the
 * group reaps it there: its 100 ms in the window are the group's own (via
 * the parent's cutime), neither "other" (it left /proc) nor its whole 400 ms
 * life. */
static void test_reaped_child(void)
{
    int ready[2], go[2], reaped[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0 && pipe(reaped) == 0);
    pid_t parent = fork();
    if (parent == 0) {
        setpgid(0, 0);
        pid_t child = fork();
        if (child == 0) {
            burn_cpu_ms(300.0);
            char c = 'r';
            (void)!write(ready[1], &c, 1);
            (void)!read(go[0], &c, 1);
            burn_cpu_ms(100.0);
            _exit(0);
        }
        waitpid(child, NULL, 0);
        char c = 'x';
        (void)!write(reaped[1], &c, 1);
        pause();                               /* until killed */
        _exit(0);
    }
    CHECK(parent > 0);
    setpgid(parent, parent);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    struct host_cpu_sample a, b;
    host_cpu_sample(parent, &a);
    CHECK(a.ok && a.n_procs == 2);
    c = 'g';
    CHECK(write(go[1], &c, 1) == 1);
    CHECK(read(reaped[0], &c, 1) == 1);        /* the child exited and was reaped */
    host_cpu_sample(parent, &b);
    CHECK(b.ok && b.n_procs == 1);
    struct host_cpu_window w;
    host_cpu_window(&a, &b, &w);
    CHECK(w.own_ms >= 60.0);                   /* its 100 ms in the window, 10 ms ticks */
    CHECK(w.own_ms <= 200.0);                  /* not its 400 ms life */
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
    int fds[] = { ready[0], ready[1], go[0], go[1], reaped[0], reaped[1] };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        close(fds[i]);
}

/* The set of renderers a browser's loads used: a pid that came back with
 * another start time is a new renderer, an unknown start time (0) matches
 * any, and thousands of ids (pids colliding in the hash) are all found. */
static void test_renderer_set(void)
{
    struct renderer_set set = { 0 };
    CHECK(!renderer_set_has(&set, (struct renderer_id){ 100, 5 }));
    for (int64_t i = 1; i <= 5000; i++)
        renderer_set_add(&set, (struct renderer_id){ i * 64, (uint64_t)i + 1000 });
    CHECK(set.n == 5000 && set.cap >= 10000);
    int found = 0;
    for (int64_t i = 1; i <= 5000; i++)
        found += renderer_set_has(&set, (struct renderer_id){ i * 64, (uint64_t)i + 1000 });
    CHECK(found == 5000);
    CHECK(!renderer_set_has(&set, (struct renderer_id){ 64, 7 }));      /* the pid wrapped */
    CHECK(renderer_set_has(&set, (struct renderer_id){ 64, 0 }));       /* unknown: the same */
    CHECK(!renderer_set_has(&set, (struct renderer_id){ 65, 0 }));
    renderer_set_add(&set, (struct renderer_id){ 64, 7 });              /* both kept */
    CHECK(renderer_set_has(&set, (struct renderer_id){ 64, 7 }) &&
          renderer_set_has(&set, (struct renderer_id){ 64, 1001 }));
    renderer_set_add(&set, (struct renderer_id){ 0, 1 });               /* no pid: ignored */
    CHECK(set.n == 5001);
    renderer_set_free(&set);
    CHECK(set.n == 0 && !renderer_set_has(&set, (struct renderer_id){ 64, 7 }));
}

/* A renderer's identity is its pid AND start time (pids wrap): the start
 * time read for this process is /proc/self/stat's field 22, read here
 * field by field; a child's is its own (it started later) and, once the
 * child is reaped, unknown. */
static void test_start_ticks(void)
{
    char line[1024] = { 0 };
    FILE *f = fopen("/proc/self/stat", "re");
    CHECK(f && fgets(line, sizeof line, f));
    if (f)
        fclose(f);
    char *p = strrchr(line, ')');
    unsigned long long want = 0;
    CHECK(p != NULL);
    char *save = NULL;
    int field = 3;
    for (char *tok = p ? strtok_r(p + 1, " ", &save) : NULL; tok;
         tok = strtok_r(NULL, " ", &save), field++)
        if (field == 22)
            want = strtoull(tok, NULL, 10);
    CHECK(want > 0);
    CHECK(renderer_start_ticks(getpid()) == want);

    struct timespec pause_ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&pause_ts, NULL);                /* at least 2 ticks (100 Hz) later */
    nanosleep(&pause_ts, NULL);
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    CHECK(child > 0);
    uint64_t child_start = renderer_start_ticks(child);
    CHECK(child_start > want);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK(renderer_start_ticks(child) == 0);   /* gone: unknown */
}

/* A stand-in renderer: a shell blocked in its own `read` (no child of its
 * own) on a pipe whose writer it holds itself, with --type=renderer on its
 * command line, in process group pgid (0: a new group of its own). */
static pid_t spawn_process(pid_t pgid, bool renderer)
{
    pid_t pid = fork();
    if (pid == 0) {
        int never[2];
        if (pipe(never) != 0 || dup2(never[0], STDIN_FILENO) < 0)
            _exit(127);
        setpgid(0, pgid);
        execl("/bin/sh", "sh", "-c", "read line", "sh", renderer ? "--type=renderer" : "--type=gpu",
              (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        setpgid(pid, pgid ? pgid : pid);   /* both sides: no race with the count */
    return pid;
}

/* renderer_procs against the real /proc: what is counted (live renderers of
 * the group, not zombies, not other types, not other groups) and the waits
 * the batched loop relies on (load.c). */
static void test_renderer_procs(void)
{
    pid_t group = spawn_process(0, true);
    CHECK(group > 0);
    if (group <= 0)
        return;
    pid_t second = spawn_process(group, true);
    pid_t third = spawn_process(group, true);
    pid_t gpu = spawn_process(group, false);          /* same group, not a renderer */
    pid_t elsewhere = spawn_process(0, true);         /* a renderer of another group */
    pid_t all[] = { group, second, third, gpu, elsewhere };
    bool spawned = second > 0 && third > 0 && gpu > 0 && elsewhere > 0;
    CHECK(spawned);
    /* execl has run once the command lines say so */
    for (int i = 0; spawned && i < 400 &&
                    (renderer_count(group) < 3 || renderer_count(elsewhere) < 1); i++)
        usleep(5000);
    CHECK(renderer_count(group) == 3);
    CHECK(renderer_count(elsewhere) == 1);

    int64_t before[RENDERER_PROCS_MAX];
    size_t n = renderer_pids(group, before, RENDERER_PROCS_MAX);
    CHECK(n == 3);
    struct renderer_id ids[4];
    CHECK(renderer_ids(group, ids, 4) == 3);
    for (size_t i = 0; i < 3; i++)
        CHECK(ids[i].start > 0 && ids[i].start == renderer_start_ticks(ids[i].pid));
    CHECK(renderer_ids(group, ids, 2) == 2);          /* at most max */

    /* none gone: the waits run out */
    CHECK(renderer_wait_one_gone(group, before, n, 30) == -1);
    CHECK(renderer_wait_at_most(group, 2, 30) == -1);

    if (second > 0)
        kill(second, SIGKILL);                        /* not reaped: a zombie is gone too */
    CHECK(renderer_wait_one_gone(group, before, n, 3000) == 0);
    CHECK(renderer_wait_at_most(group, 2, 3000) == 0);
    CHECK(renderer_count(group) == 2);
    renderer_wait_gone(second, 3000);
    CHECK(renderer_start_ticks(second) > 0);          /* a zombie still has its stat */

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i] <= 0)
            continue;   /* kill(-1) would signal every process */
        kill(all[i], SIGKILL);
        waitpid(all[i], NULL, 0);
    }
    CHECK(renderer_count(group) == 0 && renderer_count(elsewhere) == 0);
    CHECK(renderer_wait_at_most(group, 0, 30) == 0);
}

/* Sets the pid the kernel hands out next to pid (root: writes
 * /proc/sys/kernel/ns_last_pid). False when this process may not. */
static bool next_pid_is(pid_t pid)
{
    int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char text[32];
    int len = snprintf(text, sizeof text, "%ld", (long)pid - 1);
    bool ok = write(fd, text, (size_t)len) == len;
    close(fd);
    return ok;
}

/* pid's renderer id (pid and start time) once /proc lists it as a renderer
 * of group (its exec done), waiting up to 2 s; start 0 if it never is. */
static struct renderer_id renderer_id_of(pid_t group, pid_t pid)
{
    struct renderer_id ids[8];
    for (int i = 0; i < 400; i++, usleep(5000)) {
        size_t n = renderer_ids(group, ids, 8);
        for (size_t j = 0; j < n; j++)
            if (ids[j].pid == pid)
                return ids[j];
    }
    return (struct renderer_id){ pid, 0 };
}

/* A real pid wrap: a stand-in renderer's pid handed to a new stand-in
 * renderer once the first was reaped. The set of renderers a browser used
 * (note_isolation, load.c) must call the second new: it matches by pid AND
 * start time. Without root (ns_last_pid not writable) it says so and
 * checks nothing. */
static void test_pid_reused(void)
{
    pid_t group = spawn_process(0, true);     /* the "browser" group, kept */
    CHECK(group > 0);
    if (group <= 0)
        return;
    bool reused = false, writable = true;
    /* another process may take the pid between the write and the fork: retry */
    for (int attempt = 0; attempt < 5 && writable && !reused; attempt++) {
        pid_t first = spawn_process(group, true);
        CHECK(first > 0);
        if (first <= 0)
            break;
        struct renderer_id old = renderer_id_of(group, first);
        CHECK(old.start > 0);
        struct renderer_set seen = { 0 };
        renderer_set_add(&seen, old);
        kill(first, SIGKILL);
        waitpid(first, NULL, 0);
        struct timespec tick = { 0, 30 * 1000 * 1000 };
        nanosleep(&tick, NULL);               /* start times count 10 ms ticks */
        writable = next_pid_is(first);
        pid_t again = writable ? spawn_process(group, true) : -1;
        if (again == first) {
            reused = true;
            struct renderer_id now = renderer_id_of(group, again);
            CHECK(now.start > old.start);                  /* the same pid, later */
            CHECK(!renderer_set_has(&seen, now));           /* a new renderer */
            CHECK(renderer_set_has(&seen, old));
        }
        if (again > 0) {
            kill(again, SIGKILL);
            waitpid(again, NULL, 0);
        }
        renderer_set_free(&seen);
    }
    if (!writable)
        fprintf(stderr, "test_pid_reused: /proc/sys/kernel/ns_last_pid is not writable here: "
                        "no pid was reused, nothing checked\n");
    else
        CHECK(reused);
    kill(group, SIGKILL);
    waitpid(group, NULL, 0);
}

int main(void)
{
    test_renderer_procs();
    test_pid_reused();
    test_start_ticks();
    test_real_traces();
    test_everything_shared();
    test_window();
    test_host_cpu();
    test_reaped_child();
    test_renderer_set();
    test_exiting_process();
    return check_result();
}
