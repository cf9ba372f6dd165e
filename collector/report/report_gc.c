#include "collector/report/report_gc.h"

#include <errno.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/stats.h"
#include "collector/report/table_out.h"
#include "base/util.h"
#include "db/db.h"
#include "db/read_pauses.h"
#include "db/read_rows.h"
#include "db/read_runs.h"

static const struct cli_option gc_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "run", 0, "ID", "the run to report (default: the newest run in the DB)", 'r' },
    { "format", 0, "F", "text (default), csv, json or markdown", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command gc_command = {
    .name = "report gc",
    .usage = "[options]",
    .description =
        "GC pauses per module, condition, browser and workload arguments (--args,\n"
        "--js-churn), for each source: v8 (MinorGC/MajorGC/incremental steps from the\n"
        "trace) and go (Go's stop-the-world pauses from runtime.MemStats, for Go\n"
        "modules), and go-cycle-cpu: per Go GC cycle, the main-thread time the collector\n"
        "took (mark assist + mark workers + STW, from runtime/metrics; js/wasm has one\n"
        "thread, so the concurrent mark runs on the main thread too; its columns count\n"
        "cycles and their time); for go/gc-churn --gctrace also gctrace-stw and\n"
        "gctrace-clock: per cycle, the STW phases' sum and the whole cycle's wall time\n"
        "from GODEBUG=gctrace=1. Only pauses inside each load's workload window count (from\n"
        "wasmlab:run-start to the end of the run and of any --js-churn); only ok loads.\n"
        "Columns: loads, gc_count, total_pause_ms, p50/p95/p99/max_ms (linear\n"
        "interpolation), pauses_per_s and paused_fraction of the workload time.\n"
        "The text format prints two tables that fit 100 columns (the groups, then\n"
        "their pauses) with shorter names; csv, json and markdown keep one row each.",
    .options = gc_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2 also for a DB that is missing, has no runs or lacks --run)",
    .examples = "wasmlab report gc --db results.db\n"
                "wasmlab report gc --run 3 --format csv",
};

/* One row of the report: a group's pauses of one source. */
struct gc_row {
    const struct db_gc_group *g;
    size_t group;                /* its group's number, from 1 */
    const char *source;
    size_t n;                    /* pauses inside the windows */
    double total_ms, p50, p95, p99, max_ms, per_s, paused_fraction, workload_ms;
};

/* The report's rows: per group, "v8" and, for Go modules, "go". Returns
 * the number of rows, or -1 on a failed query. */
static long compute_rows(struct db *db, int64_t run_id, struct db_gc_group *groups,
                         size_t n_groups, struct gc_row **out)
{
    *out = xcalloc(5 * n_groups + 1, sizeof **out);
    size_t n_rows = 0;
    /* Go's per-cycle rows (is_pause 0) by kind, each shown as its own source. */
    static const char *const go_kinds[5] = { NULL, NULL, "cycle-cpu", "gctrace-stw",
                                             "gctrace-clock" };
    for (size_t i = 0; i < n_groups; i++) {
        const struct db_gc_group *g = &groups[i];
        bool go = strcmp(g->language, "go") == 0;
        const char *sources[5] = { "v8", go ? "go" : NULL, go ? "go-cycle-cpu" : NULL,
                                   go ? "gctrace-stw" : NULL, go ? "gctrace-clock" : NULL };
        for (int s = 0; s < 5 && sources[s]; s++) {
            double *v;
            size_t n;
            int rc = go_kinds[s] ? db_read_gc_group_go_kind(db, run_id, g, go_kinds[s], &v, &n)
                                 : db_read_gc_group_pauses(db, run_id, g, sources[s], &v, &n);
            if (rc < 0)
                return -1;
            if (s >= 2 && n == 0) {   /* not recorded (older DB, or no --gctrace) */
                free(v);
                continue;
            }
            double total = 0;
            for (size_t k = 0; k < n; k++)
                total += v[k];
            double w = g->workload_us;
            (*out)[n_rows++] = (struct gc_row){
                .g = g, .group = i + 1, .source = sources[s], .n = n, .total_ms = total,
                .p50 = n ? stats_quantile_sorted(v, n, 0.5) : NAN,
                .p95 = n ? stats_quantile_sorted(v, n, 0.95) : NAN,
                .p99 = n ? stats_quantile_sorted(v, n, 0.99) : NAN,
                .max_ms = n ? v[n - 1] : NAN,
                .per_s = w > 0 ? (double)n / (w / 1e6) : NAN,
                .paused_fraction = w > 0 ? total * 1000.0 / w : NAN,
                .workload_ms = w / 1000.0,
            };
            free(v);
        }
    }
    return (long)n_rows;
}

static void browser_label(const struct db_gc_group *g, bool short_form, char *out, size_t len)
{
    const char *slash = strrchr(g->product, '/');
    if (short_form)   /* "126.0.6478.126 headless_shell" */
        snprintf(out, len, "%s %s", slash ? slash + 1 : g->product, g->kind);
    else
        snprintf(out, len, "%s (%s)", g->product, g->kind);
}

/* csv, json, markdown: one row per group and source, every column. */
static void print_full(const struct gc_row *rows, size_t n, enum table_format fmt)
{
    static const char *const cols[] = {
        "module", "condition", "browser", "args", "js_churn_mb", "source", "loads", "gc_count",
        "total_pause_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "pauses_per_s",
        "paused_fraction", "workload_ms", NULL
    };
    struct table *t = table_new(cols);
    for (size_t i = 0; i < n; i++) {
        const struct gc_row *r = &rows[i];
        char browser[200];
        browser_label(r->g, false, browser, sizeof browser);
        table_row(t);
        table_cell_text(t, r->g->module);
        table_cell_text(t, r->g->condition);
        table_cell_text(t, browser);
        table_cell_text(t, r->g->args);
        table_cell_int(t, r->g->js_churn_mb);
        table_cell_text(t, r->source);
        table_cell_int(t, r->g->loads);
        table_cell_int(t, (long long)r->n);
        table_cell_real(t, r->total_ms, 3);
        table_cell_real(t, r->p50, 3);
        table_cell_real(t, r->p95, 3);
        table_cell_real(t, r->p99, 3);
        table_cell_real(t, r->max_ms, 3);
        table_cell_real(t, r->per_s, 2);
        table_cell_real(t, r->paused_fraction, 4);
        table_cell_real(t, r->workload_ms, 1);
    }
    table_print(t, fmt, stdout);
    table_free(t);
}

/* text: 16 columns made 235-character lines; two tables of the same
 * numbers fit 100 columns: the groups, then their pauses by group number. */
static void print_text(const struct db_gc_group *groups, size_t n_groups,
                       const struct gc_row *rows, size_t n)
{
    static const char *const gcols[] = {
        "#", "module", "condition", "browser", "args", "js_mb", NULL
    };
    static const char *const pcols[] = {
        "#", "source", "loads", "pauses", "total", "p50", "p95", "p99", "max", "per_s",
        "paused", "workload", NULL
    };
    struct table *t = table_new(gcols);
    for (size_t i = 0; i < n_groups; i++) {
        char browser[200];
        browser_label(&groups[i], true, browser, sizeof browser);
        table_row(t);
        table_cell_int(t, (long long)i + 1);
        table_cell_text(t, groups[i].module);
        table_cell_text(t, groups[i].condition);
        table_cell_text(t, browser);
        table_cell_text(t, groups[i].args);
        table_cell_int(t, groups[i].js_churn_mb);
    }
    printf("Groups (module x condition x browser x workload arguments):\n");
    table_print(t, TABLE_TEXT, stdout);
    table_free(t);
    t = table_new(pcols);
    for (size_t i = 0; i < n; i++) {
        const struct gc_row *r = &rows[i];
        table_row(t);
        table_cell_int(t, (long long)r->group);
        table_cell_text(t, r->source);
        table_cell_int(t, r->g->loads);
        table_cell_int(t, (long long)r->n);
        table_cell_real(t, r->total_ms, 3);
        table_cell_real(t, r->p50, 3);
        table_cell_real(t, r->p95, 3);
        table_cell_real(t, r->p99, 3);
        table_cell_real(t, r->max_ms, 3);
        table_cell_real(t, r->per_s, 2);
        table_cell_real(t, r->paused_fraction, 4);
        table_cell_real(t, r->workload_ms, 1);
    }
    printf("\nGC pauses inside the workload windows of ok loads, per group and source\n"
           "(total, p50..max and workload in ms; per_s: pauses per second of workload;\n"
           "paused: the fraction of the workload time spent in pauses; go is Go's STW,\n"
           "go-cycle-cpu each Go GC cycle's whole main-thread time, concurrent mark included;\n"
           "with --gctrace, gctrace-stw each cycle's two STW phases and gctrace-clock its\n"
           "wall time from start to end, as GODEBUG=gctrace=1 prints them):\n");
    table_print(t, TABLE_TEXT, stdout);
    table_free(t);
}

int report_gc(int argc, char **argv)
{
    const char *db_path = "results.db";
    long run_id = 0;
    enum table_format fmt = TABLE_TEXT;
    struct cli_parser cp;
    cli_begin(&cp, &gc_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        int bad = 0;
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': bad = cli_long(&cp, 1, 1L << 40, "(a run id)", &run_id); break;
        case 'f':
            bad = cli_table_format(&cp, &fmt);
            break;
        }
        if (bad) {
            cli_end(&cp);
            return EXIT_USAGE;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    if (access(db_path, R_OK) != 0) {
        warnf("report gc: DB %s: %s", db_path, strerror(errno));
        return EXIT_USAGE;
    }
    char err[512];
    struct db *db = db_open_read(db_path, err, sizeof err);
    if (!db) {
        warnf("report gc: %s", err);
        return EXIT_USAGE;
    }
    if (run_id == 0 && (run_id = db_latest_run_id(db)) == 0) {
        warnf("report gc: DB %s has no runs", db_path);
        db_close(db);
        return EXIT_USAGE;
    }
    struct db_gc_group *groups = NULL;
    struct gc_row *rows = NULL;
    size_t n_groups = 0;
    long n_rows = -1;
    if (db_read_gc_groups(db, run_id, &groups, &n_groups) == 0)
        n_rows = compute_rows(db, run_id, groups, n_groups, &rows);
    int rc = EXIT_OK;
    if (n_rows < 0) {
        warnf("report gc: DB %s: %s (is it a wasmlab results DB?)", db_path, db_read_error(db));
        rc = EXIT_USAGE;
    } else if (fmt == TABLE_TEXT) {
        print_text(groups, n_groups, rows, (size_t)n_rows);
    } else {
        print_full(rows, (size_t)n_rows, fmt);
    }
    free(rows);
    free(groups);
    db_close(db);
    return rc;
}
