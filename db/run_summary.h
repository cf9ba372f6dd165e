/* run_summary: the rows a run's summary is computed from, grouped by
 * configuration (module x browser x API [x condition]). The statistics are
 * computed above db/ (collector/report/run_summary.h), so every summary
 * (run, sweep, report html) uses one query and one set of formulas.
 *
 * Errors: -1 with db_errmsg(db) saying why. */
#ifndef WASMLAB_DB_RUN_SUMMARY_H
#define WASMLAB_DB_RUN_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_summary_query {
    int64_t run_id;            /* < 0: every run in the DB */
    bool by_condition;         /* a group per condition too (else pooled) */
    bool name_order;           /* by module, product, API; else by first load */
};

/* One configuration's loads. Strings and arrays are owned by the summary. */
struct db_summary_group {
    int64_t module_id, browser_id;
    char *module, *product, *kind, *api;
    char *condition;           /* NULL when the query pools conditions */
    int64_t bytes;             /* modules.bytes */
    int64_t n_ok, n_failed;    /* loads by status */
    /* load_host (migration 013): loads whose trace proved isolation, loads
     * whose proof saw something shared, loads flagged noisy; loads without
     * a load_host row count in none */
    int64_t n_isolated, n_not_isolated, n_noisy;
    /* first_byte_to_compile_us and last_byte_to_compile_us of the ok loads
     * that have them, in load order */
    double *first_byte_us, *last_byte_us;
    size_t n_first_byte, n_last_byte;
};

struct db_run_summary {
    struct db_summary_group *groups;
    size_t n;
    /* how many distinct browser x API x condition the groups span (> 1:
     * a table needs those columns) */
    size_t n_settings;
};

/* Reads the groups into *out (release with db_run_summary_free, also after a
 * failure). No loads: n = 0 and returns 0. */
int db_run_summary_read(struct db *db, const struct db_summary_query *q,
                        struct db_run_summary *out);
void db_run_summary_free(struct db_run_summary *s);

#endif
