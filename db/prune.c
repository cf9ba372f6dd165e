/* prune: trace retention rules and deleting stored traces by them. */
#include "db/prune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db/db_internal.h"

int db_keep_rule_parse(const char *text, struct db_keep_rule *rule)
{
    if (!text)
        return -1;
    if (strcmp(text, "all") == 0 || strcmp(text, "failed") == 0 || strcmp(text, "none") == 0) {
        rule->kind = text[0] == 'a' ? DB_KEEP_ALL : text[0] == 'f' ? DB_KEEP_FAILED : DB_KEEP_NONE;
        rule->every = 0;
        return 0;
    }
    if (strncmp(text, "sample:", 7) != 0)
        return -1;
    const char *num = text + 7;
    if (*num < '1' || *num > '9' || strlen(num) > 7)
        return -1;
    char *end;
    long n = strtol(num, &end, 10);
    if (*end || n < 1 || n > 1000000)
        return -1;
    rule->kind = DB_KEEP_SAMPLE;
    rule->every = n;
    return 0;
}

void db_keep_rule_format(const struct db_keep_rule *rule, char *buf, size_t len)
{
    switch (rule->kind) {
    case DB_KEEP_ALL: snprintf(buf, len, "all"); return;
    case DB_KEEP_FAILED: snprintf(buf, len, "failed"); return;
    case DB_KEEP_NONE: snprintf(buf, len, "none"); return;
    case DB_KEEP_SAMPLE: snprintf(buf, len, "sample:%lld", (long long)rule->every); return;
    }
}

bool db_keep_rule_keeps(const struct db_keep_rule *rule, bool ok, int64_t seq)
{
    switch (rule->kind) {
    case DB_KEEP_ALL: return true;
    case DB_KEEP_NONE: return false;
    case DB_KEEP_FAILED: return !ok;
    case DB_KEEP_SAMPLE: return !ok || (rule->every > 0 && seq % rule->every == 0);
    }
    return true;
}

int db_run_set_keep_traces(struct db *db, int64_t run_id, const struct db_keep_rule *rule)
{
    char text[32];
    db_keep_rule_format(rule, text, sizeof text);
    return db_run_sql(db, "UPDATE runs SET keep_traces = ? WHERE id = ?", NULL, "ti", text,
                      run_id);
}

/* The loads whose trace the rule drops, within the scope: one WHERE clause
 * shared by the count and the delete, so both see the same rows. Parameters:
 * ?1 run id (<= 0 any), ?2 experiment (NULL any), ?3 days (< 0 any),
 * ?4 kind, ?5 every. Same rule as db_keep_rule_keeps. */
#define PRUNE_SELECT                                                                  \
    "SELECT l.id FROM loads l JOIN runs r ON r.id = l.run_id"                        \
    " WHERE (?1 <= 0 OR l.run_id = ?1)"                                             \
    " AND (?2 IS NULL OR r.experiment = ?2)"                                        \
    " AND (?3 < 0 OR julianday(r.started_at) < julianday('now') - ?3)"              \
    " AND (?4 = 3 OR (l.status = 'ok' AND (?4 = 1 OR (?4 = 2 AND l.seq % ?5 != 0)))" \
    "      AND ?4 != 0)"

static sqlite3_stmt *prepare_scoped(struct db *db, const char *sql,
                                    const struct db_prune_scope *scope,
                                    const struct db_keep_rule *rule)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return NULL;
    db_bind_int(st, 1, scope->run_id);
    db_bind_text(st, 2, scope->experiment);
    db_bind_real(st, 3, scope->older_than_days);
    db_bind_int(st, 4, (int64_t)rule->kind);
    db_bind_int(st, 5, rule->every > 0 ? rule->every : 1);
    return st;
}

static int count_prunable(struct db *db, const struct db_prune_scope *scope,
                          const struct db_keep_rule *rule, struct db_prune_result *out)
{
    sqlite3_stmt *st = prepare_scoped(db, "SELECT count(*), coalesce(sum(length(data)), 0)"
                                          " FROM load_traces WHERE load_id IN (" PRUNE_SELECT ")",
                                      scope, rule);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->traces = sqlite3_column_int64(st, 0);
        out->bytes = sqlite3_column_int64(st, 1);
    } else {
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int db_prune_traces(struct db *db, const struct db_prune_scope *scope,
                    const struct db_keep_rule *rule, bool dry_run, struct db_prune_result *out)
{
    memset(out, 0, sizeof *out);
    /* BEGIN IMMEDIATE takes the write lock first (waiting on a writer), so
     * what is counted is exactly what is deleted. */
    if (db_begin(db) < 0)
        return -1;
    int rc = count_prunable(db, scope, rule, out);
    if (rc == 0 && !dry_run && out->traces > 0) {
        sqlite3_stmt *st = prepare_scoped(db, "DELETE FROM load_traces WHERE load_id IN ("
                                              PRUNE_SELECT ")", scope, rule);
        rc = st ? db_step_done(db, st) : -1;
        if (st)
            sqlite3_finalize(st);
    }
    if (rc < 0) {
        db_rollback(db);
        memset(out, 0, sizeof *out);
        return -1;
    }
    return db_commit(db);
}

int db_reclaim_space(struct db *db)
{
    return db_run_sql(db, "VACUUM", NULL, "");
}

int db_experiment_exists(struct db *db, const char *name)
{
    int64_t one;
    if (db_run_sql(db, "SELECT 1 FROM runs WHERE experiment = ? LIMIT 1", &one, "t", name) < 0)
        return -1;
    return one != DB_NULL;
}

int64_t db_file_bytes(struct db *db)
{
    int64_t pages, size;
    if (db_run_sql(db, "PRAGMA page_count", &pages, "") < 0 ||
        db_run_sql(db, "PRAGMA page_size", &size, "") < 0)
        return -1;
    return pages * size;
}
