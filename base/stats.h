/* stats: order statistics over samples.
 *
 * Quantiles use linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of R, NumPy and spreadsheets), so the median of an
 * even-sized sample is the mean of the middle two. The same definition is
 * used by reports and by the tests that recompute them in SQL. */
#ifndef WASMLAB_STATS_H
#define WASMLAB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sorts v in place (ascending). */
void stats_sort(double *v, size_t n);
/* q in [0,1] over an ascending-sorted sample; NaN when n == 0. */
double stats_quantile_sorted(const double *v, size_t n, double q);

/* ---- comparing two samples (wasmlab compare) ---- */

/* Median of an unsorted sample (type 7; the input is not modified). NaN when
 * n == 0. */
double stats_median(const double *v, size_t n);

/* A small, fast, reproducible PRNG: xoshiro256** (Blackman & Vigna 2018),
 * its state seeded from one 64-bit seed by splitmix64, as the authors
 * recommend. The same seed gives the same stream on every machine. */
struct stats_rng {
    uint64_t s[4];
};
void stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias (Lemire 2019: multiply,
 * reject the few low products that would bias). */
uint64_t stats_rng_below(struct stats_rng *r, uint64_t n);

/* Percentile-bootstrap confidence interval for median(b) - median(a).
 * Each of `resamples` rounds draws na values from a with replacement, then nb
 * from b (in that order, from one stream seeded with seed), and takes the
 * difference of the two medians; the interval is the type-7 quantiles
 * (1-level)/2 and (1+level)/2 of those differences. Deterministic for a seed.
 * Returns 0, or -1 (lo, hi NaN) when a or b is empty or resamples is 0. */
int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
                                unsigned resamples, double level, uint64_t seed,
                                double *lo, double *hi);

/* Mann-Whitney U test (Wilcoxon rank-sum), two-sided, with R's wilcox.test
 * conventions: u is U for sample a (pairs (a_i, b_j) with a_i > b_j, ties
 * counting 1/2); exact p from the null distribution of U when there are no
 * ties and both samples have fewer than 50 values, otherwise the normal
 * approximation with tie-corrected variance and a continuity correction of
 * 1/2 toward the mean. */
struct stats_mwu {
    double u;          /* U of sample a; U of b is na*nb - u */
    double z;          /* standardized statistic (0 when exact) */
    double p;          /* two-sided p-value in [0, 1] */
    bool exact;
};
/* Returns 0, or -1 when a or b is empty. */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                       struct stats_mwu *out);

/* The smallest two-sided p-value the test above can give samples of na and
 * nb values: two fully separated samples, 2 / C(na+nb, na) (exact, no ties),
 * capped at 1. Below it no difference, however large, is significant.
 * 1 when na or nb is 0. */
double stats_mann_whitney_min_p(size_t na, size_t nb);
/* The fewest loads n a side (n = na = nb) whose smallest reachable p is below
 * alpha (0 < alpha < 1); at most 1000. */
size_t stats_mann_whitney_min_n(double alpha);

#endif
