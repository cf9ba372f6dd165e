/* code_cache: the "cache" dimension of a load: cold (every load so far) or
 * warm (the second visit, served by V8's wasm code cache).
 *
 * A cold load is load_run's plain load: an off-the-record browser context, a
 * new origin and renderer per load (load.h), Cache-Control: no-store, so no
 * HTTP cache, no code cache and no in-renderer NativeModule cache can help
 * it.
 *
 * A warm load (docs/code-cache.md says why each step is needed):
 *   1. picks a fresh cache key (a query string on the module's URL), so no
 *      earlier load's HTTP or code-cache entry can serve it;
 *   2. turns on cacheable .wasm responses (server_set_cacheable);
 *   3. runs priming loads in the browser's default, disk-backed context
 *      (a --user-data-dir profile: the only kind with a code cache), each
 *      staying open CODE_CACHE_LINGER_MS after its report so V8's caching
 *      timeout (--wasm-caching-timeout-ms, 2 s) can fire, until one trace
 *      shows v8.wasm.cachedModule, at most CODE_CACHE_MAX_PRIMES;
 *   4. runs the measured load in a new tab of that context, after the
 *      priming tab's renderer has exited (load_run waits for it), so V8's
 *      in-renderer NativeModule cache cannot be what serves it; the module
 *      then comes from the HTTP disk cache and its compiled code from the
 *      code cache (v8.wasm.moduleCacheHit) when the priming produced one.
 * Priming loads are not stored; what they did is (struct code_cache_prime). */
#ifndef WASMLAB_CODE_CACHE_H
#define WASMLAB_CODE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/measure/load.h"

#define CODE_CACHE_MAX_PRIMES 2
#define CODE_CACHE_LINGER_MS 3000

enum cache_mode { CACHE_COLD, CACHE_WARM };

/* "cold" | "warm" (static). */
const char *cache_mode_name(enum cache_mode m);
/* Parses "cold" / "warm". Returns 0, or -1 for anything else. */
int cache_mode_parse(const char *text, enum cache_mode *m);
/* Whether a compile API can be served from the code cache: only the
 * streaming APIs hand Blink a Response to key the cache by (buffered
 * compiles bytes, worker-sync compiles synchronously in a Worker). */
bool cache_api_can_warm(const char *api);

/* What the priming loads of a warm load did. */
struct code_cache_prime {
    int primes;                 /* priming loads run (ok or not) */
    int produced_by;            /* 1-based priming load whose trace shows
                                   v8.wasm.cachedModule; 0 = none did */
    int64_t produced_bytes;     /* its largest producedCacheSize; -1 none */
    int64_t produced_after_us;  /* its first cachedModule - its compile
                                   finished (µs); -1 unknown */
};

/* Runs a warm load of r (steps above) into out, which load_run filled for
 * the measured load (release it with load_outcome_free). A priming load that
 * fails ends it: out then carries that load's status and error, prefixed
 * "priming load: ". Returns 0 when out's status is "ok", else -1. */
int code_cache_warm_load(struct load_session *s, const struct load_request *r,
                         struct load_outcome *out, struct code_cache_prime *prime);

#endif
