/* merge: the SQL of `wasmlab merge` (the contract is in db/merge.h). */
#define _GNU_SOURCE
#include "db/merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "db/db_internal.h"
#include "db/db_migrations.h"

/* ---- small SQL helpers on the raw handle ---- */

static int exec_sql(sqlite3 *sq, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(sq));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The first column of a one-row query as an integer (def when no row). */
static int64_t query_int(sqlite3 *sq, const char *sql, int64_t def)
{
    sqlite3_stmt *st;
    int64_t v = def;
    if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static char *quote_ident(const char *s)
{
    struct buf b = { 0 };
    buf_append(&b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_append(&b, "\"", 1);
        buf_append(&b, p, 1);
    }
    buf_append(&b, "\"", 1);
    return b.data;
}

struct table_info {
    char *name;
    char **cols;
    size_t n_cols;
    bool has_load_id, has_run_id, has_browser_id, has_module_id;
    bool id_pk;             /* an INTEGER PRIMARY KEY named id */
    bool in_src;            /* the input has this table too */
};

static void table_info_free(struct table_info *t)
{
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->cols[i]);
    free(t->cols);
    free(t->name);
}

static int load_table_info(sqlite3 *sq, const char *schema, const char *table,
                           struct table_info *t)
{
    memset(t, 0, sizeof *t);
    t->name = xstrdup(table);
    char *qt = quote_ident(table);
    char *sql = xasprintf("PRAGMA %s.table_info(%s)", schema, qt);
    free(qt);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(sq, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        int pk = sqlite3_column_int(st, 5);
        if (!name)
            continue;
        if (t->n_cols == cap) {
            cap = cap ? cap * 2 : 16;
            t->cols = xrealloc(t->cols, cap * sizeof *t->cols);
        }
        t->cols[t->n_cols++] = xstrdup(name);
        t->has_load_id |= strcmp(name, "load_id") == 0;
        t->has_run_id |= strcmp(name, "run_id") == 0;
        t->has_browser_id |= strcmp(name, "browser_id") == 0;
        t->has_module_id |= strcmp(name, "module_id") == 0;
        if (strcmp(name, "id") == 0 && pk == 1 && type && strcasecmp(type, "INTEGER") == 0)
            t->id_pk = true;
    }
    sqlite3_finalize(st);
    return 0;
}

/* User tables of a schema, sorted by name. */
static char **list_tables(sqlite3 *sq, const char *schema, size_t *n)
{
    char *sql = xasprintf("SELECT name FROM %s.sqlite_master WHERE type = 'table'"
                          " AND name NOT LIKE 'sqlite\\_%%' ESCAPE '\\' ORDER BY name", schema);
    sqlite3_stmt *st;
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    free(sql);
    return v;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Is table referenced by any other table's foreign key in main? */
static bool is_referenced(sqlite3 *sq, char **tables, size_t n, const char *table)
{
    for (size_t i = 0; i < n; i++) {
        char *qt = quote_ident(tables[i]);
        char *sql = xasprintf("PRAGMA main.foreign_key_list(%s)", qt);
        free(qt);
        sqlite3_stmt *st;
        bool hit = false;
        if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) == SQLITE_OK) {
            while (!hit && sqlite3_step(st) == SQLITE_ROW) {
                const char *to = (const char *)sqlite3_column_text(st, 2);
                hit = to && strcmp(to, table) == 0 && strcmp(tables[i], table) != 0;
            }
            sqlite3_finalize(st);
        }
        free(sql);
        if (hit)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "col, col, ..." for the target and the matching select expressions (from
 * source alias s), with ids remapped. skip_id drops an INTEGER PRIMARY KEY id
 * (assigned anew); else id_expr, when given, replaces s.id. */
static void column_lists(const struct table_info *t, bool skip_id, const char *id_expr,
                         const char *load_id_expr, char **target, char **select)
{
    struct buf a = { 0 }, b = { 0 };
    for (size_t i = 0; i < t->n_cols; i++) {
        const char *c = t->cols[i];
        if (skip_id && strcmp(c, "id") == 0)
            continue;
        char *q = quote_ident(c);
        char *expr;
        if (strcmp(c, "id") == 0 && id_expr)
            expr = xstrdup(id_expr);
        else if (strcmp(c, "load_id") == 0 && load_id_expr)
            expr = xstrdup(load_id_expr);
        else if (ends_with(c, "_load_id") && load_id_expr)   /* load_host.trace_load_id */
            expr = xasprintf("s.%s + (%s - s.load_id)", q, load_id_expr);   /* same offset */
        else if (strcmp(c, "run_id") == 0)
            expr = xstrdup("(SELECT new FROM temp.merge_runs WHERE old = s.run_id)");
        else if (ends_with(c, "browser_id"))   /* also auto_sampling's baseline_browser_id */
            expr = xasprintf("(SELECT new FROM temp.merge_browsers WHERE old = s.%s)", q);
        else if (ends_with(c, "module_id"))
            expr = xasprintf("(SELECT new FROM temp.merge_modules WHERE old = s.%s)", q);
        else
            expr = xasprintf("s.%s", q);
        if (a.len) {
            buf_append(&a, ", ", 2);
            buf_append(&b, ", ", 2);
        }
        buf_append(&a, q, strlen(q));
        buf_append(&b, expr, strlen(expr));
        free(q);
        free(expr);
    }
    *target = a.data ? a.data : xstrdup("");
    *select = b.data ? b.data : xstrdup("");
}

/* Upserts the browsers or modules rows the copied loads use, by content,
 * filling temp.merge_<kind>. */
static int map_by_content(sqlite3 *sq, const char *table, const char *const *key_cols,
                          const char *load_col, int64_t *added, char *err, size_t errlen)
{
    struct table_info t;
    if (load_table_info(sq, "main", table, &t) < 0) {
        snprintf(err, errlen, "%s: %s", table, sqlite3_errmsg(sq));
        return -1;
    }
    /* WHERE m.k1 IS s.k1 AND ... (IS: NULL-safe). */
    struct buf where = { 0 };
    for (int i = 0; key_cols[i]; i++) {
        char *w = xasprintf("%sm.%s IS s.%s", i ? " AND " : "", key_cols[i], key_cols[i]);
        buf_append(&where, w, strlen(w));
        free(w);
    }
    char *target, *select;
    column_lists(&t, true, NULL, NULL, &target, &select);
    char *sql_map = xasprintf(
        "INSERT INTO temp.merge_%s (old, new) SELECT s.id,"
        " (SELECT MIN(m.id) FROM main.%s m WHERE %s) FROM src.%s s"
        " WHERE s.id IN (SELECT DISTINCT l.%s FROM src.loads l JOIN temp.merge_loads c"
        " ON c.old = l.id)",
        table, table, where.data, table, load_col);
    char *sql_new = xasprintf(
        "INSERT INTO main.%s (%s) SELECT %s FROM src.%s s JOIN temp.merge_%s x ON x.old = s.id"
        " WHERE x.new IS NULL ORDER BY s.id", table, target, select, table, table);
    char *sql_fix = xasprintf(
        "UPDATE temp.merge_%s SET new = (SELECT MIN(m.id) FROM main.%s m, src.%s s"
        " WHERE s.id = temp.merge_%s.old AND %s) WHERE new IS NULL",
        table, table, table, table, where.data);
    int rc = 0;
    char *count_sql = xasprintf("SELECT COUNT(*) FROM temp.merge_%s WHERE new IS NULL", table);
    if (exec_sql(sq, sql_map, err, errlen) < 0)
        rc = -1;
    if (rc == 0)
        *added = query_int(sq, count_sql, 0);
    if (rc == 0 && (exec_sql(sq, sql_new, err, errlen) < 0 || exec_sql(sq, sql_fix, err, errlen) < 0))
        rc = -1;
    if (rc == 0 && query_int(sq, count_sql, 0) != 0) {
        snprintf(err, errlen, "%s: some rows could not be matched after copying", table);
        rc = -1;
    }
    free(count_sql);
    free(sql_map);
    free(sql_new);
    free(sql_fix);
    free(target);
    free(select);
    buf_free(&where);
    table_info_free(&t);
    return rc;
}

/* ---- one input ---- */

int db_merge_check_input(const char *path, int *version, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    sqlite3 *sq = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &sq, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, sq ? sqlite3_errmsg(sq) : "?");
        goto out;
    }
    int64_t has_runs = query_int(sq, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                                     " AND name IN ('runs', 'loads', 'browsers', 'modules')", -1);
    if (has_runs < 0) {
        snprintf(err, errlen, "%s: not an SQLite database (%s)", path, sqlite3_errmsg(sq));
        goto out;
    }
    if (has_runs != 4) {
        snprintf(err, errlen, "%s: not a wasmlab results DB (no runs/loads tables)", path);
        goto out;
    }
    *version = (int)query_int(sq, "PRAGMA user_version", 0);
    if (*version > db_merge_newest_schema()) {
        snprintf(err, errlen, "%s: schema version %d is newer than this wasmlab knows (%d); "
                 "upgrade wasmlab", path, *version, db_merge_newest_schema());
        goto out;
    }
    rc = 0;
out:
    sqlite3_close(sq);
    return rc;
}

/* Copies src (read-only) to a new file and migrates the copy. */
static char *migrated_copy(const char *path, const char *tmpdir, char *err, size_t errlen)
{
    char *copy = xasprintf("%s/input.db", tmpdir);
    sqlite3 *from = NULL, *to = NULL;
    int ok = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
             sqlite3_open_v2(copy, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
                 SQLITE_OK;
    if (ok) {
        sqlite3_backup *bk = sqlite3_backup_init(to, "main", from, "main");
        ok = bk && sqlite3_backup_step(bk, -1) == SQLITE_DONE;
        sqlite3_backup_finish(bk);
        if (!ok)
            snprintf(err, errlen, "%s: cannot copy it: %s", path, sqlite3_errmsg(to));
    } else {
        snprintf(err, errlen, "%s: cannot copy it", path);
    }
    sqlite3_close(from);
    sqlite3_close(to);
    if (ok) {
        char why[512];
        struct db *d = db_open(copy, why, sizeof why);
        if (!d) {
            snprintf(err, errlen, "%s: cannot migrate a copy: %s", path, why);
            ok = 0;
        }
        db_close(d);
    }
    if (!ok) {
        free(copy);
        return NULL;
    }
    return copy;
}


int db_merge_newest_schema(void)
{
    return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

/* ---- one input, step by step ---- */

/* What merge_attached works on: OUT's tables (all at the newest schema) and
 * their columns. */
struct merge_tables {
    char **names;
    struct table_info *infos;
    size_t n;
};

static void merge_tables_free(struct merge_tables *mt)
{
    for (size_t i = 0; mt->infos && i < mt->n; i++)
        table_info_free(&mt->infos[i]);
    free(mt->infos);
    free_strv(mt->names, mt->n);
    memset(mt, 0, sizeof *mt);
}

static int attach_input(sqlite3 *sq, const char *in_path, char *err, size_t errlen)
{
    sqlite3_stmt *at;
    if (sqlite3_prepare_v2(sq, "ATTACH DATABASE ? AS src", -1, &at, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(sq));
        return -1;
    }
    sqlite3_bind_text(at, 1, in_path, -1, SQLITE_TRANSIENT);
    int arc = sqlite3_step(at);
    sqlite3_finalize(at);
    if (arc != SQLITE_DONE) {
        snprintf(err, errlen, "cannot attach %s: %s", in_path, sqlite3_errmsg(sq));
        return -1;
    }
    return 0;
}

/* Every input table is in OUT with the same columns (both are at the newest
 * schema by now). Fills mt with OUT's tables. */
static int check_same_schema(sqlite3 *sq, struct merge_tables *mt, char *err, size_t errlen)
{
    size_t n_src;
    char **src_tables = list_tables(sq, "src", &n_src);
    mt->names = list_tables(sq, "main", &mt->n);
    for (size_t i = 0; i < n_src; i++) {
        bool found = false;
        for (size_t j = 0; j < mt->n && !found; j++)
            found = strcmp(src_tables[i], mt->names[j]) == 0;
        if (!found) {
            snprintf(err, errlen, "table %s is not in the output DB's schema", src_tables[i]);
            free_strv(src_tables, n_src);
            return -1;
        }
    }
    free_strv(src_tables, n_src);
    mt->infos = xcalloc(mt->n ? mt->n : 1, sizeof *mt->infos);
    for (size_t i = 0; i < mt->n; i++) {
        struct table_info si;
        if (load_table_info(sq, "main", mt->names[i], &mt->infos[i]) < 0 ||
            load_table_info(sq, "src", mt->names[i], &si) < 0) {
            snprintf(err, errlen, "table %s: %s", mt->names[i], sqlite3_errmsg(sq));
            return -1;
        }
        mt->infos[i].in_src = si.n_cols > 0;
        bool same = si.n_cols == mt->infos[i].n_cols || si.n_cols == 0;
        for (size_t k = 0; same && k < si.n_cols; k++) {
            bool f = false;
            for (size_t j = 0; j < mt->infos[i].n_cols && !f; j++)
                f = strcmp(si.cols[k], mt->infos[i].cols[j]) == 0;
            same = f;
        }
        table_info_free(&si);
        if (!same) {
            snprintf(err, errlen, "table %s has different columns in the input", mt->names[i]);
            return -1;
        }
    }
    return 0;
}

static bool is_keyed_table(const char *name)
{
    return !strcmp(name, "runs") || !strcmp(name, "loads") || !strcmp(name, "browsers") ||
           !strcmp(name, "modules");
}

/* The WASI census (migration 012) has its own runs (wasi_runs, keyed by
 * uuid), merged by merge_census, not by the loads' rules. */
static bool is_census_table(const char *name)
{
    return strncmp(name, "wasi_", 5) == 0;
}

/* Copies the census runs OUT lacks (by uuid) with their outcomes, calls and
 * steps; outcome ids move up by one offset above every id OUT has. */
static int merge_census(sqlite3 *sq, struct db_merge_counts *mc, char *err, size_t errlen)
{
    if (exec_sql(sq,
                 "CREATE TEMP TABLE IF NOT EXISTS merge_wasi_runs (old INTEGER PRIMARY KEY,"
                 " uuid TEXT, new INTEGER);"
                 "DELETE FROM temp.merge_wasi_runs;"
                 "INSERT INTO temp.merge_wasi_runs (old, uuid) SELECT id, uuid FROM src.wasi_runs"
                 " WHERE uuid NOT IN (SELECT uuid FROM main.wasi_runs);"
                 "INSERT INTO main.wasi_runs (uuid, started_at, finished_at, command)"
                 " SELECT uuid, started_at, finished_at, command FROM src.wasi_runs"
                 " WHERE id IN (SELECT old FROM temp.merge_wasi_runs) ORDER BY id;"
                 "UPDATE temp.merge_wasi_runs SET new = (SELECT m.id FROM main.wasi_runs m"
                 " WHERE m.uuid = merge_wasi_runs.uuid);", err, errlen) < 0)
        return -1;
    int64_t off = query_int(sq, "SELECT IFNULL(MAX(id), 0) FROM main.wasi_outcomes", 0);
    int64_t before = sqlite3_total_changes64(sq);
    static const char *const cols =
        "host, runtime, module, language, status, exit_code, trapped, timed_out, reason,"
        " imports, missing, stdout_bytes, stdout, calls_recorded, calls_dropped, wall_ms,"
        " stderr_bytes, stderr";
    char *sql = xasprintf(
        "INSERT INTO main.wasi_outcomes (id, run_id, %s) SELECT s.id + %lld, r.new, %s"
        " FROM src.wasi_outcomes s JOIN temp.merge_wasi_runs r ON r.old = s.run_id ORDER BY s.id;"
        "INSERT INTO main.wasi_calls (outcome_id, seq, fn, args, errno, result, us, step)"
        " SELECT c.outcome_id + %lld, c.seq, c.fn, c.args, c.errno, c.result, c.us, c.step"
        " FROM src.wasi_calls c JOIN src.wasi_outcomes s ON s.id = c.outcome_id"
        " JOIN temp.merge_wasi_runs r ON r.old = s.run_id;"
        "INSERT INTO main.wasi_steps (outcome_id, idx, step, result, detail)"
        " SELECT t.outcome_id + %lld, t.idx, t.step, t.result, t.detail"
        " FROM src.wasi_steps t JOIN src.wasi_outcomes s ON s.id = t.outcome_id"
        " JOIN temp.merge_wasi_runs r ON r.old = s.run_id;",
        cols, (long long)off, cols, (long long)off, (long long)off);
    int rc = exec_sql(sq, sql, err, errlen);
    free(sql);
    if (rc == 0)
        mc->rows += sqlite3_total_changes64(sq) - before;
    return rc;
}

/* Refuses tables merge cannot remap. */
static int check_mergeable(sqlite3 *sq, const struct merge_tables *mt, char *err, size_t errlen)
{
    for (size_t i = 0; i < mt->n; i++) {
        const struct table_info *t = &mt->infos[i];
        if (is_keyed_table(t->name) || is_census_table(t->name))
            continue;
        if (t->id_pk && is_referenced(sq, mt->names, mt->n, t->name)) {
            snprintf(err, errlen, "table %s has row ids other tables refer to; merge does not "
                     "know how to remap them (teach db/merge.c)", t->name);
            return -1;
        }
        if (t->id_pk && !t->has_load_id && !t->has_run_id) {
            snprintf(err, errlen, "table %s is keyed by row id but belongs to no run or load; "
                     "merge does not know how to match its rows (teach db/merge.c)", t->name);
            return -1;
        }
    }
    return 0;
}

static int create_maps(sqlite3 *sq, char *err, size_t errlen)
{
    return exec_sql(sq,
                    "PRAGMA defer_foreign_keys = ON;"
                    "CREATE TEMP TABLE IF NOT EXISTS merge_runs (old INTEGER PRIMARY KEY,"
                    " new INTEGER, is_new INTEGER);"
                    "CREATE TEMP TABLE IF NOT EXISTS merge_loads (old INTEGER PRIMARY KEY);"
                    "CREATE TEMP TABLE IF NOT EXISTS merge_browsers (old INTEGER PRIMARY KEY,"
                    " new INTEGER);"
                    "CREATE TEMP TABLE IF NOT EXISTS merge_modules (old INTEGER PRIMARY KEY,"
                    " new INTEGER);"
                    "DELETE FROM temp.merge_runs; DELETE FROM temp.merge_loads;"
                    "DELETE FROM temp.merge_browsers; DELETE FROM temp.merge_modules;",
                    err, errlen);
}

/* The statements merge_runs steps through. */
struct run_stmts {
    sqlite3_stmt *src, *find, *ins, *map, *upd;
};

static void run_stmts_finalize(struct run_stmts *q)
{
    sqlite3_finalize(q->src);
    sqlite3_finalize(q->find);
    sqlite3_finalize(q->ins);
    sqlite3_finalize(q->map);
    sqlite3_finalize(q->upd);
}

static int prepare_run_stmts(sqlite3 *sq, const struct table_info *runs_t, struct run_stmts *q)
{
    char *target, *select;
    column_lists(runs_t, true, NULL, NULL, &target, &select);
    char *ins_run = xasprintf("INSERT INTO main.runs (%s) SELECT %s FROM src.runs s WHERE s.id = ?",
                              target, select);
    free(target);
    free(select);
    memset(q, 0, sizeof *q);
    int prc = SQLITE_OK;
    prc |= sqlite3_prepare_v2(sq, "SELECT id, uuid, status, finished_at FROM src.runs ORDER BY id",
                              -1, &q->src, NULL);
    prc |= sqlite3_prepare_v2(sq, "SELECT id, status FROM main.runs WHERE uuid = ?", -1,
                              &q->find, NULL);
    prc |= sqlite3_prepare_v2(sq, ins_run, -1, &q->ins, NULL);
    prc |= sqlite3_prepare_v2(sq, "INSERT INTO temp.merge_runs (old, new, is_new) VALUES (?,?,?)",
                              -1, &q->map, NULL);
    prc |= sqlite3_prepare_v2(sq, "UPDATE main.runs SET status = ?, finished_at = ? WHERE id = ?",
                              -1, &q->upd, NULL);
    free(ins_run);
    return prc == SQLITE_OK ? 0 : -1;
}

/* A run OUT has: marks it finished when it was merged while running and has
 * finished since. */
static int update_run(struct run_stmts *q, int64_t id, const char *status, const char *fin,
                      struct db_merge_counts *mc)
{
    const char *have = (const char *)sqlite3_column_text(q->find, 1);
    if (!have || strcmp(have, "running") != 0 || !status || strcmp(status, "running") == 0)
        return 0;
    sqlite3_reset(q->upd);
    sqlite3_bind_text(q->upd, 1, status, -1, SQLITE_TRANSIENT);
    if (fin)
        sqlite3_bind_text(q->upd, 2, fin, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q->upd, 2);
    sqlite3_bind_int64(q->upd, 3, id);
    if (sqlite3_step(q->upd) != SQLITE_DONE)
        return -1;
    mc->runs_updated++;
    return 0;
}

/* Runs, by UUID: copies the new ones, fills temp.merge_runs. */
static int merge_runs(sqlite3 *sq, const struct table_info *runs_t, struct db_merge_counts *mc,
                      char *err, size_t errlen)
{
    struct run_stmts q;
    if (prepare_run_stmts(sq, runs_t, &q) < 0) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(sq));
        run_stmts_finalize(&q);
        return -1;
    }
    int step_rc;
    while ((step_rc = sqlite3_step(q.src)) == SQLITE_ROW) {
        int64_t old = sqlite3_column_int64(q.src, 0), new_id = 0;
        const char *uuid = (const char *)sqlite3_column_text(q.src, 1);
        const char *status = (const char *)sqlite3_column_text(q.src, 2);
        const char *fin = (const char *)sqlite3_column_text(q.src, 3);
        bool is_new = true;
        mc->runs_seen++;
        sqlite3_reset(q.find);
        sqlite3_bind_text(q.find, 1, uuid ? uuid : "", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q.find) == SQLITE_ROW) {
            is_new = false;
            new_id = sqlite3_column_int64(q.find, 0);
            if (update_run(&q, new_id, status, fin, mc) < 0)
                break;
        } else {
            sqlite3_reset(q.ins);
            sqlite3_bind_int64(q.ins, 1, old);
            if (sqlite3_step(q.ins) != SQLITE_DONE)
                break;
            new_id = sqlite3_last_insert_rowid(sq);
            mc->runs_new++;
        }
        sqlite3_reset(q.map);
        sqlite3_bind_int64(q.map, 1, old);
        sqlite3_bind_int64(q.map, 2, new_id);
        sqlite3_bind_int(q.map, 3, is_new);
        if (sqlite3_step(q.map) != SQLITE_DONE)
            break;
    }
    if (step_rc != SQLITE_DONE)
        snprintf(err, errlen, "runs: %s", sqlite3_errmsg(sq));
    run_stmts_finalize(&q);
    return step_rc == SQLITE_DONE ? 0 : -1;
}

/* Loads to copy: every load of a new run; for a run OUT already has, the
 * loads it lacks. Then the browsers and modules they use. */
static int select_loads(sqlite3 *sq, struct db_merge_counts *mc, char *err, size_t errlen)
{
    if (exec_sql(sq,
                 "INSERT INTO temp.merge_loads (old) SELECT s.id FROM src.loads s"
                 " JOIN temp.merge_runs r ON r.old = s.run_id"
                 " JOIN src.modules sm ON sm.id = s.module_id"
                 " WHERE r.is_new = 1 OR NOT EXISTS (SELECT 1 FROM main.loads l"
                 "  JOIN main.modules mm ON mm.id = l.module_id"
                 "  WHERE l.run_id = r.new AND l.seq = s.seq AND l.api = s.api"
                 "  AND l.condition = s.condition AND l.started_at = s.started_at"
                 "  AND mm.name = sm.name AND mm.sha256 = sm.sha256)",
                 err, errlen) < 0)
        return -1;
    mc->loads = query_int(sq, "SELECT COUNT(*) FROM temp.merge_loads", 0);
    static const char *const browser_key[] = { "path", "product", "revision", NULL };
    static const char *const module_key[] = { "name", "sha256", NULL };
    if (map_by_content(sq, "browsers", browser_key, "browser_id", &mc->browsers, err,
                       errlen) < 0 ||
        map_by_content(sq, "modules", module_key, "module_id", &mc->modules, err, errlen) < 0)
        return -1;
    return 0;
}

/* The INSERT that copies table t's rows of the selected loads/runs, or NULL
 * when t is not copied this way (runs, browsers, modules, absent in src).
 * off: new load id = old id + off. */
static char *copy_sql(const struct table_info *t, int64_t off)
{
    if (!strcmp(t->name, "runs") || !strcmp(t->name, "browsers") ||
        !strcmp(t->name, "modules") || !t->in_src || is_census_table(t->name))
        return NULL;
    char *qt = quote_ident(t->name), *target, *select, *sql;
    if (!strcmp(t->name, "loads")) {
        char *id_expr = xasprintf("s.id + (%lld)", (long long)off);
        column_lists(t, false, id_expr, NULL, &target, &select);
        sql = xasprintf("INSERT INTO main.loads (%s) SELECT %s FROM src.loads s"
                        " JOIN temp.merge_loads c ON c.old = s.id ORDER BY s.id", target, select);
        free(id_expr);
    } else if (t->has_load_id) {
        char *load_expr = xasprintf("s.load_id + (%lld)", (long long)off);
        column_lists(t, t->id_pk, NULL, load_expr, &target, &select);
        sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s s"
                        " WHERE s.load_id IN (SELECT old FROM temp.merge_loads)",
                        qt, target, select, qt);
        free(load_expr);
    } else if (t->has_run_id) {
        column_lists(t, t->id_pk, NULL, NULL, &target, &select);
        sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s s"
                        " WHERE s.run_id IN (SELECT old FROM temp.merge_runs WHERE is_new = 1)",
                        qt, target, select, qt);
    } else {
        column_lists(t, false, NULL, NULL, &target, &select);
        sql = xasprintf("INSERT OR IGNORE INTO main.%s (%s) SELECT %s FROM src.%s s",
                        qt, target, select, qt);
    }
    free(target);
    free(select);
    free(qt);
    return sql;
}

/* Copies the loads and every detail table. Loads keep their order: new id =
 * old id + offset, above every id OUT has. */
static int copy_rows(sqlite3 *sq, const struct merge_tables *mt, struct db_merge_counts *mc,
                     char *err, size_t errlen)
{
    int64_t off = query_int(sq, "SELECT IFNULL(MAX(id), 0) FROM main.loads", 0) + 1 -
                  query_int(sq, "SELECT IFNULL(MIN(old), 0) FROM temp.merge_loads", 0);
    for (size_t i = 0; i < mt->n; i++) {
        const struct table_info *t = &mt->infos[i];
        char *sql = copy_sql(t, off);
        if (!sql)
            continue;
        int64_t before = sqlite3_total_changes64(sq);
        int erc = exec_sql(sq, sql, err, errlen);
        free(sql);
        if (erc < 0) {
            char why[400];
            snprintf(why, sizeof why, "%s", err);
            snprintf(err, errlen, "%s: %s", t->name, why);
            return -1;
        }
        if (strcmp(t->name, "loads") != 0)
            mc->rows += sqlite3_total_changes64(sq) - before;
    }
    return 0;
}

/* The attached input into main, in one transaction. */
static int merge_attached(sqlite3 *sq, struct db_merge_counts *mc, char *err, size_t errlen)
{
    struct merge_tables mt = { 0 };
    int rc = -1;
    bool in_tx = false;
    if (check_same_schema(sq, &mt, err, errlen) < 0 || check_mergeable(sq, &mt, err, errlen) < 0)
        goto out;
    const struct table_info *runs_t = NULL;
    for (size_t i = 0; i < mt.n; i++)
        if (!strcmp(mt.infos[i].name, "runs"))
            runs_t = &mt.infos[i];
    if (!runs_t) {
        snprintf(err, errlen, "the output DB has no runs table");
        goto out;
    }
    if (exec_sql(sq, "BEGIN IMMEDIATE", err, errlen) < 0)
        goto out;
    in_tx = true;
    if (create_maps(sq, err, errlen) < 0 || merge_runs(sq, runs_t, mc, err, errlen) < 0 ||
        select_loads(sq, mc, err, errlen) < 0 || copy_rows(sq, &mt, mc, err, errlen) < 0 ||
        merge_census(sq, mc, err, errlen) < 0 || exec_sql(sq, "COMMIT", err, errlen) < 0)
        goto out;
    in_tx = false;
    rc = 0;
out:
    if (in_tx)
        sqlite3_exec(sq, "ROLLBACK", NULL, NULL, NULL);
    merge_tables_free(&mt);
    return rc;
}

static int merge_one(struct db *out, const char *in_path, struct db_merge_counts *mc, char *err,
                     size_t errlen)
{
    sqlite3 *sq = db_sqlite(out);
    if (attach_input(sq, in_path, err, errlen) < 0)
        return -1;
    int rc = merge_attached(sq, mc, err, errlen);
    sqlite3_exec(sq, "DETACH DATABASE src", NULL, NULL, NULL);
    return rc;
}

int db_merge(struct db *out, const char *in_path, struct db_merge_counts *mc, char *err,
             size_t errlen)
{
    memset(mc, 0, sizeof *mc);
    int version;
    if (db_merge_check_input(in_path, &version, err, errlen) < 0)
        return -1;
    mc->schema_from = version;
    mc->schema_to = db_merge_newest_schema();
    if (version == mc->schema_to)
        return merge_one(out, in_path, mc, err, errlen);
    const char *t = getenv("TMPDIR");
    char *tmpdir = xasprintf("%s/wasmlab-merge-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) {
        snprintf(err, errlen, "cannot create a temp folder: %s", strerror(errno));
        free(tmpdir);
        return -1;
    }
    int rc = -1;
    char *copy = migrated_copy(in_path, tmpdir, err, errlen);
    if (copy)
        rc = merge_one(out, copy, mc, err, errlen);
    remove_tree(tmpdir);
    free(tmpdir);
    free(copy);
    return rc;
}
