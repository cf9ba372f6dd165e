/* stored_trace: a load's raw trace out of the results DB (table
 * load_traces: Chrome's JSON trace format; encoding gzip for live loads,
 * zstd for import-trace's copies, identity), read with
 * db/read_traces.h (SQLite's incremental blob I/O) and inflated piece by piece, so neither the
 * compressed nor the raw trace is ever whole in memory. */
#ifndef WASMLAB_STORED_TRACE_H
#define WASMLAB_STORED_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "collector/trace/trace_parser.h"
#include "db/db.h"

/* Receives the raw trace JSON in pieces; returns 0 to go on, -1 to stop. */
typedef int (*stored_trace_fn)(void *arg, const void *data, size_t len);

enum stored_trace_status {
    STORED_TRACE_OK = 0,
    STORED_TRACE_MISSING = -1,   /* no such table, or no trace for that load */
    STORED_TRACE_CORRUPT = -2,   /* the blob does not inflate, or bad encoding */
    STORED_TRACE_STOPPED = -3,   /* the callback returned -1 (its own message) */
};

/* Streams load_id's trace to fn. On an error returns a status < 0 with a
 * one-line reason naming the load in err. *raw_bytes (may be NULL) gets the
 * size the table says the raw trace has. */
int stored_trace_read(struct db *db, int64_t load_id, stored_trace_fn fn, void *arg,
                      int64_t *raw_bytes, char *err, size_t errlen);

/* Streams it through the trace parser into on_event. Malformed JSON is
 * STORED_TRACE_CORRUPT. */
int stored_trace_parse(struct db *db, int64_t load_id, trace_event_fn on_event, void *arg,
                       char *err, size_t errlen);

#endif
