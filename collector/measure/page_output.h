/* page_output: the structured lines workloads print to stdout, which the
 * harness forwards in its report (modules/README.md defines them):
 *   wasmlab-gc {"num":K,"pause_ns":N,"end_unix_ns":T}   one per Go GC cycle
 *   wasmlab-alloc-hist {"op":"malloc",...}             C allocator latency
 * Malformed lines are skipped and counted, never trusted. */
#ifndef WASMLAB_PAGE_OUTPUT_H
#define WASMLAB_PAGE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct go_gc_cycle {
    int64_t num;
    int64_t pause_ns;
    int64_t end_unix_ns;
};

struct page_output {
    struct go_gc_cycle *go_gc;
    size_t n_go_gc;
    json_t *alloc_hists;      /* array of the alloc-hist objects (new ref) */
    size_t bad_lines;
};

void page_output_parse(const char *text, struct page_output *out);
void page_output_free(struct page_output *out);

#endif
