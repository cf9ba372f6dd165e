/* The plot helpers: the median's confidence interval, version order,
 * gnuplot quoting, finding gnuplot, running it (the real program) on a good
 * and a bad script, and the embedded templates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"

static void test_median_ci(void)
{
    double v[20], lo, hi;
    for (int i = 0; i < 20; i++)
        v[i] = i + 1;   /* x(i) = i */
    plot_median_ci(v, 5, &lo, &hi);
    CHECK(lo == 1 && hi == 5);
    plot_median_ci(v, 8, &lo, &hi);
    CHECK(lo == 1 && hi == 8);
    plot_median_ci(v, 10, &lo, &hi);
    CHECK(lo == 2 && hi == 9);      /* as the exact binomial interval */
    plot_median_ci(v, 20, &lo, &hi);
    CHECK(lo == 6 && hi == 15);
    plot_median_ci(v, 1, &lo, &hi);
    CHECK(lo == 1 && hi == 1);
    plot_median_ci(v, 0, &lo, &hi);
    CHECK(lo != lo && hi != hi);    /* NaN */
}

static void test_versions(void)
{
    CHECK_STR(plot_product_version("HeadlessChrome/156.0.8078.79"), "156.0.8078.79");
    CHECK_STR(plot_product_version("Chrome/110.0.5478.0"), "110.0.5478.0");
    CHECK_STR(plot_product_version(NULL), "");
    CHECK(plot_version_cmp("110.0.5478.0", "156.0.8078.79") < 0);
    CHECK(plot_version_cmp("156.0.8078.79", "156.0.8078.100") < 0);   /* numeric, not text */
    CHECK(plot_version_cmp("156.0.8078.79", "156.0.8078.79") == 0);
    CHECK(plot_version_cmp("99.1", "100.0") < 0);
    char label[200];
    plot_group_label("go/hello", "HeadlessChrome/156.0.8078.79", "headless_shell", "buffered",
                     true, true, ", ", label, sizeof label);
    CHECK_STR(label, "go/hello, headless_shell 156.0.8078.79, buffered");
    plot_group_label("c/hello", "x/1", "chromium", "streaming", false, false, ", ", label,
                     sizeof label);
    CHECK_STR(label, "c/hello");
}

static void test_quote(void)
{
    struct buf b = { 0 };
    gnuplot_set_str(&b, "t", "it's \"x\"\n\\n");
    CHECK_STR(b.data, "t = 'it''s \"x\" \\n'\n");
    buf_reset(&b);
    gnuplot_set_num(&b, "x", 0.5);
    gnuplot_set_num(&b, "y", NAN);
    gnuplot_set_int(&b, "n", -3);
    CHECK_STR(b.data, "x = 0.5\ny = NaN\nn = -3\n");
    buf_reset(&b);
    const char *v[] = { "a", "b'c" };
    gnuplot_set_str_array(&b, "arr", v, 2);
    CHECK_STR(b.data, "array arr[2]\narr[1] = 'a'\narr[2] = 'b''c'\n");
    buf_reset(&b);
    gnuplot_set_str_array(&b, "e", NULL, 0);
    CHECK_STR(b.data, "array e[1]\ne[1] = ''\n");
    buf_free(&b);
}

static void test_gnuplot(void)
{
    char path[4096], err[512];
    setenv("WASMLAB_GNUPLOT", "/nonexistent/gnuplot", 1);
    CHECK(gnuplot_find(path, sizeof path, err, sizeof err) < 0);
    CHECK(strstr(err, "gnuplot not found: WASMLAB_GNUPLOT=/nonexistent/gnuplot") != NULL);
    unsetenv("WASMLAB_GNUPLOT");
    const char *old_path = getenv("PATH");
    char *saved = old_path ? strdup(old_path) : NULL;
    setenv("PATH", "/nonexistent", 1);
    CHECK(gnuplot_find(path, sizeof path, err, sizeof err) < 0);
    CHECK(strstr(err, "gnuplot not found on PATH") != NULL);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    if (gnuplot_find(path, sizeof path, err, sizeof err) < 0) {
        fprintf(stderr, "gnuplot is not installed: %s\n", err);
        CHECK(!"gnuplot on PATH");
        return;
    }
    char dir[] = "/tmp/wasmlab-test-plot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct buf s = { 0 };
    char *out = malloc(strlen(dir) + 16);
    sprintf(out, "%s/x.png", dir);
    gnuplot_set_str(&s, "outfile", out);
    const char *good = "set terminal pngcairo size 300,200\nset output outfile\nplot x\n";
    buf_append(&s, good, strlen(good));
    CHECK(gnuplot_run(path, dir, &s, 30000, err, sizeof err) == 0);
    CHECK(access(out, R_OK) == 0);
    buf_reset(&s);
    const char *bad = "set terminal pngcairo\nplot nosuchfunction(x)\n";
    buf_append(&s, bad, strlen(bad));
    CHECK(gnuplot_run(path, dir, &s, 30000, err, sizeof err) < 0);
    CHECK(strstr(err, "gnuplot failed (exit 1)") != NULL);
    CHECK(strstr(err, "line 2:") != NULL);   /* gnuplot's own error line, quoted */
    buf_free(&s);
    free(out);
    remove_tree(dir);
}

static void test_templates(void)
{
    char err[300];
    static const char *const names[] = { "common.gp", "timeline.gp", "latency.gp", "sweep.gp",
                                         "sizes.gp", "throughput.gp" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *t = gnuplot_template(names[i], err, sizeof err);
        CHECK(t && strlen(t) > 100);
        free(t);
    }
    CHECK(gnuplot_template("nosuch.gp", err, sizeof err) == NULL);
    setenv("WASMLAB_PLOTS_DIR", "/nonexistent", 1);
    CHECK(gnuplot_template("common.gp", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/common.gp") != NULL);
    unsetenv("WASMLAB_PLOTS_DIR");
    for (size_t i = 0; plot_kinds[i].name; i++)
        CHECK(plot_kind_find(plot_kinds[i].name) == &plot_kinds[i]);
    CHECK(plot_kind_find("nosuch") == NULL);
}

int main(void)
{
    test_median_ci();
    test_versions();
    test_quote();
    test_gnuplot();
    test_templates();
    return check_result();
}
