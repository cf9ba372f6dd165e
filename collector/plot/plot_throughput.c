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
    int n_browsers = plot_count_distinct(j, "l.browser_id");
    int n_apis = plot_count_distinct(j, "l.api");
    sqlite3_stmt *st = plot_prepare_scoped(j,
        "SELECT m.name, b.product, b.kind, l.api, l.browser_id, m.bytes,"
        " l.first_byte_to_compile_us, l.id" PLOT_SCOPE_FROM
        " WHERE %S AND l.status = 'ok' AND l.first_byte_to_compile_us > 0"
        " ORDER BY m.bytes, m.name, b.product, b.kind, l.browser_id, l.api");
    if (!st)
        return PLOT_FAILED;
    FILE *fd = plot_data_open(j, "data_file", "loads.dat");
    FILE *fm = fd ? plot_data_open(j, "medians_file", "medians.dat") : NULL;
    if (!fm) {
        if (fd)
            fclose(fd);
        sqlite3_finalize(st);
        return PLOT_FAILED;
    }
    char key[600] = "";
    char *titles[MAX_GROUPS];
    int groups = 0;
    size_t n = 0, cap = 0, total = 0;
    double *v = NULL, kib = 0, kmin = INFINITY, kmax = 0, smin = INFINITY, smax = 0;
    bool more = true;
    while (more) {
        more = sqlite3_step(st) == SQLITE_ROW;
        char k[600] = "";
        if (more)
            snprintf(k, sizeof k, "%s|%lld|%s", (const char *)sqlite3_column_text(st, 0),
                     (long long)sqlite3_column_int64(st, 4),
                     (const char *)sqlite3_column_text(st, 3));
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
            plot_group_label((const char *)sqlite3_column_text(st, 0),
                             (const char *)sqlite3_column_text(st, 1),
                             (const char *)sqlite3_column_text(st, 2),
                             (const char *)sqlite3_column_text(st, 3), n_browsers > 1,
                             n_apis > 1, ", ", label, sizeof label);
            titles[groups++] = xstrdup(label);
        }
        int64_t bytes = sqlite3_column_int64(st, 5);
        double us = (double)sqlite3_column_int64(st, 6);
        double mbps = (double)bytes / us;
        kib = (double)bytes / 1024.0;
        /* spread a group's points a little sideways (2%) so they do not hide
         * one another on the log axis */
        fprintf(fd, "%.4f %.4f %lld\n", kib * (1 + 0.04 * plot_jitter(sqlite3_column_int64(st, 7))),
                mbps, (long long)sqlite3_column_int64(st, 7));
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
    sqlite3_finalize(st);
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
