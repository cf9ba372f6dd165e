#define _GNU_SOURCE
#include "db/code_cache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stats.h"
#include "base/util.h"
#include "db/db_internal.h"

int db_store_code_cache(struct db *db, int64_t load_id, const struct db_code_cache *c)
{
    return db_run_sql(db, "UPDATE loads SET cache = ?, code_cache_hit = ?,"
                          " code_cache_consumed_bytes = ?, code_cache_invalid = ?,"
                          " code_cache_compiled = ?, code_cache_produced = ?,"
                          " code_cache_produced_bytes = ?, cache_primes = ?, cache_primed_by = ?,"
                          " cache_prime_bytes = ?, cache_prime_after_us = ? WHERE id = ?",
                      NULL, "tiiiiiiiiiii", c->cache, c->hit, c->consumed_bytes, c->invalid,
                      c->compiled, c->produced, c->produced_bytes, c->primes, c->primed_by,
                      c->prime_bytes, c->prime_after_us, load_id);
}

/* The same network condition: every net_* column equal, NULL-safe. */
#define SAME_NET(a, b)                                                                      \
    a ".net_profile IS " b ".net_profile AND " a ".net_bandwidth IS " b ".net_bandwidth AND " \
    a ".net_latency_ms IS " b ".net_latency_ms AND " a ".net_encoding IS " b                \
    ".net_encoding AND " a ".net_shaper IS " b ".net_shaper"

/* One side of a pair (db_cache_pair): its ok loads' condition, count, hits
 * and the medians of first and last byte to compile (ms). */
struct side {
    double first_ms, last_ms;
    int64_t n_ok, hits;
    char *cond;
    size_t cond_len;
};

static double median_of(double *v, size_t n)
{
    return n ? stats_median(v, n) : NAN;
}

static int read_side(struct db *db, int64_t run_id, int64_t warm_id, bool warm, struct side *out)
{
    sqlite3_stmt *st = db_prepare(db,
        "SELECT l.first_byte_to_compile_us / 1000.0, COALESCE(l.code_cache_hit, 0) > 0,"
        " l.condition, l.last_byte_to_compile_us / 1000.0 FROM loads l JOIN loads w ON w.id = ?"
        " WHERE l.run_id = ? AND l.status = 'ok' AND l.first_byte_to_compile_us IS NOT NULL"
        " AND l.browser_id = w.browser_id AND l.module_id = w.module_id AND l.api = w.api"
        " AND " SAME_NET("l", "w") " AND (CASE WHEN ? THEN l.cache = 'warm'"
        " AND l.condition = w.condition ELSE COALESCE(l.cache, 'cold') = 'cold' END)"
        " ORDER BY l.condition, l.id");
    if (!st)
        return -1;
    db_bind_int(st, 1, warm_id);
    db_bind_int(st, 2, run_id);
    db_bind_int(st, 3, warm ? 1 : 0);
    size_t cap = 16, len = 0, n_last = 0;
    double *first = xmalloc(cap * sizeof *first), *last = xmalloc(cap * sizeof *last);
    out->hits = 0;
    out->cond[0] = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 2);
        if (!out->cond[0])
            snprintf(out->cond, out->cond_len, "%s", c ? c : "");
        else if (!c || strcmp(c, out->cond) != 0)
            continue;   /* several cold conditions: the first by name is the twin */
        if (len == cap) {
            cap *= 2;
            first = xrealloc(first, cap * sizeof *first);
            last = xrealloc(last, cap * sizeof *last);
        }
        first[len++] = sqlite3_column_double(st, 0);
        out->hits += sqlite3_column_int64(st, 1);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            last[n_last++] = sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
    out->first_ms = median_of(first, len);
    out->last_ms = median_of(last, n_last);
    out->n_ok = (int64_t)len;
    free(first);
    free(last);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int read_pair(struct db *db, int64_t run_id, int64_t warm_id, struct db_cache_pair *p)
{
    struct side w = { .cond = p->warm_condition, .cond_len = sizeof p->warm_condition };
    struct side c = { .cond = p->cold_condition, .cond_len = sizeof p->cold_condition };
    if (read_side(db, run_id, warm_id, true, &w) < 0 ||
        read_side(db, run_id, warm_id, false, &c) < 0)
        return -1;
    p->warm_ok = w.n_ok;
    p->warm_hits = w.hits;
    p->warm_median_ms = w.first_ms;
    p->warm_last_ms = w.last_ms;
    p->cold_ok = c.n_ok;
    p->cold_hits = c.hits;
    p->cold_median_ms = c.first_ms;
    p->cold_last_ms = c.last_ms;
    return 0;
}

int db_read_cache_pairs(struct db *db, int64_t run_id, struct db_cache_pair **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    /* one representative warm load per warm configuration */
    sqlite3_stmt *st = db_prepare(db,
        "SELECT MIN(l.id), m.name, l.api, COALESCE(l.net_profile, 'lan'),"
        " SUM(l.cache_primed_by IS NOT NULL), MAX(COALESCE(l.code_cache_consumed_bytes, -1))"
        " FROM loads l JOIN modules m ON m.id = l.module_id"
        " WHERE l.run_id = ? AND l.cache = 'warm'"
        " GROUP BY l.browser_id, l.module_id, l.api, l.condition ORDER BY MIN(l.id)");
    if (!st)
        return -1;
    db_bind_int(st, 1, run_id);
    size_t cap = 8, len = 0;
    struct db_cache_pair *v = xcalloc(cap, sizeof *v);
    int64_t *ids = xcalloc(cap, sizeof *ids);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        struct db_cache_pair *p = &v[len];
        memset(p, 0, sizeof *p);
        ids[len] = sqlite3_column_int64(st, 0);
        snprintf(p->module, sizeof p->module, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(p->api, sizeof p->api, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(p->net_profile, sizeof p->net_profile, "%s",
                 (const char *)sqlite3_column_text(st, 3));
        p->primed_loads = sqlite3_column_int64(st, 4);
        p->consumed_bytes = sqlite3_column_int64(st, 5);
        len++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
        free(v);
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (read_pair(db, run_id, ids[i], &v[i]) < 0) {
            free(v);
            free(ids);
            return -1;
        }
    }
    free(ids);
    if (len == 0) {
        free(v);     /* no warm configuration: nothing for the caller to free */
        return 0;
    }
    *out = v;
    *n = len;
    return 0;
}
