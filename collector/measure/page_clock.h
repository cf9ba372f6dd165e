/* page_clock: the page's clocks mapped onto the trace clock.
 *
 * The harness's marks are known twice: as performance.now() in the page
 * (page_ms) and as blink.user_timing events on the trace clock (ts_us). Their
 * difference is the trace-clock time of performance.now() == 0; the median
 * over all marks is used. Wall-clock (Date, unix) times convert through
 * performance.timeOrigin, which the harness reports.
 *
 * Error bounds: page_ms is clamped to 5 µs (cross-origin-isolated page), so
 * page -> trace conversion is good to about 5 µs. Go's runtime.MemStats
 * PauseEnd comes from Date (whole milliseconds on js/wasm) and timeOrigin is
 * a separate wall-clock reading, so unix -> trace conversion is good to
 * about 1 ms (+ any wall-clock step between navigation and the pause). */
#ifndef WASMLAB_PAGE_CLOCK_H
#define WASMLAB_PAGE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "collector/trace/extract.h"

struct page_clock {
    bool valid;
    double zero_trace_us;     /* trace clock at performance.now() == 0 */
    double time_origin_ms;    /* performance.timeOrigin (unix ms), NaN unknown */
    int marks_used;
};

/* From the harness report (marks, time_origin) and the extracted trace
 * marks. Returns 0, or -1 when no mark is known on both clocks. */
int page_clock_init(struct page_clock *c, json_t *report, const struct extract_result *x);
/* INT64_MIN when the result lies beyond UNTRUSTED_US_LIMIT (a page's numbers
 * are not trusted). */
int64_t page_clock_to_trace_us(const struct page_clock *c, double page_ms);
/* INT64_MIN when time_origin is unknown or the result is out of range. */
int64_t page_clock_unix_ns_to_trace_us(const struct page_clock *c, int64_t unix_ns);

#endif
