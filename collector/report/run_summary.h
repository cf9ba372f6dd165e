/* run_summary: a run's summary statistics, one set of formulas for every
 * place that shows them (run and sweep print them; report html tabulates
 * them). The rows come from db/run_summary.h; the statistics are base/stats.h
 * quantiles (type 7) of first_byte_to_compile over the ok loads.
 *
 * report html: db_run_summary_read(db, &(struct db_summary_query){ run_id,
 * .by_condition = false, .name_order = true }, &s), then run_summary_stats()
 * per group, then db_run_summary_free(). */
#ifndef WASMLAB_RUN_SUMMARY_H
#define WASMLAB_RUN_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "db/run_summary.h"

/* In µs on the trace clock; NaN when the group has no ok load with the value. */
struct run_summary_stats {
    size_t n;                      /* ok loads with first_byte_to_compile */
    double median_us, p95_us, min_us, max_us;
    double last_byte_median_us;    /* median last_byte_to_compile */
    double mb_per_s;               /* bytes / median first_byte_to_compile */
};

/* Computes the statistics of g (g's arrays are sorted in place). */
void run_summary_stats(struct db_summary_group *g, struct run_summary_stats *s);

/* Prints run_id's summary to out: a table headed by the metric's name, one
 * row per configuration ("-" for times a configuration has none), or with
 * as_json an array of {run_id, run_uuid, module, bytes, loads_ok,
 * loads_failed, browser, api, condition, median_us, p95_us, min_us, max_us}
 * (null for missing times). run_uuid may be NULL. Returns 0, or -1 after a
 * warning naming cmd. */
int run_summary_print(struct db *db, int64_t run_id, const char *run_uuid, bool as_json,
                      const char *cmd, FILE *out);

#endif
