/* plot latency: the distribution of first-byte-to-compile per module (and
 * per browser and API, when the selection holds more than one): a box plot
 * per group with every load drawn over it as a point, jittered sideways.
 * The box is computed here, not by gnuplot (whose boxplot style skips groups
 * of fewer than 4): median and quartiles by base/stats.h (type 7),
 * whiskers to the furthest load within 1.5 IQR of the box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "base/stats.h"

#define MAX_GROUPS 40

/* Sideways jitter in [-0.5, 0.5), fixed per load (so charts are
 * reproducible). */
double plot_jitter(int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    return (double)(h % 10000) / 10000.0 - 0.5;
}

int plot_latency(struct plot_job *j)
{
    int n_browsers = plot_count_distinct(j, DB_FIELD_BROWSER_ID);
    int n_apis = plot_count_distinct(j, DB_FIELD_API);
    struct db_scope scope = plot_db_scope(j);
    struct db_timing *rows;
    size_t n_rows, row = 0;
    if (db_read_timings(j->db, &scope, DB_BY_GROUP, false, &rows, &n_rows) < 0)
        return plot_query_failed(j);
    FILE *fd = plot_data_open(j, "data_file", "loads.dat");
    FILE *fg = fd ? plot_data_open(j, "groups_file", "groups.dat") : NULL;
    if (!fg) {
        if (fd)
            fclose(fd);
        free(rows);
        return PLOT_FAILED;
    }
    char key[600] = "", label[400] = "";
    int groups = 0;
    size_t n = 0, cap = 0, total = 0;
    double *v = NULL, vmin = INFINITY, vmax = 0;
    bool more = true;
    while (more) {
        more = row < n_rows;
        const struct db_timing *r = more ? &rows[row++] : NULL;
        char k[600] = "";
        if (more)
            snprintf(k, sizeof k, "%s|%lld|%s", r->module, (long long)r->browser_id, r->api);
        if (groups > 0 && (!more || strcmp(k, key) != 0)) {
            /* close the group: its box (quartiles as stats.h defines them,
             * whiskers to the furthest load within 1.5 IQR of the box) and
             * its tic label with n and the median */
            double med = stats_quantile_sorted(v, n, 0.5);
            double q1 = stats_quantile_sorted(v, n, 0.25), q3 = stats_quantile_sorted(v, n, 0.75);
            double lo = q1, hi = q3, iqr = q3 - q1;
            for (size_t i = 0; i < n; i++) {
                if (v[i] >= q1 - 1.5 * iqr && v[i] < lo)
                    lo = v[i];
                if (v[i] <= q3 + 1.5 * iqr && v[i] > hi)
                    hi = v[i];
            }
            fprintf(fg, "%d ", groups);
            char text[600];
            snprintf(text, sizeof text, "%s\\nn=%zu, median %.2f ms", label, n, med);
            plot_data_str(fg, text);
            fprintf(fg, " %.4f %.4f %.4f %.4f %.4f\n", med, q1, q3, lo, hi);
            n = 0;
        }
        if (!more)
            break;
        if (groups == 0 || strcmp(k, key) != 0) {
            if (groups == MAX_GROUPS)
                break;
            if (groups > 0)
                fprintf(fd, "\n\n");
            groups++;
            snprintf(key, sizeof key, "%s", k);
            plot_group_label(r->module, r->product, r->kind, r->api, n_browsers > 1,
                             n_apis > 1, "\\n", label, sizeof label);
        }
        double ms = (double)r->fb2c_us / 1000.0;
        fprintf(fd, "%.4f %.4f %lld\n", groups + 0.28 * plot_jitter(r->load_id), ms,
                (long long)r->load_id);
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = ms;   /* rows come sorted within a group */
        total++;
        if (ms < vmin)
            vmin = ms;
        if (ms > vmax)
            vmax = ms;
    }
    free(rows);
    free(v);
    int rc1 = plot_data_close(j, fd), rc2 = plot_data_close(j, fg);
    if (rc1 < 0 || rc2 < 0)
        return PLOT_FAILED;
    if (groups == 0)
        return plot_fail(j, PLOT_NO_DATA, "no ok loads with a first-byte-to-compile in this selection");

    struct buf *s = &j->script;
    gnuplot_set_int(s, "ngroups", groups);
    /* a log axis when groups differ by more than an order of magnitude */
    gnuplot_set_int(s, "log_y", vmin > 0 && vmax / vmin > 15);
    gnuplot_set_num(s, "y_lo", vmin);
    gnuplot_set_num(s, "y_hi", vmax);
    char subtitle[600];
    plot_subtitle(j, subtitle, sizeof subtitle);
    snprintf(j->note, sizeof j->note, "%zu loads in %d groups", total, groups);
    int width = groups > 6 ? 170 * groups + 200 : 1100;
    return plot_render(j, "latency.gp", "First byte to compile finished, per load",
                       subtitle, width > 2400 ? 2400 : width, 650);
}
