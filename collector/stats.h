/* stats: order statistics over samples.
 *
 * Quantiles use linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of R, NumPy and spreadsheets), so the median of an
 * even-sized sample is the mean of the middle two. The same definition is
 * used by reports and by the tests that recompute them in SQL. */
#ifndef WASMLAB_STATS_H
#define WASMLAB_STATS_H

#include <stddef.h>

/* Sorts v in place (ascending). */
void stats_sort(double *v, size_t n);
/* q in [0,1] over an ascending-sorted sample; NaN when n == 0. */
double stats_quantile_sorted(const double *v, size_t n, double q);

#endif
