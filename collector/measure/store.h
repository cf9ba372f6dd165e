/* store: writes one load and everything measured about it (chunks, compile
 * events, page marks, the raw trace) in one transaction: after a crash a load
 * is either all there or not there at all. */
#ifndef WASMLAB_STORE_H
#define WASMLAB_STORE_H

#include <stdint.h>

#include "collector/measure/load.h"
#include "db/db.h"

/* Where a load belongs: the rows it points at and how it was run. */
struct load_key {
    int64_t run_id, browser_id, module_id;
    int64_t seq;
    const char *api;
    const char *condition;     /* NULL = "default" */
    const char *started_at;
    const char *args_json;     /* the module's argv as run, NULL = none */
    int js_churn_mb;           /* 0 = none */
};

/* Inserts the runs row for this process: a new UUID, the host and wasmlab's
 * version beside started_at (utc_iso8601), command_line and experiment (NULL
 * for none). Returns 0 or -1 (db_errmsg tells why). */
int store_run(struct db *db, const char *started_at, const char *command_line,
              const char *experiment, int64_t *run_id);

/* Returns 0, or -1 after a one-line warning (the transaction rolled back). */
int store_load(struct db *db, const struct load_key *key, const struct load_outcome *o);

#endif
