/* The plot helpers: the median's confidence interval, version order,
 * gnuplot quoting, finding gnuplot, running it (the real program) on a good
 * and a bad script, the embedded templates, and the timeline's layout (its
 * default window and the placement of mark labels). */
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

/* A go/gc-churn load as recorded: compile finished 36 ms after the request,
 * the page done 2.2 s after it. */
static void test_timeline_window(void)
{
    const int64_t base = 5000000000LL;
    struct plot_moments m = {
        .request_us = base, .response_us = base + 2900, .last_byte_us = base + 6100,
        .stream_us = base + 3000, .compile_start_us = INT64_MIN, .compiled_us = base + 36200,
        .end_us = base + 2214000,
    };
    int64_t w0, w1, l0, l1;
    plot_timeline_window(&m, PLOT_WINDOW_COMPILE, &w0, &w1);
    plot_timeline_window(&m, PLOT_WINDOW_LOAD, &l0, &l1);
    /* the default window holds the whole compile interval, request to compile finished */
    CHECK(w0 <= m.request_us && w1 >= m.compiled_us);
    CHECK(w0 <= m.response_us && w1 >= m.last_byte_us);
    /* and is far narrower than the load: the compile fills most of it */
    CHECK(w1 - w0 < (l1 - l0) / 20);
    CHECK((double)(m.compiled_us - m.response_us) / (double)(w1 - w0) > 0.8);
    /* --window load still shows the whole load */
    CHECK(l0 <= m.request_us && l1 >= m.end_us);
    /* the page's compile-start mark before the request widens it to the left */
    m.compile_start_us = base - 1000;
    plot_timeline_window(&m, PLOT_WINDOW_COMPILE, &w0, &w1);
    CHECK(w0 <= base - 1000 && w1 >= m.compiled_us);
    /* no compile finished (a failed load): the whole load */
    m.compile_start_us = INT64_MIN;
    m.compiled_us = INT64_MIN;
    plot_timeline_window(&m, PLOT_WINDOW_COMPILE, &w0, &w1);
    CHECK(w0 <= m.request_us && w1 >= m.end_us);
    /* at least 1 ms wide */
    struct plot_moments tiny = { .request_us = base, .response_us = INT64_MIN,
                                 .last_byte_us = INT64_MIN, .stream_us = INT64_MIN,
                                 .compile_start_us = INT64_MIN, .compiled_us = base + 10,
                                 .end_us = INT64_MIN };
    plot_timeline_window(&tiny, PLOT_WINDOW_COMPILE, &w0, &w1);
    CHECK(w1 - w0 >= 1000);
}

static void test_place_labels(void)
{
    /* five marks 10 px apart with 60 px labels: two rows hold three of them */
    double lo[5], hi[5];
    int row[5];
    for (int i = 0; i < 5; i++) {
        lo[i] = 100 + 10 * i;
        hi[i] = lo[i] + 60;
    }
    size_t left_out = plot_place_labels(lo, hi, 5, 2, 6, row);
    CHECK_INT(left_out, 3);
    CHECK_INT(row[0], 0);
    CHECK_INT(row[1], 1);
    /* no two placed labels in one row overlap */
    for (int i = 0; i < 5; i++)
        for (int k = i + 1; k < 5; k++)
            if (row[i] >= 0 && row[i] == row[k])
                CHECK(lo[k] >= hi[i] + 6 || lo[i] >= hi[k] + 6);
    /* far apart: every label placed, alternating rows as before */
    for (int i = 0; i < 5; i++) {
        lo[i] = 100 + 200 * i;
        hi[i] = lo[i] + 60;
    }
    CHECK_INT(plot_place_labels(lo, hi, 5, 2, 6, row), 0);
    for (int i = 0; i < 5; i++)
        CHECK_INT(row[i], i % 2);
}

int main(void)
{
    test_timeline_window();
    test_place_labels();
    test_median_ci();
    test_versions();
    test_quote();
    test_gnuplot();
    test_templates();
    return check_result();
}
