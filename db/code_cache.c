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
    sqlite3_stmt *st = db_prepare(db, "UPDATE loads SET cache = ?, code_cache_hit = ?,"
                                      " code_cache_consumed_bytes = ?, code_cache_invalid = ?,"
                                      " code_cache_compiled = ?, code_cache_produced = ?,"
                                      " code_cache_produced_bytes = ?, cache_primes = ?,"
                                      " cache_primed_by = ?, cache_prime_bytes = ?,"
                                      " cache_prime_after_us = ? WHERE id = ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, c->cache);
    const int64_t v[] = { c->hit, c->consumed_bytes, c->invalid, c->compiled, c->produced,
                          c->produced_bytes, c->primes, c->primed_by, c->prime_bytes,
                          c->prime_after_us, load_id };
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
        db_bind_int(st, i + 2, v[i]);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    return rc;
}

/* The same network condition: every net_* column equal, NULL-safe. */
#define SAME_NET(a, b)                                                                      \
    a ".net_profile IS " b ".net_profile AND " a ".net_bandwidth IS " b ".net_bandwidth AND " \
    a ".net_latency_ms IS " b ".net_latency_ms AND " a ".net_encoding IS " b                \
    ".net_encoding AND " a ".net_shaper IS " b ".net_shaper"

/* The median of the ok first_byte_to_compile (ms) of one side's loads, and
 * how many there were. */
static int side_median(struct db *db, int64_t run_id, int64_t warm_id, bool warm, double *median,
                       int64_t *n_ok, int64_t *hits, char *cond, size_t cond_len)
{
    sqlite3_stmt *st = db_prepare(db,
        "SELECT l.first_byte_to_compile_us / 1000.0, COALESCE(l.code_cache_hit, 0) > 0,"
        " l.condition FROM loads l JOIN loads w ON w.id = ?"
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
    size_t cap = 16, len = 0;
    double *v = xmalloc(cap * sizeof *v);
    *hits = 0;
    cond[0] = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 2);
        if (!cond[0])
            snprintf(cond, cond_len, "%s", c ? c : "");
        else if (!c || strcmp(c, cond) != 0)
            continue;   /* several cold conditions: the first by name is the twin */
        if (len == cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[len++] = sqlite3_column_double(st, 0);
        *hits += sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
        return -1;
    }
    *median = len ? stats_median(v, len) : NAN;
    *n_ok = (int64_t)len;
    free(v);
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
        struct db_cache_pair *p = &v[i];
        if (side_median(db, run_id, ids[i], true, &p->warm_median_ms, &p->warm_ok,
                        &p->warm_hits, p->warm_condition, sizeof p->warm_condition) < 0 ||
            side_median(db, run_id, ids[i], false, &p->cold_median_ms, &p->cold_ok,
                        &p->cold_hits, p->cold_condition, sizeof p->cold_condition) < 0) {
            free(v);
            free(ids);
            return -1;
        }
    }
    free(ids);
    *out = v;
    *n = len;
    return 0;
}
