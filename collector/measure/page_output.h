/* page_output: the structured lines workloads print to stdout, which the
 * harness forwards in its report (modules/README.md defines them):
 *   wasmlab-gc {"num":K,"pause_ns":N,"end_unix_ns":T}   one per Go GC cycle (STW)
 *   wasmlab-gc-cpu {"num":K,"cpu_ns":C,...,"end_unix_ns":T}  the cycle's main-thread
 *       GC time (assist + mark workers + STW, from runtime/metrics; cpu_ns >= pause_ns)
 *   wasmlab-alloc-hist {"op":"malloc",...}             C allocator latency
 * and, on stderr, Go's own GODEBUG=gctrace=1 lines (go/gc-churn --gctrace):
 *   gc K @Ts P%: A+B+C ms clock, ... ms cpu, H0->H1->H2 MB, ...
 *   (A: sweep termination STW, B: concurrent mark, C: mark termination STW;
 *   wall-clock ms, as Go's nanotime sees them)
 * Malformed lines are skipped and counted, never trusted. */
#ifndef WASMLAB_PAGE_OUTPUT_H
#define WASMLAB_PAGE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "collector/measure/page_clock.h"
#include "db/db.h"

struct go_gc_cycle {
    int64_t num;
    int64_t pause_ns;
    int64_t end_unix_ns;
};

/* One wasmlab-gc-cpu line; pause_ns is the cycle's own STW part of cpu_ns. */
struct go_gc_cpu {
    int64_t num;
    int64_t cpu_ns;
    int64_t pause_ns;
    int64_t end_unix_ns;
};

/* One gctrace line: the cycle's three phases' wall time, ns; heap MB. */
struct go_gctrace {
    int64_t num;
    int64_t sweep_term_ns, mark_ns, mark_term_ns;
    int64_t heap_before_mb, heap_live_mb;
};

struct page_output {
    struct go_gc_cycle *go_gc;
    size_t n_go_gc;
    struct go_gc_cpu *go_gc_cpu;
    size_t n_go_gc_cpu;
    struct go_gctrace *gctrace;
    size_t n_gctrace;
    json_t *alloc_hists;      /* array of the alloc-hist objects (new ref) */
    size_t bad_lines;
};

void page_output_parse(const char *text, struct page_output *out);
/* Adds the gctrace lines of the workload's stderr (after page_output_parse;
 * other lines are not counted as bad: stderr is free text). */
void page_output_parse_stderr(const char *text, struct page_output *out);
void page_output_free(struct page_output *out);

/* The Go GC rows to store: each STW pause (source "go", kind "stw",
 * is_pause 1) and each cycle's main-thread GC time (kind "cycle-cpu",
 * is_pause 0: it is interleaved with the workload, not one block; drawn as
 * [end - cpu, end]), placed on the trace clock, and per gctrace line two
 * rows (is_pause 0): kind "gctrace-clock", the cycle's wall time A+B+C drawn
 * as [end - (A+B+C), end], and kind "gctrace-stw", the two STW phases' sum
 * A+C starting at the cycle's start (not one block: A opens the cycle, C
 * closes it). A gctrace cycle ends where the wasmlab-gc line of the same
 * number ends (gctrace prints no absolute time); without one it is left
 * out, as are lines the clock cannot place. out must hold
 * page_output_go_gc_capacity(po) rows; the rows point into static strings.
 * Returns the number of rows written. */
size_t page_output_go_gc_capacity(const struct page_output *po);
size_t page_output_go_gc_rows(const struct page_output *po, const struct page_clock *clock,
                              int64_t tid, struct db_gc_pause *out);

#endif
