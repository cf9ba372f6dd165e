#define _GNU_SOURCE
#include "collector/cli/import_detect.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "base/string_pool.h"
#include "base/util.h"
#include "collector/trace/extract.h"
#include "collector/trace/trace_meta.h"
#include "collector/trace/trace_parser.h"

#define PIECE (256 * 1024)
#define SPLIT_MIN (16u << 20)      /* smaller files are read on one thread */
#define SPLIT_WINDOW (1u << 20)    /* a split point is looked for this far past the middle */
#define MAX_CANDIDATES 64
#define SPAN_KEYS (1u << 16)       /* pids, request ids with a span each; more: no span */
#define SPAN_KEY_BYTES 63          /* a key is cut as the extractor cuts request ids */
/* Pass 1's halves yield to the copy thread (import_copy.h), which the store
 * waits for: it ends with pass 1 instead of ~0.2-0.6 s after it on two
 * cores half used (its reader and zstd workers wait on each other), and the
 * halves take both cores for pass 1's end (bench/ingest-profile.md, "Stop
 * 29"). A nice value cannot be lowered again without privilege, so both
 * halves run on threads of their own. */
#define PASS1_NICE 5

/* ---- reading the file in pieces ---- */

typedef int (*piece_fn)(void *arg, const void *data, size_t len);

/* Why zlib failed on path, without the path: gzerror's own messages start
 * with it ("FILE: unknown compression method"). */
static const char *gz_why(gzFile gz, const char *path)
{
    int zerr;
    const char *msg = gzerror(gz, &zerr);
    if (zerr == Z_ERRNO)
        return strerror(errno);
    size_t n = strlen(path);
    return strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0 ? msg + n + 2 : msg;
}

/* Feeds bytes [from, to) of the (gunzipped) file to fn in pieces (to 0: to
 * its end); *end gets the offset reached. A plain file seeks to from; a
 * gzipped one is inflated up to it. Returns 0, -1 after a warning naming
 * the file, or -2 when fn failed (fn's own error). */
static int stream_range(const char *path, uint64_t from, uint64_t to, piece_fn fn, void *arg,
                        uint64_t *end)
{
    *end = from;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        warnf("import-trace: %s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    /* plain files: zlib reads straight into buf only for requests of twice
     * its buffer, so its buffer is kept small and the requests large */
    gzbuffer(gz, 64 * 1024);
    int rc = 0;
    if (from > 0 && gzseek(gz, (z_off_t)from, SEEK_SET) < 0) {
        warnf("import-trace: %s: cannot seek to byte %llu: %s", path, (unsigned long long)from,
              gz_why(gz, path));
        rc = -1;
    }
    char *buf = xmalloc(PIECE);
    while (rc == 0 && (to == 0 || *end < to)) {
        unsigned want = to == 0 || to - *end > PIECE ? PIECE : (unsigned)(to - *end);
        int n = gzread(gz, buf, want);
        if (n < 0) {
            warnf("import-trace: %s: %s", path, gz_why(gz, path));
            rc = -1;
        } else if (n == 0) {
            break;
        } else if (fn(arg, buf, (size_t)n) < 0) {
            rc = -2;   /* the callback's own failure */
        } else {
            *end += (uint64_t)n;
        }
    }
    free(buf);
    gzclose(gz);
    return rc;
}

/* ---- spans: where a load's events lie in the file ---- */

static void span_add(struct import_span *sp, uint64_t from, uint64_t to)
{
    if (!sp->to || from < sp->from)
        sp->from = from;
    if (to > sp->to)
        sp->to = to;
}

/* Spans by key (a pid as text, a request id), exact, for up to SPAN_KEYS
 * keys: memory stays bounded however big the trace; past that the span is
 * unknown and pass 2 reads the whole file. */
struct span_index {
    struct string_pool keys;
    struct import_span *spans;   /* by key index */
    size_t cap;
    bool overflow;
};

/* The key's index, added when new; UINT32_MAX once over SPAN_KEYS. */
static uint32_t span_key(struct span_index *ix, const char *key)
{
    if (ix->overflow)
        return UINT32_MAX;
    size_t n = ix->keys.n;
    uint32_t i = string_pool_add(&ix->keys, key, SPAN_KEY_BYTES);
    if (ix->keys.n > SPAN_KEYS) {
        ix->overflow = true;
        return UINT32_MAX;
    }
    if (ix->keys.n > n && i >= ix->cap) {
        size_t cap = ix->cap ? 2 * ix->cap : 256;
        ix->spans = xrealloc(ix->spans, cap * sizeof *ix->spans);
        memset(ix->spans + ix->cap, 0, (cap - ix->cap) * sizeof *ix->spans);
        ix->cap = cap;
    }
    return i;
}

static void span_index_add(struct span_index *ix, uint32_t i, uint64_t from, uint64_t to)
{
    if (i != UINT32_MAX)
        span_add(&ix->spans[i], from, to);
}

/* Adds b's spans to a's (the halves of one file). */
static void span_index_merge(struct span_index *a, const struct span_index *b)
{
    a->overflow |= b->overflow;
    for (size_t k = 0; k < b->keys.n && !a->overflow; k++)
        span_index_add(a, span_key(a, string_pool_get(&b->keys, (uint32_t)k)), b->spans[k].from,
                       b->spans[k].to);
}

/* The key's span; to 0 when it has none (or the index overflowed). */
static struct import_span span_of(const struct span_index *ix, const char *key)
{
    uint32_t i = ix->overflow ? UINT32_MAX : string_pool_find(&ix->keys, key, SPAN_KEY_BYTES);
    return i == UINT32_MAX ? (struct import_span){ 0, 0, false } : ix->spans[i];
}

static void span_index_free(struct span_index *ix)
{
    string_pool_free(&ix->keys);
    free(ix->spans);
}

/* ---- the module's request ---- */

/* Module requests the extractor would keep (they have a ts, are no E/M
 * events): the earliest per URL path. Pass 2 then keeps only that load's
 * events. */
struct detect {
    struct trace_parser *tp;
    const char *given;          /* --module-path, or NULL: the earliest .wasm */
    char path[1024];            /* the earliest .wasm request's path, and its ts */
    int64_t ts;
    struct import_candidate cand[MAX_CANDIDATES];
    size_t n_cand;
    bool too_many;              /* more paths than candidates: no focus */
    /* where the events a focused extractor matches lie: any load's span */
    struct span_index by_pid, by_req;
    int64_t last_pid;           /* by_pid's key of the last event (most repeat it) */
    uint32_t last_pid_key;
    struct trace_meta meta;
};

static bool is_send(const struct trace_event *ev)
{
    return ev->ph != 'M' && strcmp(ev->name, "ResourceSendRequest") == 0;
}

/* The args pass 1 needs: a request's URL and id, and the request id of the
 * events a focused extractor matches by it. */
static bool detect_wants_args(void *arg, const struct trace_event *ev)
{
    (void)arg;
    return is_send(ev) || extract_focus_key(ev) == EXTRACT_FOCUS_REQUEST;
}

static void note_span(struct detect *d, const struct trace_event *ev)
{
    enum extract_focus_key key = extract_focus_key(ev);
    if (key == EXTRACT_FOCUS_NONE)
        return;
    uint64_t from, to;
    trace_parser_event_span(d->tp, &from, &to);
    if (key == EXTRACT_FOCUS_PID) {
        if (!d->by_pid.keys.n || ev->pid != d->last_pid) {
            char text[24];
            snprintf(text, sizeof text, "%" PRId64, ev->pid);
            d->last_pid = ev->pid;
            d->last_pid_key = span_key(&d->by_pid, text);
        }
        span_index_add(&d->by_pid, d->last_pid_key, from, to);
    } else {
        const char *req = trace_event_arg_text(ev, "data.requestId");
        span_index_add(&d->by_req, span_key(&d->by_req, req ? req : ""), from, to);
    }
}

/* A request for path at ts: kept when it is the path's first, or earlier
 * than the one kept (ties: the first in file order, as extract_finish's
 * sort). The halves of a split file merge through here too. */
static void note_request(struct detect *d, const char *path, int64_t ts, int64_t pid,
                         const char *req)
{
    struct import_candidate *c = NULL;
    for (size_t i = 0; i < d->n_cand && !c; i++)
        if (strcmp(d->cand[i].path, path) == 0)
            c = &d->cand[i];
    if (!c) {
        if (d->n_cand == MAX_CANDIDATES) {
            d->too_many = true;
            return;
        }
        c = &d->cand[d->n_cand++];
        snprintf(c->path, sizeof c->path, "%s", path);
    } else if (ts >= c->ts) {
        return;
    }
    c->ts = ts;
    c->pid = pid;
    snprintf(c->req, sizeof c->req, "%s", req);
}

/* The earliest .wasm request so far (ties: the first in file order). */
static void note_earliest(struct detect *d, const char *path, int64_t ts)
{
    if (!d->path[0] || ts < d->ts) {
        snprintf(d->path, sizeof d->path, "%s", path);
        d->ts = ts;
    }
}

static void detect_event(void *arg, const struct trace_event *ev)
{
    struct detect *d = arg;
    note_span(d, ev);
    if (!is_send(ev))
        return;
    const char *url = trace_event_arg_text(ev, "data.url");
    if (!url)
        return;
    char path[1024];
    extract_url_path(url, path, sizeof path);
    bool keepable = ev->ts_us != INT64_MIN && ev->ph != 'E' && ev->ph != 'e';
    const char *req = trace_event_arg_text(ev, "data.requestId");
    if (d->given) {
        if (keepable && strcmp(path, d->given) == 0)
            note_request(d, path, ev->ts_us, ev->pid, req ? req : "");
        return;
    }
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 5, ".wasm") != 0)
        return;
    if (keepable)
        note_request(d, path, ev->ts_us, ev->pid, req ? req : "");
    note_earliest(d, path, ev->ts_us);
}

static void detect_init(struct detect *d, const char *given)
{
    memset(d, 0, sizeof *d);
    d->ts = INT64_MAX;
    d->given = given;
    d->tp = trace_parser_new(detect_event, d);
    trace_parser_set_args_filter(d->tp, detect_wants_args);
    trace_parser_set_member_fn(d->tp, trace_meta_member, &d->meta);
}

static void detect_free(struct detect *d)
{
    trace_parser_free(d->tp);
    span_index_free(&d->by_pid);
    span_index_free(&d->by_req);
    free(d);
}

/* Adds the second half's answer to the first half's, as one pass over the
 * whole file finds it: paths in order of first appearance, the earliest
 * request each. Exact unless the second half had too many paths itself (it
 * then dropped some the first half may hold): the caller checks. */
static void merge_halves(struct detect *a, const struct detect *b)
{
    for (size_t i = 0; i < b->n_cand; i++)
        note_request(a, b->cand[i].path, b->cand[i].ts, b->cand[i].pid, b->cand[i].req);
    if (b->path[0])
        note_earliest(a, b->path, b->ts);
    span_index_merge(&a->by_pid, &b->by_pid);
    span_index_merge(&a->by_req, &b->by_req);
    trace_meta_merge(&a->meta, &b->meta);
}

/* ---- two halves on two threads ---- */

/* Feeds bytes [from, to) of fd to tp, until *stop (when stop is given).
 * Returns 0, -1 on a read error (errno set), -2 on the parser's error. */
static int feed_range(int fd, uint64_t from, uint64_t to, struct trace_parser *tp,
                      const int *stop, char *buf)
{
    while (from < to) {
        if (stop && __atomic_load_n(stop, __ATOMIC_RELAXED))
            return 0;
        size_t want = to - from < PIECE ? (size_t)(to - from) : PIECE;
        ssize_t n = pread(fd, buf, want, (off_t)from);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;   /* the file shrank while read */
            return -1;
        }
        if (trace_parser_feed(tp, buf, (size_t)n) < 0)
            return -2;
        from += (uint64_t)n;
    }
    return 0;
}

static bool json_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Whether fd holds a plain (not gzipped) trace that can be split, and its
 * form: '{' for {"traceEvents":[...]}, '[' for a bare array. */
static bool splittable_form(int fd, bool *map_form)
{
    char head[4096];
    ssize_t n = pread(fd, head, sizeof head, 0);
    if (n < 2 || ((unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b))
        return false;
    for (ssize_t i = 0; i < n; i++) {
        if (json_ws(head[i]))
            continue;
        *map_form = head[i] == '{';
        return head[i] == '{' || head[i] == '[';
    }
    return false;
}

/* The offset of a ',' between '}' and '{' (whitespace aside) past the
 * middle of the file, or 0 when there is none near. Only a candidate: a
 * string can hold the same bytes; the first half's parser proves it. */
static uint64_t split_point(int fd, uint64_t size)
{
    uint64_t at = size / 2;
    char *w = xmalloc(SPLIT_WINDOW);
    ssize_t n = pread(fd, w, SPLIT_WINDOW, (off_t)at);
    uint64_t found = 0;
    for (ssize_t i = 0; i < n && !found; i++) {
        if (w[i] != ',')
            continue;
        ssize_t b = i - 1, f = i + 1;
        while (b >= 0 && json_ws(w[b]))
            b--;
        while (f < n && json_ws(w[f]))
            f++;
        if (b >= 0 && f < n && w[b] == '}' && w[f] == '{')
            found = at + (uint64_t)i;
    }
    free(w);
    return found;
}

/* A part of the file read on its own thread: bytes [from, to) fed to tp,
 * then tp finished when finish (the part ends the file; else it must end
 * between events), unless stopped; the thread's nice value raised by
 * nice_incr. */
struct half {
    struct trace_parser *tp;
    int fd;
    uint64_t from, to;
    bool finish;
    int nice_incr;
    int stop;        /* set by the other thread: this half is not needed */
    int rc;          /* feed_range's; -2 also when the trace ends badly */
    int read_errno;
    pthread_t thread;
};

static void *read_half(void *arg)
{
    struct half *h = arg;
    if (h->nice_incr) {   /* this thread only (Linux); no luck: the caller's */
        id_t self = (id_t)gettid();
        errno = 0;
        int now = getpriority(PRIO_PROCESS, self);
        if (errno == 0)
            setpriority(PRIO_PROCESS, self, now + h->nice_incr < 19 ? now + h->nice_incr : 19);
    }
    char *buf = xmalloc(PIECE);
    h->rc = feed_range(h->fd, h->from, h->to, h->tp, &h->stop, buf);
    if (h->rc == -1)
        h->read_errno = errno;
    if (h->rc == 0 && h->finish && !__atomic_load_n(&h->stop, __ATOMIC_RELAXED) &&
        trace_parser_finish(h->tp) < 0)
        h->rc = -2;
    free(buf);
    return NULL;
}

/* Starts reading [from, to) into tp on a thread; tp finished when finish.
 * Returns 0, or -1 (no thread). */
static int half_start(struct half *h, struct trace_parser *tp, int fd, uint64_t from,
                      uint64_t to, bool finish, int nice_incr)
{
    memset(h, 0, sizeof *h);
    h->tp = tp;
    h->fd = fd;
    h->from = from;
    h->to = to;
    h->finish = finish;
    h->nice_incr = nice_incr;
    return pthread_create(&h->thread, NULL, read_half, h) == 0 ? 0 : -1;
}

/* Warns of a failed read: rc -2 the parser's error, -1 errno's. */
static void warn_read(const char *file, int rc, const struct trace_parser *tp, int read_errno)
{
    if (rc == -2)
        warnf("import-trace: %s: %s", file, trace_parser_error(tp));
    else if (rc == -1)
        warnf("import-trace: %s: %s", file, strerror(read_errno));
}

/* Pass 1 over a big plain file in two halves. Returns 0 with a's answer
 * complete (*split set when the split point proved an event boundary, and
 * *events and *bytes counted over the file), -1 after a warning, or 1 when
 * the file is not split (the caller reads it on one thread; a is
 * untouched). */
static int detect_split(const char *file, struct detect *a, struct import_split *split,
                        uint64_t *events, uint64_t *bytes)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;   /* the one-thread read says why */
    struct stat sb;
    bool map_form = false;
    uint64_t comma = 0;
    if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < SPLIT_MIN ||
        !splittable_form(fd, &map_form) || !(comma = split_point(fd, (uint64_t)sb.st_size))) {
        close(fd);
        return 1;
    }
    uint64_t size = (uint64_t)sb.st_size;
    struct detect *second = xcalloc(1, sizeof *second);
    detect_init(second, a->given);
    trace_parser_start_in_events(second->tp, map_form, comma + 1);
    struct half *halves = xmalloc(2 * sizeof *halves), *f = &halves[0], *h = &halves[1];
    bool started = half_start(h, second->tp, fd, comma + 1, size, true, PASS1_NICE) == 0;
    if (started && half_start(f, a->tp, fd, 0, comma, false, PASS1_NICE) < 0) {
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
        pthread_join(h->thread, NULL);
        started = false;
    }
    if (!started) {
        detect_free(second);
        free(halves);
        close(fd);
        return 1;
    }
    pthread_join(f->thread, NULL);
    int rc = f->rc;
    int read_errno = f->read_errno;
    struct trace_parser *failed = a->tp;   /* whose error is the file's first */
    bool proved = rc == 0 && trace_parser_between_events(a->tp, map_form);
    if (!proved)
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
    pthread_join(h->thread, NULL);
    bool merged = false;
    if (proved && h->rc == 0 && !second->too_many) {
        merge_halves(a, second);
        merged = true;
    } else if (proved && h->rc < 0) {
        rc = h->rc;
        read_errno = h->read_errno;
        failed = second->tp;
    } else if (rc == 0) {
        /* no event boundary there, or the halves cannot merge exactly: the
         * first half's parser reads on, as on one thread */
        char *buf = xmalloc(PIECE);
        rc = feed_range(fd, comma, size, a->tp, NULL, buf);
        read_errno = errno;
        free(buf);
        if (rc == 0 && trace_parser_finish(a->tp) < 0)
            rc = -2;
    }
    if (rc == 0 && proved)
        *split = (struct import_split){ comma, map_form };
    *events = trace_parser_events(a->tp) + (merged ? trace_parser_events(second->tp) : 0);
    *bytes = trace_parser_bytes(merged ? second->tp : a->tp);   /* from the file's start */
    warn_read(file, rc, failed, read_errno);
    detect_free(second);
    free(halves);
    close(fd);
    return rc < 0 ? -1 : 0;
}

/* ---- reading a range into a parser: one thread (pass 1's unsplit file,
 * pass 2), or two (pass 2 across the split point) ---- */

static int parser_piece(void *arg, const void *data, size_t len)
{
    return trace_parser_feed(arg, data, len);
}

/* Bytes [from, to) of the (gunzipped) file into tp, started in the events
 * array at from when from > 0; to 0: to the end, and tp finished. Returns
 * 0 or -1 (warned). */
static int read_one(const char *file, uint64_t from, uint64_t to, bool map_form,
                    struct trace_parser *tp)
{
    if (from > 0)
        trace_parser_start_in_events(tp, map_form, from);
    uint64_t at;
    int rc = stream_range(file, from, to, parser_piece, tp, &at);
    if (rc == -2 || (rc == 0 && to == 0 && trace_parser_finish(tp) < 0)) {
        warn_read(file, -2, tp, 0);
        rc = -1;
    } else if (rc == 0 && to != 0 && (at != to || !trace_parser_between_events(tp, map_form))) {
        /* pass 1 found events ending there */
        warnf("import-trace: %s: the file changed while it was read", file);
        rc = -1;
    }
    return rc;
}

/* Bytes [from, to) of a plain file on two threads, on either side of pass
 * 1's split point (inside them): first gets [from, at), second the rest; to
 * 0: to the end, and second finished. Returns 0 or -1 (warned, the first
 * error in file order). */
static int read_halves(const char *file, const struct import_split *split, uint64_t from,
                       uint64_t to, struct trace_parser *first, struct trace_parser *second)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0) {
        warnf("import-trace: %s: %s", file, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct half *h = xmalloc(sizeof *h);
    trace_parser_start_in_events(second, split->map_form, split->at + 1);
    int rc = half_start(h, second, fd, split->at + 1, to ? to : (uint64_t)sb.st_size, to == 0, 0);
    if (rc < 0) {
        warnf("import-trace: %s: no thread for the second half (%s)", file, strerror(errno));
        free(h);
        close(fd);
        return -1;
    }
    if (from > 0)
        trace_parser_start_in_events(first, split->map_form, from);
    char *buf = xmalloc(PIECE);
    rc = feed_range(fd, from, split->at, first, NULL, buf);
    int read_errno = errno;
    if (rc < 0)   /* the file's first error: the second half's is not needed */
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
    pthread_join(h->thread, NULL);
    if (rc < 0) {
        warn_read(file, rc, first, read_errno);
    } else if (!trace_parser_between_events(first, split->map_form) ||
               (to && h->rc == 0 && !trace_parser_between_events(second, split->map_form))) {
        /* pass 1 proved these points: the file changed in between */
        warnf("import-trace: %s: the file changed while it was read", file);
        rc = -1;
    } else if (h->rc < 0) {
        rc = h->rc;
        warn_read(file, rc, second, h->read_errno);
    }
    free(buf);
    free(h);
    close(fd);
    return rc < 0 ? -1 : 0;
}

int import_read_events(const char *file, const struct import_scan *scan,
                       struct trace_parser *first, struct trace_parser *second)
{
    const struct import_split *split = &scan->split;
    uint64_t from = scan->span.from, to = scan->span.to;   /* to 0: the whole file */
    if (split->at && from <= split->at && (to == 0 || split->at < to))
        return read_halves(file, split, from, to, first, second);
    return read_one(file, from, to, scan->span.map_form, first);
}

/* ---- pass 1 ---- */

int import_detect(const char *file, const char *given, struct import_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    struct detect *d = xmalloc(sizeof *d);
    detect_init(d, given);
    int rc = detect_split(file, d, &scan->split, &scan->events, &scan->bytes);
    if (rc == 1) {
        rc = read_one(file, 0, 0, false, d->tp);   /* the whole file, the parser finished */
        scan->events = trace_parser_events(d->tp);
        scan->bytes = trace_parser_bytes(d->tp);
    }
    if (rc == 0 && !given && !d->path[0]) {
        warnf("import-trace: %s: no request for a .wasm URL in the trace "
              "(give --module-path)", file);
        rc = -1;
    }
    if (rc < 0) {
        detect_free(d);
        return -1;
    }
    snprintf(scan->path, sizeof scan->path, "%s", given ? given : d->path);
    if (!given)
        notef("import-trace: module %s (the earliest .wasm request)", scan->path);
    for (size_t i = 0; i < d->n_cand; i++)
        if (strcmp(d->cand[i].path, scan->path) == 0)
            scan->focus = d->cand[i];
    if (d->too_many && !scan->focus.path[0])
        notef("import-trace: over %d module paths; all their events are kept",
              MAX_CANDIDATES);
    if (scan->focus.path[0]) {
        /* the focused load's events: its renderer's, its request's */
        char pid[24];
        snprintf(pid, sizeof pid, "%" PRId64, scan->focus.pid);
        scan->span = span_of(&d->by_pid, pid);
        struct import_span r = span_of(&d->by_req, scan->focus.req);
        if (r.to)
            span_add(&scan->span, r.from, r.to);
        if (d->by_pid.overflow || d->by_req.overflow || !scan->span.to)
            scan->span = (struct import_span){ 0, 0, false };   /* unknown: the whole file */
        else
            scan->span.map_form = trace_parser_map_form(d->tp);
    }
    scan->meta = d->meta;
    detect_free(d);
    return 0;
}
