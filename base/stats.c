#include "base/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double stats_quantile_sorted(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    if (q <= 0)
        return v[0];
    if (q >= 1)
        return v[n - 1];
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    double frac = h - (double)lo;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + frac * (v[lo + 1] - v[lo]);
}

/* ---- comparing two samples ---- */

double stats_median(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double *c = malloc(n * sizeof *c);
    if (!c)
        abort();
    for (size_t i = 0; i < n; i++)
        c[i] = v[i];
    stats_sort(c, n);
    double m = stats_quantile_sorted(c, n, 0.5);
    free(c);
    return m;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t stats_rng_next(struct stats_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t stats_rng_below(struct stats_rng *r, uint64_t n)
{
    unsigned __int128 m = (unsigned __int128)stats_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (unsigned __int128)stats_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
                                unsigned resamples, double level, uint64_t seed,
                                double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (na == 0 || nb == 0 || resamples == 0 || !(level > 0 && level < 1))
        return -1;
    double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb);
    double *d = malloc(resamples * sizeof *d);
    if (!ra || !rb || !d)
        abort();
    struct stats_rng rng;
    stats_rng_seed(&rng, seed);
    for (unsigned k = 0; k < resamples; k++) {
        for (size_t i = 0; i < na; i++)
            ra[i] = a[stats_rng_below(&rng, na)];
        for (size_t j = 0; j < nb; j++)
            rb[j] = b[stats_rng_below(&rng, nb)];
        stats_sort(ra, na);
        stats_sort(rb, nb);
        d[k] = stats_quantile_sorted(rb, nb, 0.5) - stats_quantile_sorted(ra, na, 0.5);
    }
    stats_sort(d, resamples);
    *lo = stats_quantile_sorted(d, resamples, (1 - level) / 2);
    *hi = stats_quantile_sorted(d, resamples, (1 + level) / 2);
    free(ra);
    free(rb);
    free(d);
    return 0;
}

struct ranked {
    double v;
    int from_a;
};

static int cmp_ranked(const void *x, const void *y)
{
    double p = ((const struct ranked *)x)->v, q = ((const struct ranked *)y)->v;
    return (p > q) - (p < q);
}

/* P(U <= u) under the null for sizes m (sample a) and n, no ties: counts the
 * m-subsets of ranks 1..m+n by their U = sum over chosen ranks of (number of
 * unchosen ranks below it). Doubles hold the counts (up to C(98,49) ~ 2.5e28)
 * to 15 significant digits, plenty for a p-value. */
static double mwu_exact_cdf(size_t m, size_t n, double u)
{
    size_t umax = m * n;
    /* ways[j][s]: j of the ranks seen so far chosen, U-contribution s. */
    double *ways = calloc((m + 1) * (umax + 1), sizeof *ways);
    if (!ways)
        abort();
#define W(j, s) ways[(j) * (umax + 1) + (s)]
    W(0, 0) = 1;
    for (size_t k = 1; k <= m + n; k++) {
        /* Choosing rank k as the (j+1)-th chosen adds k-1-j unchosen below it.
         * j descends so each rank is used at most once. */
        size_t jmax = k < m ? k : m;
        for (size_t j = jmax; j >= 1; j--) {
            size_t add = k - j;      /* (k-1) - (j-1) */
            if (add > umax)
                continue;
            for (size_t s = umax; s + 1 > add; s--)
                W(j, s) += W(j - 1, s - add);
        }
    }
    double total = 0, below = 0;
    for (size_t s = 0; s <= umax; s++) {
        total += W(m, s);
        if ((double)s <= u + 1e-9)
            below += W(m, s);
    }
#undef W
    free(ways);
    return below / total;
}

int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                       struct stats_mwu *out)
{
    *out = (struct stats_mwu){ .u = NAN, .z = NAN, .p = NAN };
    if (na == 0 || nb == 0)
        return -1;
    size_t n = na + nb;
    struct ranked *r = malloc(n * sizeof *r);
    if (!r)
        abort();
    for (size_t i = 0; i < na; i++)
        r[i] = (struct ranked){ a[i], 1 };
    for (size_t j = 0; j < nb; j++)
        r[na + j] = (struct ranked){ b[j], 0 };
    qsort(r, n, sizeof *r, cmp_ranked);
    /* Midranks; ties_term = sum over tie groups of t^3 - t. */
    double rank_sum_a = 0, ties_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && r[j + 1].v == r[i].v)
            j++;
        double t = (double)(j - i + 1);
        double midrank = ((double)i + (double)j) / 2 + 1;
        for (size_t k = i; k <= j; k++)
            if (r[k].from_a)
                rank_sum_a += midrank;
        ties_term += t * t * t - t;
        i = j + 1;
    }
    free(r);
    double m1 = (double)na, m2 = (double)nb, nn = (double)n;
    double u = rank_sum_a - m1 * (m1 + 1) / 2;
    out->u = u;
    if (ties_term == 0 && na < 50 && nb < 50) {
        /* R: p = 2 * P(U >= u) above the mean, 2 * P(U <= u) below it. */
        double p = u > m1 * m2 / 2 ? 1 - mwu_exact_cdf(na, nb, u - 1)
                                   : mwu_exact_cdf(na, nb, u);
        out->p = fmin(1, 2 * p);
        out->z = 0;
        out->exact = true;
        return 0;
    }
    double sigma = sqrt(m1 * m2 / 12 * ((nn + 1) - ties_term / (nn * (nn - 1))));
    double diff = u - m1 * m2 / 2;
    if (!(sigma > 0)) {          /* every value equal: no evidence either way */
        out->z = 0;
        out->p = 1;
        return 0;
    }
    double corr = diff > 0 ? 0.5 : diff < 0 ? -0.5 : 0;
    double z = (diff - corr) / sigma;
    out->z = z;
    /* 2 * min(Phi(z), 1 - Phi(z)) = erfc(|z| / sqrt 2) */
    out->p = fmin(1, erfc(fabs(z) / sqrt(2.0)));
    return 0;
}

double stats_mann_whitney_min_p(size_t na, size_t nb)
{
    if (na == 0 || nb == 0)
        return 1;
    size_t k = na < nb ? na : nb, n = na + nb;
    double p;
    if (n <= 1000) {
        /* C(n, k) by the product formula: exact while it fits 2^53, so
         * small samples give exactly the p the test computes (2/20 = 0.1). */
        double c = 1;
        for (size_t i = 1; i <= k; i++)
            c = c * (double)(n - k + i) / (double)i;
        p = 2 / c;
    } else {
        /* log C(n, k) through lgamma: C overflows a double beyond this. */
        p = 2 * exp(-(lgamma((double)n + 1) - lgamma((double)k + 1) -
                      lgamma((double)(n - k) + 1)));
    }
    return p < 1 ? p : 1;
}

size_t stats_mann_whitney_min_n(double alpha)
{
    size_t n = 1;
    while (n < 1000 && !(stats_mann_whitney_min_p(n, n) < alpha))
        n++;
    return n;
}
