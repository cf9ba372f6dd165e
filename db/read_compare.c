/* read_compare: the SQL of `wasmlab compare` and `wasmlab nightly`. */
#define _GNU_SOURCE
#include "db/read_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/db_internal.h"

const char *const db_compare_metrics[] = {
    "first_byte_to_compile", "last_byte_to_compile", "page_compile", "wall", "startup",
    "first_byte_to_instance", "compile_liftoff", "compile_turbofan", "compile_lazy",
    "compile_tierup", "first_export", NULL
};

/* The loads column expression of each metric, in ms (same order). */
static const char *const metric_sql[] = {
    "l.first_byte_to_compile_us / 1000.0",
    "l.last_byte_to_compile_us / 1000.0",
    "l.page_compile_ms",
    "l.wall_ms",
    "l.startup_us / 1000.0",
    "(l.instantiate_end_us - l.response_received_us) / 1000.0",
    "l.compile_liftoff_us / 1000.0",   /* migration 010: collector/trace/tiers.h */
    "l.compile_turbofan_us / 1000.0",
    "l.compile_lazy_us / 1000.0",
    "l.compile_tierup_us / 1000.0",
    "l.first_export_us / 1000.0",
};

static int metric_index(const char *name)
{
    for (int i = 0; db_compare_metrics[i]; i++)
        if (strcmp(name, db_compare_metrics[i]) == 0)
            return i;
    return -1;
}

int db_compare_metric_known(const char *name)
{
    return metric_index(name) >= 0;
}

static int fail(sqlite3 *sq, sqlite3_stmt *st, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", sqlite3_db_filename(sq, "main"), sqlite3_errmsg(sq));
    sqlite3_finalize(st);
    return -1;
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, len, "%s", t ? (const char *)t : "");
}

int db_read_compare_loads(struct db *db, const char *metric, struct db_compare_loads *out,
                          char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int m = metric_index(metric);
    if (m < 0) {
        snprintf(err, errlen, "unknown metric %s", metric);
        return -1;
    }
    sqlite3 *sq = db_sqlite(db);
    char *q = xasprintf(
        "SELECT l.id, l.run_id, r.uuid, b.product, b.kind, m.name, l.api, l.condition,"
        " IFNULL(l.args, ''), IFNULL(CAST(l.js_churn_mb AS TEXT), ''), %s"
        " FROM loads l JOIN runs r ON r.id = l.run_id JOIN browsers b ON b.id = l.browser_id"
        " JOIN modules m ON m.id = l.module_id"
        " WHERE l.status = 'ok' AND %s IS NOT NULL ORDER BY l.id", metric_sql[m], metric_sql[m]);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq, q, -1, &st, NULL);
    free(q);
    if (rc != SQLITE_OK)
        return fail(sq, st, err, errlen);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 1024;
            out->v = xrealloc(out->v, cap * sizeof *out->v);
        }
        struct db_compare_load *l = &out->v[out->n++];
        l->id = sqlite3_column_int64(st, 0);
        l->run_id = sqlite3_column_int64(st, 1);
        l->run_uuid = col_text(st, 2);
        l->product = col_text(st, 3);
        l->kind = col_text(st, 4);
        l->module = col_text(st, 5);
        l->api = col_text(st, 6);
        l->condition = col_text(st, 7);
        l->args = col_text(st, 8);
        l->js_churn_mb = col_text(st, 9);
        l->value_ms = sqlite3_column_double(st, 10);
    }
    if (rc != SQLITE_DONE)
        return fail(sq, st, err, errlen);
    sqlite3_finalize(st);
    return 0;
}

void db_compare_loads_free(struct db_compare_loads *loads)
{
    for (size_t i = 0; i < loads->n; i++) {
        struct db_compare_load *l = &loads->v[i];
        free(l->run_uuid);
        free(l->product);
        free(l->kind);
        free(l->module);
        free(l->api);
        free(l->condition);
        free(l->args);
        free(l->js_churn_mb);
    }
    free(loads->v);
    memset(loads, 0, sizeof *loads);
}

int db_read_last_run_id(struct db *db, int64_t *run_id, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    *run_id = 0;
    if (sqlite3_prepare_v2(sq, "SELECT IFNULL(MAX(id), 0) FROM runs", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        return fail(sq, st, err, errlen);
    *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* Runs a query whose row is (id, uuid, status, failed loads) with the given
 * text and integer parameters into out (out->id 0 when no row). */
static int read_run(struct db *db, const char *sql, const char *text, int64_t num,
                    struct db_nightly_run *out, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(sq, st, err, errlen);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, num);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->uuid, sizeof out->uuid);
        copy_col(st, 2, out->status, sizeof out->status);
        out->failed_loads = sqlite3_column_int64(st, 3);
    } else if (rc != SQLITE_DONE) {
        return fail(sq, st, err, errlen);
    }
    sqlite3_finalize(st);
    return 0;
}

int db_read_experiment_last_run(struct db *db, const char *experiment,
                                struct db_nightly_run *out, char *err, size_t errlen)
{
    return read_run(db,
                    "SELECT r.id, r.uuid, r.status, (SELECT COUNT(*) FROM loads"
                    " WHERE run_id = r.id AND status <> 'ok') FROM runs r"
                    " WHERE r.experiment = ?1 ORDER BY r.id DESC LIMIT 1",
                    experiment, 0, out, err, errlen);
}

int db_read_nightly_baseline(struct db *db, const char *experiment, int64_t run_id,
                             struct db_nightly_run *out, char *err, size_t errlen)
{
    return read_run(db,
                    "SELECT r.id, r.uuid, r.status, 0 FROM runs r"
                    " WHERE r.experiment = ?1 AND r.status = 'completed' AND r.id < ?2"
                    " AND EXISTS (SELECT 1 FROM loads a JOIN browsers ab ON ab.id = a.browser_id"
                    "  JOIN modules am ON am.id = a.module_id"
                    "  JOIN loads c ON c.run_id = ?2 AND c.api = a.api AND c.condition = a.condition"
                    "  JOIN browsers cb ON cb.id = c.browser_id AND cb.product = ab.product"
                    "  JOIN modules cm ON cm.id = c.module_id AND cm.name = am.name"
                    "  WHERE a.run_id = r.id)"
                    " ORDER BY r.id DESC LIMIT 1",
                    experiment, run_id, out, err, errlen);
}

int db_read_run_products(struct db *db, int64_t run_id, char ***out, size_t *n,
                         char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    *out = xcalloc(1, sizeof **out);
    *n = 0;
    if (sqlite3_prepare_v2(sq, "SELECT DISTINCT b.product FROM loads l JOIN browsers b"
                               " ON b.id = l.browser_id WHERE l.run_id = ? ORDER BY 1",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(sq, st, err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = xrealloc(*out, (*n + 2) * sizeof **out);
        (*out)[(*n)++] = col_text(st, 0);
        (*out)[*n] = NULL;
    }
    if (rc != SQLITE_DONE)
        return fail(sq, st, err, errlen);
    sqlite3_finalize(st);
    return 0;
}

int db_read_run_questions(struct db *db, int64_t run_id, char **out, char *err,
                          size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(sq, "SELECT questions FROM runs WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(sq, st, err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        *out = xstrdup((const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(sq, st, err, errlen);
    sqlite3_finalize(st);
    return 0;
}

int db_read_run_info(struct db *db, int64_t run_id, struct db_run_info *out, char *err,
                     size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    /* run_id 0: the newest run that ran an experiment */
    if (sqlite3_prepare_v2(sq, "SELECT id, uuid, IFNULL(experiment, ''), status FROM runs"
                               " WHERE (?1 = 0 AND experiment IS NOT NULL) OR id = ?1"
                               " ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return fail(sq, st, err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->uuid, sizeof out->uuid);
        copy_col(st, 2, out->experiment, sizeof out->experiment);
        copy_col(st, 3, out->status, sizeof out->status);
    } else if (rc != SQLITE_DONE) {
        return fail(sq, st, err, errlen);
    }
    sqlite3_finalize(st);
    return 0;
}
