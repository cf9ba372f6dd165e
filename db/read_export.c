#include "db/read_export.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/read_internal.h"

int db_export_tables(struct db *db, char ***names, size_t *n)
{
    sqlite3_stmt *st;
    *names = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                           " AND name <> 'load_traces' ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        db_grow((void **)names, sizeof **names, *n, &cap);
        (*names)[(*n)++] = xstrdup(db_col_text(st, 0));
    }
    sqlite3_finalize(st);
    return 0;
}

/* Whether table has column; pk (may be NULL) gets its primary-key columns
 * in key order, quoted and ", "-joined, for ORDER BY. */
static bool has_column(struct db *db, const char *table, const char *column, struct buf *pk)
{
    char *sql = xasprintf("PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *st;
    bool yes = false;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        char *pks[16] = { 0 };
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = db_col_text(st, 1);
            int k = sqlite3_column_int(st, 5);
            if (column && strcmp(name, column) == 0)
                yes = true;
            if (pk && k > 0 && k <= 16 && !pks[k - 1])
                pks[k - 1] = xstrdup(name);
        }
        for (int i = 0; pk && i < 16 && pks[i]; i++) {
            char *part = xasprintf("%s\"%s\"", i ? ", " : "", pks[i]);
            buf_append(pk, part, strlen(part));
            free(part);
        }
        for (int i = 0; i < 16; i++)
            free(pks[i]);
        sqlite3_finalize(st);
    }
    free(sql);
    return yes;
}

/* The WHERE clause that keeps the rows of run ?1, or NULL when the table's
 * rows belong to no run. */
static const char *run_filter(struct db *db, const char *table)
{
    if (strcmp(table, "runs") == 0)
        return " WHERE id = ?1";
    if (strcmp(table, "browsers") == 0)
        return " WHERE id IN (SELECT browser_id FROM loads WHERE run_id = ?1)";
    if (strcmp(table, "modules") == 0)
        return " WHERE id IN (SELECT module_id FROM loads WHERE run_id = ?1)";
    if (has_column(db, table, "run_id", NULL))
        return " WHERE run_id = ?1";
    if (has_column(db, table, "load_id", NULL))
        return " WHERE load_id IN (SELECT id FROM loads WHERE run_id = ?1)";
    if (has_column(db, table, "module_sha256", NULL))
        return " WHERE module_sha256 IN (SELECT m.sha256 FROM loads l JOIN modules m"
               " ON m.id = l.module_id WHERE l.run_id = ?1)";
    return NULL;
}

int db_export_open(struct db *db, const char *table, int64_t run_id, struct db_rows **out)
{
    *out = NULL;
    char **names;
    size_t n;
    if (db_export_tables(db, &names, &n) < 0)
        return DB_EXPORT_FAILED;
    bool known = false;
    for (size_t i = 0; i < n; i++)
        known |= strcmp(names[i], table) == 0;
    db_strings_free(names, n);
    if (!known)
        return DB_EXPORT_NOT_A_TABLE;
    const char *where = "";
    if (run_id != DB_ALL_RUNS && !(where = run_filter(db, table)))
        return DB_EXPORT_NO_RUN;
    struct buf pk = { 0 };
    has_column(db, table, NULL, &pk);
    char *sql = xasprintf("SELECT * FROM \"%s\"%s%s%s", table, where, pk.len ? " ORDER BY " : "",
                          pk.len ? pk.data : "");
    buf_free(&pk);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return DB_EXPORT_FAILED;
    if (run_id != DB_ALL_RUNS)
        sqlite3_bind_int64(st, 1, run_id);
    *out = db_rows_wrap(st);
    return DB_EXPORT_OK;
}
