/* code_cache (db/): a load's cache condition and code-cache events
 * (migration 011), written with the load, and the warm/cold comparison read
 * back for summaries.
 *
 * Errors: 0 on success, -1 on failure with db_errmsg(db) saying why. */
#ifndef WASMLAB_DB_CODE_CACHE_H
#define WASMLAB_DB_CODE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* One load's code-cache columns. Integers DB_NULL store NULL. */
struct db_code_cache {
    const char *cache;             /* "cold" | "warm" */
    int64_t hit, consumed_bytes, invalid, compiled, produced, produced_bytes;
    int64_t primes, primed_by, prime_bytes, prime_after_us;   /* warm only */
};

/* Sets the columns on loads.id = load_id (inside db_store_load's
 * transaction). */
int db_store_code_cache(struct db *db, int64_t load_id, const struct db_code_cache *c);

/* A warm configuration of a run beside its cold twin: the same browser,
 * module, API and network condition (net_* columns), cache = 'cold'. */
struct db_cache_pair {
    char module[256], api[32], net_profile[32];
    char warm_condition[64], cold_condition[64];   /* cold "" = no twin */
    int64_t warm_ok, warm_hits, cold_ok, cold_hits;
    double warm_median_ms, cold_median_ms;          /* first byte to compile; NaN: no ok load */
    double warm_last_ms, cold_last_ms;              /* last byte to compile medians; NaN: none */
    int64_t primed_loads;          /* warm loads whose priming produced an entry */
    int64_t consumed_bytes;        /* largest consumedCacheSize, -1 none */
};

/* The warm configurations of run_id with their twins, a new array in *out
 * (free it) of *n. Returns 0 or -1. */
int db_read_cache_pairs(struct db *db, int64_t run_id, struct db_cache_pair **out, size_t *n);

#endif
