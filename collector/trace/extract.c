#include "collector/trace/extract.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/string_pool.h"
#include "base/util.h"

enum kind { K_SEND, K_RESPONSE, K_FINISH, K_DATA, K_WASM, K_MARK, K_GC };

/* The compact copy of a relevant event. A batch holds every load's kept
 * events until its trace is read (a Go module's load keeps ~1,700, go/json's
 * ~5,500), so the record is small: strings and threads are indices into the
 * extractor's tables, not pointers (112 bytes a record before, 56 now). */
struct kept {
    int64_t ts, dur;
    int64_t n1;               /* statusCode / bytes / decodedBodyLength / heap before */
    int64_t n2;               /* encodedDataLength / cache size / heap after; for
                               * K_RESPONSE the mimeType (a string index) */
    uint32_t thread;          /* x->threads: its pid and tid */
    /* x->strings indices, cut as the old fixed-size copies were */
    uint32_t name;            /* at most 63 bytes */
    uint32_t cat;             /* 79 */
    uint32_t text;            /* network kinds: requestId, 63; K_WASM: args.id, 23 */
    uint32_t seq;             /* order kept: equal ts stay in file order */
    uint8_t kind;             /* enum kind */
    char ph;
    int8_t gc_kind;           /* K_GC: index into extract_gc_kinds */
};

_Static_assert(sizeof(struct kept) <= 56, "a kept event stays small: a batch holds many");

/* The process and thread of kept events, each pair once. */
struct thread_ref {
    int64_t pid, tid;
};

/* V8 GC event names -> kinds, checked against traces of Chromium 126 and 156
 * (names are from V8's src/heap/heap.cc DevToolsTraceEventScope and
 * gc-tracer.cc; both versions emit MinorGC/MajorGC as X events with
 * usedHeapSizeBefore/After). Pauses: the observable main-thread pause of a
 * scavenge or a full GC, and incremental marking steps (separate tasks).
 * Phases: nested inside a pause; kept, not counted. */
const struct extract_gc_kind extract_gc_kinds[] = {
    { "MinorGC", "minor", true },
    { "MajorGC", "major", true },
    { "V8.GCIncrementalMarking", "incremental_step", true },
    { "V8.GCIncrementalMarkingStart", "incremental_start", true },
    { "V8.GCIncrementalMarkingFinalize", "incremental_finalize", true },
    { "V8.GCMinorMarkSweep", "minor_ms_phase", false },
    { "V8.GCMinorMS", "minor_ms_phase", false },
    { "V8.GCScavenger", "scavenge_phase", false },
    { "V8.GCFinalizeMC", "finalize_mc_phase", false },
    { "V8.GCFinalizeMCReduceMemory", "finalize_mc_phase", false },
    { "V8.GCCompactor", "compactor_phase", false },
    { NULL, NULL, false }
};

static int gc_kind_index(const char *name)
{
    for (int i = 0; extract_gc_kinds[i].name; i++)
        if (strcmp(extract_gc_kinds[i].name, name) == 0)
            return i;
    return -1;
}

struct extractor {
    char module_path[1024];
    struct kept *kept;
    size_t n, cap;
    struct string_pool strings;   /* kept's names, categories, ids */
    struct thread_ref *threads;   /* kept's threads, by index */
    struct string_pool thread_keys;   /* "pid tid" -> the same index */
    uint32_t last_thread;         /* events come in runs of one thread */
    uint64_t events;
    bool focused;             /* extractor_focus: keep one renderer's events */
    int64_t focus_pid;
    char focus_req[64];
};

/* What an event can be to the extractor, from its name alone: most events
 * are none of these, and the test is cheap (the first byte decides). */
enum want { W_NONE, W_GC, W_SEND, W_RESPONSE, W_FINISH, W_DATA, W_WASM, W_MARK };

static enum want classify(const char *name, int *gk)
{
    *gk = -1;
    switch (name[0]) {
    case 'M':
    case 'V':
        *gk = gc_kind_index(name);
        return *gk >= 0 ? W_GC : W_NONE;
    case 'R':
        if (strncmp(name, "Resource", 8) != 0)
            return W_NONE;
        name += 8;
        return strcmp(name, "SendRequest") == 0 ? W_SEND
             : strcmp(name, "ReceiveResponse") == 0 ? W_RESPONSE
             : strcmp(name, "Finish") == 0 ? W_FINISH
             : strcmp(name, "ReceivedData") == 0 ? W_DATA : W_NONE;
    case 'w':
        if (strncmp(name, "wasm", 4) != 0)
            return W_NONE;
        return name[4] == '.' ? W_WASM : strncmp(name + 4, "lab:", 4) == 0 ? W_MARK : W_NONE;
    case 'v':
        return strncmp(name, "v8.wasm.", 8) == 0 ? W_WASM : W_NONE;
    default:
        return W_NONE;
    }
}

bool extract_wants_args(void *arg, const struct trace_event *ev)
{
    (void)arg;
    int gk;
    if (ev->ts_us == INT64_MIN || ev->ph == 'M')
        return false;
    enum want w = classify(ev->name, &gk);
    return w != W_NONE && w != W_MARK;
}

void extractor_focus(struct extractor *x, int64_t pid, const char *request_id)
{
    x->focused = true;
    x->focus_pid = pid;
    snprintf(x->focus_req, sizeof x->focus_req, "%s", request_id);
}

/* How an event of this kind is matched to a focused load. */
static enum extract_focus_key focus_key(enum want w)
{
    return w == W_NONE ? EXTRACT_FOCUS_NONE
         : w == W_RESPONSE || w == W_FINISH || w == W_DATA ? EXTRACT_FOCUS_REQUEST
                                                            : EXTRACT_FOCUS_PID;
}

enum extract_focus_key extract_focus_key(const struct trace_event *ev)
{
    int gk;
    if (ev->ts_us == INT64_MIN || ev->ph == 'M')
        return EXTRACT_FOCUS_NONE;
    return focus_key(classify(ev->name, &gk));
}

/* With a focus, whether an event of this kind belongs to the focused load:
 * the renderer's own events by pid, the request's by its id. */
static bool in_focus(const struct extractor *x, enum want w, const struct trace_event *ev)
{
    if (!x->focused)
        return true;
    if (focus_key(w) == EXTRACT_FOCUS_REQUEST) {
        const char *req = trace_event_arg_text(ev, "data.requestId");
        char cut[64];
        snprintf(cut, sizeof cut, "%s", req ? req : "");   /* as kept: 63 bytes */
        return strcmp(cut, x->focus_req) == 0;
    }
    return ev->pid == x->focus_pid;
}

void extract_url_path(const char *url, char *out, size_t len)
{
    const char *p = url;
    const char *scheme = strstr(url, "://");
    if (scheme) {
        p = strchr(scheme + 3, '/');
        if (!p)
            p = "/";
    }
    size_t n = strcspn(p, "?#");
    if (n >= len)
        n = len - 1;
    memcpy(out, p, n);
    out[n] = 0;
}

struct extractor *extractor_new(const char *module_path)
{
    struct extractor *x = xcalloc(1, sizeof *x);
    snprintf(x->module_path, sizeof x->module_path, "%s", module_path);
    string_pool_add(&x->strings, "", 0);   /* index 0: a zeroed record's strings are "" */
    return x;
}

void extractor_free(struct extractor *x)
{
    if (!x)
        return;
    free(x->kept);
    string_pool_free(&x->strings);
    free(x->threads);
    string_pool_free(&x->thread_keys);
    free(x);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The index of the event's (pid, tid) in x->threads, added when new. */
static uint32_t thread_of(struct extractor *x, int64_t pid, int64_t tid)
{
    if (x->thread_keys.n && x->threads[x->last_thread].pid == pid &&
        x->threads[x->last_thread].tid == tid)
        return x->last_thread;
    char key[48];
    snprintf(key, sizeof key, "%" PRId64 " %" PRId64, pid, tid);
    size_t known = x->thread_keys.n;
    uint32_t i = string_pool_add(&x->thread_keys, key, SIZE_MAX);
    if (i == known) {                              /* a new thread */
        if ((i & (i - 1)) == 0)                    /* 0, 1, 2, 4, ...: full */
            x->threads = xrealloc(x->threads, (size_t)(i ? 2 * i : 1) * sizeof *x->threads);
        x->threads[i] = (struct thread_ref){ pid, tid };
    }
    x->last_thread = i;
    return i;
}

static const char *str(const struct extractor *x, uint32_t i)
{
    return string_pool_get(&x->strings, i);
}

static int64_t pid_of(const struct extractor *x, const struct kept *k)
{
    return x->threads[k->thread].pid;
}

static int64_t tid_of(const struct extractor *x, const struct kept *k)
{
    return x->threads[k->thread].tid;
}

/* A new zeroed record at the end of kept (seq: its place in file order). */
static struct kept *append(struct extractor *x)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->kept = xrealloc(x->kept, x->cap * sizeof *x->kept);
    }
    struct kept *k = &x->kept[x->n];
    memset(k, 0, sizeof *k);
    k->seq = (uint32_t)x->n++;
    return k;
}

static struct kept *keep(struct extractor *x, enum kind kind, const struct trace_event *ev)
{
    struct kept *k = append(x);
    k->kind = (uint8_t)kind;
    k->ph = ev->ph;
    k->ts = ev->ts_us;
    k->dur = ev->dur_us;
    k->thread = thread_of(x, ev->pid, ev->tid);
    k->name = string_pool_add(&x->strings, ev->name, 63);
    k->cat = string_pool_add(&x->strings, ev->cat, 79);
    return k;
}

void extractor_merge(struct extractor *x, struct extractor *later)
{
    x->events += later->events;
    for (size_t i = 0; i < later->n && x->n < UINT32_MAX; i++) {
        const struct kept *from = &later->kept[i];
        struct kept *k = append(x);   /* after all of x's: file order */
        uint32_t seq = k->seq;
        *k = *from;
        k->seq = seq;
        k->thread = thread_of(x, pid_of(later, from), tid_of(later, from));
        /* already cut to their lengths */
        k->name = string_pool_add(&x->strings, str(later, from->name), SIZE_MAX);
        k->cat = string_pool_add(&x->strings, str(later, from->cat), SIZE_MAX);
        k->text = string_pool_add(&x->strings, str(later, from->text), SIZE_MAX);
        if (from->kind == K_RESPONSE)
            k->n2 = string_pool_add(&x->strings, str(later, (uint32_t)from->n2), SIZE_MAX);
    }
    free(later->kept);
    later->kept = NULL;
    later->n = later->cap = 0;
}

static int64_t arg_int(const struct trace_event *ev, const char *key, int64_t dflt)
{
    double v;
    int64_t n;
    if (trace_event_arg_number(ev, key, &v) && round_to_int64(v, UNTRUSTED_COUNT_LIMIT, &n))
        return n;
    return dflt;
}

/* Saturating: a hostile trace with millions of huge chunks must not overflow. */
static void add_bytes(int64_t *total, int64_t n)
{
    if (__builtin_add_overflow(*total, n, total))
        *total = n < 0 ? INT64_MIN : INT64_MAX;
}

static uint32_t arg_text(struct extractor *x, const struct trace_event *ev, const char *key,
                         size_t max)
{
    return string_pool_add(&x->strings, trace_event_arg_text(ev, key), max);
}

void extract_event(void *arg, const struct trace_event *ev)
{
    struct extractor *x = arg;
    x->events++;
    if (ev->ts_us == INT64_MIN || ev->ph == 'M')
        return;
    struct kept *k;
    int gk;
    enum want w = classify(ev->name, &gk);
    if (w == W_NONE || !in_focus(x, w, ev))
        return;
    if (x->n == UINT32_MAX)
        return;   /* kept's seq is 32 bits: 4 G events would be ~240 GB of them */
    if (w == W_GC) {
        if (ev->ph != 'X' && ev->ph != 'B' && ev->ph != 'E')
            return;
        k = keep(x, K_GC, ev);
        k->gc_kind = (int8_t)gk;
        k->n1 = arg_int(ev, "usedHeapSizeBefore", -1);
        k->n2 = arg_int(ev, "usedHeapSizeAfter", -1);
        return;
    }
    if (ev->ph == 'E' || ev->ph == 'e')
        return;
    if (w == W_SEND) {
        const char *url = trace_event_arg_text(ev, "data.url");
        char path[1024];
        if (!url)
            return;
        extract_url_path(url, path, sizeof path);
        if (strcmp(path, x->module_path) != 0)
            return;
        k = keep(x, K_SEND, ev);
        k->text = arg_text(x, ev, "data.requestId", 63);
    } else if (w == W_RESPONSE) {
        k = keep(x, K_RESPONSE, ev);
        k->text = arg_text(x, ev, "data.requestId", 63);
        k->n2 = arg_text(x, ev, "data.mimeType", 63);
        k->n1 = arg_int(ev, "data.statusCode", 0);
    } else if (w == W_FINISH) {
        k = keep(x, K_FINISH, ev);
        k->text = arg_text(x, ev, "data.requestId", 63);
        k->n1 = arg_int(ev, "data.decodedBodyLength", -1);
        k->n2 = arg_int(ev, "data.encodedDataLength", -1);
    } else if (w == W_DATA) {
        k = keep(x, K_DATA, ev);
        k->text = arg_text(x, ev, "data.requestId", 63);
        k->n1 = arg_int(ev, "data.encodedDataLength", -1);
        if (k->n1 < 0)
            k->n1 = arg_int(ev, "data.dataLength", 0);
    } else if (w == W_WASM) {
        k = keep(x, K_WASM, ev);
        k->text = arg_text(x, ev, "id", 23);
        k->n1 = arg_int(ev, "bytes", -1);
        /* the code cache's sizes (Blink's instant events) */
        k->n2 = strcmp(ev->name, "v8.wasm.cachedModule") == 0
                    ? arg_int(ev, "producedCacheSize", -1)
              : strcmp(ev->name, "v8.wasm.moduleCacheHit") == 0
                    ? arg_int(ev, "consumedCacheSize", -1)
                    : -1;
    } else {
        keep(x, K_MARK, ev);
    }
}

static int by_ts(const void *a, const void *b)
{
    const struct kept *ka = a, *kb = b;
    if (ka->ts != kb->ts)
        return ka->ts < kb->ts ? -1 : 1;
    return ka->seq < kb->seq ? -1 : ka->seq > kb->seq;
}

static const struct kept *first_wasm(const struct extractor *x, const char *name,
                                     int64_t pid, int64_t from_ts)
{
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind == K_WASM && pid_of(x, k) == pid && k->ts >= from_ts &&
            strcmp(str(x, k->name), name) == 0)
            return k;
    }
    return NULL;
}

/* GC events of the renderer: X events as they are; B/E pairs (older
 * Chromium) joined per thread and name, the E's heap size kept. */
/* How many kept events of a kind a process has (pid -1: any): arrays sized
 * to what they hold (a batch keeps its loads' results until they are stored). */
static size_t count_kept(const struct extractor *x, enum kind kind, int64_t pid)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
        n += x->kept[i].kind == kind && (pid == -1 || pid_of(x, &x->kept[i]) == pid);
    return n;
}

/* A load's chunks: the renderer's own wasm.OnBytesReceived from its
 * streaming start, else (is_net_chunk) the request's ResourceReceivedData,
 * matched by request id on any process. */
static bool is_v8_chunk(const struct extractor *x, const struct kept *k, int64_t pid,
                        int64_t from)
{
    return k->kind == K_WASM && pid_of(x, k) == pid &&
           strcmp(str(x, k->name), "wasm.OnBytesReceived") == 0 &&
           k->ts >= from && k->n1 >= 0;
}

static bool is_net_chunk(const struct kept *k, uint32_t req)
{
    return k->kind == K_DATA && k->text == req;
}

/* res->chunks was sized by the same predicates */
static void add_chunk(struct extract_result *res, const struct kept *k)
{
    res->chunks[res->n_chunks].ts_us = k->ts;
    res->chunks[res->n_chunks].bytes = k->n1;
    res->n_chunks++;
    add_bytes(&res->chunk_bytes, k->n1);
}

static void collect_gc(struct extractor *x, int64_t pid, struct extract_result *res)
{
    res->gc_events = xcalloc(count_kept(x, K_GC, pid) + 1, sizeof *res->gc_events);
    for (size_t i = 0; i < x->n; i++) {
        struct kept *k = &x->kept[i];
        if (k->kind != K_GC || pid_of(x, k) != pid || k->ph == 'E')
            continue;
        int64_t dur = k->dur, after = k->n2;
        if (k->ph == 'B') {
            dur = -1;
            for (size_t j = i + 1; j < x->n; j++) {
                const struct kept *e = &x->kept[j];
                if (e->kind == K_GC && e->ph == 'E' && e->thread == k->thread &&
                    e->gc_kind == k->gc_kind) {
                    dur = e->ts - k->ts;
                    if (e->n2 >= 0)
                        after = e->n2;
                    break;
                }
            }
        }
        struct extract_gc_event *g = &res->gc_events[res->n_gc_events++];
        g->name = string_pool_intern(&res->strings, str(x, k->name), 63);
        g->cat = string_pool_intern(&res->strings, str(x, k->cat), 79);
        g->kind = extract_gc_kinds[k->gc_kind].kind;
        g->is_pause = extract_gc_kinds[k->gc_kind].is_pause;
        g->ts_us = k->ts;
        g->dur_us = dur;
        g->tid = tid_of(x, k);
        g->heap_before = k->n1;
        g->heap_after = after;
    }
}

static int64_t mark_ts(const struct extract_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_marks; i++)
        if (strcmp(res->marks[i].name, name) == 0)
            return res->marks[i].ts_us;
    return EXTRACT_NONE;
}

/* The events that start a compile, one per API (extract.h). */
static const char *const compile_start_events[] = {
    "wasm.StartStreamingCompilation", "wasm.AsyncCompile", "wasm.SyncCompile", NULL
};

/* The earliest of several event names: *which gets the (static) name. */
static const struct kept *first_wasm_of(const struct extractor *x, const char *const *names,
                                        int64_t pid, int64_t from_ts, const char **which)
{
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind != K_WASM || pid_of(x, k) != pid || k->ts < from_ts)
            continue;
        for (int j = 0; names[j]; j++)
            if (strcmp(str(x, k->name), names[j]) == 0) {
                *which = names[j];
                return k;
            }
    }
    return NULL;
}

/* ts + dur of a complete slice, saturating (a hostile trace's numbers). */
static int64_t slice_end(const struct kept *k)
{
    int64_t end;
    if (k->dur < 0 || __builtin_add_overflow(k->ts, k->dur, &end))
        return k->ts;
    return end;
}

/* The thread of the harness's first mark: the page's JS thread. */
static int64_t page_thread(const struct extractor *x, int64_t pid, int64_t dflt)
{
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind == K_MARK && pid_of(x, k) == pid &&
            strcmp(str(x, k->name), "wasmlab:start") == 0)
            return tid_of(x, k);
    }
    return dflt;
}

struct span {
    int64_t tid, start, end;
};

static int by_thread_then_start(const void *a, const void *b)
{
    const struct span *sa = a, *sb = b;
    if (sa->tid != sb->tid)
        return sa->tid < sb->tid ? -1 : 1;
    if (sa->start != sb->start)
        return sa->start < sb->start ? -1 : 1;
    return 0;
}

/* compile_work_us, overlap_us and the percentage (extract.h): slices off
 * the main thread clipped to the compile window, merged per thread so that
 * nested slices (SyncCompile > DecodeWasmModule > ...) count once. */
static void compile_work(const struct extractor *x, int64_t pid, struct extract_result *res)
{
    int64_t from = res->compile_start_us, to = res->compile_finished_us;
    if (from == EXTRACT_NONE || to == EXTRACT_NONE || to < from)
        return;
    struct span *sp = xcalloc(x->n ? x->n : 1, sizeof *sp);
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind != K_WASM || k->ph != 'X' || pid_of(x, k) != pid ||
            tid_of(x, k) == res->main_tid)
            continue;
        int64_t start = k->ts > from ? k->ts : from, end = slice_end(k);
        if (end > to)
            end = to;
        if (end > start)
            sp[n++] = (struct span){ tid_of(x, k), start, end };
    }
    if (n)
        qsort(sp, n, sizeof *sp, by_thread_then_start);
    int64_t work = 0, before = 0, last = res->last_byte_us;
    for (size_t i = 0; i < n;) {
        int64_t start = sp[i].start, end = sp[i].end;
        size_t j = i + 1;
        for (; j < n && sp[j].tid == sp[i].tid && sp[j].start <= end; j++)
            if (sp[j].end > end)
                end = sp[j].end;
        work += end - start;   /* bounded by the window times threads: no overflow */
        if (last != EXTRACT_NONE && last > start)
            before += (end < last ? end : last) - start;
        i = j;
    }
    free(sp);
    res->compile_work_us = work;
    res->overlap_us = last == EXTRACT_NONE ? EXTRACT_NONE : before;
    if (work > 0 && last != EXTRACT_NONE)
        res->compile_before_last_byte_pct = 100.0 * (double)before / (double)work;
}

/* Compile start, instantiate end, first output, start-up and compile work:
 * the phases extract.h defines. Needs the marks, the last byte and the
 * compile end already found. */
static void extract_phases(const struct extractor *x, int64_t pid, int64_t compile_from,
                           struct extract_result *res)
{
    const char *which = NULL;
    const struct kept *cs = first_wasm_of(x, compile_start_events, pid, compile_from, &which);
    if (cs) {
        res->compile_start_us = cs->ts;
        res->compile_start_event = which;
    }
    const struct kept *inst = first_wasm(x, "wasm.SyncInstantiate", pid,
                                         cs ? cs->ts : compile_from);
    if (inst && inst->ph == 'X' && inst->dur >= 0) {
        res->instantiate_end_us = slice_end(inst);
        res->instantiate_end_source = "wasm.SyncInstantiate";
    } else if ((res->instantiate_end_us = mark_ts(res, "wasmlab:instantiated")) != EXTRACT_NONE) {
        res->instantiate_end_source = "mark";
    }
    res->first_output_us = mark_ts(res, "wasmlab:first-output");
    if (res->instantiate_end_us != EXTRACT_NONE && res->first_output_us != EXTRACT_NONE &&
        res->first_output_us >= res->instantiate_end_us)
        res->startup_us = res->first_output_us - res->instantiate_end_us;
    compile_work(x, pid, res);
}

/* The code-cache events on the renderer (extract.h: Code cache). */
static void code_cache_events(const struct extractor *x, int64_t pid, struct extract_result *res)
{
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind != K_WASM || pid_of(x, k) != pid ||
            !starts_with(str(x, k->name), "v8.wasm."))
            continue;
        if (strcmp(str(x, k->name), "v8.wasm.compiledModule") == 0) {
            res->cache_compiled++;
        } else if (strcmp(str(x, k->name), "v8.wasm.cachedModule") == 0) {
            if (res->cache_produced++ == 0)
                res->cache_produced_us = k->ts;
            if (k->n2 > res->cache_produced_bytes)
                res->cache_produced_bytes = k->n2;
        } else if (strcmp(str(x, k->name), "v8.wasm.moduleCacheHit") == 0) {
            res->cache_hit++;
            if (k->n2 > res->cache_consumed_bytes)
                res->cache_consumed_bytes = k->n2;
        } else if (starts_with(str(x, k->name), "v8.wasm.moduleCacheInvalid")) {
            res->cache_invalid++;
        }
    }
}

static int failf(struct extract_result *res, const char *fmt, const char *arg)
{
    snprintf(res->error, sizeof res->error, fmt, arg);
    return -1;
}

int extract_finish(struct extractor *x, struct extract_result *res)
{
    memset(res, 0, sizeof *res);
    res->request_sent_us = res->response_received_us = res->last_byte_us =
        res->stream_start_us = res->compile_finished_us = res->resource_finish_us =
        res->load_end_us = EXTRACT_NONE;
    res->first_byte_to_compile_us = res->last_byte_to_compile_us = EXTRACT_NONE;
    res->compile_start_us = res->instantiate_end_us = res->first_output_us = res->startup_us =
        res->compile_work_us = res->overlap_us = EXTRACT_NONE;
    res->compile_before_last_byte_pct = NAN;
    res->decoded_body_length = res->encoded_data_length = -1;
    res->renderer_pid = res->main_tid = -1;
    res->cache_produced_bytes = res->cache_consumed_bytes = -1;
    res->cache_produced_us = EXTRACT_NONE;
    res->events_seen = x->events;

    if (x->n)   /* qsort with a NULL base is undefined, even for 0 items */
        qsort(x->kept, x->n, sizeof *x->kept, by_ts);

    /* 1. the module's request, by URL path */
    const struct kept *send = NULL;
    for (size_t i = 0; i < x->n && !send; i++)
        if (x->kept[i].kind == K_SEND)
            send = &x->kept[i];
    if (!send)
        return failf(res, "no request for %s in the trace", x->module_path);
    const int64_t pid = pid_of(x, send);
    const uint32_t req = send->text;
    snprintf(res->request_id, sizeof res->request_id, "%s", str(x, req));
    res->request_sent_us = send->ts;
    res->renderer_pid = pid;
    res->main_tid = tid_of(x, send);

    /* 2. marks on the page's renderer */
    res->marks = xcalloc(count_kept(x, K_MARK, pid) + 1, sizeof *res->marks);
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind == K_MARK && pid_of(x, k) == pid &&
            mark_ts(res, str(x, k->name)) == EXTRACT_NONE) {
            struct extract_mark *m = &res->marks[res->n_marks++];
            snprintf(m->name, sizeof m->name, "%s", str(x, k->name));
            m->ts_us = k->ts;
        }
    }
    res->load_end_us = mark_ts(res, "wasmlab:done");

    /* 3. response and finish of that request */
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->text != req)   /* interned: one index per string */
            continue;
        if (k->kind == K_RESPONSE && res->response_received_us == EXTRACT_NONE) {
            res->response_received_us = k->ts;
            res->status_code = (int)k->n1;
            snprintf(res->mime_type, sizeof res->mime_type, "%s", str(x, (uint32_t)k->n2));
        } else if (k->kind == K_FINISH && res->resource_finish_us == EXTRACT_NONE) {
            res->resource_finish_us = k->ts;
            res->decoded_body_length = k->n1;
            res->encoded_data_length = k->n2;
        }
    }

    /* 4. compile events on the renderer, from the harness's compile start */
    int64_t compile_from = mark_ts(res, "wasmlab:compile-start");
    if (compile_from == EXTRACT_NONE)
        compile_from = send->ts;
    const struct kept *start = first_wasm(x, "wasm.StartStreamingCompilation", pid, compile_from);
    if (start) {
        res->stream_start_us = start->ts;
        res->main_tid = tid_of(x, start);
    }
    res->main_tid = page_thread(x, pid, res->main_tid);
    int64_t chunks_from = start ? start->ts : compile_from;

    size_t n_wasm = count_kept(x, K_WASM, pid);
    res->compile_events = xcalloc(n_wasm + 1, sizeof *res->compile_events);
    /* chunks (is_v8_chunk, else is_net_chunk), sized exactly: a batch
     * holds every load's result until it is stored */
    size_t n_chunks = 0;
    for (size_t i = 0; i < x->n; i++)
        n_chunks += is_v8_chunk(x, &x->kept[i], pid, chunks_from);
    bool v8_chunks = n_chunks > 0;
    for (size_t i = 0; i < x->n && !v8_chunks; i++)
        n_chunks += is_net_chunk(&x->kept[i], req);
    res->chunks = xcalloc(n_chunks + 1, sizeof *res->chunks);
    for (size_t i = 0; i < x->n; i++) {
        const struct kept *k = &x->kept[i];
        if (k->kind != K_WASM || pid_of(x, k) != pid)
            continue;
        struct extract_compile_event *ce = &res->compile_events[res->n_compile_events++];
        ce->name = string_pool_intern(&res->strings, str(x, k->name), 63);
        ce->cat = string_pool_intern(&res->strings, str(x, k->cat), 79);
        ce->compile_id = string_pool_intern(&res->strings, str(x, k->text), 23);
        ce->ph = k->ph;
        ce->ts_us = k->ts;
        ce->dur_us = k->dur;
        ce->pid = pid;
        ce->tid = tid_of(x, k);
        if (is_v8_chunk(x, k, pid, chunks_from))
            add_chunk(res, k);
    }
    res->chunk_source = "wasm.OnBytesReceived";
    if (!v8_chunks) {
        res->chunk_source = "ResourceReceivedData";
        for (size_t i = 0; i < x->n; i++) {
            const struct kept *k = &x->kept[i];
            if (is_net_chunk(k, req))
                add_chunk(res, k);
        }
    }
    res->last_byte_us = res->n_chunks ? res->chunks[res->n_chunks - 1].ts_us
                                      : res->resource_finish_us;

    collect_gc(x, pid, res);
    code_cache_events(x, pid, res);

    const struct kept *done = first_wasm(x, "wasm.OnCompilationSucceeded", pid, compile_from);
    res->compile_finished_event = "wasm.OnCompilationSucceeded";
    if (!done) {
        done = first_wasm(x, "wasm.FinishAsyncCompile", pid, compile_from);
        res->compile_finished_event = "wasm.FinishAsyncCompile";
    }
    if (done) {
        res->compile_finished_us = done->ts;
    } else if ((done = first_wasm(x, "wasm.SyncCompile", pid, compile_from)) &&
               done->ph == 'X') {
        res->compile_finished_us = slice_end(done);   /* worker-sync: no async job */
        res->compile_finished_event = "wasm.SyncCompile";
    } else {
        done = NULL;
        res->compile_finished_event = NULL;
    }
    extract_phases(x, pid, compile_from, res);

    if (res->response_received_us == EXTRACT_NONE)
        return failf(res, "no response for %s in the trace", x->module_path);
    if (!done)
        return failf(res, "no compile-finished event for %s in the trace", x->module_path);
    if (res->compile_finished_us < res->response_received_us)
        return failf(res, "compile finished before the first byte of %s", x->module_path);
    res->first_byte_to_compile_us = res->compile_finished_us - res->response_received_us;
    if (res->last_byte_us != EXTRACT_NONE)
        res->last_byte_to_compile_us = res->compile_finished_us - res->last_byte_us;
    return 0;
}

void extract_result_free(struct extract_result *res)
{
    free(res->chunks);
    free(res->compile_events);
    free(res->marks);
    free(res->gc_events);
    string_pool_free(&res->strings);
    memset(res, 0, sizeof *res);
}
