#include "collector/report/run_summary.h"

#include <math.h>

#include <jansson.h>

#include "base/host_cpu.h"
#include "base/stats.h"
#include "base/util.h"

void run_summary_stats(struct db_summary_group *g, struct run_summary_stats *s)
{
    size_t n = g->n_first_byte;
    stats_sort(g->first_byte_us, n);
    stats_sort(g->last_byte_us, g->n_last_byte);
    s->n = n;
    s->median_us = stats_quantile_sorted(g->first_byte_us, n, 0.5);
    s->p95_us = stats_quantile_sorted(g->first_byte_us, n, 0.95);
    s->min_us = n ? g->first_byte_us[0] : NAN;
    s->max_us = n ? g->first_byte_us[n - 1] : NAN;
    s->last_byte_median_us = stats_quantile_sorted(g->last_byte_us, g->n_last_byte, 0.5);
    s->mb_per_s = n ? (double)g->bytes / s->median_us : NAN;
}

static json_t *us_or_null(double us)
{
    return isnan(us) ? json_null() : json_real(us);
}

static json_t *group_json(const struct db_summary_group *g, const struct run_summary_stats *s,
                          int64_t run_id, const char *run_uuid)
{
    json_t *o = json_pack("{s:I, s:s?, s:s, s:I, s:I, s:I, s:s?, s:s?, s:s?}",
                          "run_id", (json_int_t)run_id, "run_uuid", run_uuid,
                          "module", g->module, "bytes", (json_int_t)g->bytes,
                          "loads_ok", (json_int_t)g->n_ok,
                          "loads_failed", (json_int_t)g->n_failed, "browser", g->product,
                          "api", g->api, "condition", g->condition);
    json_object_set_new(o, "median_us", us_or_null(s->median_us));
    json_object_set_new(o, "p95_us", us_or_null(s->p95_us));
    json_object_set_new(o, "min_us", us_or_null(s->min_us));
    json_object_set_new(o, "max_us", us_or_null(s->max_us));
    json_object_set_new(o, "loads_isolated", json_integer(g->n_isolated));
    json_object_set_new(o, "loads_not_isolated", json_integer(g->n_not_isolated));
    json_object_set_new(o, "loads_noisy", json_integer(g->n_noisy));
    return o;
}

/* A time column: ms with 3 decimals, or "-" when there is none. */
static void print_ms(FILE *out, double us)
{
    if (isnan(us))
        fprintf(out, " %10s", "-");
    else
        fprintf(out, " %10.3f", us / 1000);
}

static void print_header(FILE *out, int64_t run_id, const char *run_uuid, bool wide)
{
    fprintf(out, "first_byte_to_compile, ms (run %lld%s%s)\n", (long long)run_id,
            run_uuid ? ", " : "", run_uuid ? run_uuid : "");
    if (wide)
        fprintf(out, "%-32s %-21s %-12s ", "browser", "api", "condition");
    fprintf(out, "%-28s %8s %7s %10s %10s %10s %10s %10s\n", "module", "loads ok", "failed",
            "median ms", "p95 ms", "min ms", "max ms", "bytes");
}

static void print_row(FILE *out, const struct db_summary_group *g,
                      const struct run_summary_stats *s, bool wide)
{
    if (wide)
        fprintf(out, "%-32s %-21s %-12s ", g->product ? g->product : "?", g->api,
                g->condition ? g->condition : "default");
    fprintf(out, "%-28s %8lld %7lld", g->module, (long long)g->n_ok, (long long)g->n_failed);
    print_ms(out, s->median_us);
    print_ms(out, s->p95_us);
    print_ms(out, s->min_us);
    print_ms(out, s->max_us);
    fprintf(out, " %10lld\n", (long long)g->bytes);
}

int run_summary_print(struct db *db, int64_t run_id, const char *run_uuid, bool as_json,
                      const char *cmd, FILE *out)
{
    struct db_run_summary sum;
    struct db_summary_query q = { .run_id = run_id, .by_condition = true, .name_order = false };
    if (db_run_summary_read(db, &q, &sum) < 0) {
        warnf("%s: summary: %s", cmd, db_errmsg(db));
        db_run_summary_free(&sum);
        return -1;
    }
    /* browser/api/condition columns only when the run has several */
    bool wide = sum.n_settings > 1;
    json_t *arr = json_array();
    int64_t iso = 0, not_iso = 0, noisy = 0;
    for (size_t i = 0; i < sum.n; i++) {
        iso += sum.groups[i].n_isolated;
        not_iso += sum.groups[i].n_not_isolated;
        noisy += sum.groups[i].n_noisy;
        struct run_summary_stats s;
        run_summary_stats(&sum.groups[i], &s);
        if (as_json) {
            json_array_append_new(arr, group_json(&sum.groups[i], &s, run_id, run_uuid));
        } else {
            if (i == 0)
                print_header(out, run_id, run_uuid, wide);
            print_row(out, &sum.groups[i], &s, wide);
        }
    }
    if (as_json) {
        char *text = json_dumps(arr, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fprintf(out, "%s\n", text);
        free(text);
    } else if (iso + not_iso > 0) {
        /* issue 12: the per-load proof and noise flags (load_host) */
        fprintf(out, "isolation: %lld of %lld loads proved isolated by their traces%s;"
                     " %lld flagged noisy (other processes > %.0f%% of the CPUs)\n",
                (long long)iso, (long long)(iso + not_iso),
                not_iso ? " (see load_host.isolation)" : "", (long long)noisy,
                HOST_CPU_NOISY_SHARE * 100);
    }
    json_decref(arr);
    db_run_summary_free(&sum);
    fflush(out);
    return 0;
}
