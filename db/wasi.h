/* wasi: the WASI census's rows (migration 012): census runs, one outcome per
 * (host, runtime, module), its WASI calls and the probe's steps.
 * db/README.md describes the tables. */
#ifndef WASMLAB_DB_WASI_H
#define WASMLAB_DB_WASI_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* A new wasi_runs row; its id into *id and a fresh UUID into uuid (>= 37). */
int db_wasi_run_start(struct db *db, const char *started_at, const char *command,
                      int64_t *id, char *uuid);
int db_wasi_run_finish(struct db *db, int64_t id, const char *finished_at);
/* The newest census run's id, or 0 when there is none. */
int db_wasi_latest_run(struct db *db, int64_t *id);
/* 1 when the census run exists, 0 when not, -1 on error. */
int db_wasi_run_exists(struct db *db, int64_t id);

struct db_wasi_outcome {
    const char *host, *runtime, *module, *language;   /* language may be NULL */
    const char *status, *reason;                      /* reason may be NULL */
    int64_t exit_code;                                /* DB_NULL: none */
    int trapped, timed_out;
    const char *imports_json, *missing_json;          /* may be NULL */
    int64_t stdout_bytes;
    const char *stdout_text;                          /* already capped */
    int64_t stderr_bytes;
    const char *stderr_text;                          /* already capped */
    int64_t calls_recorded, calls_dropped;
    double wall_ms;
};
struct db_wasi_call {
    int64_t seq;
    const char *fn, *args, *result, *step;            /* args, step may be NULL */
    int64_t errno_value;                              /* DB_NULL: none */
    double us;
};
struct db_wasi_step {
    const char *step, *result, *detail;
};

/* Stores one outcome with its calls and steps in one transaction. */
int db_wasi_store(struct db *db, int64_t run_id, const struct db_wasi_outcome *o,
                  const struct db_wasi_call *calls, size_t n_calls,
                  const struct db_wasi_step *steps, size_t n_steps, int64_t *outcome_id);

/* Reading a census run back, for `report wasi`. Strings are owned by the
 * result; free with db_wasi_result_free. */
struct db_wasi_read_call {
    char *fn, *result, *step;
};
struct db_wasi_read_step {
    char *step, *result, *detail;
};
struct db_wasi_read_outcome {
    int64_t id;
    char *host, *runtime, *module, *language, *status, *reason, *imports_json, *missing_json;
    int64_t exit_code, stdout_bytes, calls_dropped;
    int trapped, timed_out;
    struct db_wasi_read_call *calls;
    size_t n_calls;
    struct db_wasi_read_step *steps;
    size_t n_steps;
};
struct db_wasi_result {
    struct db_wasi_read_outcome *outcomes;
    size_t n;
};
int db_wasi_read(struct db *db, int64_t run_id, struct db_wasi_result *out);
void db_wasi_result_free(struct db_wasi_result *r);

#endif
