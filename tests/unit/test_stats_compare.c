/* stats: the two-sample functions behind `wasmlab compare`, checked against
 * values computed independently:
 *  - splitmix64 / xoshiro256** against their published sequences and a
 *    Python transcription of the authors' reference code;
 *  - the bootstrap CI against the same algorithm in Python;
 *  - Mann-Whitney exact p-values against brute-force enumeration and the
 *    example in R's ?wilcox.test (Hollander & Wolfe 1973, p. 69: W = 35,
 *    one-sided p = 0.1272, so two-sided 0.2544), and the normal
 *    approximation against the textbook formula.
 * Every reference number comes from tests/unit/stats_reference.py (pure Python,
 * no code shared with base/stats.c). */
#include <math.h>
#include <stdint.h>

#include "tests/check.h"
#include "base/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

static void test_rng(void)
{
    struct stats_rng r;
    /* xoshiro256** from state {1,2,3,4}: the reference implementation's
     * first outputs. */
    r.s[0] = 1; r.s[1] = 2; r.s[2] = 3; r.s[3] = 4;
    CHECK(stats_rng_next(&r) == 11520ULL);
    CHECK(stats_rng_next(&r) == 0ULL);
    CHECK(stats_rng_next(&r) == 1509978240ULL);
    CHECK(stats_rng_next(&r) == 1215971899390074240ULL);

    /* Seeding: state words are splitmix64(seed) outputs. splitmix64 from
     * 1234567 starts 6457827717110365317, 3203168211198807973 (Rosetta Code). */
    stats_rng_seed(&r, 1234567);
    CHECK(r.s[0] == 6457827717110365317ULL);
    CHECK(r.s[1] == 3203168211198807973ULL);

    stats_rng_seed(&r, 0);
    CHECK(stats_rng_next(&r) == 11091344671253066420ULL);
    CHECK(stats_rng_next(&r) == 13793997310169335082ULL);
    CHECK(stats_rng_next(&r) == 1900383378846508768ULL);
    stats_rng_seed(&r, 42);
    CHECK(stats_rng_next(&r) == 1546998764402558742ULL);

    static const uint64_t below7[] = { 7, 2, 8, 9, 9, 8, 0, 1, 4, 1 };
    stats_rng_seed(&r, 7);
    for (size_t i = 0; i < N(below7); i++)
        CHECK(stats_rng_below(&r, 10) == below7[i]);
    for (int i = 0; i < 1000; i++)
        CHECK(stats_rng_below(&r, 3) < 3);
    CHECK(stats_rng_below(&r, 1) == 0);
}

static const double A[] = { 3.1, 2.9, 3.4, 3.0, 3.3, 2.8, 3.6, 3.2, 3.05, 2.95 };
static const double B[] = { 2.7, 2.6, 2.9, 2.5, 2.8, 3.0, 2.65, 2.75, 2.85 };

static void test_median(void)
{
    CHECK(near(stats_median(A, N(A)), 3.075, 1e-12));     /* (3.05 + 3.1) / 2 */
    CHECK(near(stats_median(B, N(B)), 2.75, 1e-12));
    CHECK(isnan(stats_median(A, 0)));
    CHECK(A[0] == 3.1);                                     /* input untouched */
}

static void test_bootstrap(void)
{
    double lo, hi;
    CHECK(stats_bootstrap_median_diff(A, N(A), B, N(B), 1000, 0.95, 1, &lo, &hi) == 0);
    CHECK(near(lo, -0.60000000000000009, 1e-12));
    CHECK(near(hi, -0.125, 1e-12));
    CHECK(stats_bootstrap_median_diff(A, N(A), B, N(B), 500, 0.90, 99, &lo, &hi) == 0);
    CHECK(near(lo, -0.55000000000000027, 1e-12));
    CHECK(near(hi, -0.15000000000000036, 1e-12));

    /* Reproducible; the difference of medians lies inside. */
    double lo2, hi2;
    stats_bootstrap_median_diff(A, N(A), B, N(B), 1000, 0.95, 1, &lo, &hi);
    stats_bootstrap_median_diff(A, N(A), B, N(B), 1000, 0.95, 1, &lo2, &hi2);
    CHECK(lo == lo2 && hi == hi2);
    double d = stats_median(B, N(B)) - stats_median(A, N(A));
    CHECK(lo <= d && d <= hi);

    /* Swapping the samples mirrors the interval (same draws, same order
     * only when the sizes match: use A against itself shifted). */
    double A5[N(A)];
    for (size_t i = 0; i < N(A); i++)
        A5[i] = A[i] + 5;
    stats_bootstrap_median_diff(A, N(A), A5, N(A), 400, 0.95, 3, &lo, &hi);
    CHECK(lo > 4 && hi < 6);

    /* Identical constant samples: a zero-width interval at 0. */
    double c[] = { 2, 2, 2, 2 };
    stats_bootstrap_median_diff(c, 4, c, 4, 100, 0.95, 1, &lo, &hi);
    CHECK(lo == 0 && hi == 0);

    CHECK(stats_bootstrap_median_diff(A, 0, B, N(B), 100, 0.95, 1, &lo, &hi) < 0);
    CHECK(isnan(lo) && isnan(hi));
    CHECK(stats_bootstrap_median_diff(A, N(A), B, N(B), 0, 0.95, 1, &lo, &hi) < 0);
}

static void test_mann_whitney(void)
{
    struct stats_mwu m;
    /* R ?wilcox.test, Hollander & Wolfe (1973) p. 69. */
    static const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
    static const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
    CHECK(stats_mann_whitney(x, N(x), y, N(y), &m) == 0);
    CHECK(m.exact);
    CHECK(near(m.u, 35, 1e-12));
    CHECK(near(m.p, 0.2544122544122544, 1e-12));
    CHECK(near(m.p, 0.2544, 5e-5));                          /* as R prints it */
    /* Swapping the samples: U of the other side, same two-sided p. */
    CHECK(stats_mann_whitney(y, N(y), x, N(x), &m) == 0);
    CHECK(near(m.u, 15, 1e-12));
    CHECK(near(m.p, 0.2544122544122544, 1e-12));

    /* Complete separation: 2 / C(10,5). */
    static const double lo5[] = { 1, 2, 3, 4, 5 }, hi5[] = { 6, 7, 8, 9, 10 };
    stats_mann_whitney(lo5, 5, hi5, 5, &m);
    CHECK(m.exact && near(m.u, 0, 0) && near(m.p, 2.0 / 252, 1e-14));
    stats_mann_whitney(hi5, 5, lo5, 5, &m);
    CHECK(near(m.u, 25, 0) && near(m.p, 2.0 / 252, 1e-14));

    static const double a2[] = { 3.1, 3.4, 3.3, 3.6, 3.2, 3.05, 2.95 };
    static const double b2[] = { 2.7, 2.6, 2.5, 2.65, 2.75, 2.85, 3.15 };
    stats_mann_whitney(a2, N(a2), b2, N(b2), &m);
    CHECK(m.exact && near(m.u, 46, 0) && near(m.p, 0.004079254079254079, 1e-12));

    /* Ties: normal approximation, tie-corrected, continuity-corrected. */
    static const double t1[] = { 1, 2, 2, 3, 3, 3, 4, 5 };
    static const double t2[] = { 3, 4, 4, 5, 5, 6, 6, 7, 8 };
    stats_mann_whitney(t1, N(t1), t2, N(t2), &m);
    CHECK(!m.exact);
    CHECK(near(m.u, 7.5, 1e-12));
    CHECK(near(m.z, -2.727939278646863, 1e-10));
    CHECK(near(m.p, 0.0063731338380858772, 1e-12));

    /* 50 or more values: normal approximation even without ties. */
    double ba[60], bb[55];
    for (int i = 0; i < 60; i++)
        ba[i] = (double)(i % 17) + i / 1000.0;
    for (int i = 0; i < 55; i++)
        bb[i] = (double)(i % 13) + 2 + i / 997.0;
    stats_mann_whitney(ba, 60, bb, 55, &m);
    CHECK(!m.exact);
    CHECK(near(m.u, 1573, 1e-9));
    CHECK(near(m.z, -0.42831777088122852, 1e-10));
    CHECK(near(m.p, 0.66841978252569367, 1e-12));

    /* All equal: no evidence, p = 1. */
    static const double c[] = { 5, 5, 5 };
    stats_mann_whitney(c, 3, c, 3, &m);
    CHECK(near(m.p, 1, 0) && near(m.u, 4.5, 0));

    /* Exact at the largest size (49 + 49, separated): p = 2 / C(98, 49). */
    double s1[49], s2[49];
    for (int i = 0; i < 49; i++) {
        s1[i] = i;
        s2[i] = 100 + i;
    }
    stats_mann_whitney(s1, 49, s2, 49, &m);
    CHECK(m.exact && near(m.p / 7.850029192963324e-29, 1, 1e-9));   /* Python math.comb */

    CHECK(stats_mann_whitney(x, 0, y, N(y), &m) < 0);
}

/* The smallest reachable p: two fully separated, untied samples give exactly
 * it (the test's own exact p), and it is 2 / C(na+nb, na). */
static void test_min_p(void)
{
    double a[40], b[40];
    for (size_t na = 1; na <= 12; na++)
        for (size_t nb = 1; nb <= 12; nb++) {
            for (size_t i = 0; i < na; i++)
                a[i] = (double)i;
            for (size_t i = 0; i < nb; i++)
                b[i] = 100.0 + (double)i;
            struct stats_mwu u;
            CHECK(stats_mann_whitney(a, na, b, nb, &u) == 0);
            CHECK(u.exact);
            CHECK(near(stats_mann_whitney_min_p(na, nb), u.p, 1e-12));
        }
    CHECK(stats_mann_whitney_min_p(3, 3) == 0.1);          /* 2 / 20 */
    CHECK(near(stats_mann_whitney_min_p(4, 4), 2.0 / 70, 1e-15));
    CHECK(near(stats_mann_whitney_min_p(6, 6), 2.0 / 924, 1e-15));
    CHECK(stats_mann_whitney_min_p(1, 1) == 1);            /* 2 / 2 */
    CHECK(stats_mann_whitney_min_p(0, 5) == 1);
    /* Past the product formula's range (lgamma): tiny, positive, and
     * continuous with the exact branch. */
    double big = stats_mann_whitney_min_p(600, 600);
    CHECK(big >= 0 && big < 1e-300);
    CHECK(near(log(stats_mann_whitney_min_p(500, 500)), log(stats_mann_whitney_min_p(500, 501)),
               1.0));
    CHECK_INT(stats_mann_whitney_min_n(0.05), 4);          /* 2/20 = 0.1, 2/70 = 0.029 */
    CHECK_INT(stats_mann_whitney_min_n(0.1), 4);           /* 0.1 is not below 0.1 */
    CHECK_INT(stats_mann_whitney_min_n(0.01), 5);          /* 2/252 = 0.0079 */
    CHECK_INT(stats_mann_whitney_min_n(0.5), 2);           /* 2/6 = 0.33 */
}

int main(void)
{
    test_rng();
    test_median();
    test_bootstrap();
    test_mann_whitney();
    test_min_p();
    return check_result();
}
