#include "db/read_pauses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/read_internal.h"

/* Each ok load's workload window (see read_pauses.h). Columns: load_id, t0, t1. */
#define WINDOW_SQL \
    "SELECT load_id," \
    " COALESCE(MAX(CASE WHEN name = 'wasmlab:run-start' THEN ts_us END)," \
    "          MAX(CASE WHEN name = 'wasmlab:jschurn-start' THEN ts_us END)," \
    "          MAX(CASE WHEN name = 'wasmlab:compiled' THEN ts_us END)) AS t0," \
    " MAX(CASE WHEN name IN ('wasmlab:run-end', 'wasmlab:jschurn-end') THEN ts_us END) AS t1" \
    " FROM page_marks GROUP BY load_id"

int db_read_workload_window(struct db *db, int64_t load_id, int64_t *t0_us, int64_t *t1_us)
{
    sqlite3_stmt *st;
    *t0_us = *t1_us = DB_NULL;
    if (sqlite3_prepare_v2(db_sqlite(db), "WITH win AS (" WINDOW_SQL ")"
                           " SELECT t0, t1 FROM win WHERE load_id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *t0_us = db_col_i64(st, 0);
        *t1_us = db_col_i64(st, 1);
    }
    sqlite3_finalize(st);
    return 0;
}

/* One load's gc_pauses rows that `where` (SQL after "load_id = ? AND")
 * selects, by start. */
static int read_load_rows(struct db *db, int64_t load_id, const char *where,
                          struct db_pause **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT source, kind, start_us, dur_us FROM gc_pauses"
             " WHERE load_id = ? AND %s AND dur_us IS NOT NULL ORDER BY start_us", where);
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_pause *p = &(*rows)[(*n)++];
        db_col_copy(st, 0, p->source, sizeof p->source);
        db_col_copy(st, 1, p->kind, sizeof p->kind);
        p->start_us = db_col_i64(st, 2);
        p->dur_us = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_read_load_pauses(struct db *db, int64_t load_id, struct db_pause **rows, size_t *n)
{
    return read_load_rows(db, load_id, "is_pause = 1", rows, n);
}

int db_read_load_go_cycles(struct db *db, int64_t load_id, struct db_pause **rows, size_t *n)
{
    return read_load_rows(db, load_id, "source = 'go' AND kind = 'cycle-cpu'", rows, n);
}

int64_t db_read_busiest_pause_load(struct db *db, int64_t run_id, char *module, size_t len)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    module[0] = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT l.id, m.name FROM gc_pauses g JOIN loads l ON l.id = g.load_id"
                           " JOIN modules m ON m.id = l.module_id"
                           " WHERE l.run_id = ? AND g.is_pause = 1 AND g.dur_us IS NOT NULL"
                           " GROUP BY l.id ORDER BY l.status <> 'ok', COUNT(*) DESC, l.id"
                           " LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        db_col_copy(st, 1, module, len);
    }
    sqlite3_finalize(st);
    return id;
}

int db_read_window_pauses(struct db *db, const struct db_scope *scope,
                          struct db_window_pause **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "WITH win AS (" WINDOW_SQL ")"
        " SELECT m.name, l.condition, b.product, b.kind, l.api,"
        "  CASE WHEN g.kind = 'cycle-cpu' THEN 'go-cpu' ELSE g.source END AS src, g.dur_us,"
        "  MIN(l.id) OVER (PARTITION BY l.module_id, l.condition, l.browser_id, l.api) AS first,"
        "  l.id"
        " FROM loads l JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id"
        " JOIN gc_pauses g ON g.load_id = l.id JOIN win ON win.load_id = l.id"
        " WHERE (?1 < 0 OR l.run_id = ?1) AND (?2 IS NULL OR m.name = ?2) AND (?3 = 0 OR l.id = ?3)"
        "  AND l.status = 'ok' AND (g.is_pause = 1 OR (g.source = 'go' AND g.kind = 'cycle-cpu'))"
        "  AND g.dur_us IS NOT NULL AND g.start_us >= win.t0 AND g.start_us <= win.t1"
        " ORDER BY first, src, g.dur_us", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, scope->run_id);
    if (scope->module)
        sqlite3_bind_text(st, 2, scope->module, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, scope->load_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_window_pause *p = &(*rows)[(*n)++];
        db_col_copy(st, 0, p->module, sizeof p->module);
        db_col_copy(st, 1, p->condition, sizeof p->condition);
        db_col_copy(st, 2, p->product, sizeof p->product);
        db_col_copy(st, 3, p->kind, sizeof p->kind);
        db_col_copy(st, 4, p->api, sizeof p->api);
        db_col_copy(st, 5, p->source, sizeof p->source);
        p->dur_us = sqlite3_column_int64(st, 6);
        p->group_first_load = sqlite3_column_int64(st, 7);
        p->load_id = sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_read_gc_groups(struct db *db, int64_t run_id, struct db_gc_group **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "WITH win AS (" WINDOW_SQL ")"
        " SELECT l.module_id, l.browser_id, IFNULL(l.args, ''), IFNULL(l.js_churn_mb, 0),"
        "  m.name, IFNULL(m.language, ''), b.product, b.kind, COUNT(*),"
        "  SUM(win.t1 - win.t0), l.condition"
        " FROM loads l JOIN modules m ON m.id = l.module_id"
        " JOIN browsers b ON b.id = l.browser_id JOIN win ON win.load_id = l.id"
        " WHERE l.run_id = ? AND l.status = 'ok' AND win.t0 IS NOT NULL AND win.t1 IS NOT NULL"
        " GROUP BY 1, 2, 3, 4, l.condition ORDER BY MIN(l.id)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_gc_group *g = &(*rows)[(*n)++];
        g->module_id = sqlite3_column_int64(st, 0);
        g->browser_id = sqlite3_column_int64(st, 1);
        db_col_copy(st, 2, g->args, sizeof g->args);
        g->js_churn_mb = sqlite3_column_int64(st, 3);
        db_col_copy(st, 4, g->module, sizeof g->module);
        db_col_copy(st, 5, g->language, sizeof g->language);
        db_col_copy(st, 6, g->product, sizeof g->product);
        db_col_copy(st, 7, g->kind, sizeof g->kind);
        g->loads = sqlite3_column_int64(st, 8);
        g->workload_us = sqlite3_column_double(st, 9);
        db_col_copy(st, 10, g->condition, sizeof g->condition);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The group's gc_pauses rows of one source and either every pause
 * (kind NULL: is_pause = 1) or one kind, inside the windows, in ms. */
static int read_group_rows(struct db *db, int64_t run_id, const struct db_gc_group *g,
                           const char *source, const char *kind, double **ms, size_t *n)
{
    sqlite3_stmt *st;
    *ms = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "WITH win AS (" WINDOW_SQL ")"
        " SELECT g.dur_us FROM gc_pauses g JOIN loads l ON l.id = g.load_id"
        " JOIN win ON win.load_id = l.id"
        " WHERE l.run_id = ? AND l.status = 'ok' AND l.module_id = ? AND l.browser_id = ?"
        "  AND IFNULL(l.args, '') = ? AND IFNULL(l.js_churn_mb, 0) = ? AND l.condition = ?"
        "  AND g.source = ?7 AND (CASE WHEN ?8 IS NULL THEN g.is_pause = 1 ELSE g.kind = ?8 END)"
        "  AND g.dur_us IS NOT NULL"
        "  AND g.start_us >= win.t0 AND g.start_us <= win.t1"
        " ORDER BY g.dur_us", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, g->module_id);
    sqlite3_bind_int64(st, 3, g->browser_id);
    sqlite3_bind_text(st, 4, g->args, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, g->js_churn_mb);
    sqlite3_bind_text(st, 6, g->condition, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, source, -1, SQLITE_TRANSIENT);
    if (kind)
        sqlite3_bind_text(st, 8, kind, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)ms, sizeof **ms, *n, &cap);
        (*ms)[(*n)++] = sqlite3_column_double(st, 0) / 1000.0;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_read_gc_group_pauses(struct db *db, int64_t run_id, const struct db_gc_group *g,
                            const char *source, double **ms, size_t *n)
{
    return read_group_rows(db, run_id, g, source, NULL, ms, n);
}

int db_read_gc_group_cycle_cpu(struct db *db, int64_t run_id, const struct db_gc_group *g,
                               double **ms, size_t *n)
{
    return read_group_rows(db, run_id, g, "go", "cycle-cpu", ms, n);
}

int db_read_gc_group_go_kind(struct db *db, int64_t run_id, const struct db_gc_group *g,
                             const char *kind, double **ms, size_t *n)
{
    return read_group_rows(db, run_id, g, "go", kind, ms, n);
}

/* Adds a JSON array of counts ("[3,0,12]") to bucket[]; -1 (bucket[]
 * unchanged) when it is not one. */
static int parse_buckets(const char *json, int64_t *bucket, int *n_buckets);

static int add_buckets(const char *json, int64_t *bucket, int *n_buckets)
{
    int64_t parsed[DB_ALLOC_BUCKETS] = { 0 };
    int n = 0;
    if (parse_buckets(json, parsed, &n) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        bucket[i] += parsed[i];
    if (n > *n_buckets)
        *n_buckets = n;
    return 0;
}

static int parse_buckets(const char *json, int64_t *bucket, int *n_buckets)
{
    const char *p = json ? json : "";
    while (*p == ' ')
        p++;
    if (*p++ != '[')
        return -1;
    for (int i = 0;; i++) {
        while (*p == ' ')
            p++;
        if (*p == ']')
            return 0;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0)
            return -1;
        if (i < DB_ALLOC_BUCKETS) {
            bucket[i] += v;
            if (v > 0 && i + 1 > *n_buckets)
                *n_buckets = i + 1;
        }
        p = end;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
        else if (*p != ']')
            return -1;
    }
}

int db_read_alloc_groups(struct db *db, int64_t run_id, struct db_alloc_group **rows,
                         size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT l.module_id, l.browser_id, l.condition, a.op, m.name, b.product, b.kind,"
        " IFNULL(a.samples, 0), IFNULL(a.sum_ns, 0), IFNULL(a.max_ns, 0),"
        " IFNULL(a.sample_every, 0), IFNULL(a.clock_res_ns, 0), a.log2_buckets"
        " FROM alloc_histograms a JOIN loads l ON l.id = a.load_id"
        " JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id"
        " WHERE l.run_id = ? AND l.status = 'ok' ORDER BY l.id, a.op", -1, &st,
        NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    /* the group key, kept beside the rows: module id, browser id, condition, op */
    struct key { int64_t module_id, browser_id; } *keys = NULL;
    size_t cap = 0, kcap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct key k = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1) };
        char cond[120], op[16];
        db_col_copy(st, 2, cond, sizeof cond);
        db_col_copy(st, 3, op, sizeof op);
        size_t i = 0;
        while (i < *n && !(keys[i].module_id == k.module_id && keys[i].browser_id == k.browser_id &&
                           strcmp((*rows)[i].condition, cond) == 0 && strcmp((*rows)[i].op, op) == 0))
            i++;
        if (i == *n) {
            db_grow((void **)rows, sizeof **rows, *n, &cap);
            db_grow((void **)&keys, sizeof *keys, *n, &kcap);
            keys[i] = k;
            struct db_alloc_group *g = &(*rows)[(*n)++];
            memset(g, 0, sizeof *g);
            snprintf(g->condition, sizeof g->condition, "%s", cond);
            snprintf(g->op, sizeof g->op, "%s", op);
            db_col_copy(st, 4, g->module, sizeof g->module);
            db_col_copy(st, 5, g->product, sizeof g->product);
            db_col_copy(st, 6, g->kind, sizeof g->kind);
        }
        struct db_alloc_group *g = &(*rows)[i];
        g->loads++;
        g->samples += sqlite3_column_int64(st, 7);
        g->sum_ns += sqlite3_column_int64(st, 8);
        if (sqlite3_column_int64(st, 9) > g->max_ns)
            g->max_ns = sqlite3_column_int64(st, 9);
        if (sqlite3_column_int64(st, 10) > g->sample_every)
            g->sample_every = sqlite3_column_int64(st, 10);
        if (sqlite3_column_int64(st, 11) > g->clock_res_ns)
            g->clock_res_ns = sqlite3_column_int64(st, 11);
        if (add_buckets(db_col_text(st, 12), g->bucket, &g->n_buckets) < 0)
            g->bad_buckets++;
    }
    free(keys);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
