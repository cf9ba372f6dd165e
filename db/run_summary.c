#include "db/run_summary.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/db_internal.h"

static char *column_dup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? xstrdup(s) : NULL;
}

/* The ok loads' metric values of one group. */
static int read_values(struct db *db, sqlite3_stmt *v, const struct db_summary_query *q,
                       struct db_summary_group *g)
{
    sqlite3_reset(v);
    sqlite3_clear_bindings(v);
    db_bind_int(v, 1, q->run_id);
    db_bind_int(v, 2, g->module_id);
    db_bind_int(v, 3, g->browser_id);
    db_bind_text(v, 4, g->api);
    db_bind_text(v, 5, g->condition);
    size_t cap = (size_t)(g->n_ok > 0 ? g->n_ok : 0) + 1;
    g->first_byte_us = xcalloc(cap, sizeof *g->first_byte_us);
    g->last_byte_us = xcalloc(cap, sizeof *g->last_byte_us);
    int rc;
    while ((rc = sqlite3_step(v)) == SQLITE_ROW && g->n_first_byte < cap) {
        g->first_byte_us[g->n_first_byte++] = (double)sqlite3_column_int64(v, 0);
        if (sqlite3_column_type(v, 1) != SQLITE_NULL)
            g->last_byte_us[g->n_last_byte++] = (double)sqlite3_column_int64(v, 1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_set_error(db, "run summary: %s", sqlite3_errmsg(db_sqlite(db)));
        return -1;
    }
    return 0;
}

static void count_settings(struct db_run_summary *s)
{
    s->n_settings = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct db_summary_group *g = &s->groups[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const struct db_summary_group *h = &s->groups[j];
            seen = h->browser_id == g->browser_id && strcmp(h->api, g->api) == 0 &&
                   (h->condition == g->condition ||
                    (h->condition && g->condition && strcmp(h->condition, g->condition) == 0));
        }
        s->n_settings += !seen;
    }
}

int db_run_summary_read(struct db *db, const struct db_summary_query *q,
                        struct db_run_summary *out)
{
    memset(out, 0, sizeof *out);
    char *groups_sql = xasprintf(
        "SELECT m.id, l.browser_id, m.name, b.product, b.kind, l.api, %s, m.bytes,"
        " SUM(l.status = 'ok'), SUM(l.status <> 'ok'), SUM(h.isolation = 'isolated'),"
        " SUM(h.isolation <> 'isolated'), SUM(h.noisy = 1)"
        " FROM loads l JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id"
        " LEFT JOIN load_host h ON h.load_id = l.id"
        " WHERE ?1 < 0 OR l.run_id = ?1 GROUP BY l.browser_id, m.id, l.api%s ORDER BY %s",
        q->by_condition ? "l.condition" : "NULL", q->by_condition ? ", l.condition" : "",
        q->name_order ? "m.name, b.product, l.api" : "MIN(l.id)");
    sqlite3_stmt *g = db_prepare(db, groups_sql);
    free(groups_sql);
    sqlite3_stmt *v = g ? db_prepare(db,
        "SELECT first_byte_to_compile_us, last_byte_to_compile_us FROM loads"
        " WHERE (?1 < 0 OR run_id = ?1) AND module_id = ?2 AND browser_id = ?3 AND api = ?4"
        " AND (?5 IS NULL OR condition = ?5)"
        " AND status = 'ok' AND first_byte_to_compile_us IS NOT NULL ORDER BY id") : NULL;
    if (!g || !v) {
        sqlite3_finalize(g);
        return -1;
    }
    db_bind_int(g, 1, q->run_id);
    size_t cap = 0;
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(g)) == SQLITE_ROW) {
        if (out->n == cap)
            out->groups = xrealloc(out->groups, (cap = cap ? 2 * cap : 16) * sizeof *out->groups);
        struct db_summary_group *grp = &out->groups[out->n++];
        *grp = (struct db_summary_group){
            .module_id = sqlite3_column_int64(g, 0), .browser_id = sqlite3_column_int64(g, 1),
            .module = column_dup(g, 2), .product = column_dup(g, 3), .kind = column_dup(g, 4),
            .api = column_dup(g, 5), .condition = column_dup(g, 6),
            .bytes = sqlite3_column_int64(g, 7), .n_ok = sqlite3_column_int64(g, 8),
            .n_failed = sqlite3_column_int64(g, 9), .n_isolated = sqlite3_column_int64(g, 10),
            .n_not_isolated = sqlite3_column_int64(g, 11), .n_noisy = sqlite3_column_int64(g, 12),
        };
        rc = read_values(db, v, q, grp);
    }
    if (rc == 0 && step != SQLITE_DONE) {
        db_set_error(db, "run summary: %s", sqlite3_errmsg(db_sqlite(db)));
        rc = -1;
    }
    sqlite3_finalize(g);
    sqlite3_finalize(v);
    if (rc == 0)
        count_settings(out);
    return rc;
}

void db_run_summary_free(struct db_run_summary *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct db_summary_group *g = &s->groups[i];
        free(g->module);
        free(g->product);
        free(g->kind);
        free(g->api);
        free(g->condition);
        free(g->first_byte_us);
        free(g->last_byte_us);
    }
    free(s->groups);
    memset(s, 0, sizeof *s);
}
