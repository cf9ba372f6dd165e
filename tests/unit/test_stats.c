/* stats: quantiles checked against values computed independently (R's
 * quantile(type = 7) / numpy.percentile defaults). */
#include <math.h>

#include "tests/check.h"
#include "base/stats.h"

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

int main(void)
{
    double v[] = { 15, 20, 35, 40, 50 };
    stats_sort(v, 5);
    CHECK(near(stats_quantile_sorted(v, 5, 0.5), 35));
    CHECK(near(stats_quantile_sorted(v, 5, 0.4), 29));      /* numpy: 29.0 */
    CHECK(near(stats_quantile_sorted(v, 5, 0.95), 48));     /* numpy: 48.0 */
    CHECK(near(stats_quantile_sorted(v, 5, 0), 15));
    CHECK(near(stats_quantile_sorted(v, 5, 1), 50));
    double w[] = { 4, 1, 3, 2 };
    stats_sort(w, 4);
    CHECK(near(w[0], 1) && near(w[3], 4));
    CHECK(near(stats_quantile_sorted(w, 4, 0.5), 2.5));
    CHECK(near(stats_quantile_sorted(w, 4, 0.95), 3.85));   /* numpy: 3.85 */
    double one[] = { 7 };
    CHECK(near(stats_quantile_sorted(one, 1, 0.95), 7));
    CHECK(isnan(stats_quantile_sorted(one, 0, 0.5)));
    return check_result();
}
