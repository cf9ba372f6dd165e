/* read_traces: a load's stored raw trace (table load_traces), read with
 * SQLite's incremental blob I/O in pieces, so the compressed trace is never
 * whole in memory. Decoding (gzip) is the caller's: collector/trace/
 * stored_trace.c. */
#ifndef WASMLAB_DB_READ_TRACES_H
#define WASMLAB_DB_READ_TRACES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum db_trace_status {
    DB_TRACE_OK = 0,
    DB_TRACE_MISSING = -1,       /* no load_traces table, or no trace for that load */
    DB_TRACE_UNREADABLE = -2,    /* the blob cannot be opened or read */
    DB_TRACE_STOPPED = -3,       /* the callback returned -1 */
};

/* A batched load (load_host.trace_load_id) reads its batch's trace, stored
 * with another load: the caller picks the load's events (its renderer pid).
 * The trace's encoding ("gzip", "identity", ...) into encoding and the size
 * the row says the raw trace has into *raw_bytes (may be NULL). On an error
 * returns a status < 0 with a one-line reason naming the load in err. */
int db_read_trace_info(struct db *db, int64_t load_id, char *encoding, size_t enclen,
                       int64_t *raw_bytes, char *err, size_t errlen);

/* Receives the stored bytes in pieces of at most `piece` bytes; returns 0
 * to go on, -1 to stop. */
typedef int (*db_trace_piece_fn)(void *arg, const void *data, size_t len);
/* Streams the stored (still encoded) bytes to fn. Same error contract. */
int db_read_trace_data(struct db *db, int64_t load_id, size_t piece, db_trace_piece_fn fn,
                       void *arg, char *err, size_t errlen);

#endif
