/* plot throughput: compile speed against module size. Speed is the module's
 * bytes over first-byte-to-compile (bytes/µs = MB/s, MB = 10^6 bytes): the
 * metric of record, which includes receiving the body, since a streaming
 * compile overlaps the download. One point per load, coloured by group
 * (module, and browser and API when they vary), and each group's median. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "base/stats.h"

#define MAX_GROUPS 24

int plot_throughput(struct plot_job *j)
{
    int n_browsers = plot_count_distinct(j, DB_FIELD_BROWSER_ID);
    int n_apis = plot_count_distinct(j, DB_FIELD_API);
    struct db_scope scope = plot_db_scope(j);
    struct db_timing *rows;
    size_t n_rows, row = 0;
    if (db_read_timings(j->db, &scope, DB_BY_SIZE, true, &rows, &n_rows) < 0)
        return plot_query_failed(j);
    FILE *fd = plot_data_open(j, "data_file", "loads.dat");
    FILE *fm = fd ? plot_data_open(j, "medians_file", "medians.dat") : NULL;
    if (!fm) {
        if (fd)
            fclose(fd);
        free(rows);
        return PLOT_FAILED;
    }
    char key[600] = "";
    char *titles[MAX_GROUPS];
    int groups = 0;
    size_t n = 0, cap = 0, total = 0;
    double *v = NULL, kib = 0, kmin = INFINITY, kmax = 0, smin = INFINITY, smax = 0;
    bool more = true;
    while (more) {
        more = row < n_rows;
        const struct db_timing *r = more ? &rows[row++] : NULL;
        char k[600] = "";
        if (more)
            snprintf(k, sizeof k, "%s|%lld|%s", r->module, (long long)r->browser_id, r->api);
        if (groups > 0 && (!more || strcmp(k, key) != 0)) {
            stats_sort(v, n);
            fprintf(fm, "%.4f %.4f\n", kib, stats_quantile_sorted(v, n, 0.5));
            n = 0;
        }
        if (!more)
            break;
        if (groups == 0 || strcmp(k, key) != 0) {
            if (groups == MAX_GROUPS)
                break;
            if (groups > 0)
                fprintf(fd, "\n\n");
            snprintf(key, sizeof key, "%s", k);
            char label[400];
            plot_group_label(r->module, r->product, r->kind, r->api, n_browsers > 1,
                             n_apis > 1, ", ", label, sizeof label);
            titles[groups++] = xstrdup(label);
        }
        int64_t bytes = r->module_bytes;
        double us = (double)r->fb2c_us;
        double mbps = (double)bytes / us;
        kib = (double)bytes / 1024.0;
        /* spread a group's points a little sideways (2%) so they do not hide
         * one another on the log axis */
        fprintf(fd, "%.4f %.4f %lld\n", kib * (1 + 0.04 * plot_jitter(r->load_id)), mbps,
                (long long)r->load_id);
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = mbps;
        total++;
        if (mbps < smin)
            smin = mbps;
        if (mbps > smax)
            smax = mbps;
        if (kib < kmin)
            kmin = kib;
        if (kib > kmax)
            kmax = kib;
    }
    free(rows);
    free(v);
    int rc1 = plot_data_close(j, fd), rc2 = plot_data_close(j, fm);
    int rc = PLOT_OK;
    if (rc1 < 0 || rc2 < 0) {
        rc = PLOT_FAILED;
    } else if (groups == 0) {
        rc = plot_fail(j, PLOT_NO_DATA, "no ok loads with a first-byte-to-compile in this selection");
    } else {
        struct buf *s = &j->script;
        gnuplot_set_int(s, "ngroups", groups);
        gnuplot_set_str_array(s, "group_title", (const char *const *)titles, (size_t)groups);
        gnuplot_set_int(s, "log_x", kmax / kmin > 8);
        gnuplot_set_num(s, "x_lo", kmin);
        gnuplot_set_num(s, "x_hi", kmax);
        gnuplot_set_int(s, "log_y", smin > 0 && smax / smin > 15);
        gnuplot_set_num(s, "y_lo", smin);
        gnuplot_set_num(s, "y_hi", smax);
        char subtitle[600];
        plot_subtitle(j, subtitle, sizeof subtitle);
        snprintf(j->note, sizeof j->note, "%zu loads in %d groups", total, groups);
        rc = plot_render(j, "throughput.gp", "Compile speed against module size", subtitle,
                         1100, 700);
    }
    for (int i = 0; i < groups; i++)
        free(titles[i]);
    return rc;
}
