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
 * first half's parser reads on, and the result is the one-thread result. */
#ifndef WASMLAB_IMPORT_DETECT_H
#define WASMLAB_IMPORT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/trace/trace_parser.h"

typedef int (*import_piece_fn)(void *arg, const void *data, size_t len);

/* Feeds the whole (gunzipped) file to fn in pieces. Returns 0, -1 after a
 * warning naming the file, or -2 when fn failed (fn's own error). */
int import_stream_file(const char *path, import_piece_fn fn, void *arg);

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

/* Pass 1. path gets the module's URL path (given, else the earliest request
 * whose path ends in .wasm); focus its earliest request (focus->path "" when
 * there is none to focus on); split where the file was proved splittable.
 * Returns 0, or -1 after a warning (a bad input file). */
int import_detect(const char *file, const char *given, char *path, size_t len,
                  struct import_candidate *focus, struct import_split *split);

/* Pass 2 on two threads, at pass 1's split (split->at != 0): first gets
 * bytes [0, at), second (a new parser, started in the events array here)
 * the rest on a thread of its own, and is finished; first is not (it ends
 * between two events). Returns 0, or -1 after a warning naming the file and
 * the file's first error, as one parser would report it. */
int import_read_halves(const char *file, const struct import_split *split,
                       struct trace_parser *first, struct trace_parser *second);

#endif
