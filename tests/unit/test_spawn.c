/* base/spawn: exit codes, exec failures through the errno pipe, captured and
 * bounded output, files, the timeout killing the whole group, PDEATHSIG,
 * signal dispositions reset, envp and cwd. No browser; every child bounded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "base/util.h"
#include "tests/check.h"

static char *sh_argv[4] = { "sh", "-c", NULL, NULL };

static struct spawn_options sh(const char *script)
{
    sh_argv[2] = (char *)script;
    return (struct spawn_options){ .file = "/bin/sh", .argv = sh_argv, .new_group = true,
                                   .die_with_parent = true, .out = SPAWN_IO_CAPTURE,
                                   .err = SPAWN_IO_CAPTURE };
}

/* Waits up to 3 s for pid (our child, or an orphan we reap as subreaper) and
 * returns its status, or -1 if it is still running. */
static int reap_within(pid_t pid)
{
    int64_t deadline = mono_us() + 3000000;
    int status;
    while (mono_us() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        usleep(10000);
    }
    return -1;
}

static void test_exit_codes(void)
{
    char err[256];
    struct spawn_result r;
    struct spawn_options o = sh("exit 3");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);
    CHECK(!spawn_result_ok(&r));
    spawn_result_free(&r);
    o = sh("exit 0");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK(spawn_result_ok(&r));
    spawn_result_free(&r);
    o = sh("kill -9 $$");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    spawn_result_free(&r);
}

static void test_exec_failures(void)
{
    char err[256];
    struct spawn_result r;
    char *argv[] = { "x", NULL };
    struct spawn_options o = { .file = "/nonexistent/wasmlab-x", .argv = argv };
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), -1);
    CHECK_INT(r.exec_errno, ENOENT);
    CHECK(strstr(err, "cannot execute /nonexistent/wasmlab-x") != NULL);
    spawn_result_free(&r);

    o.file = "wasmlab-no-such-tool";
    o.search_path = true;
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), -1);
    CHECK_INT(r.exec_errno, ENOENT);
    spawn_result_free(&r);

    char plain[] = "/tmp/wasmlab-test-spawn-XXXXXX";   /* a file that is not executable */
    int fd = mkstemp(plain);
    CHECK(fd >= 0);
    close(fd);
    o.file = plain;
    o.search_path = false;
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), -1);
    CHECK_INT(r.exec_errno, EACCES);
    spawn_result_free(&r);
    unlink(plain);

    o = sh("exit 0");
    o.cwd = "/nonexistent/dir";
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), -1);
    CHECK_INT(r.exec_errno, ENOENT);
    CHECK(strstr(err, "cannot change to /nonexistent/dir") != NULL);
    spawn_result_free(&r);

    /* spawn_start reports the same and leaves nothing to reap */
    struct spawn_child c;
    o.cwd = NULL;
    o.file = "/nonexistent/wasmlab-x";
    CHECK_INT(spawn_start(&c, &o, err, sizeof err), -1);
    CHECK_INT(c.exec_errno, ENOENT);
    CHECK_INT(c.pid, -1);
    CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

static void test_capture_bounded(void)
{
    char err[256];
    struct spawn_result r;
    struct spawn_options o = sh("echo out; echo err >&2; cd /tmp && pwd");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK_STR(r.out.data, "out\n/tmp\n");
    CHECK_STR(r.err.data, "err\n");
    CHECK(!r.out_truncated && !r.err_truncated);
    spawn_result_free(&r);

    /* 1 MB written, 1000 bytes kept: the child is not blocked, the rest dropped */
    o = sh("head -c 1000000 /dev/zero; echo done >&2");
    o.out_limit = 1000;
    int64_t t0 = mono_us();
    CHECK_INT(spawn_run(&o, 10000, NULL, &r, err, sizeof err), 0);
    CHECK(spawn_result_ok(&r));
    CHECK_INT(r.out.len, 1000);          /* the first 1000 bytes kept */
    CHECK(r.out_truncated);
    CHECK_STR(r.err.data, "done\n");
    CHECK(mono_us() - t0 < 5000000);
    spawn_result_free(&r);

    /* cwd and envp */
    char *envp[] = { "WASMLAB_SPAWN_TEST=bar", NULL };
    o = sh("echo \"$WASMLAB_SPAWN_TEST\"; pwd");
    o.envp = envp;
    o.cwd = "/";
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK_STR(r.out.data, "bar\n/\n");
    spawn_result_free(&r);
}

static void test_file_output(void)
{
    char dir[] = "/tmp/wasmlab-test-spawn-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *log = xasprintf("%s/log", dir);
    char err[256];
    struct spawn_result r;
    struct spawn_options o = sh("echo a; echo b >&2");
    o.out = SPAWN_IO_FILE;
    o.out_path = log;
    o.err = SPAWN_IO_STDOUT;
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    size_t n = 0;
    char *text = (char *)read_whole_file(log, &n);
    CHECK_STR(text, "a\nb\n");
    struct stat st;
    CHECK(stat(log, &st) == 0 && (st.st_mode & 0777) == 0600);
    free(text);
    spawn_result_free(&r);

    /* a file that cannot be created: an error before anything starts */
    char *bad = xasprintf("%s/no/such/log", dir);
    o.out_path = bad;
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), -1);
    CHECK(strstr(err, "cannot open") != NULL);
    CHECK_INT(r.exec_errno, 0);
    spawn_result_free(&r);
    free(bad);
    unlink(log);
    rmdir(dir);
    free(log);
}

/* The timeout SIGKILLs the whole group: the shell and the sleep it started. */
static void test_timeout_kills_group(void)
{
    char err[256];
    struct spawn_result r;
    struct spawn_options o = sh("sleep 30 & echo $!; wait");
    int64_t t0 = mono_us();
    CHECK_INT(spawn_run(&o, 300, NULL, &r, err, sizeof err), -1);
    CHECK(r.timed_out);
    CHECK(strstr(err, "did not finish within 1 s") != NULL);
    CHECK(mono_us() - t0 < 3000000);
    CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    long grandchild = 0;
    CHECK(r.out.data && parse_long(strtok(r.out.data, "\n"), 1, 1L << 30, &grandchild) == 0);
    if (grandchild > 0) {
        /* we are a subreaper: the orphaned sleep is ours to reap */
        int st = reap_within((pid_t)grandchild);
        CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        if (st == -1)
            kill((pid_t)grandchild, SIGKILL);
    }
    spawn_result_free(&r);

    volatile int interrupted = 1;
    o = sh("sleep 30");
    t0 = mono_us();
    CHECK_INT(spawn_run(&o, 0, &interrupted, &r, err, sizeof err), -1);
    CHECK(r.interrupted);
    CHECK(mono_us() - t0 < 3000000);
    spawn_result_free(&r);
}

static void test_start_alive_kill(void)
{
    char err[256];
    char *argv[] = { "sleep", "30", NULL };
    struct spawn_options o = { .file = "sleep", .argv = argv, .search_path = true,
                               .new_group = true, .die_with_parent = true };
    struct spawn_child c;
    CHECK_INT(spawn_start(&c, &o, err, sizeof err), 0);
    CHECK(spawn_alive(&c));
    CHECK(getpgid(c.pid) == c.pid);          /* its own group */
    CHECK(!spawn_wait(&c, 50));
    spawn_kill(&c);
    CHECK(c.exited);
    char how[64];
    spawn_describe(&c, how, sizeof how);
    CHECK_STR(how, "killed by signal 9");
    spawn_kill(&c);                          /* twice is fine */
    CHECK(!spawn_alive(&c));

    char *argv2[] = { "true", NULL };
    o.file = "true";
    o.argv = argv2;
    o.new_group = false;
    CHECK_INT(spawn_start(&c, &o, err, sizeof err), 0);
    CHECK(spawn_wait(&c, 3000));
    spawn_describe(&c, how, sizeof how);
    CHECK_STR(how, "exit status 0");
}

/* A middle process starts `sleep 30` and exits: with die_with_parent the
 * sleep is SIGKILLed at once; without, it lives on. */
static pid_t orphan_sleep(bool die_with_parent)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t middle = fork();
    if (middle == 0) {
        char err[256];
        char *argv[] = { "sleep", "30", NULL };
        struct spawn_options o = { .file = "sleep", .argv = argv, .search_path = true,
                                   .new_group = true, .die_with_parent = die_with_parent };
        struct spawn_child c;
        pid_t pid = spawn_start(&c, &o, err, sizeof err) == 0 ? c.pid : -1;
        ssize_t w = write(p[1], &pid, sizeof pid);
        (void)w;
        _exit(0);
    }
    close(p[1]);
    pid_t pid = -1;
    if (read(p[0], &pid, sizeof pid) != (ssize_t)sizeof pid)
        pid = -1;
    close(p[0]);
    waitpid(middle, NULL, 0);
    return pid;
}

static void test_pdeathsig(void)
{
    pid_t pid = orphan_sleep(true);
    CHECK(pid > 0);
    if (pid > 0) {
        int st = reap_within(pid);
        CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        if (st == -1)
            kill(pid, SIGKILL);
    }
    pid = orphan_sleep(false);
    CHECK(pid > 0);
    if (pid > 0) {
        usleep(200000);
        CHECK(waitpid(pid, NULL, WNOHANG) == 0);   /* still running */
        kill(pid, SIGKILL);
        CHECK(reap_within(pid) != -1);
    }
}

/* What wasmlab ignores, the child does not: a SIGTERM kills it. */
static void test_signals_reset(void)
{
    signal(SIGTERM, SIG_IGN);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    char err[256];
    struct spawn_result r;
    struct spawn_options o = sh("kill -TERM $$; sleep 1; exit 0");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
    spawn_result_free(&r);
    o = sh("kill -INT $$; sleep 1; exit 0");
    CHECK_INT(spawn_run(&o, 5000, NULL, &r, err, sizeof err), 0);
    CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGINT);
    spawn_result_free(&r);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGTERM, SIG_DFL);
}

int main(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    test_exit_codes();
    test_exec_failures();
    test_capture_bounded();
    test_file_output();
    test_timeout_kills_group();
    test_start_alive_kill();
    test_pdeathsig();
    test_signals_reset();
    return check_result();
}
