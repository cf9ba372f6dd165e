/* plot: charts of the results DB, drawn by gnuplot from the templates in
 * plots/. The kinds live in a table (plot_kinds[], plot.c), each in its own
 * file (plot_<kind>.c), so `wasmlab plot`, `wasmlab report html` and any
 * later kind share one path:
 *
 *   plot_draw(kind, request)
 *     -> a private temp folder (mkdtemp; removed afterwards unless
 *        WASMLAB_PLOT_KEEP=1, which keeps it and says where)
 *     -> kind->draw(job): reads the DB through db/read_*.h (no SQL here),
 *        writes data files there
 *        (plot_data_open), sets variables (gnuplot_set_* on job->script),
 *        then plot_render(job, "kind.gp", width, height)
 *     -> gnuplot runs preamble + plots/common.gp + plots/kind.gp.
 *
 * Adding a kind (as "pauses" was): write plot_<kind>.c with
 * `int plot_<kind>(struct plot_job *j)`, a template plots/<kind>.gp (listed
 * in cmake/plots.cmake), a declaration below, and a row in plot_kinds[]; it
 * then shows up in `wasmlab plot --help` and in the HTML report.
 *
 * Every chart has a title, axis labels with units, a legend, and a subtitle
 * naming the browser(s), module(s) and run(s) it was drawn from
 * (plot_subtitle). */
#ifndef WASMLAB_PLOT_H
#define WASMLAB_PLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"
#include "db/db.h"
#include "db/read_runs.h"

enum plot_format { PLOT_PNG, PLOT_SVG };

#define PLOT_ALL_RUNS DB_ALL_RUNS

/* The time window of per-load kinds (timeline). The compile is the default:
 * a long load (go/gc-churn runs 2 s after a 30 ms compile) would otherwise
 * squeeze it into a strip a few pixels wide. */
enum plot_window {
    PLOT_WINDOW_COMPILE = 0,     /* request (or compile start) to compile finished */
    PLOT_WINDOW_LOAD,            /* the whole load: request to the harness's done */
};

/* Which loads a chart is drawn from. */
struct plot_scope {
    int64_t run_id;        /* a run id, or PLOT_ALL_RUNS */
    int64_t load_id;       /* per-load kinds (timeline): the load; else 0 */
    const char *module;    /* only this module name; NULL = all */
};

/* What a kind's draw function returns. */
enum plot_status {
    PLOT_OK = 0,
    PLOT_NO_DATA,          /* nothing to draw in this selection (err says what) */
    PLOT_BAD_INPUT,        /* e.g. a load without a stored trace */
    PLOT_FAILED,           /* gnuplot or I/O failed */
};

struct plot_job {
    struct db *db;               /* borrowed */
    struct plot_scope scope;
    enum plot_format format;
    const char *gnuplot;         /* from gnuplot_find */
    const char *out_path;        /* the image to write */
    int width, height;           /* 0 = the kind's default */
    enum plot_window window;
    char dir[4096];              /* the private temp folder */
    struct buf script;           /* the preamble being built */
    char err[512];               /* why not PLOT_OK, one line */
    char note[256];              /* optional: what was drawn (e.g. which load) */
};

struct plot_kind {
    const char *name;
    int (*draw)(struct plot_job *j);      /* returns an enum plot_status */
    const char *summary;
    bool per_load;                        /* draws one load (--load) */
    bool all_runs_default;                /* without --run: every run, not the latest */
};

/* NULL-terminated. */
extern const struct plot_kind plot_kinds[];
const struct plot_kind *plot_kind_find(const char *name);

/* The kinds (plot_<kind>.c). */
int plot_timeline(struct plot_job *j);
int plot_latency(struct plot_job *j);
int plot_sweep(struct plot_job *j);
int plot_sizes(struct plot_job *j);
int plot_throughput(struct plot_job *j);
int plot_pauses(struct plot_job *j);
int plot_streaming(struct plot_job *j);

/* For per-load kinds without --load: the scope's ok load whose
 * first-byte-to-compile is nearest the median of its module (the first
 * module of the scope, in load order). 0 when there is none. */
int64_t plot_pick_load(struct db *db, const struct plot_scope *scope);

/* Draws one chart into out_path. Returns an enum plot_status, with err
 * filled when not PLOT_OK. */
struct plot_output {
    enum plot_format format;
    const char *path;
    int width, height;           /* 0 = the kind's default */
    enum plot_window window;
};
int plot_draw(const struct plot_kind *kind, struct db *db, const struct plot_scope *scope,
              const struct plot_output *out, const char *gnuplot, char *err, size_t errlen,
              char *note, size_t notelen);

/* ---- for the kinds ---- */

/* Sets err and returns status (for `return plot_fail(j, PLOT_NO_DATA, ...)`). */
int plot_fail(struct plot_job *j, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Creates job->dir/file for writing and sets the gnuplot variable var to its
 * path. Returns NULL (err set) on failure. Close with plot_data_close. */
FILE *plot_data_open(struct plot_job *j, const char *var, const char *file);
/* Returns 0, or -1 with err set when the write failed. */
int plot_data_close(struct plot_job *j, FILE *f);
/* Writes a field for a gnuplot data file: double-quoted, quotes and control
 * characters replaced (gnuplot's data files have no escapes). */
void plot_data_str(FILE *f, const char *s);

/* Sets title and subtitle and the output variables, then runs gnuplot on
 * preamble + common.gp + tmpl. */
int plot_render(struct plot_job *j, const char *tmpl, const char *title,
                const char *subtitle, int default_width, int default_height);

/* The job's scope as db/read_runs.h takes it. */
struct db_scope plot_db_scope(const struct plot_job *j);
/* For `return plot_query_failed(j)` after a db_read_* call returned -1. */
int plot_query_failed(struct plot_job *j);

/* Sideways jitter in [-0.5, 0.5) for a point, fixed per load id (charts are
 * reproducible). */
double plot_jitter(int64_t id);

/* How many distinct values field takes over the scope's ok loads (-1 on a
 * query error). */
int plot_count_distinct(struct plot_job *j, enum db_scope_field field);

/* A group's name from the parts that vary over the chart (module always;
 * the browser as "headless_shell 156.0.8078.79" and the API only when they
 * vary), joined by sep. */
void plot_group_label(const char *module, const char *product, const char *kind,
                      const char *api, bool show_browser, bool show_api, const char *sep,
                      char *out, size_t len);

/* "browser HeadlessChrome/156.0.8078.79 (headless_shell) · modules c/hello,
 * go/hello · run 3" for the scope's ok loads (or the load). */
void plot_subtitle(struct plot_job *j, char *out, size_t len);

/* "HeadlessChrome/156.0.8078.79" -> "156.0.8078.79"; compares versions
 * numerically, component by component. */
const char *plot_product_version(const char *product);
int plot_version_cmp(const char *a, const char *b);

/* A distribution-free 95% confidence interval of the median of n sorted
 * values: the order statistics j = round(n/2 - 1.96 sqrt(n)/2) and
 * k = round(1 + n/2 + 1.96 sqrt(n)/2) (1-based, clamped to 1..n), from the
 * normal approximation of Binomial(n, 1/2) (Conover). n <= 8 gives the whole
 * sample; n = 10 gives [x(2), x(9)], as the exact binomial interval does. */
void plot_median_ci(const double *sorted, size_t n, double *lo, double *hi);

/* ---- timeline layout (plot_timeline.c), pure functions for the tests ---- */

/* A load's moments on the trace clock (µs); INT64_MIN = unknown. */
struct plot_moments {
    int64_t request_us, response_us, last_byte_us, stream_us, compile_start_us,
            compiled_us, end_us;
};
/* The time window [*w0, *w1] a timeline draws: from the first to the last
 * known moment (PLOT_WINDOW_COMPILE: without the load's end, when the
 * compile finished), at least 1 ms, plus a margin of 1/40 on each side. */
void plot_timeline_window(const struct plot_moments *m, enum plot_window window, int64_t *w0,
                          int64_t *w1);
/* Places n labels, sorted by x, into `rows` rows so that none overlaps
 * another (gap_px apart): label i spans [left_px[i], right_px[i]]. row[i]
 * gets its row, or -1 when no row has room (the mark is drawn without its
 * label). Returns how many labels were left out. */
size_t plot_place_labels(const double *left_px, const double *right_px, size_t n, int rows,
                         double gap_px, int *row);

#endif
