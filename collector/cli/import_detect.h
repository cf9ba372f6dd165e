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

#include <stddef.h>
#include <stdint.h>

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

/* Pass 1. path gets the module's URL path (given, else the earliest request
 * whose path ends in .wasm); focus its earliest request (focus->path "" when
 * there is none to focus on). Returns 0, or -1 after a warning (a bad input
 * file). */
int import_detect(const char *file, const char *given, char *path, size_t len,
                  struct import_candidate *focus);

#endif
