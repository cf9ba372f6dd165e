#define _GNU_SOURCE
#include "collector/measure/code_cache.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

const char *cache_mode_name(enum cache_mode m)
{
    return m == CACHE_WARM ? "warm" : "cold";
}

int cache_mode_parse(const char *text, enum cache_mode *m)
{
    if (text && strcmp(text, "cold") == 0)
        *m = CACHE_COLD;
    else if (text && strcmp(text, "warm") == 0)
        *m = CACHE_WARM;
    else
        return -1;
    return 0;
}

bool cache_api_can_warm(const char *api)
{
    return api && (strcmp(api, "streaming") == 0 || strcmp(api, "instantiate-streaming") == 0);
}

/* A key no earlier load used: the module URL's query for this warm load. */
static void fresh_key(char *out, size_t len)
{
    static unsigned counter;
    snprintf(out, len, "wasmlab-cache=%ld-%lld-%u", (long)getpid(), (long long)mono_us(),
             ++counter);
}

/* Hands a failed priming load's outcome to the caller as the warm load's. */
static void take_failed_prime(struct load_outcome *prime, struct load_outcome *out)
{
    *out = *prime;
    char why[sizeof out->error];
    snprintf(why, sizeof why, "%s", prime->error);
    snprintf(out->error, sizeof out->error, "priming load: %s", why);
    memset(prime, 0, sizeof *prime);
}

static int prime_cache(struct load_session *s, const struct load_request *warm,
                       struct load_outcome *out, struct code_cache_prime *prime)
{
    struct load_request pr = *warm;
    pr.linger_ms = CODE_CACHE_LINGER_MS;
    bool keep = s->keep_trace;
    const char *save = s->save_trace_path;
    s->keep_trace = false;
    s->save_trace_path = NULL;
    int rc = 0;
    while (prime->primes < CODE_CACHE_MAX_PRIMES) {
        struct load_outcome po;
        prime->primes++;
        if (load_run(s, &pr, &po) < 0) {
            take_failed_prime(&po, out);
            rc = -1;
            break;
        }
        bool produced = po.have_extract && po.x.cache_produced > 0;
        if (produced) {
            prime->produced_by = prime->primes;
            prime->produced_bytes = po.x.cache_produced_bytes;
            if (po.x.compile_finished_us != EXTRACT_NONE)
                prime->produced_after_us = po.x.cache_produced_us - po.x.compile_finished_us;
        }
        load_outcome_free(&po);
        if (produced)
            break;
    }
    s->keep_trace = keep;
    s->save_trace_path = save;
    return rc;
}

int code_cache_warm_load(struct load_session *s, const struct load_request *r,
                         struct load_outcome *out, struct code_cache_prime *prime)
{
    *prime = (struct code_cache_prime){ .produced_bytes = -1, .produced_after_us = -1 };
    char key[96];
    fresh_key(key, sizeof key);
    struct load_request warm = *r;
    warm.default_context = true;
    warm.module_query = key;
    warm.linger_ms = 0;
    if (s->server)
        server_set_cacheable(s->server, true);
    int rc = prime_cache(s, &warm, out, prime);
    if (rc == 0)
        rc = load_run(s, &warm, out);
    if (s->server)
        server_set_cacheable(s->server, false);
    return rc;
}
