/* wasmlab merge: result DBs from shards or machines into one, idempotently.
 *
 * Runs are keyed by UUID, loads within a run by (seq, module name+sha256,
 * api, condition, started_at), browsers by path+product+revision, modules by
 * name+sha256. Everything else is classified by its columns, so tables added
 * by later migrations merge without changes here:
 *   - a table with load_id: rows of the loads being copied, load_id (and any
 *     run_id, browser_id, module_id) remapped; its own INTEGER PRIMARY KEY
 *     `id`, if any, assigned anew;
 *   - else a table with run_id: rows of runs new to OUT, remapped likewise;
 *   - else a content table (keyed by content, e.g. module_sizes by sha256):
 *     INSERT OR IGNORE.
 * A table merge cannot remap (an `id` others refer to, a content table keyed
 * by a row id) is refused with an error rather than merged wrongly.
 * Each input is merged in one transaction: all of it or none. */
#define _GNU_SOURCE
#include "collector/cli/cmd_merge.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "db/db.h"
#include "db/db_migrations.h"

static const struct cli_option merge_options[] = { { NULL, 0, NULL, NULL, 0 } };

static const struct cli_command merge_command = {
    .name = "merge",
    .usage = "OUT.db IN.db...",
    .description =
        "Copies into OUT.db (created if missing) every run of each IN.db that OUT.db\n"
        "lacks (runs are keyed by UUID), with its loads and all their rows (chunks,\n"
        "compile events, marks, traces, GC pauses, ...); browsers and modules are\n"
        "matched by content, not by row id. Loads a run in OUT.db already has are not\n"
        "copied again, so merging the same file twice changes nothing, and a run\n"
        "merged while still running gets its later loads on the next merge.\n"
        "An input with an older schema is migrated in a temporary copy (the input is\n"
        "never written); one with a newer schema is refused. Each input is merged in\n"
        "one transaction.",
    .options = merge_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(1: DB error; 2 also for a bad input: missing, not a wasmlab DB, newer\n"
                  "schema, the same file as OUT)",
    .examples = "wasmlab merge all.db shard1.db shard2.db shard3.db",
};

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
        else if (strcmp(c, "run_id") == 0)
            expr = xstrdup("(SELECT new FROM temp.merge_runs WHERE old = s.run_id)");
        else if (strcmp(c, "browser_id") == 0)
            expr = xstrdup("(SELECT new FROM temp.merge_browsers WHERE old = s.browser_id)");
        else if (strcmp(c, "module_id") == 0)
            expr = xstrdup("(SELECT new FROM temp.merge_modules WHERE old = s.module_id)");
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

struct merge_counts {
    int64_t runs_seen, runs_new, runs_updated, loads, browsers, modules, rows;
};

static int check_input(const char *path, int *version, char *err, size_t errlen)
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

static int merge_one(struct db *out, const char *in_path, struct merge_counts *mc, char *err,
                     size_t errlen)
{
    sqlite3 *sq = db_sqlite(out);
    memset(mc, 0, sizeof *mc);
    int rc = -1;
    char **tables = NULL;
    size_t n_tables = 0;
    struct table_info *infos = NULL;
    bool attached = false, in_tx = false;

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
    attached = true;

    /* Same tables, same columns (both are at the newest schema by now). */
    size_t n_src;
    char **src_tables = list_tables(sq, "src", &n_src);
    tables = list_tables(sq, "main", &n_tables);
    for (size_t i = 0; i < n_src; i++) {
        bool found = false;
        for (size_t j = 0; j < n_tables && !found; j++)
            found = strcmp(src_tables[i], tables[j]) == 0;
        if (!found) {
            snprintf(err, errlen, "table %s is not in the output DB's schema", src_tables[i]);
            free_strv(src_tables, n_src);
            goto out;
        }
    }
    free_strv(src_tables, n_src);
    infos = xcalloc(n_tables ? n_tables : 1, sizeof *infos);
    for (size_t i = 0; i < n_tables; i++) {
        struct table_info si;
        if (load_table_info(sq, "main", tables[i], &infos[i]) < 0 ||
            load_table_info(sq, "src", tables[i], &si) < 0) {
            snprintf(err, errlen, "table %s: %s", tables[i], sqlite3_errmsg(sq));
            goto out;
        }
        infos[i].in_src = si.n_cols > 0;
        bool same = si.n_cols == infos[i].n_cols || si.n_cols == 0;
        for (size_t k = 0; same && k < si.n_cols; k++) {
            bool f = false;
            for (size_t j = 0; j < infos[i].n_cols && !f; j++)
                f = strcmp(si.cols[k], infos[i].cols[j]) == 0;
            same = f;
        }
        table_info_free(&si);
        if (!same) {
            snprintf(err, errlen, "table %s has different columns in the input", tables[i]);
            goto out;
        }
    }
    /* Tables merge cannot remap. */
    for (size_t i = 0; i < n_tables; i++) {
        const struct table_info *t = &infos[i];
        if (!strcmp(t->name, "runs") || !strcmp(t->name, "loads") ||
            !strcmp(t->name, "browsers") || !strcmp(t->name, "modules"))
            continue;
        if (t->id_pk && is_referenced(sq, tables, n_tables, t->name)) {
            snprintf(err, errlen, "table %s has row ids other tables refer to; merge does not "
                     "know how to remap them (teach collector/cli/cmd_merge.c)", t->name);
            goto out;
        }
        if (t->id_pk && !t->has_load_id && !t->has_run_id) {
            snprintf(err, errlen, "table %s is keyed by row id but belongs to no run or load; "
                     "merge does not know how to match its rows (teach collector/cli/cmd_merge.c)",
                     t->name);
            goto out;
        }
    }

    if (exec_sql(sq, "BEGIN IMMEDIATE", err, errlen) < 0)
        goto out;
    in_tx = true;
    if (exec_sql(sq,
                 "PRAGMA defer_foreign_keys = ON;"
                 "CREATE TEMP TABLE IF NOT EXISTS merge_runs (old INTEGER PRIMARY KEY,"
                 " new INTEGER, is_new INTEGER);"
                 "CREATE TEMP TABLE IF NOT EXISTS merge_loads (old INTEGER PRIMARY KEY);"
                 "CREATE TEMP TABLE IF NOT EXISTS merge_browsers (old INTEGER PRIMARY KEY, new INTEGER);"
                 "CREATE TEMP TABLE IF NOT EXISTS merge_modules (old INTEGER PRIMARY KEY, new INTEGER);"
                 "DELETE FROM temp.merge_runs; DELETE FROM temp.merge_loads;"
                 "DELETE FROM temp.merge_browsers; DELETE FROM temp.merge_modules;",
                 err, errlen) < 0)
        goto out;

    /* Runs, by UUID. */
    const struct table_info *runs_t = NULL;
    for (size_t i = 0; i < n_tables; i++)
        if (!strcmp(infos[i].name, "runs"))
            runs_t = &infos[i];
    char *target, *select;
    column_lists(runs_t, true, NULL, NULL, &target, &select);
    char *ins_run = xasprintf("INSERT INTO main.runs (%s) SELECT %s FROM src.runs s WHERE s.id = ?",
                              target, select);
    free(target);
    free(select);
    sqlite3_stmt *q_src = NULL, *q_find = NULL, *q_ins = NULL, *q_map = NULL, *q_upd = NULL;
    int prc = SQLITE_OK;
    prc |= sqlite3_prepare_v2(sq, "SELECT id, uuid, status, finished_at FROM src.runs ORDER BY id",
                              -1, &q_src, NULL);
    prc |= sqlite3_prepare_v2(sq, "SELECT id, status FROM main.runs WHERE uuid = ?", -1, &q_find,
                              NULL);
    prc |= sqlite3_prepare_v2(sq, ins_run, -1, &q_ins, NULL);
    prc |= sqlite3_prepare_v2(sq, "INSERT INTO temp.merge_runs (old, new, is_new) VALUES (?,?,?)",
                              -1, &q_map, NULL);
    prc |= sqlite3_prepare_v2(sq, "UPDATE main.runs SET status = ?, finished_at = ? WHERE id = ?",
                              -1, &q_upd, NULL);
    free(ins_run);
    int step_rc = SQLITE_DONE;
    if (prc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(sq));
        step_rc = SQLITE_ERROR;
    }
    while (prc == SQLITE_OK && (step_rc = sqlite3_step(q_src)) == SQLITE_ROW) {
        int64_t old = sqlite3_column_int64(q_src, 0), new_id = 0;
        const char *uuid = (const char *)sqlite3_column_text(q_src, 1);
        const char *status = (const char *)sqlite3_column_text(q_src, 2);
        const char *fin = (const char *)sqlite3_column_text(q_src, 3);
        bool is_new = true;
        mc->runs_seen++;
        sqlite3_reset(q_find);
        sqlite3_bind_text(q_find, 1, uuid ? uuid : "", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q_find) == SQLITE_ROW) {
            is_new = false;
            new_id = sqlite3_column_int64(q_find, 0);
            const char *have = (const char *)sqlite3_column_text(q_find, 1);
            /* A run merged while running, finished since. */
            if (have && strcmp(have, "running") == 0 && status && strcmp(status, "running") != 0) {
                sqlite3_reset(q_upd);
                sqlite3_bind_text(q_upd, 1, status, -1, SQLITE_TRANSIENT);
                if (fin)
                    sqlite3_bind_text(q_upd, 2, fin, -1, SQLITE_TRANSIENT);
                else
                    sqlite3_bind_null(q_upd, 2);
                sqlite3_bind_int64(q_upd, 3, new_id);
                if (sqlite3_step(q_upd) != SQLITE_DONE) {
                    step_rc = SQLITE_ERROR;
                    break;
                }
                mc->runs_updated++;
            }
        } else {
            sqlite3_reset(q_ins);
            sqlite3_bind_int64(q_ins, 1, old);
            if (sqlite3_step(q_ins) != SQLITE_DONE) {
                step_rc = SQLITE_ERROR;
                break;
            }
            new_id = sqlite3_last_insert_rowid(sq);
            mc->runs_new++;
        }
        sqlite3_reset(q_map);
        sqlite3_bind_int64(q_map, 1, old);
        sqlite3_bind_int64(q_map, 2, new_id);
        sqlite3_bind_int(q_map, 3, is_new);
        if (sqlite3_step(q_map) != SQLITE_DONE) {
            step_rc = SQLITE_ERROR;
            break;
        }
    }
    if (step_rc != SQLITE_DONE && prc == SQLITE_OK)
        snprintf(err, errlen, "runs: %s", sqlite3_errmsg(sq));
    sqlite3_finalize(q_src);
    sqlite3_finalize(q_find);
    sqlite3_finalize(q_ins);
    sqlite3_finalize(q_map);
    sqlite3_finalize(q_upd);
    if (step_rc != SQLITE_DONE)
        goto out;

    /* Loads to copy: every load of a new run; for a run OUT already has,
     * the loads it lacks. */
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
        goto out;
    mc->loads = query_int(sq, "SELECT COUNT(*) FROM temp.merge_loads", 0);

    static const char *const browser_key[] = { "path", "product", "revision", NULL };
    static const char *const module_key[] = { "name", "sha256", NULL };
    if (map_by_content(sq, "browsers", browser_key, "browser_id", &mc->browsers, err,
                       errlen) < 0 ||
        map_by_content(sq, "modules", module_key, "module_id", &mc->modules, err, errlen) < 0)
        goto out;

    /* Loads keep their order: new id = old id + offset, above every id OUT has. */
    int64_t off = query_int(sq, "SELECT IFNULL(MAX(id), 0) FROM main.loads", 0) + 1 -
                  query_int(sq, "SELECT IFNULL(MIN(old), 0) FROM temp.merge_loads", 0);
    char *load_expr = xasprintf("s.load_id + (%lld)", (long long)off);
    for (size_t i = 0; i < n_tables; i++) {
        const struct table_info *t = &infos[i];
        char *sql = NULL;
        char *qt = quote_ident(t->name);
        if (!strcmp(t->name, "loads")) {
            char *id_expr = xasprintf("s.id + (%lld)", (long long)off);
            column_lists(t, false, id_expr, NULL, &target, &select);
            sql = xasprintf("INSERT INTO main.loads (%s) SELECT %s FROM src.loads s"
                            " JOIN temp.merge_loads c ON c.old = s.id ORDER BY s.id",
                            target, select);
            free(id_expr);
            free(target);
            free(select);
        } else if (!strcmp(t->name, "runs") || !strcmp(t->name, "browsers") ||
                   !strcmp(t->name, "modules") || !t->in_src) {
            free(qt);
            continue;
        } else if (t->has_load_id) {
            column_lists(t, t->id_pk, NULL, load_expr, &target, &select);
            sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s s"
                            " WHERE s.load_id IN (SELECT old FROM temp.merge_loads)",
                            qt, target, select, qt);
            free(target);
            free(select);
        } else if (t->has_run_id) {
            column_lists(t, t->id_pk, NULL, NULL, &target, &select);
            sql = xasprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s s"
                            " WHERE s.run_id IN (SELECT old FROM temp.merge_runs WHERE is_new = 1)",
                            qt, target, select, qt);
            free(target);
            free(select);
        } else {
            column_lists(t, false, NULL, NULL, &target, &select);
            sql = xasprintf("INSERT OR IGNORE INTO main.%s (%s) SELECT %s FROM src.%s s",
                            qt, target, select, qt);
            free(target);
            free(select);
        }
        free(qt);
        int64_t before = sqlite3_total_changes64(sq);
        int erc = exec_sql(sq, sql, err, errlen);
        free(sql);
        if (erc < 0) {
            char why[400];
            snprintf(why, sizeof why, "%s", err);
            snprintf(err, errlen, "%s: %s", t->name, why);
            free(load_expr);
            goto out;
        }
        if (strcmp(t->name, "loads") != 0)
            mc->rows += sqlite3_total_changes64(sq) - before;
    }
    free(load_expr);
    if (exec_sql(sq, "COMMIT", err, errlen) < 0)
        goto out;
    in_tx = false;
    rc = 0;
out:
    if (in_tx)
        sqlite3_exec(sq, "ROLLBACK", NULL, NULL, NULL);
    if (attached)
        sqlite3_exec(sq, "DETACH DATABASE src", NULL, NULL, NULL);
    for (size_t i = 0; infos && i < n_tables; i++)
        table_info_free(&infos[i]);
    free(infos);
    free_strv(tables, n_tables);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    struct cli_parser cp;
    cli_begin(&cp, &merge_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0)
        ;
    if (id < 0)
        return cli_exit_for(id);
    if (argc - cp.rest < 2)
        return cli_usage_error(&merge_command, "give OUT.db and at least one IN.db");
    /* the positionals as argv[1..]: OUT.db, then the inputs */
    argc -= cp.rest - 1;
    argv += cp.rest - 1;
    const char *out_path = argv[1];
    int newest = db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
    char err[1024];
    /* Check every input before writing anything. */
    int *versions = xcalloc((size_t)argc, sizeof *versions);
    char out_real[PATH_MAX] = "";
    bool have_out = realpath(out_path, out_real) != NULL;
    for (int i = 2; i < argc; i++) {
        if (check_input(argv[i], &versions[i], err, sizeof err) < 0) {
            warnf("merge: %s", err);
            free(versions);
            return EXIT_USAGE;
        }
        char in_real[PATH_MAX];
        if (have_out && realpath(argv[i], in_real) && strcmp(in_real, out_real) == 0) {
            warnf("merge: %s is the output DB itself", argv[i]);
            free(versions);
            return EXIT_USAGE;
        }
        if (versions[i] > newest) {
            warnf("merge: %s: schema version %d is newer than this wasmlab knows (%d); "
                  "upgrade wasmlab", argv[i], versions[i], newest);
            free(versions);
            return EXIT_USAGE;
        }
    }
    struct db *out = db_open(out_path, err, sizeof err);
    if (!out) {
        warnf("merge: %s", err);
        free(versions);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (int i = 2; i < argc && rc == EXIT_OK; i++) {
        const char *src = argv[i];
        char *tmpdir = NULL, *copy = NULL;
        if (versions[i] < newest) {
            const char *t = getenv("TMPDIR");
            tmpdir = xasprintf("%s/wasmlab-merge-XXXXXX", t && *t ? t : "/tmp");
            if (!mkdtemp(tmpdir)) {
                warnf("merge: cannot create a temp folder: %s", strerror(errno));
                free(tmpdir);
                rc = EXIT_ERROR;
                break;
            }
            copy = migrated_copy(src, tmpdir, err, sizeof err);
            if (!copy) {
                warnf("merge: %s", err);
                remove_tree(tmpdir);
                free(tmpdir);
                rc = EXIT_ERROR;
                break;
            }
            notef("merge: %s has schema version %d; merging a copy migrated to %d", src,
                  versions[i], newest);
            src = copy;
        }
        struct merge_counts mc;
        if (merge_one(out, src, &mc, err, sizeof err) < 0) {
            warnf("merge: %s into %s: %s (nothing of it merged)", argv[i], out_path, err);
            rc = EXIT_ERROR;
        } else {
            printf("%s: %lld runs (%lld new, %lld already present%s), %lld loads, "
                   "%lld browsers, %lld modules, %lld detail rows copied\n",
                   argv[i], (long long)mc.runs_seen, (long long)mc.runs_new,
                   (long long)(mc.runs_seen - mc.runs_new),
                   mc.runs_updated ? ", some marked finished" : "", (long long)mc.loads,
                   (long long)mc.browsers, (long long)mc.modules, (long long)mc.rows);
        }
        if (tmpdir) {
            remove_tree(tmpdir);
            free(tmpdir);
        }
        free(copy);
    }
    db_close(out);
    free(versions);
    return rc;
}
