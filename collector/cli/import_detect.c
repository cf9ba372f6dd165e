#define _GNU_SOURCE
#include "collector/cli/import_detect.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "base/util.h"
#include "collector/trace/extract.h"
#include "collector/trace/trace_parser.h"

#define PIECE (256 * 1024)
#define SPLIT_MIN (16u << 20)      /* smaller files are read on one thread */
#define SPLIT_WINDOW (1u << 20)    /* a split point is looked for this far past the middle */
#define MAX_CANDIDATES 64

/* ---- reading the file in pieces ---- */

int import_stream_file(const char *path, import_piece_fn fn, void *arg)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        warnf("import-trace: %s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    /* plain files: zlib reads straight into buf only for requests of twice
     * its buffer, so its buffer is kept small and the requests large */
    gzbuffer(gz, 64 * 1024);
    char *buf = xmalloc(PIECE);
    int rc = 0;
    for (;;) {
        int n = gzread(gz, buf, PIECE);
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            warnf("import-trace: %s: %s", path, zerr == Z_ERRNO ? strerror(errno) : msg);
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        if (fn(arg, buf, (size_t)n) < 0) {
            rc = -2;   /* the callback's own failure */
            break;
        }
    }
    free(buf);
    gzclose(gz);
    return rc;
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
};

static bool is_send(void *arg, const struct trace_event *ev)
{
    (void)arg;
    return ev->ph != 'M' && strcmp(ev->name, "ResourceSendRequest") == 0;
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
    if (!is_send(NULL, ev))
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

static int detect_piece(void *arg, const void *data, size_t len)
{
    struct detect *d = arg;
    return trace_parser_feed(d->tp, data, len);
}

static void detect_init(struct detect *d, const char *given)
{
    memset(d, 0, sizeof *d);
    d->ts = INT64_MAX;
    d->given = given;
    d->tp = trace_parser_new(detect_event, d);
    trace_parser_set_args_filter(d->tp, is_send);
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

/* A half of the file read on its own thread, to its end: fed to tp and
 * finished there (unless stopped). */
struct half {
    struct trace_parser *tp;
    int fd;
    uint64_t from, to;
    int stop;        /* set by the other thread: this half is not needed */
    int rc;          /* feed_range's; -2 also when the trace ends badly */
    int read_errno;
    pthread_t thread;
};

static void *read_half(void *arg)
{
    struct half *h = arg;
    char *buf = xmalloc(PIECE);
    h->rc = feed_range(h->fd, h->from, h->to, h->tp, &h->stop, buf);
    if (h->rc == -1)
        h->read_errno = errno;
    if (h->rc == 0 && !__atomic_load_n(&h->stop, __ATOMIC_RELAXED) &&
        trace_parser_finish(h->tp) < 0)
        h->rc = -2;
    free(buf);
    return NULL;
}

/* Starts reading (at, end of fd] into tp, a parser started in the events
 * array after the ',' at offset at. Returns 0, or -1 (no thread). */
static int half_start(struct half *h, struct trace_parser *tp, bool map_form, int fd,
                      uint64_t at, uint64_t size)
{
    memset(h, 0, sizeof *h);
    h->tp = tp;
    trace_parser_start_in_events(tp, map_form, at + 1);
    h->fd = fd;
    h->from = at + 1;
    h->to = size;
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
 * complete (*split set when the split point proved an event boundary), -1
 * after a warning, or 1 when the file is not split (the caller reads it on
 * one thread; a is untouched). */
static int detect_split(const char *file, struct detect *a, struct import_split *split)
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
    struct half *h = xmalloc(sizeof *h);
    if (half_start(h, second->tp, map_form, fd, comma, size) < 0) {
        trace_parser_free(second->tp);
        free(second);
        free(h);
        close(fd);
        return 1;
    }
    char *buf = xmalloc(PIECE);
    int rc = feed_range(fd, 0, comma, a->tp, NULL, buf);
    int read_errno = errno;
    struct trace_parser *failed = a->tp;   /* whose error is the file's first */
    bool proved = rc == 0 && trace_parser_between_events(a->tp, map_form);
    if (!proved)
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
    pthread_join(h->thread, NULL);
    if (proved && h->rc == 0 && !second->too_many) {
        merge_halves(a, second);
    } else if (proved && h->rc < 0) {
        rc = h->rc;
        read_errno = h->read_errno;
        failed = second->tp;
    } else if (rc == 0) {
        /* no event boundary there, or the halves cannot merge exactly: the
         * first half's parser reads on, as on one thread */
        rc = feed_range(fd, comma, size, a->tp, NULL, buf);
        read_errno = errno;
        if (rc == 0 && trace_parser_finish(a->tp) < 0)
            rc = -2;
    }
    if (rc == 0 && proved)
        *split = (struct import_split){ comma, map_form };
    warn_read(file, rc, failed, read_errno);
    free(buf);
    trace_parser_free(second->tp);
    free(second);
    free(h);
    close(fd);
    return rc < 0 ? -1 : 0;
}

int import_read_halves(const char *file, const struct import_split *split,
                       struct trace_parser *first, struct trace_parser *second)
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
    int rc = half_start(h, second, split->map_form, fd, split->at, (uint64_t)sb.st_size);
    if (rc < 0) {
        warnf("import-trace: %s: no thread for the second half (%s)", file, strerror(errno));
        free(h);
        close(fd);
        return -1;
    }
    char *buf = xmalloc(PIECE);
    rc = feed_range(fd, 0, split->at, first, NULL, buf);
    int read_errno = errno;
    if (rc < 0)   /* the file's first error: the second half's is not needed */
        __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
    pthread_join(h->thread, NULL);
    if (rc < 0) {
        warn_read(file, rc, first, read_errno);
    } else if (!trace_parser_between_events(first, split->map_form)) {
        /* pass 1 proved this point: the file changed in between */
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

int import_detect(const char *file, const char *given, char *path, size_t len,
                  struct import_candidate *focus, struct import_split *split)
{
    struct detect d;
    detect_init(&d, given);
    *split = (struct import_split){ 0, false };
    int rc = detect_split(file, &d, split);
    if (rc == 1) {
        rc = import_stream_file(file, detect_piece, &d);
        if (rc == -2 || (rc == 0 && trace_parser_finish(d.tp) < 0)) {
            warnf("import-trace: %s: %s", file, trace_parser_error(d.tp));
            rc = -1;
        }
    }
    trace_parser_free(d.tp);
    if (rc < 0)
        return -1;
    if (!given && !d.path[0]) {
        warnf("import-trace: %s: no request for a .wasm URL in the trace "
              "(give --module-path)", file);
        return -1;
    }
    snprintf(path, len, "%s", given ? given : d.path);
    if (!given)
        notef("import-trace: module %s (the earliest .wasm request)", path);
    focus->path[0] = 0;
    for (size_t i = 0; i < d.n_cand; i++)
        if (strcmp(d.cand[i].path, path) == 0)
            *focus = d.cand[i];
    if (d.too_many && !focus->path[0])
        notef("import-trace: over %d module paths; all their events are kept",
              MAX_CANDIDATES);
    return 0;
}
