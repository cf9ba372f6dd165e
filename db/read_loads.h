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
    char module[256], status[32], condition[120], api[16];
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

#endif
