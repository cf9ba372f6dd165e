/* plot pauses: GC pauses in two panels.
 *
 * Top: one load's pauses over time, a spike per pause as tall as it lasted
 * (and, for Go, each GC cycle's whole main-thread time in its own colour),
 * V8's (minor, major, incremental marking) and Go's runtime pauses on one
 * axis: ms since the load's workload start (t0 of the workload window,
 * whose one definition is in db/read_pauses.h), else since its request was sent. Every
 * gc_pauses row of the load with is_pause = 1 is drawn, inside the window or
 * not; the window is shaded.
 *
 * Bottom: the distribution (empirical CDF) of pause durations across the ok
 * loads of that load's run, one curve per module x condition x source (and
 * browser and API when they vary), counting what `report gc` counts: pauses
 * inside each load's workload window. So a curve's n, p50 and p95 are the
 * report's gc_count, p50_ms and p95_ms (quantiles by base/stats.h).
 *
 * A per-load kind: `--load ID`, or the run's ok load nearest its module's
 * median (plot_pick_load), like timeline. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "base/stats.h"
#include "db/read_loads.h"
#include "db/read_pauses.h"
#include "db/read_rows.h"

#define MAX_CURVES 16

/* The series of the top panel, in drawing order (Go last, on top). */
enum { S_V8_MINOR = 1, S_V8_MAJOR, S_V8_INCREMENTAL, S_V8_OTHER, S_GO_CYCLE, S_GO,
       N_SERIES = S_GO };
static const struct {
    const char *title, *color;
    int pt;
} series_style[N_SERIES + 1] = {
    [S_V8_MINOR] = { "V8 minor GC (scavenge)", "#56b4e9", 7 },
    [S_V8_MAJOR] = { "V8 major GC (mark-compact)", "#0072b2", 5 },
    [S_V8_INCREMENTAL] = { "V8 incremental marking", "#009e73", 13 },
    [S_V8_OTHER] = { "V8, other pause", "#999999", 7 },
    /* not a pause: the cycle's whole main-thread GC time, drawn under the STW */
    [S_GO_CYCLE] = { "Go GC cycle, main-thread time (mark+assist+STW)", "#e69f00", 6 },
    [S_GO] = { "Go runtime, stop-the-world", "#d55e00", 9 },
};

/* A pause's series by its source and kind. */
static int series_of(const struct db_pause *p)
{
    if (strcmp(p->source, "go") == 0)
        return strcmp(p->kind, "cycle-cpu") == 0 ? S_GO_CYCLE : S_GO;
    if (strcmp(p->kind, "minor") == 0)
        return S_V8_MINOR;
    if (strcmp(p->kind, "major") == 0)
        return S_V8_MAJOR;
    if (strncasecmp(p->kind, "incremental", 11) == 0)   /* SQL's LIKE ignored case too */
        return S_V8_INCREMENTAL;
    return S_V8_OTHER;
}

struct pause_load {
    int64_t id, run_id;
    char module[200], condition[120], status[40];
    bool has_window;
    int64_t origin_us, t1_us;       /* x = 0, and the window's end */
    const char *origin_what;        /* for the axis label */
    bool origin_first_pause;        /* no window, no request: x = 0 at the first pause */
};

static void set_int_array(struct buf *s, const char *name, const int *v, size_t n)
{
    char *text = xasprintf("array %s[%zu]\n", name, n ? n : 1);
    buf_append(s, text, strlen(text));
    free(text);
    for (size_t i = 0; i < n; i++) {
        text = xasprintf("%s[%zu] = %d\n", name, i + 1, v[i]);
        buf_append(s, text, strlen(text));
        free(text);
    }
}

static int load_info(struct plot_job *j, struct pause_load *ld)
{
    struct db_load_row row;
    int found = db_read_load_row(j->db, j->scope.load_id, &row);
    if (found < 0)
        return plot_query_failed(j);
    if (found == 0)
        return plot_fail(j, PLOT_BAD_INPUT, "no load %lld in the DB", (long long)j->scope.load_id);
    int64_t t0, t1;
    if (db_read_workload_window(j->db, row.id, &t0, &t1) < 0)
        return plot_query_failed(j);
    ld->id = row.id;
    ld->run_id = row.run_id;
    snprintf(ld->module, sizeof ld->module, "%s", row.module);
    snprintf(ld->condition, sizeof ld->condition, "%s", row.condition);
    snprintf(ld->status, sizeof ld->status, "%s", row.status);
    ld->has_window = t0 != DB_NULL && t1 != DB_NULL;
    if (ld->has_window) {
        ld->origin_us = t0;
        ld->t1_us = t1;
        ld->origin_what = "workload start, wasmlab:run-start";
    } else if (row.request_us != DB_NULL) {
        ld->origin_us = row.request_us;
        ld->origin_what = "the module's request was sent";
    } else {
        ld->origin_first_pause = true;   /* origin_us: set by write_timeline */
        ld->origin_what = "the load's first pause";
    }
    return PLOT_OK;
}

struct series_pause {
    int series;
    size_t order;                /* by start time, for a stable sort */
    int64_t start_us, dur_us;
};

static int by_series(const void *a, const void *b)
{
    const struct series_pause *x = a, *y = b;
    if (x->series != y->series)
        return x->series < y->series ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The load's pauses with a start, by series, then start time. */
static size_t series_pauses(struct plot_job *j, int64_t load_id, struct series_pause **out)
{
    struct db_pause *p = NULL, *cyc = NULL;
    size_t n_p = 0, n_cyc = 0, n = 0;
    if (db_read_load_pauses(j->db, load_id, &p, &n_p) < 0 ||
        db_read_load_go_cycles(j->db, load_id, &cyc, &n_cyc) < 0) {
        free(p);
        *out = NULL;
        return (size_t)-1;
    }
    if (n_cyc > 0) {   /* one list: the cycles after the pauses */
        p = xrealloc(p, (n_p + n_cyc) * sizeof *p);
        memcpy(p + n_p, cyc, n_cyc * sizeof *cyc);
        n_p += n_cyc;
    }
    free(cyc);
    *out = xcalloc(n_p + 1, sizeof **out);
    for (size_t i = 0; i < n_p; i++) {
        if (p[i].start_us == DB_NULL)
            continue;
        (*out)[n++] = (struct series_pause){ series_of(&p[i]), i, p[i].start_us, p[i].dur_us };
    }
    free(p);
    qsort(*out, n, sizeof **out, by_series);
    return n;
}

/* The top panel's data: a block per series that has pauses. */
static int write_timeline(struct plot_job *j, struct pause_load *ld, size_t *n_points)
{
    struct series_pause *sp;
    size_t n_sp = series_pauses(j, ld->id, &sp);
    if (n_sp == (size_t)-1)
        return plot_query_failed(j);
    if (ld->origin_first_pause)
        for (size_t i = 0; i < n_sp; i++)
            if (i == 0 || sp[i].start_us < ld->origin_us)
                ld->origin_us = sp[i].start_us;
    FILE *f = plot_data_open(j, "tl_file", "timeline.dat");
    if (!f) {
        free(sp);
        return PLOT_FAILED;
    }
    size_t count[N_SERIES + 1] = { 0 };
    double total_ms[N_SERIES + 1] = { 0 }, max_ms[N_SERIES + 1] = { 0 };
    double x_lo = ld->has_window ? 0 : INFINITY;
    double x_hi = ld->has_window ? (double)(ld->t1_us - ld->origin_us) / 1000 : -INFINITY;
    double y_hi = 0;
    int last = 0;
    for (size_t i = 0; i < n_sp; i++) {
        int s = sp[i].series;
        if (last && s != last)
            fprintf(f, "\n\n");
        last = s;
        double x = (double)(sp[i].start_us - ld->origin_us) / 1000;
        double ms = (double)sp[i].dur_us / 1000;
        fprintf(f, "%.4f %.4f\n", x, ms);
        count[s]++;
        total_ms[s] += ms;
        if (ms > max_ms[s])
            max_ms[s] = ms;
        if (ms > y_hi)
            y_hi = ms;
        if (x < x_lo)
            x_lo = x;
        if (x + ms > x_hi)
            x_hi = x + ms;
    }
    free(sp);
    if (plot_data_close(j, f) < 0)
        return PLOT_FAILED;
    const char *titles[N_SERIES], *colors[N_SERIES];
    char text[N_SERIES][200];
    int pts[N_SERIES];
    size_t n = 0;
    *n_points = 0;
    for (int s = 1; s <= N_SERIES; s++) {
        if (!count[s])
            continue;
        snprintf(text[n], sizeof text[n], "%s: %zu, %.2f ms in all, longest %.2f ms",
                 series_style[s].title, count[s], total_ms[s], max_ms[s]);
        titles[n] = text[n];
        colors[n] = series_style[s].color;
        pts[n] = series_style[s].pt;
        if (s != S_GO_CYCLE)   /* the note counts pauses; cycles are not */
            *n_points += count[s];
        n++;
    }
    if (n == 0)
        return PLOT_NO_DATA;
    struct buf *sc = &j->script;
    gnuplot_set_int(sc, "ntl", (long long)n);
    gnuplot_set_str_array(sc, "tl_title", titles, n);
    gnuplot_set_str_array(sc, "tl_color", colors, n);
    set_int_array(sc, "tl_pt", pts, n);
    double pad = (x_hi - x_lo) * 0.02 + 1;
    gnuplot_set_num(sc, "tl_x_lo", x_lo - pad);
    gnuplot_set_num(sc, "tl_x_hi", x_hi + pad);
    gnuplot_set_num(sc, "tl_y_hi", y_hi > 0.01 ? y_hi : 0.01);   /* pauses of 0 µs */
    gnuplot_set_int(sc, "has_window", ld->has_window);
    gnuplot_set_num(sc, "win_hi", ld->has_window ? (double)(ld->t1_us - ld->origin_us) / 1000 : 0);
    char *label = xasprintf("time since %s (ms)", ld->origin_what);
    gnuplot_set_str(sc, "tl_xlabel", label);
    free(label);
    return PLOT_OK;
}

/* The bottom panel's data: a block per curve, "duration_ms percent" with a
 * leading 0% point so `steps` draws the empirical CDF. j->scope is the run. */
static int write_cdf(struct plot_job *j, size_t *n_pauses, size_t *n_curves, int *n_left_out)
{
    int n_browsers = plot_count_distinct(j, DB_FIELD_BROWSER_ID);
    int n_apis = plot_count_distinct(j, DB_FIELD_API);
    struct db_scope scope = plot_db_scope(j);
    struct db_window_pause *rows;
    size_t n_rows, row = 0;
    if (db_read_window_pauses(j->db, &scope, &rows, &n_rows) < 0)
        return plot_query_failed(j);
    FILE *f = plot_data_open(j, "cdf_file", "cdf.dat");
    if (!f) {
        free(rows);
        return PLOT_FAILED;
    }
    char *titles[MAX_CURVES];
    int colors[MAX_CURVES], dashes[MAX_CURVES];
    char key[700] = "", label[400] = "";
    int64_t first = 0;
    int color = 0, curves = 0, left_out = 0;
    size_t n = 0, cap = 0, n_loads = 0, loads_cap = 0;
    double *v = NULL, lo = INFINITY, hi = 0;
    int64_t *loads = NULL;     /* the curve's loads (few: a linear search) */
    bool more = true, is_go = false, is_cycle = false;
    *n_pauses = 0;
    while (more) {
        more = row < n_rows;
        const struct db_window_pause *r = more ? &rows[row++] : NULL;
        char k[700] = "";
        if (more)
            snprintf(k, sizeof k, "%lld|%s", (long long)r->group_first_load, r->source);
        if (n > 0 && (!more || strcmp(k, key) != 0)) {
            /* close the curve: a leading 0 %, then i/n at each value */
            if (curves == MAX_CURVES) {
                left_out++;
            } else {
                if (curves > 0)
                    fprintf(f, "\n\n");
                fprintf(f, "%.4f 0\n", v[0]);
                for (size_t i = 0; i < n; i++)
                    fprintf(f, "%.4f %.4f\n", v[i], 100.0 * (double)(i + 1) / (double)n);
                titles[curves] = xasprintf(
                    "%s · %s: n=%zu (%zu load%s), p50 %.2f, p95 %.2f ms", label,
                    is_cycle ? "Go GC cycle" : is_go ? "Go STW" : "V8", n, n_loads,
                    n_loads == 1 ? "" : "s",
                    stats_quantile_sorted(v, n, 0.5), stats_quantile_sorted(v, n, 0.95));
                colors[curves] = color;
                dashes[curves] = is_cycle ? 3 : is_go ? 1 : 2;
                curves++;
                *n_pauses += n;
                if (v[0] < lo)
                    lo = v[0];
                if (v[n - 1] > hi)
                    hi = v[n - 1];
            }
            n = 0;
            n_loads = 0;
        }
        if (!more)
            break;
        if (strcmp(k, key) != 0) {
            snprintf(key, sizeof key, "%s", k);
            is_go = strcmp(r->source, "go") == 0;
            is_cycle = strcmp(r->source, "go-cpu") == 0;
            if (r->group_first_load != first) {
                /* a new module x condition (x browser x API): a new colour */
                first = r->group_first_load;
                color++;
                char group[300];
                plot_group_label(r->module, r->product, r->kind, r->api, n_browsers > 1,
                                 n_apis > 1, " · ", group, sizeof group);
                if (r->condition[0] && strcmp(r->condition, "default") != 0)
                    snprintf(label, sizeof label, "%s · %s", group, r->condition);
                else
                    snprintf(label, sizeof label, "%s", group);
            }
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = (double)r->dur_us / 1000;   /* sorted by the query */
        size_t i = 0;
        while (i < n_loads && loads[i] != r->load_id)
            i++;
        if (i == n_loads) {
            if (n_loads == loads_cap) {
                loads_cap = loads_cap ? loads_cap * 2 : 16;
                loads = xrealloc(loads, loads_cap * sizeof *loads);
            }
            loads[n_loads++] = r->load_id;
        }
    }
    free(rows);
    free(v);
    free(loads);
    int rc = plot_data_close(j, f) < 0 ? PLOT_FAILED : PLOT_OK;
    struct buf *sc = &j->script;
    gnuplot_set_int(sc, "ncdf", curves);
    gnuplot_set_str_array(sc, "cdf_title", (const char *const *)titles, (size_t)curves);
    set_int_array(sc, "cdf_color", colors, (size_t)curves);
    set_int_array(sc, "cdf_dash", dashes, (size_t)curves);
    gnuplot_set_int(sc, "cdf_log_x", curves > 0 && lo > 0 && hi / lo > 15);
    gnuplot_set_num(sc, "cdf_x_lo", curves > 0 ? lo : 0.01);
    gnuplot_set_num(sc, "cdf_x_hi", curves > 0 ? hi : 1);
    for (int i = 0; i < curves; i++)
        free(titles[i]);
    *n_curves = (size_t)curves;
    *n_left_out = left_out;
    return rc;
}

int plot_pauses(struct plot_job *j)
{
    if (!db_has_table(j->db, "gc_pauses"))
        return plot_fail(j, PLOT_NO_DATA,
                         "the DB has no gc_pauses table (written before GC pauses were recorded)");
    if (j->scope.load_id == 0)
        return plot_fail(j, PLOT_BAD_INPUT, "pauses draws one load: give --load ID");
    struct pause_load ld = { 0 };
    int rc = load_info(j, &ld);
    if (rc != PLOT_OK)
        return rc;
    char busiest_module[200];
    int64_t busiest = db_read_busiest_pause_load(j->db, ld.run_id, busiest_module,
                                                 sizeof busiest_module);
    if (busiest == 0)
        return plot_fail(j, PLOT_NO_DATA,
                         "run %lld has no GC pauses (no gc_pauses rows with is_pause = 1; "
                         "GC workloads: go/gc-churn, c/gc-churn)", (long long)ld.run_id);
    size_t n_points = 0;
    rc = write_timeline(j, &ld, &n_points);
    if (rc == PLOT_NO_DATA)
        return plot_fail(j, PLOT_NO_DATA,
                         "load %lld (%s) has no GC pauses; in run %lld, load %lld (%s) has the "
                         "most: give --load ID or --module NAME", (long long)ld.id, ld.module,
                         (long long)ld.run_id, (long long)busiest, busiest_module);
    if (rc != PLOT_OK)
        return rc;

    /* the bottom panel and the subtitle cover the load's run */
    struct plot_scope saved = j->scope;
    j->scope = (struct plot_scope){ .run_id = ld.run_id };
    size_t n_pauses = 0, n_curves = 0;
    int left_out = 0;
    rc = write_cdf(j, &n_pauses, &n_curves, &left_out);
    char subtitle[600];
    if (rc == PLOT_OK)
        plot_subtitle(j, subtitle, sizeof subtitle);
    j->scope = saved;
    if (rc != PLOT_OK)
        return rc;

    char text[400], cond[160] = "";
    if (strcmp(ld.condition, "default") != 0)
        snprintf(cond, sizeof cond, ", %s", ld.condition);
    snprintf(text, sizeof text, "Load %lld (%s%s%s%s): every pause over time", (long long)ld.id,
             ld.module, cond, strcmp(ld.status, "ok") ? ", status " : "",
             strcmp(ld.status, "ok") ? ld.status : "");
    gnuplot_set_str(&j->script, "tl_panel_title", text);
    if (n_curves)
        snprintf(text, sizeof text,
                 "Pause durations across run %lld's ok loads, inside each load's workload "
                 "window%s", (long long)ld.run_id,
                 left_out ? " (the first 16 curves)" : "");
    else
        snprintf(text, sizeof text,
                 "Run %lld: no pauses inside the workload window of an ok load",
                 (long long)ld.run_id);
    gnuplot_set_str(&j->script, "cdf_panel_title", text);
    snprintf(j->note, sizeof j->note,
             "load %lld (%s): %zu pauses over time; run %lld: %zu pauses in %zu curves%s",
             (long long)ld.id, ld.module, n_points, (long long)ld.run_id, n_pauses, n_curves,
             left_out ? ", more curves left out" : "");
    char title[300];
    snprintf(title, sizeof title, "GC pauses: load %lld over time, run %lld's distribution",
             (long long)ld.id, (long long)ld.run_id);
    return plot_render(j, "pauses.gp", title, subtitle, 1200, 1000);
}
