#include "collector/measure/page_output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static bool int_field(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

/* A wasmlab-gc-cpu line: cpu and pause bounded like a pause (2^50 ns), and
 * the cycle's GC time holds its STW pause. */
static bool parse_gc_cpu(json_t *o, struct go_gc_cpu *c)
{
    return json_is_object(o) && int_field(o, "num", &c->num) &&
           int_field(o, "cpu_ns", &c->cpu_ns) && int_field(o, "pause_ns", &c->pause_ns) &&
           int_field(o, "end_unix_ns", &c->end_unix_ns) && c->pause_ns >= 0 &&
           c->cpu_ns >= c->pause_ns && c->cpu_ns <= UNTRUSTED_US_LIMIT;
}

static void add_gc_cpu(struct page_output *out, const struct go_gc_cpu *c, size_t *cap)
{
    if (out->n_go_gc_cpu == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        out->go_gc_cpu = xrealloc(out->go_gc_cpu, *cap * sizeof *out->go_gc_cpu);
    }
    out->go_gc_cpu[out->n_go_gc_cpu++] = *c;
}

void page_output_parse(const char *text, struct page_output *out)
{
    memset(out, 0, sizeof *out);
    out->alloc_hists = json_array();
    size_t cap = 0, cap_cpu = 0;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        static const char gc[] = "wasmlab-gc ", hist[] = "wasmlab-alloc-hist ";
        static const char cpu[] = "wasmlab-gc-cpu ";
        if (len > sizeof cpu - 1 && strncmp(line, cpu, sizeof cpu - 1) == 0) {
            json_t *o = json_loadb(line + sizeof cpu - 1, len - (sizeof cpu - 1), 0, NULL);
            struct go_gc_cpu c;
            if (parse_gc_cpu(o, &c))
                add_gc_cpu(out, &c, &cap_cpu);
            else
                out->bad_lines++;
            json_decref(o);
            line = nl ? nl + 1 : NULL;
            continue;
        }
        bool is_gc = len > sizeof gc - 1 && strncmp(line, gc, sizeof gc - 1) == 0;
        bool is_hist = len > sizeof hist - 1 && strncmp(line, hist, sizeof hist - 1) == 0;
        if (is_gc || is_hist) {
            size_t skip = is_gc ? sizeof gc - 1 : sizeof hist - 1;
            json_t *o = json_loadb(line + skip, len - skip, 0, NULL);
            struct go_gc_cycle c;
            if (is_gc && json_is_object(o) && int_field(o, "num", &c.num) &&
                int_field(o, "pause_ns", &c.pause_ns) && int_field(o, "end_unix_ns", &c.end_unix_ns) &&
                /* 2^50 ns (13 days) bounds a pause; end - pause cannot overflow */
                c.pause_ns >= 0 && c.pause_ns <= UNTRUSTED_US_LIMIT) {
                if (out->n_go_gc == cap) {
                    cap = cap ? cap * 2 : 64;
                    out->go_gc = xrealloc(out->go_gc, cap * sizeof *out->go_gc);
                }
                out->go_gc[out->n_go_gc++] = c;
            } else if (is_hist && json_is_object(o) &&
                       json_is_string(json_object_get(o, "op")) &&
                       json_is_array(json_object_get(o, "log2_buckets"))) {
                json_array_append(out->alloc_hists, o);
            } else {
                out->bad_lines++;
            }
            json_decref(o);
        }
        line = nl ? nl + 1 : NULL;
    }
}

/* ms as gctrace prints them ("0.015", "1.2", "12") to ns; -1 when out of
 * bounds. */
static int64_t ms_to_ns(double ms)
{
    if (!(ms >= 0) || ms * 1e3 > (double)UNTRUSTED_US_LIMIT)
        return -1;
    return (int64_t)llround(ms * 1e6);
}

/* "gc K @Ts P%: A+B+C ms clock, <cpu> ms cpu, H0->H1->H2 MB, ..." */
static bool parse_gctrace(const char *line, struct go_gctrace *g)
{
    long long num, h0, h1, h2;
    double at, a, b, c;
    int pct, used = 0;
    if (sscanf(line, "gc %lld @%lfs %d%%: %lf+%lf+%lf ms clock, %n", &num, &at, &pct, &a, &b, &c,
               &used) != 6 || used == 0)
        return false;
    const char *cpu_end = strstr(line + used, " ms cpu, ");
    if (!cpu_end || sscanf(cpu_end, " ms cpu, %lld->%lld->%lld MB", &h0, &h1, &h2) != 3)
        return false;
    *g = (struct go_gctrace){ .num = num, .sweep_term_ns = ms_to_ns(a), .mark_ns = ms_to_ns(b),
                              .mark_term_ns = ms_to_ns(c), .heap_before_mb = h0,
                              .heap_live_mb = h2 };
    return num > 0 && g->sweep_term_ns >= 0 && g->mark_ns >= 0 && g->mark_term_ns >= 0 &&
           h0 >= 0 && h2 >= 0 && h0 < (1LL << 40) && h2 < (1LL << 40);
}

void page_output_parse_stderr(const char *text, struct page_output *out)
{
    size_t cap = 0;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > 3 && len < 512 && strncmp(line, "gc ", 3) == 0) {
            char buf[512];
            memcpy(buf, line, len);
            buf[len] = '\0';
            struct go_gctrace g;
            if (parse_gctrace(buf, &g)) {
                if (out->n_gctrace == cap) {
                    cap = cap ? cap * 2 : 64;
                    out->gctrace = xrealloc(out->gctrace, cap * sizeof *out->gctrace);
                }
                out->gctrace[out->n_gctrace++] = g;
            } else {
                out->bad_lines++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
}

void page_output_free(struct page_output *out)
{
    free(out->go_gc);
    free(out->go_gc_cpu);
    free(out->gctrace);
    json_decref(out->alloc_hists);
    memset(out, 0, sizeof *out);
}

size_t page_output_go_gc_rows(const struct page_output *po, const struct page_clock *clock,
                              int64_t tid, struct db_gc_pause *out)
{
    size_t n = 0;
    for (size_t i = 0; clock && i < po->n_go_gc; i++) {
        const struct go_gc_cycle *c = &po->go_gc[i];
        /* PauseEnd is Date-based (ms); start = end - pause (ns-exact length) */
        int64_t end_us = page_clock_unix_ns_to_trace_us(clock, c->end_unix_ns);
        if (end_us == INT64_MIN)
            continue;   /* no clock to place it on: not stored rather than misplaced */
        int64_t dur_us = (c->pause_ns + 500) / 1000;
        out[n++] = (struct db_gc_pause){
            .source = "go", .kind = "stw", .name = "runtime.MemStats", .is_pause = 1,
            .start_us = end_us - dur_us, .dur_us = dur_us, .heap_before = DB_NULL,
            .heap_after = DB_NULL, .tid = tid, .gc_num = c->num,
        };
    }
    for (size_t i = 0; clock && i < po->n_go_gc_cpu; i++) {
        const struct go_gc_cpu *c = &po->go_gc_cpu[i];
        int64_t end_us = page_clock_unix_ns_to_trace_us(clock, c->end_unix_ns);
        if (end_us == INT64_MIN)
            continue;
        int64_t dur_us = (c->cpu_ns + 500) / 1000;
        out[n++] = (struct db_gc_pause){
            .source = "go", .kind = "cycle-cpu", .name = "runtime/metrics", .is_pause = 0,
            .start_us = end_us - dur_us, .dur_us = dur_us, .heap_before = DB_NULL,
            .heap_after = DB_NULL, .tid = tid, .gc_num = c->num,
        };
    }
    for (size_t i = 0; clock && i < po->n_gctrace; i++) {
        const struct go_gctrace *t = &po->gctrace[i];
        const struct go_gc_cycle *c = NULL;
        for (size_t k = 0; k < po->n_go_gc && !c; k++)
            if (po->go_gc[k].num == t->num)
                c = &po->go_gc[k];
        int64_t end_us = c ? page_clock_unix_ns_to_trace_us(clock, c->end_unix_ns) : INT64_MIN;
        if (end_us == INT64_MIN)
            continue;
        int64_t wall_us = (t->sweep_term_ns + t->mark_ns + t->mark_term_ns + 500) / 1000;
        int64_t stw_us = (t->sweep_term_ns + t->mark_term_ns + 500) / 1000;
        int64_t before = t->heap_before_mb << 20, live = t->heap_live_mb << 20;
        out[n++] = (struct db_gc_pause){
            .source = "go", .kind = "gctrace-clock", .name = "GODEBUG=gctrace=1", .is_pause = 0,
            .start_us = end_us - wall_us, .dur_us = wall_us, .heap_before = before,
            .heap_after = live, .tid = tid, .gc_num = t->num,
        };
        out[n++] = (struct db_gc_pause){
            .source = "go", .kind = "gctrace-stw", .name = "GODEBUG=gctrace=1", .is_pause = 0,
            .start_us = end_us - wall_us, .dur_us = stw_us, .heap_before = before,
            .heap_after = live, .tid = tid, .gc_num = t->num,
        };
    }
    return n;
}

size_t page_output_go_gc_capacity(const struct page_output *po)
{
    return po->n_go_gc + po->n_go_gc_cpu + 2 * po->n_gctrace;
}
