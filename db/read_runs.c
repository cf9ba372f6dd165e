#include "db/read_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/read_internal.h"

/* The joins every scoped query uses: loads l, modules m, browsers b. */
#define SCOPE_FROM \
    " FROM loads l JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id"
#define SCOPE_COND \
    "(?1 < 0 OR l.run_id = ?1) AND (?2 IS NULL OR m.name = ?2) AND (?3 = 0 OR l.id = ?3)"

static sqlite3_stmt *prepare_scoped(struct db *db, const char *sql, const struct db_scope *s)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, s->run_id);
    if (s->module)
        sqlite3_bind_text(st, 2, s->module, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, s->load_id);
    return st;
}

static const char *field_sql(enum db_scope_field f)
{
    switch (f) {
    case DB_FIELD_BROWSER_ID: return "l.browser_id";
    case DB_FIELD_BROWSER_KIND: return "b.kind";
    case DB_FIELD_BROWSER_PRODUCT: return "b.product";
    case DB_FIELD_BROWSER_LABEL: return "b.product || ' (' || b.kind || ')'";
    case DB_FIELD_MODULE: return "m.name";
    case DB_FIELD_RUN_ID: return "l.run_id";
    case DB_FIELD_API: return "l.api";
    }
    return "NULL";
}

int db_scope_count_distinct(struct db *db, const struct db_scope *scope,
                            enum db_scope_field field)
{
    char *sql = xasprintf("SELECT COUNT(DISTINCT %s)" SCOPE_FROM " WHERE " SCOPE_COND
                          " AND l.status = 'ok'", field_sql(field));
    sqlite3_stmt *st = prepare_scoped(db, sql, scope);
    free(sql);
    int n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

int db_scope_distinct(struct db *db, const struct db_scope *scope, enum db_scope_field field,
                      bool ok_only, char ***values, size_t *n)
{
    const char *expr = field_sql(field);
    bool numeric = field == DB_FIELD_RUN_ID || field == DB_FIELD_BROWSER_ID;
    char *sql = xasprintf("SELECT DISTINCT %s" SCOPE_FROM " WHERE " SCOPE_COND "%s ORDER BY %s",
                          expr, ok_only ? " AND l.status = 'ok'" : "", numeric ? expr : "1");
    sqlite3_stmt *st = prepare_scoped(db, sql, scope);
    free(sql);
    *values = NULL;
    *n = 0;
    if (!st)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = db_col_text(st, 0);
        if (!v)
            continue;
        db_grow((void **)values, sizeof **values, *n, &cap);
        (*values)[(*n)++] = xstrdup(v);
    }
    sqlite3_finalize(st);
    return 0;
}

void db_strings_free(char **values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
}

int db_read_timings(struct db *db, const struct db_scope *scope, enum db_timing_order order,
                    bool positive_only, struct db_timing **rows, size_t *n)
{
    static const char *const order_sql[] = {
        [DB_BY_GROUP] = "m.name, b.product, b.kind, l.browser_id, l.api, l.first_byte_to_compile_us",
        [DB_BY_SIZE] = "m.bytes, m.name, b.product, b.kind, l.browser_id, l.api",
        [DB_BY_SERIES] = "m.name, l.api, b.kind",
    };
    char *sql = xasprintf(
        "SELECT m.name, b.product, b.kind, l.api, l.browser_id, m.bytes,"
        " l.first_byte_to_compile_us, l.id" SCOPE_FROM " WHERE " SCOPE_COND
        " AND l.status = 'ok' AND %s ORDER BY %s",
        positive_only ? "l.first_byte_to_compile_us > 0" : "l.first_byte_to_compile_us IS NOT NULL",
        order_sql[order]);
    sqlite3_stmt *st = prepare_scoped(db, sql, scope);
    free(sql);
    *rows = NULL;
    *n = 0;
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_timing *t = &(*rows)[(*n)++];
        db_col_copy(st, 0, t->module, sizeof t->module);
        db_col_copy(st, 1, t->product, sizeof t->product);
        db_col_copy(st, 2, t->kind, sizeof t->kind);
        db_col_copy(st, 3, t->api, sizeof t->api);
        t->browser_id = sqlite3_column_int64(st, 4);
        t->module_bytes = sqlite3_column_int64(st, 5);
        t->fb2c_us = sqlite3_column_int64(st, 6);
        t->load_id = sqlite3_column_int64(st, 7);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int64_t db_latest_run_id(struct db *db)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT MAX(id) FROM runs", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return id;
}

int64_t db_pick_median_load(struct db *db, const struct db_scope *scope)
{
    const char *sql =
        "WITH ok AS (SELECT l.id, l.module_id, l.first_byte_to_compile_us AS v"
        "  FROM loads l JOIN modules m ON m.id = l.module_id"
        "  WHERE (?1 < 0 OR l.run_id = ?1) AND (?2 IS NULL OR m.name = ?2)"
        "  AND l.status = 'ok' AND l.first_byte_to_compile_us IS NOT NULL"
        "  AND l.id IN (SELECT load_id FROM load_traces)),"
        " first AS (SELECT module_id FROM ok ORDER BY id LIMIT 1),"
        " ranked AS (SELECT id, v, ROW_NUMBER() OVER (ORDER BY v, id) AS rn,"
        "  COUNT(*) OVER () AS n FROM ok WHERE module_id = (SELECT module_id FROM first))"
        " SELECT id FROM ranked WHERE rn = (n + 1) / 2";
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, scope->run_id);
    if (scope->module)
        sqlite3_bind_text(st, 2, scope->module, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

struct db_rows *db_read_listing(struct db *db, enum db_listing what, int64_t run_id)
{
    static const char *const sql[] = {
        [DB_LIST_RUNS] =
            "SELECT id, started_at, finished_at, status, host, wasmlab_version,"
            " command_line FROM runs WHERE ?1 < 0 OR id = ?1 ORDER BY id",
        [DB_LIST_BROWSERS] =
            "SELECT id, kind, product, revision, v8_version, path FROM browsers"
            " WHERE id IN (SELECT browser_id FROM loads WHERE ?1 < 0 OR run_id = ?1)"
            " ORDER BY id",
        [DB_LIST_MODULES] =
            "SELECT id, name, bytes, language, target, toolchain, toolchain_version,"
            " build_flags, sha256 FROM modules WHERE id IN"
            " (SELECT module_id FROM loads WHERE ?1 < 0 OR run_id = ?1) ORDER BY name",
        [DB_LIST_FAILED_LOADS] =
            "SELECT l.id AS load, m.name AS module, l.api, l.status, l.error FROM loads l"
            " JOIN modules m ON m.id = l.module_id WHERE (?1 < 0 OR l.run_id = ?1)"
            " AND l.status <> 'ok' ORDER BY l.id LIMIT 200",
        [DB_LIST_GC_PAUSES] =
            "SELECT m.name AS module, g.source, g.kind, COUNT(*) AS pauses,"
            " ROUND(SUM(g.dur_us) / 1000.0, 3) AS total_ms,"
            " ROUND(MAX(g.dur_us) / 1000.0, 3) AS max_ms FROM gc_pauses g"
            " JOIN loads l ON l.id = g.load_id JOIN modules m ON m.id = l.module_id"
            " WHERE (?1 < 0 OR l.run_id = ?1) AND g.is_pause = 1"
            " GROUP BY m.name, g.source, g.kind ORDER BY m.name, g.source, g.kind",
    };
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_sqlite(db), sql[what], -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, run_id);
    return db_rows_wrap(st);
}

int db_read_run_modules(struct db *db, int64_t run_id, char ***names, size_t *n)
{
    sqlite3_stmt *st;
    *names = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT DISTINCT m.name FROM loads l JOIN modules m"
                           " ON m.id = l.module_id WHERE ?1 < 0 OR l.run_id = ?1"
                           " ORDER BY m.name", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        db_grow((void **)names, sizeof **names, *n, &cap);
        (*names)[(*n)++] = xstrdup(db_col_text(st, 0) ? db_col_text(st, 0) : "");
    }
    sqlite3_finalize(st);
    return 0;
}
