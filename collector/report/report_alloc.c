#include "collector/report/report_alloc.h"

#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/cli/selection.h"
#include "collector/report/table_out.h"
#include "db/db.h"
#include "db/read_pauses.h"
#include "db/read_rows.h"
#include "db/read_runs.h"

static const struct cli_option alloc_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "run", 0, "ID", "the run to report (default: the newest run in the DB)", 'r' },
    { "format", 0, "F", "text (default), csv, json or markdown", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command alloc_command = {
    .name = "report alloc",
    .usage = "[options]",
    .description =
        "The C allocator's latency per module, condition, browser and op (malloc,\n"
        "free), from the histograms c/gc-churn records in the page (every 16th call\n"
        "timed; table alloc_histograms). Only ok loads; a group sums its loads.\n"
        "Columns: loads, samples, sample_every, mean_ns (sum / samples), p50_ns and\n"
        "p95_ns (from the log2 buckets, interpolated inside a bucket), max_ns, and\n"
        "clock_res_ns (the page's clock: 5 or 100 us in a browser, so most samples\n"
        "read 0 ns).",
    .options = alloc_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2 also for a DB that is missing, has no runs or lacks --run)",
    .examples = "wasmlab run --module c/gc-churn --loads 5 && wasmlab report alloc\n"
                "wasmlab report alloc --run 3 --format csv",
};

double alloc_quantile_ns(const int64_t *bucket, int n_buckets, int64_t max_ns, double p)
{
    int64_t total = 0;
    for (int i = 0; i < n_buckets; i++)
        total += bucket[i];
    if (total == 0)
        return NAN;
    /* the rank of the quantile, 1..total */
    double rank = ceil(p * (double)total);
    if (rank < 1)
        rank = 1;
    int64_t below = 0;
    for (int i = 0; i < n_buckets; i++) {
        if (bucket[i] == 0 || (double)(below + bucket[i]) < rank) {
            below += bucket[i];
            continue;
        }
        if (i == 0)
            return 0;
        double lo = ldexp(1, i - 1), hi = ldexp(1, i);
        double v = lo + (hi - lo) * (rank - (double)below) / (double)bucket[i];
        return max_ns > 0 && v > (double)max_ns ? (double)max_ns : v;
    }
    return max_ns > 0 ? (double)max_ns : NAN;
}

static void browser_name(const struct db_alloc_group *g, char *out, size_t len)
{
    snprintf(out, len, "%s (%s)", g->product, g->kind);
}

/* Adds group g's row; it leaves out the browser,
 * sample_every and clock_res_ns columns unless full (the text form says
 * them once, above its table). */
static void add_row(struct table *t, const struct db_alloc_group *g, bool full)
{
    table_row(t);
    table_cell_text(t, g->module);
    table_cell_text(t, g->condition);
    if (full) {
        char browser[220];
        browser_name(g, browser, sizeof browser);
        table_cell_text(t, browser);
    }
    table_cell_text(t, g->op);
    table_cell_int(t, g->loads);
    table_cell_int(t, g->samples);
    if (full)
        table_cell_int(t, g->sample_every);
    table_cell_real(t, g->samples > 0 ? (double)g->sum_ns / (double)g->samples : NAN, 1);
    table_cell_real(t, alloc_quantile_ns(g->bucket, g->n_buckets, g->max_ns, 0.5), 0);
    table_cell_real(t, alloc_quantile_ns(g->bucket, g->n_buckets, g->max_ns, 0.95), 0);
    table_cell_int(t, g->max_ns);
    if (full)
        table_cell_int(t, g->clock_res_ns);
}

/* csv, json, markdown: every column, a row per group. */
static void print_full(const struct db_alloc_group *g, size_t n, enum table_format fmt)
{
    static const char *const cols[] = {
        "module", "condition", "browser", "op", "loads", "samples", "sample_every", "mean_ns",
        "p50_ns", "p95_ns", "max_ns", "clock_res_ns", NULL
    };
    struct table *t = table_new(cols);
    for (size_t i = 0; i < n; i++)
        add_row(t, &g[i], true);
    table_print(t, fmt, stdout);
    table_free(t);
}

/* text: a table per browser, its name and the sampling above it, so a
 * line fits 100 columns. */
static void print_text(const struct db_alloc_group *g, size_t n)
{
    static const char *const cols[] = {
        "module", "condition", "op", "loads", "samples", "mean_ns", "p50_ns", "p95_ns",
        "max_ns", NULL
    };
    bool *done = xcalloc(n + 1, sizeof *done);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        char browser[220], other[220];
        browser_name(&g[i], browser, sizeof browser);
        struct table *t = table_new(cols);
        int64_t every = g[i].sample_every, res = g[i].clock_res_ns;
        for (size_t k = i; k < n; k++) {
            browser_name(&g[k], other, sizeof other);
            if (done[k] || strcmp(other, browser) != 0)
                continue;
            done[k] = true;
            add_row(t, &g[k], false);
            if (g[k].sample_every != every)
                every = -1;
            if (g[k].clock_res_ns != res)
                res = -1;
        }
        printf("%s%s\n", i ? "\n" : "", browser);
        if (every > 0 && res >= 0)
            printf("(every %lld%s call timed; the page's clock resolution %lld ns, so short "
                   "calls read 0 ns)\n", (long long)every,
                   every == 1 ? "" : every == 2 ? "nd" : every == 3 ? "rd" : "th",
                   (long long)res);
        table_print(t, TABLE_TEXT, stdout);
        table_free(t);
    }
    free(done);
}

/* Reads and prints run_id's groups; an exit code. */
static int report(struct db *db, const char *db_path, int64_t run_id, enum table_format fmt)
{
    if (!db_has_table(db, "alloc_histograms")) {
        warnf("report alloc: DB %s has no alloc_histograms table (written before they were "
              "recorded)", db_path);
        return EXIT_USAGE;
    }
    struct db_alloc_group *g;
    size_t n;
    if (db_read_alloc_groups(db, run_id, &g, &n) < 0) {
        warnf("report alloc: DB %s: %s (is it a wasmlab results DB?)", db_path,
              db_read_error(db));
        return EXIT_USAGE;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += g[i].bad_buckets;
    if (bad)
        warnf("report alloc: %d histograms with unreadable log2_buckets left out of the "
              "quantiles", bad);
    if (n == 0)
        notef("report alloc: run %lld has no allocator histograms (they come from "
              "c/gc-churn loads)", (long long)run_id);
    if (fmt == TABLE_TEXT)
        print_text(g, n);
    else
        print_full(g, n, fmt);
    free(g);
    return EXIT_OK;
}

int report_alloc(int argc, char **argv)
{
    const char *db_path = "results.db", *run_arg = NULL;
    enum table_format fmt = TABLE_TEXT;
    struct cli_parser cp;
    cli_begin(&cp, &alloc_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': run_arg = cp.arg; break;
        case 'f':
            if (cli_table_format(&cp, &fmt) < 0) {
                cli_end(&cp);
                return EXIT_USAGE;
            }
            break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    struct db *db = selection_open_db("report alloc", db_path);
    if (!db)
        return EXIT_USAGE;
    int64_t run_id = 0;
    int rc = EXIT_USAGE;
    if (run_arg && strcmp(run_arg, "all") == 0)
        warnf("report alloc: --run all: give one run id");
    else if (run_arg && selection_run("report alloc", db, run_arg, &run_id) < 0)
        ;
    else if (!run_arg && (run_id = db_latest_run_id(db)) == 0)
        warnf("report alloc: DB %s has no runs", db_path);
    else
        rc = report(db, db_path, run_id, fmt);
    db_close(db);
    return rc;
}
