/* plot sweep: median first-byte-to-compile per Chrome version, with the
 * median's 95% confidence interval (plot_median_ci: order statistics, no
 * distribution assumed) as error bars, one line per module (and API, and
 * browser kind, when those vary). Versions are the browsers' product
 * versions, ordered numerically; by default every run counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "base/stats.h"

#define MAX_VERSIONS 64
#define MAX_SERIES 24

static int cmp_version(const void *a, const void *b)
{
    return plot_version_cmp(*(char *const *)a, *(char *const *)b);
}

int plot_sweep(struct plot_job *j)
{
    int n_apis = plot_count_distinct(j, DB_FIELD_API);
    int n_kinds = plot_count_distinct(j, DB_FIELD_BROWSER_KIND);
    /* the versions, in numeric order */
    char *versions[MAX_VERSIONS];
    size_t n_versions = 0;
    struct db_scope scope = plot_db_scope(j);
    char **products;
    size_t n_products;
    if (db_scope_distinct(j->db, &scope, DB_FIELD_BROWSER_PRODUCT, true, &products,
                          &n_products) < 0)
        return plot_query_failed(j);
    for (size_t p = 0; p < n_products && n_versions < MAX_VERSIONS; p++) {
        const char *v = plot_product_version(products[p]);
        bool seen = false;
        for (size_t i = 0; i < n_versions; i++)
            seen |= strcmp(versions[i], v) == 0;
        if (!seen)
            versions[n_versions++] = xstrdup(v);
    }
    db_strings_free(products, n_products);
    qsort(versions, n_versions, sizeof *versions, cmp_version);

    struct db_timing *rows = NULL;
    size_t n_rows = 0, row = 0;
    int qrc = db_read_timings(j->db, &scope, DB_BY_SERIES, false, &rows, &n_rows);
    FILE *fd = qrc == 0 ? plot_data_open(j, "data_file", "medians.dat") : NULL;
    FILE *fv = fd ? plot_data_open(j, "versions_file", "versions.dat") : NULL;
    char *titles[MAX_SERIES];
    int series = 0, rc = PLOT_OK;
    size_t points = 0;
    if (!fv) {
        if (fd)
            fclose(fd);
        free(rows);
        for (size_t i = 0; i < n_versions; i++)
            free(versions[i]);
        return qrc < 0 ? plot_query_failed(j) : PLOT_FAILED;
    }
    /* per series: values per version, sorted at the end */
    double *vals[MAX_VERSIONS] = { 0 };
    size_t nv[MAX_VERSIONS] = { 0 }, capv[MAX_VERSIONS] = { 0 };
    char key[600] = "";
    bool more = true;
    while (more) {
        more = row < n_rows;
        const struct db_timing *r = more ? &rows[row++] : NULL;
        char k[600] = "";
        if (more)
            snprintf(k, sizeof k, "%s|%s|%s", r->module, r->api, r->kind);
        if (series > 0 && (!more || strcmp(k, key) != 0)) {
            if (series > 1)
                fprintf(fd, "\n\n");
            for (size_t x = 0; x < n_versions; x++) {
                if (nv[x] == 0)
                    continue;
                stats_sort(vals[x], nv[x]);
                double lo, hi, med = stats_quantile_sorted(vals[x], nv[x], 0.5);
                plot_median_ci(vals[x], nv[x], &lo, &hi);
                fprintf(fd, "%zu %.4f %.4f %.4f %zu\n", x + 1, med, lo, hi, nv[x]);
                points++;
                nv[x] = 0;
            }
        }
        if (!more)
            break;
        if (series == 0 || strcmp(k, key) != 0) {
            if (series == MAX_SERIES)
                break;
            snprintf(key, sizeof key, "%s", k);
            char label[400];
            snprintf(label, sizeof label, "%s%s%s%s%s", r->module, n_apis > 1 ? ", " : "",
                     n_apis > 1 ? r->api : "", n_kinds > 1 ? ", " : "",
                     n_kinds > 1 ? r->kind : "");
            titles[series++] = xstrdup(label);
        }
        const char *v = plot_product_version(r->product);
        size_t x = 0;
        while (x < n_versions && strcmp(versions[x], v) != 0)
            x++;
        if (x == n_versions)
            continue;   /* beyond MAX_VERSIONS */
        if (nv[x] == capv[x]) {
            capv[x] = capv[x] ? capv[x] * 2 : 32;
            vals[x] = xrealloc(vals[x], capv[x] * sizeof *vals[x]);
        }
        vals[x][nv[x]++] = (double)r->fb2c_us / 1000.0;
    }
    free(rows);
    for (size_t x = 0; x < n_versions; x++) {
        fprintf(fv, "%zu ", x + 1);
        plot_data_str(fv, versions[x]);
        fputc('\n', fv);
        free(vals[x]);
    }
    int rc1 = plot_data_close(j, fd), rc2 = plot_data_close(j, fv);
    if (rc1 < 0 || rc2 < 0) {
        rc = PLOT_FAILED;
    } else if (series == 0) {
        rc = plot_fail(j, PLOT_NO_DATA, "no ok loads with a first-byte-to-compile in this selection");
    } else {
        struct buf *s = &j->script;
        gnuplot_set_int(s, "nseries", series);
        gnuplot_set_int(s, "nversions", (long long)n_versions);
        gnuplot_set_str_array(s, "series_title", (const char *const *)titles, (size_t)series);
        char subtitle[600];
        plot_subtitle(j, subtitle, sizeof subtitle);
        snprintf(j->note, sizeof j->note, "%d series over %zu Chrome versions", series,
                 n_versions);
        int width = n_versions > 8 ? (int)(110 * n_versions + 300) : 1100;
        rc = plot_render(j, "sweep.gp",
                         "Median first byte to compile finished per Chrome version", subtitle,
                         width > 2400 ? 2400 : width, 650);
    }
    for (int i = 0; i < series; i++)
        free(titles[i]);
    for (size_t i = 0; i < n_versions; i++)
        free(versions[i]);
    (void)points;
    return rc;
}
