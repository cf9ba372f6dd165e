#define _GNU_SOURCE
#include "collector/report/cache_summary.h"

#include <math.h>
#include <stdlib.h>

#include "base/util.h"
#include "db/code_cache.h"

static void ms(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %8s", "-");
    else
        fprintf(out, " %8.2f", v);
}

int cache_summary_print(struct db *db, int64_t run_id, const char *cmd, FILE *out)
{
    struct db_cache_pair *pairs = NULL;
    size_t n = 0;
    if (db_read_cache_pairs(db, run_id, &pairs, &n) < 0) {
        warnf("%s: %s", cmd, db_errmsg(db));
        return -1;
    }
    if (n == 0) {
        free(pairs);
        return 0;
    }
    fprintf(out, "\ncode cache (a warm load beside its cold twin; medians in ms of first byte and"
                 " of last byte (last->c) to compile; saved: first byte to compile)\n");
    fprintf(out, "%-24s %-21s %-8s | %4s %4s %8s %8s | %4s %4s %8s %8s | %8s %s\n", "module",
            "api", "network", "warm", "hits", "median", "last->c", "cold", "hits", "median",
            "last->c", "saved", "cache bytes");
    for (size_t i = 0; i < n; i++) {
        const struct db_cache_pair *p = &pairs[i];
        fprintf(out, "%-24s %-21s %-8s | %4lld %4lld", p->module, p->api, p->net_profile,
                (long long)p->warm_ok, (long long)p->warm_hits);
        ms(out, p->warm_median_ms);
        ms(out, p->warm_last_ms);
        fprintf(out, " | %4lld %4lld", (long long)p->cold_ok, (long long)p->cold_hits);
        ms(out, p->cold_median_ms);
        ms(out, p->cold_last_ms);
        fprintf(out, " |");
        ms(out, p->cold_median_ms - p->warm_median_ms);
        if (p->consumed_bytes >= 0)
            fprintf(out, " %lld\n", (long long)p->consumed_bytes);
        else
            fprintf(out, " -\n");
    }
    free(pairs);
    return 0;
}
