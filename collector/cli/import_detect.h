/* import_detect: import-trace's reading of the trace file, and its first
 * pass: which request is the module, and on which renderer.
 *
 * The first pass lexes every byte as the second (measuring) pass does, and
 * the second needs its answer, so on one thread the two passes decide an
 * import's wall time (issue 12, bench/README.md). A plain file of 16 MB or
 * more is therefore read in two halves on two threads: the answer (the
 * earliest request per URL path) merges from the halves. The split point is
 * a ',' between two events, proved so by the first half's parser when it
 * gets there; otherwise (or when the halves could not merge exactly) the
 * first half's parser reads on, and the result is the one-thread result.
 *
 * The halves run on threads of their own at a lower priority than the
 * caller's other work (import-trace's copy thread, which the store waits
 * for), so that work ends with pass 1 instead of after it.
 *
 * Pass 1 also notes where each renderer's and each request's events lie,
 * so the measuring pass reads only the span of the file that holds the
 * module's load: in a trace of many loads, one load's share. The span is
 * exact: it covers every event the focused extractor matches by pid or
 * request id. Spans are kept for up to 65,536 pids and as many request ids
 * (memory bounded whatever the trace); past that the span is unknown and
 * the measuring pass reads the whole file. */
#ifndef WASMLAB_IMPORT_DETECT_H
#define WASMLAB_IMPORT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/trace/trace_meta.h"
#include "collector/trace/trace_parser.h"

/* The module's request: its URL path, the request's ts, renderer pid and
 * request id. */
struct import_candidate {
    char path[1024];
    int64_t ts, pid;
    char req[64];
};

/* Where pass 1 read a plain file in two halves: the ',' at byte at lies
 * between two elements of the events array (proved by the first half's
 * parser), of the {"traceEvents":[...]} form when map_form, else a bare
 * array. at 0: the file was read on one thread. */
struct import_split {
    uint64_t at;
    bool map_form;
};

/* The bytes [from, to) of the (gunzipped) file that hold every event an
 * extractor focused on the module's request keeps: from just after the ','
 * or '[' before the first, to just after the last one's '}'. In a trace of
 * many loads that is one load's share of the file. to 0: the whole file. */
struct import_span {
    uint64_t from, to;
    bool map_form;              /* the file's form, for a parser started at from */
};

/* What pass 1 learnt of the whole file. */
struct import_scan {
    char path[1024];                /* the module's URL path */
    struct import_candidate focus;  /* its earliest request; focus.path "" when none */
    struct import_split split;
    struct import_span span;        /* focus's span (to 0 without a focus) */
    struct trace_meta meta;         /* the browser the file names */
    uint64_t events, bytes;         /* in the whole (gunzipped) file */
};

/* Pass 1: reads every byte (a plain file of 16 MB or more in two halves).
 * The module's path is given, else the earliest request whose path ends
 * in .wasm. Returns 0, or -1 after a warning (a bad input file). */
int import_detect(const char *file, const char *given, struct import_scan *scan);

/* Pass 2's reading: scan's span into first (from pass 1's split point on
 * into second, a parser of its own on a thread, when that point lies
 * inside the span), or the whole file without a span. Each parser then has
 * seen its share of the events in file order; with a span neither is
 * finished (the span ends between events). Returns 0, or -1 after a
 * warning naming the file and its first error (a file that changed since
 * pass 1 is refused). */
int import_read_events(const char *file, const struct import_scan *scan,
                       struct trace_parser *first, struct trace_parser *second);

#endif
