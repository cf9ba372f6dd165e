#include "collector/trace/tiers.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum tier_kind { TK_LIFTOFF, TK_TURBOFAN, TK_LAZY, TK_TIERUP, TK_COUNT };

struct tspan {
    int64_t tid, start, end;
};

struct spans {
    struct tspan *v;
    size_t n;
};

static int by_tid_start(const void *a, const void *b)
{
    const struct tspan *x = a, *y = b;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return 0;
}

/* ts + dur, saturating (a hostile trace's numbers). */
static int64_t end_of(const struct extract_compile_event *e)
{
    int64_t end;
    if (e->dur_us < 0 || __builtin_add_overflow(e->ts_us, e->dur_us, &end))
        return e->ts_us;
    return end;
}

/* [start, end) clipped to [lo, hi], kept when something is left. */
static void add(struct spans *s, int64_t tid, int64_t start, int64_t end, int64_t lo, int64_t hi)
{
    if (start < lo)
        start = lo;
    if (end > hi)
        end = hi;
    if (end > start)
        s->v[s->n++] = (struct tspan){ tid, start, end };
}

/* The union of the spans per thread, summed over threads. */
static int64_t merged_total(struct spans *s)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, by_tid_start);
    int64_t total = 0;
    for (size_t i = 0; i < s->n;) {
        int64_t start = s->v[i].start, end = s->v[i].end;
        size_t j = i + 1;
        for (; j < s->n && s->v[j].tid == s->v[i].tid && s->v[j].start <= end; j++)
            if (s->v[j].end > end)
                end = s->v[j].end;
        int64_t len;   /* saturating: a hostile trace's numbers */
        if (__builtin_sub_overflow(end, start, &len) || __builtin_add_overflow(total, len, &total))
            total = INT64_MAX;
        i = j;
    }
    return total;
}

static bool is_x(const struct extract_compile_event *e, const char *name)
{
    return e->ph == 'X' && e->dur_us >= 0 && strcmp(e->name, name) == 0;
}

/* The wasm.CompileBaseline slices (Liftoff's own work), by thread and
 * start, to tell a Liftoff lazy compile from a TurboFan one. */
static struct tspan *baseline_index(const struct extract_result *x, size_t *n)
{
    struct tspan *v = xcalloc(x->n_compile_events + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < x->n_compile_events; i++) {
        const struct extract_compile_event *e = &x->compile_events[i];
        if (is_x(e, "wasm.CompileBaseline"))
            v[(*n)++] = (struct tspan){ e->tid, e->ts_us, end_of(e) };
    }
    if (*n)
        qsort(v, *n, sizeof *v, by_tid_start);
    return v;
}

/* Whether a CompileBaseline on tid starts inside [start, end]. */
static bool holds_baseline(const struct tspan *idx, size_t n, int64_t tid, int64_t start,
                           int64_t end)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {   /* the first (tid, ts) >= (tid, start) */
        size_t mid = lo + (hi - lo) / 2;
        if (idx[mid].tid < tid || (idx[mid].tid == tid && idx[mid].start < start))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && idx[lo].tid == tid && idx[lo].start <= end;
}

static int64_t mark_of(const struct extract_result *x, const char *name)
{
    for (size_t i = 0; i < x->n_marks; i++)
        if (strcmp(x->marks[i].name, name) == 0)
            return x->marks[i].ts_us;
    return EXTRACT_NONE;
}

/* The load window (tiers.h); false when it has no start. */
static bool load_window(const struct extract_result *x, int64_t *lo, int64_t *hi)
{
    *lo = mark_of(x, "wasmlab:start");
    if (*lo == EXTRACT_NONE)
        *lo = x->request_sent_us;
    *hi = x->load_end_us;
    if (*hi == EXTRACT_NONE) {
        *hi = *lo;
        for (size_t i = 0; i < x->n_compile_events; i++)
            if (end_of(&x->compile_events[i]) > *hi)
                *hi = end_of(&x->compile_events[i]);
    }
    return *lo != EXTRACT_NONE && *hi >= *lo;
}

static void split_by_tier(const struct extract_result *x, int64_t lo, int64_t hi,
                          struct spans sp[TK_COUNT])
{
    size_t n_base;
    struct tspan *base = baseline_index(x, &n_base);
    int64_t cf = x->compile_finished_us;
    for (size_t i = 0; i < x->n_compile_events; i++) {
        const struct extract_compile_event *e = &x->compile_events[i];
        int64_t end = end_of(e);
        if (is_x(e, "wasm.BaselineCompilation")) {
            add(&sp[TK_LIFTOFF], e->tid, e->ts_us, end, lo, hi);
        } else if (is_x(e, "wasm.TopTierCompilation")) {
            add(&sp[TK_TURBOFAN], e->tid, e->ts_us, end, lo, hi);
            if (cf != EXTRACT_NONE)
                add(&sp[TK_TIERUP], e->tid, e->ts_us > cf ? e->ts_us : cf, end, lo, hi);
        } else if (is_x(e, "wasm.CompileLazy")) {
            add(&sp[TK_LAZY], e->tid, e->ts_us, end, lo, hi);
            bool liftoff = holds_baseline(base, n_base, e->tid, e->ts_us, end);
            add(&sp[liftoff ? TK_LIFTOFF : TK_TURBOFAN], e->tid, e->ts_us, end, lo, hi);
        }
    }
    free(base);
}

void tier_work_of(const struct extract_result *x, struct tier_work *out)
{
    out->window_start_us = out->window_end_us = EXTRACT_NONE;
    out->liftoff_us = out->turbofan_us = out->lazy_us = out->tierup_us = EXTRACT_NONE;
    out->first_export_return_us = out->first_export_us = EXTRACT_NONE;
    if (!x)
        return;
    out->first_export_return_us = mark_of(x, "wasmlab:first-export-returned");
    if (out->first_export_return_us != EXTRACT_NONE &&
        x->response_received_us != EXTRACT_NONE &&
        out->first_export_return_us >= x->response_received_us)
        out->first_export_us = out->first_export_return_us - x->response_received_us;
    int64_t lo, hi;
    if (!load_window(x, &lo, &hi))
        return;
    out->window_start_us = lo;
    out->window_end_us = hi;
    struct spans sp[TK_COUNT];
    for (int k = 0; k < TK_COUNT; k++) {
        sp[k].v = xcalloc(x->n_compile_events + 1, sizeof *sp[k].v);
        sp[k].n = 0;
    }
    split_by_tier(x, lo, hi, sp);
    out->liftoff_us = merged_total(&sp[TK_LIFTOFF]);
    out->turbofan_us = merged_total(&sp[TK_TURBOFAN]);
    out->lazy_us = merged_total(&sp[TK_LAZY]);
    out->tierup_us = x->compile_finished_us != EXTRACT_NONE ? merged_total(&sp[TK_TIERUP])
                                                           : EXTRACT_NONE;
    for (int k = 0; k < TK_COUNT; k++)
        free(sp[k].v);
}
