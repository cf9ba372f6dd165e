/* read_loads: one load as charts and exports read it: its row (moments on
 * the trace clock, µs), its body chunks and its page marks.
 *
 * Integers that are NULL in the DB read as DB_NULL. Errors: 0 on success,
 * -1 on a failed query (db_read_error says why); arrays handed out are the
 * caller's to free(). */
#ifndef WASMLAB_DB_READ_LOADS_H
#define WASMLAB_DB_READ_LOADS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_load_row {
    int64_t id, run_id, renderer_pid;
    int64_t request_us, response_us, last_byte_us, stream_us, compiled_us, end_us;
    int64_t fb2c_us;                   /* first_byte_to_compile_us */
    char module[256], status[32], condition[120], api[32];
};
/* 1 and *out filled when the load exists, 0 when it does not, -1 on error. */
int db_read_load_row(struct db *db, int64_t load_id, struct db_load_row *out);

struct db_chunk {
    int64_t ts_us, bytes;
};
/* The load's body chunks in arrival order. */
int db_read_chunks(struct db *db, int64_t load_id, struct db_chunk **rows, size_t *n);

struct db_mark {
    char name[64];
    int64_t ts_us;
};
/* The load's page marks that have a trace-clock time, in time order. */
int db_read_marks(struct db *db, int64_t load_id, struct db_mark **rows, size_t *n);
/* The earliest time of the mark called name, DB_NULL when the load has none. */
int64_t db_read_mark_time(struct db *db, int64_t load_id, const char *name);

/* ---- the streaming chart (plot streaming) ---- */

/* A load's compile phases and network condition (moments on the trace
 * clock, µs; DB_NULL where unknown). */
struct db_streaming_load {
    int64_t response_us, last_byte_us, compile_start_us, compiled_us, instantiate_end_us;
    int64_t compile_work_us, overlap_us, bytes_received, renderer_pid;
    int64_t net_bandwidth, net_latency_ms;
    char api[32], net_profile[32], net_shaper[16], net_encoding[16];
};
/* 1 and *out filled when the load exists, 0 when it does not, -1 on error. */
int db_read_streaming_load(struct db *db, int64_t load_id, struct db_streaming_load *out);

/* When wasmlab's server wrote each piece of the module's body (chunk_sends),
 * in order; none for loads stored before migration 007. */
int db_read_chunk_sends(struct db *db, int64_t load_id, struct db_chunk **rows, size_t *n);

/* A complete ('X') wasm.* or v8.wasm.* slice of the load's renderer. */
struct db_wasm_slice {
    char name[64];
    int64_t ts_us, dur_us, tid;
};
/* The load's complete wasm slices on its renderer process, by start time,
 * and *page_tid: the thread of wasm.SyncInstantiate (the page's JS thread,
 * for every compile API), else of the compile's start event, else -1. */
int db_read_wasm_slices(struct db *db, int64_t load_id, struct db_wasm_slice **rows, size_t *n,
                        int64_t *page_tid);

#endif
