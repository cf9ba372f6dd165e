/* runs: looking runs up (the rows themselves are written by db_insert_run
 * and db_finish_run in db.h).
 *
 * Errors: -1 with db_errmsg(db) saying why. */
#ifndef WASMLAB_DB_RUNS_H
#define WASMLAB_DB_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* 1 when runs.id = run_id exists, 0 when not, -1 on a DB error. */
int db_run_exists(struct db *db, int64_t run_id);

/* The newest run that has loads (of module `name`, when not NULL) in *run_id;
 * 0 when there is none. Returns 0 or -1. */
int db_latest_run_with_loads(struct db *db, const char *module, int64_t *run_id);

/* The run's UUID into uuid (at least 37 bytes; "" when the run has none).
 * Returns 0, or -1 when the run does not exist or on a DB error. */
int db_run_uuid(struct db *db, int64_t run_id, char *uuid, size_t len);

#endif
