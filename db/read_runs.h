/* read_runs: what charts and reports read about runs, browsers and modules:
 * a scope of loads (a run or all runs, a module, a load), the distinct
 * values that name a chart's subtitle, every ok load's first-byte-to-compile
 * with its group, and the listings of the HTML report (its run summary is
 * db/run_summary.h, shared with run and sweep).
 *
 * Errors: functions returning int give 0 on success and -1 on a failed
 * query (db_read_error says why). Arrays handed out are the caller's to
 * free() (one allocation each); strings in rows are copied, truncated to
 * their field. */
#ifndef WASMLAB_DB_READ_RUNS_H
#define WASMLAB_DB_READ_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/read_rows.h"

#define DB_ALL_RUNS (-1)

/* Which loads a query covers. */
struct db_scope {
    int64_t run_id;        /* a run id, or DB_ALL_RUNS */
    int64_t load_id;       /* only this load; 0 = any */
    const char *module;    /* only this module name; NULL = all */
};

/* What a chart names or counts over its scope. */
enum db_scope_field {
    DB_FIELD_BROWSER_ID,
    DB_FIELD_BROWSER_KIND,
    DB_FIELD_BROWSER_PRODUCT,
    DB_FIELD_BROWSER_LABEL,    /* "HeadlessChrome/156... (headless_shell)" */
    DB_FIELD_MODULE,
    DB_FIELD_RUN_ID,
    DB_FIELD_API,
};

/* How many distinct values field takes over the scope's ok loads; -1 on a
 * query error. */
int db_scope_count_distinct(struct db *db, const struct db_scope *scope,
                            enum db_scope_field field);
/* The distinct values of field as text, in their order (numeric for ids),
 * over the scope's loads (ok_only: its ok loads). *values is a NULL-free
 * array of malloc'd strings; free with db_strings_free. */
int db_scope_distinct(struct db *db, const struct db_scope *scope, enum db_scope_field field,
                      bool ok_only, char ***values, size_t *n);
void db_strings_free(char **values, size_t n);

/* One ok load's first byte to compile finished, with the group it is drawn
 * in. */
struct db_timing {
    char module[256], product[160], kind[32], api[32];
    int64_t load_id, browser_id, module_bytes;
    int64_t fb2c_us;                 /* first_byte_to_compile_us, never NULL here */
};
enum db_timing_order {
    DB_BY_GROUP,        /* module, product, kind, browser, api, fb2c (latency) */
    DB_BY_SIZE,         /* module bytes, module, product, kind, browser, api (throughput) */
    DB_BY_SERIES,       /* module, api, kind (sweep) */
};
/* The scope's ok loads with a first-byte-to-compile (positive_only: > 0). */
int db_read_timings(struct db *db, const struct db_scope *scope, enum db_timing_order order,
                    bool positive_only, struct db_timing **rows, size_t *n);

/* The newest run id in the DB (runs.id), 0 when there is none. */
int64_t db_latest_run_id(struct db *db);

/* For per-load charts: among the scope's ok loads with a stored trace and a
 * first-byte-to-compile, those of the first module (in load order), and of
 * them the one nearest the median (the lower middle for an even count).
 * scope->load_id is ignored. 0 when there is none. */
int64_t db_pick_median_load(struct db *db, const struct db_scope *scope);

/* The tables the HTML report lists, for run_id (or every run). */
enum db_listing {
    DB_LIST_RUNS,
    DB_LIST_BROWSERS,
    DB_LIST_MODULES,
    DB_LIST_FAILED_LOADS,      /* the first 200 */
    DB_LIST_GC_PAUSES,         /* per module, source and kind (needs gc_pauses) */
};
/* NULL on a query error. Close with db_rows_close. */
struct db_rows *db_read_listing(struct db *db, enum db_listing what, int64_t run_id);

/* The module names with loads in run_id (or every run), by name. */
int db_read_run_modules(struct db *db, int64_t run_id, char ***names, size_t *n);

#endif
