/* report_alloc: `wasmlab report alloc`: the C allocator's latency
 * histograms (table alloc_histograms, written by c/gc-churn: every 16th
 * malloc()/free() timed in the page) per module, condition, browser and op
 * of a run: samples, mean, p50, p95 and max in ns. */
#ifndef WASMLAB_REPORT_ALLOC_H
#define WASMLAB_REPORT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

int report_alloc(int argc, char **argv);

/* The p-quantile (0..1) in ns of a log2 histogram (bucket[0]: samples of
 * 0 ns; bucket[i]: samples in [2^(i-1), 2^i) ns), interpolated linearly
 * inside its bucket and capped at max_ns (when > 0). NaN for an empty
 * histogram. */
double alloc_quantile_ns(const int64_t *bucket, int n_buckets, int64_t max_ns, double p);

#endif
