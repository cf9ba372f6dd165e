#include "collector/measure/page_clock.h"

#include <math.h>
#include <string.h>

#include "base/stats.h"
#include "base/util.h"

int page_clock_init(struct page_clock *c, json_t *report, const struct extract_result *x)
{
    memset(c, 0, sizeof *c);
    json_t *tor = json_object_get(report, "time_origin");
    c->time_origin_ms = json_is_number(tor) ? json_number_value(tor) : NAN;
    json_t *marks = json_object_get(report, "marks");
    double offsets[64];
    size_t n = 0;
    for (size_t i = 0; x && i < x->n_marks && n < 64; i++) {
        json_t *v = json_object_get(marks, x->marks[i].name);
        if (json_is_number(v))
            offsets[n++] = (double)x->marks[i].ts_us - json_number_value(v) * 1000.0;
    }
    if (n == 0)
        return -1;
    stats_sort(offsets, n);
    c->zero_trace_us = stats_quantile_sorted(offsets, n, 0.5);
    c->marks_used = (int)n;
    c->valid = true;
    return 0;
}

int64_t page_clock_to_trace_us(const struct page_clock *c, double page_ms)
{
    int64_t us;
    if (!round_to_int64(c->zero_trace_us + page_ms * 1000.0, UNTRUSTED_US_LIMIT, &us))
        return INT64_MIN;   /* a page number no trace could hold */
    return us;
}

int64_t page_clock_unix_ns_to_trace_us(const struct page_clock *c, int64_t unix_ns)
{
    if (!c->valid || isnan(c->time_origin_ms))
        return INT64_MIN;
    double page_ms = (double)unix_ns / 1e6 - c->time_origin_ms;
    return page_clock_to_trace_us(c, page_ms);
}
