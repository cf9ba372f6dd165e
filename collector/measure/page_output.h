/* page_output: the structured lines workloads print to stdout, which the
 * harness forwards in its report (modules/README.md defines them):
 *   wasmlab-gc {"num":K,"pause_ns":N,"end_unix_ns":T}   one per Go GC cycle (STW)
 *   wasmlab-gc-cpu {"num":K,"cpu_ns":C,...,"end_unix_ns":T}  the cycle's main-thread
 *       GC time (assist + mark workers + STW, from runtime/metrics; cpu_ns >= pause_ns)
 *   wasmlab-alloc-hist {"op":"malloc",...}             C allocator latency
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

struct page_output {
    struct go_gc_cycle *go_gc;
    size_t n_go_gc;
    struct go_gc_cpu *go_gc_cpu;
    size_t n_go_gc_cpu;
    json_t *alloc_hists;      /* array of the alloc-hist objects (new ref) */
    size_t bad_lines;
};

void page_output_parse(const char *text, struct page_output *out);
void page_output_free(struct page_output *out);

/* The Go GC rows to store: each STW pause (source "go", kind "stw",
 * is_pause 1) and each cycle's main-thread GC time (kind "cycle-cpu",
 * is_pause 0: it is interleaved with the workload, not one block; drawn as
 * [end - cpu, end]), placed on the trace clock. Lines the clock cannot place
 * are left out. out must hold n_go_gc + n_go_gc_cpu rows; the rows point
 * into static strings. Returns the number of rows written. */
size_t page_output_go_gc_rows(const struct page_output *po, const struct page_clock *clock,
                              int64_t tid, struct db_gc_pause *out);

#endif
