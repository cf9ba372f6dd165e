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

const char report_gc_window_sql[] =
    "SELECT load_id,"
    " COALESCE(MAX(CASE WHEN name = 'wasmlab:run-start' THEN ts_us END),"
    "          MAX(CASE WHEN name = 'wasmlab:jschurn-start' THEN ts_us END),"
    "          MAX(CASE WHEN name = 'wasmlab:compiled' THEN ts_us END)) AS t0,"
    " MAX(CASE WHEN name IN ('wasmlab:run-end', 'wasmlab:jschurn-end') THEN ts_us END) AS t1"
    " FROM page_marks GROUP BY load_id";

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
        "modules). Only pauses inside each load's workload window count (from\n"
        "wasmlab:run-start to the end of the run and of any --js-churn); only ok loads.\n"
        "Columns: loads, gc_count, total_pause_ms, p50/p95/p99/max_ms (linear\n"
        "interpolation), pauses_per_s and paused_fraction of the workload time.",
    .options = gc_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2 also for a DB that is missing, has no runs or lacks --run)",
    .examples = "wasmlab report gc --db results.db\n"
                "wasmlab report gc --run 3 --format csv",
};

static double q(const double *v, size_t n, double p)
{
    return stats_quantile_sorted(v, n, p);
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
            if (table_format_parse(cp.arg, &fmt) < 0)
                bad = cli_usage_error(&gc_command,
                                      "--format %s: must be text, csv, json or markdown", cp.arg);
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
    struct db *db = db_open(db_path, err, sizeof err);
    if (!db) {
        warnf("report gc: %s", err);
        return EXIT_USAGE;
    }
    sqlite3 *sq = db_sqlite(db);
    int rc = EXIT_OK;
    sqlite3_stmt *groups = NULL, *pauses = NULL, *last = NULL;
    if (run_id == 0) {
        if (sqlite3_prepare_v2(sq, "SELECT MAX(id) FROM runs", -1, &last, NULL) == SQLITE_OK &&
            sqlite3_step(last) == SQLITE_ROW)
            run_id = sqlite3_column_int64(last, 0);
        sqlite3_finalize(last);
        if (run_id == 0) {
            warnf("report gc: DB %s has no runs", db_path);
            db_close(db);
            return EXIT_USAGE;
        }
    }

    char *q_groups = xasprintf(
        "WITH win AS (%s)"
        " SELECT l.module_id, l.browser_id, IFNULL(l.args, ''), IFNULL(l.js_churn_mb, 0),"
        "  m.name, IFNULL(m.language, ''), b.product, b.kind, COUNT(*),"
        "  SUM(win.t1 - win.t0), l.condition"
        " FROM loads l JOIN modules m ON m.id = l.module_id"
        " JOIN browsers b ON b.id = l.browser_id JOIN win ON win.load_id = l.id"
        " WHERE l.run_id = ? AND l.status = 'ok' AND win.t0 IS NOT NULL AND win.t1 IS NOT NULL"
        " GROUP BY 1, 2, 3, 4, l.condition ORDER BY MIN(l.id)", report_gc_window_sql);
    char *q_pauses = xasprintf(
        "WITH win AS (%s)"
        " SELECT g.dur_us FROM gc_pauses g JOIN loads l ON l.id = g.load_id"
        " JOIN win ON win.load_id = l.id"
        " WHERE l.run_id = ? AND l.status = 'ok' AND l.module_id = ? AND l.browser_id = ?"
        "  AND IFNULL(l.args, '') = ? AND IFNULL(l.js_churn_mb, 0) = ? AND l.condition = ?"
        "  AND g.source = ?7 AND g.is_pause = 1 AND g.dur_us IS NOT NULL"
        "  AND g.start_us >= win.t0 AND g.start_us <= win.t1"
        " ORDER BY g.dur_us", report_gc_window_sql);
    if (sqlite3_prepare_v2(sq, q_groups, -1, &groups, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(sq, q_pauses, -1, &pauses, NULL) != SQLITE_OK) {
        warnf("report gc: DB %s: %s (is it a wasmlab results DB?)", db_path, sqlite3_errmsg(sq));
        rc = EXIT_USAGE;
        goto out;
    }
    static const char *const cols[] = {
        "module", "condition", "browser", "args", "js_churn_mb", "source", "loads", "gc_count",
        "total_pause_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "pauses_per_s",
        "paused_fraction", "workload_ms", NULL
    };
    struct table *t = table_new(cols);
    sqlite3_bind_int64(groups, 1, run_id);
    while (sqlite3_step(groups) == SQLITE_ROW) {
        const char *lang = (const char *)sqlite3_column_text(groups, 5);
        const char *sources[2] = { "v8", strcmp(lang, "go") == 0 ? "go" : NULL };
        double workload_us = sqlite3_column_double(groups, 9);
        for (int s = 0; s < 2 && sources[s]; s++) {
            sqlite3_reset(pauses);
            sqlite3_bind_int64(pauses, 1, run_id);
            sqlite3_bind_int64(pauses, 2, sqlite3_column_int64(groups, 0));
            sqlite3_bind_int64(pauses, 3, sqlite3_column_int64(groups, 1));
            sqlite3_bind_text(pauses, 4, (const char *)sqlite3_column_text(groups, 2), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_int64(pauses, 5, sqlite3_column_int64(groups, 3));
            sqlite3_bind_text(pauses, 6, (const char *)sqlite3_column_text(groups, 10), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_text(pauses, 7, sources[s], -1, SQLITE_STATIC);
            size_t n = 0, cap = 64;
            double *v = xmalloc(cap * sizeof *v), total = 0;
            while (sqlite3_step(pauses) == SQLITE_ROW) {
                if (n == cap)
                    v = xrealloc(v, (cap *= 2) * sizeof *v);
                v[n] = sqlite3_column_double(pauses, 0) / 1000.0;
                total += v[n++];
            }
            table_row(t);
            table_cell_text(t, (const char *)sqlite3_column_text(groups, 4));
            table_cell_text(t, (const char *)sqlite3_column_text(groups, 10));
            char browser[160];
            snprintf(browser, sizeof browser, "%s (%s)", sqlite3_column_text(groups, 6),
                     sqlite3_column_text(groups, 7));
            table_cell_text(t, browser);
            table_cell_text(t, (const char *)sqlite3_column_text(groups, 2));
            table_cell_int(t, sqlite3_column_int64(groups, 3));
            table_cell_text(t, sources[s]);
            table_cell_int(t, sqlite3_column_int64(groups, 8));
            table_cell_int(t, (long long)n);
            table_cell_real(t, total, 3);
            table_cell_real(t, n ? q(v, n, 0.5) : NAN, 3);
            table_cell_real(t, n ? q(v, n, 0.95) : NAN, 3);
            table_cell_real(t, n ? q(v, n, 0.99) : NAN, 3);
            table_cell_real(t, n ? v[n - 1] : NAN, 3);
            table_cell_real(t, workload_us > 0 ? (double)n / (workload_us / 1e6) : NAN, 2);
            table_cell_real(t, workload_us > 0 ? total * 1000.0 / workload_us : NAN, 4);
            table_cell_real(t, workload_us / 1000.0, 1);
            free(v);
        }
    }
    table_print(t, fmt, stdout);
    table_free(t);
out:
    free(q_groups);
    free(q_pauses);
    sqlite3_finalize(groups);
    sqlite3_finalize(pauses);
    db_close(db);
    return rc;
}
