/* read_compare: what `wasmlab compare` and `wasmlab nightly` read.
 *
 * The loads a comparison draws its samples from (one row per ok load that
 * has the metric, in plain C types), and the runs a nightly compares: the
 * run it just made and the previous completed run of the same experiment.
 * Selecting, grouping and the statistics live above, in
 * collector/report/compare.c; only the SQL lives here.
 *
 * Errors: functions return 0 on success, -1 on a DB failure with a one-line
 * reason (SQLite's message) in err. */
#ifndef WASMLAB_DB_READ_COMPARE_H
#define WASMLAB_DB_READ_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The metrics a comparison can read, all in milliseconds, lower is better:
 * first_byte_to_compile, last_byte_to_compile, page_compile, wall, startup
 * (loads.startup_us: instantiate end -> first output),
 * first_byte_to_instance (instantiate end - first byte: a compile API's
 * whole way to a usable instance), and the compile work by tier with the
 * time to the first export call's return (compile_liftoff,
 * compile_turbofan, compile_lazy, compile_tierup, first_export;
 * collector/trace/tiers.h).
 * NULL-terminated; static. */
extern const char *const db_compare_metrics[];
/* 1 when name is one of db_compare_metrics, else 0. */
int db_compare_metric_known(const char *name);

/* What a load measured, as compare sees it. Every string is owned by the
 * row and never NULL ("" for a NULL column). */
struct db_compare_load {
    int64_t id, run_id;
    char *run_uuid;
    char *product;             /* browsers.product, e.g. HeadlessChrome/156.0... */
    char *kind;                /* browsers.kind */
    char *module, *api, *condition;
    char *args;                /* loads.args, "" for none */
    char *js_churn_mb;         /* as text, "" for none */
    double value_ms;           /* the metric */
};

struct db_compare_loads {
    struct db_compare_load *v;
    size_t n;
};

/* Every ok load with a non-NULL value of metric, in load id order, into out
 * (caller frees with db_compare_loads_free, also after an error). */
int db_read_compare_loads(struct db *db, const char *metric, struct db_compare_loads *out,
                          char *err, size_t errlen);
void db_compare_loads_free(struct db_compare_loads *loads);

/* The id of the newest run (0 when the DB has none). */
int db_read_last_run_id(struct db *db, int64_t *run_id, char *err, size_t errlen);

/* ---- report experiment ---- */

struct db_run_info {
    int64_t id;                /* 0: no such run */
    char uuid[64];
    char experiment[128];      /* runs.experiment; "" for a `wasmlab run` */
    char status[32];
};
/* Run run_id, or with run_id 0 the newest run that ran an experiment;
 * out->id 0 when there is none. */
int db_read_run_info(struct db *db, int64_t run_id, struct db_run_info *out, char *err,
                     size_t errlen);
/* The questions stored with run_id (runs.questions, JSON text): *out is a
 * malloc'd copy, or NULL when the run has none. Returns 0, or -1 with err. */
int db_read_run_questions(struct db *db, int64_t run_id, char **out, char *err,
                          size_t errlen);

/* ---- nightly ---- */

struct db_nightly_run {
    int64_t id;                /* 0: none */
    char uuid[64];
    char status[32];
    int64_t failed_loads;      /* loads whose status is not ok */
};
/* The newest run of experiment (out->id 0 when there is none). */
int db_read_experiment_last_run(struct db *db, const char *experiment,
                                struct db_nightly_run *out, char *err, size_t errlen);
/* The newest completed run of experiment older than run_id that shares at
 * least one configuration (browser product, module, api, condition) with it:
 * a sharded nightly finds the previous run of its own shard. out->id 0 when
 * there is none. */
int db_read_nightly_baseline(struct db *db, const char *experiment, int64_t run_id,
                             struct db_nightly_run *out, char *err, size_t errlen);
/* The distinct browser products of run_id's loads, sorted; *out (a
 * NULL-terminated array of strings) is the caller's: free each, then it. */
int db_read_run_products(struct db *db, int64_t run_id, char ***out, size_t *n,
                         char *err, size_t errlen);

#endif
