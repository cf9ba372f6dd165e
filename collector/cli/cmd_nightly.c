/* wasmlab nightly: a sweep (sweep_execute), then the comparison engine
 * (collector/report/compare.h) per browser against the previous completed
 * run of the same experiment, written as Markdown from the engine's result. */
#define _GNU_SOURCE
#include "collector/cli/cmd_nightly.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/cmd_sweep.h"
#include "collector/cli/exit_codes.h"
#include "collector/report/compare.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "db/db.h"
#include "db/read_compare.h"

static const struct cli_option nightly_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "report", 0, "FILE.md", "the Markdown summary (default nightly-report.md)", 'r' },
    { "threshold", 0, "PCT", "smallest relative change that counts as slower\n"
      "(default 5, 0..1000000 percent)", 't' },
    { "shard", 0, "K/N", "run only configurations i with i mod N == K-1, as sweep;\n"
      "the baseline is then the previous run of the same shard", 's' },
    { "resume", 0, NULL, "finish an interrupted nightly: continue the newest\n"
      "unfinished run in --db, then compare as usual", 'R' },
    { "no-fetch", 0, NULL, "never download a browser: fail if one is not in the store", 'n' },
    { "keep-traces", 0, "RULE", "traces to store, as sweep: all, failed, sample:N, none", 'k' },
    { "batch", 0, "N", "loads per tracing session, as sweep (1..64; default: the\n"
      "experiment's \"batch\", else 1)", 'B' },
    { "trace-format", 0, "FMT", "json or proto, as sweep (default: the experiment's\n"
      "\"trace_format\", else json)", 'T' },
    { "quiet", 'q', NULL, "no progress or notes on stderr", 'q' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command nightly_command = {
    .name = "nightly",
    .usage = "EXPERIMENT.json [options]",
    .description =
        "Runs `wasmlab sweep EXPERIMENT.json`, then compares each browser's loads\n"
        "with the previous completed run of the same experiment in the same DB\n"
        "(`wasmlab compare`, per browser), and writes a Markdown summary to --report\n"
        "(default nightly-report.md).",
    .options = nightly_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_LOADS_FAILED | CLI_EXITS_REGRESSION |
             CLI_EXITS_INTERRUPTED,
    .exit_notes = "(0 also for the first nightly: nothing to compare; 4: slower beyond\n"
                  "--threshold with significance; 3: the sweep completed but some loads failed;\n"
                  "130: interrupted, finish it with --resume)",
    .examples = "wasmlab nightly experiments/example.json --db nightly.db --report today.md\n"
                "wasmlab nightly experiments/nightly.json --shard 2/4 --db shard-2.db\n"
                "wasmlab nightly experiments/nightly.json --resume",
};

/* One browser's section of the report. Returns EXIT_REGRESSION, EXIT_OK, or
 * EXIT_ERROR when the DB could not be read. */
static int report_browser(FILE *out, struct db *db, const char *product,
                          const struct db_nightly_run *prev, const struct db_nightly_run *cur,
                          double threshold)
{
    char *base = xasprintf("run:%s,browser:%s", prev->uuid, product);
    char *cand = xasprintf("run:%s,browser:%s", cur->uuid, product);
    struct compare_options o;
    compare_options_init(&o);
    o.baseline = base;
    o.candidate = cand;
    o.threshold_pct = threshold;
    struct compare_result r;
    char err[1024];
    int crc = compare_run(db, &o, &r, err, sizeof err);
    int rc = EXIT_OK;
    fprintf(out, "## %s\n\n", product);
    if (crc == COMPARE_DB_ERROR) {
        warnf("nightly: %s", err);
        fprintf(out, "Reading the DB failed: %s\n\n", err);
        rc = EXIT_ERROR;
    } else if (crc == COMPARE_BAD_INPUT) {
        /* A browser new to the experiment, or configurations the previous
         * run did not have: nothing to compare, which is not a failure. */
        fprintf(out, "Nothing to compare: %s.\n\n", err);
    } else {
        compare_print(&r, TABLE_MARKDOWN, out);
        if (r.kind_mismatch_example)
            fprintf(out, "\n**Browser kinds differ** (%s): the kind confounds a version "
                    "difference.\n", r.kind_mismatch_example);
        fputc('\n', out);
        compare_warn(&r, "nightly");
        rc = r.n_slower ? EXIT_REGRESSION : EXIT_OK;
        compare_result_free(&r);
    }
    free(base);
    free(cand);
    return rc;
}

/* The report after a sweep that completed: the runs, failed loads, and a
 * comparison per browser. Returns the nightly's exit code. */
static int write_report(FILE *out, const char *db_path, const struct sweep_options *so,
                        double threshold)
{
    char err[1024];
    struct db *db = db_open_read(db_path, err, sizeof err);
    if (!db) {
        warnf("nightly: %s", err);
        fprintf(out, "# wasmlab nightly: %s\n\nCould not read the DB: %s\n", so->experiment, err);
        return EXIT_ERROR;
    }
    struct db_nightly_run cur = { 0 }, prev = { 0 };
    char **products = NULL;
    size_t n_products = 0;
    int rc = EXIT_ERROR;
    if (db_read_experiment_last_run(db, so->experiment, &cur, err, sizeof err) < 0 ||
        (cur.id && db_read_nightly_baseline(db, so->experiment, cur.id, &prev, err,
                                            sizeof err) < 0) ||
        (cur.id && db_read_run_products(db, cur.id, &products, &n_products, err,
                                        sizeof err) < 0)) {
        warnf("nightly: %s", err);
        fprintf(out, "# wasmlab nightly: %s\n\nCould not read the DB: %s\n", so->experiment, err);
        goto out;
    }
    if (!cur.id) {
        warnf("nightly: %s holds no run of experiment %s after the sweep", db_path,
              so->experiment);
        goto out;
    }
    fprintf(out, "# wasmlab nightly: %s\n\nRun `%s`", so->experiment, cur.uuid);
    if (so->shard_n > 1)
        fprintf(out, " (shard %d/%d)", so->shard_k, so->shard_n);
    if (prev.id)
        fprintf(out, " compared with the previous nightly `%s`", prev.uuid);
    fputs(".\n\n", out);
    if (cur.failed_loads > 0)
        fprintf(out, "**%lld loads failed** (see `loads.status` and `loads.error`).\n\n",
                (long long)cur.failed_loads);
    rc = cur.failed_loads > 0 ? EXIT_LOADS_FAILED : EXIT_OK;
    if (!prev.id)
        fputs("First nightly of this experiment in this DB: nothing to compare yet.\n", out);
    for (size_t i = 0; prev.id && i < n_products; i++) {
        int brc = report_browser(out, db, products[i], &prev, &cur, threshold);
        if (brc == EXIT_REGRESSION || (brc == EXIT_ERROR && rc != EXIT_REGRESSION))
            rc = brc;
    }
out:
    for (size_t i = 0; i < n_products; i++)
        free(products[i]);
    free(products);
    db_close(db);
    return rc;
}

int cmd_nightly(int argc, char **argv)
{
    const char *report = "nightly-report.md";
    double threshold = 5;
    struct sweep_options so;
    sweep_options_init(&so);
    so.command = "nightly";
    struct cli_parser cp;
    cli_begin(&cp, &nightly_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': so.db_path = cp.arg; break;
        case 'r': report = cp.arg; break;
        case 't':
            if (cli_double(&cp, 0, 1e6, "percent", &threshold) < 0) {
                cli_end(&cp);
                return EXIT_USAGE;
            }
            break;
        case 's':
            if (sweep_parse_shard(cp.arg, &so.shard_k, &so.shard_n) < 0) {
                cli_end(&cp);
                return cli_usage_error(&nightly_command,
                                       "--shard %s: must be K/N with 1 <= K <= N", cp.arg);
            }
            break;
        case 'R': so.resume = true; break;
        case 'n': so.fetch = false; break;
        case 'k': so.keep_traces = cp.arg; break;   /* checked by sweep_execute */
        case 'q': util_quiet = true; break;
        default:   /* --batch, --trace-format: as sweep's */
            if (sweep_parse_shared(&cp, id, &so) < 0) {
                cli_end(&cp);
                return EXIT_USAGE;
            }
            break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 1, 1, "EXPERIMENT.json") < 0)
        return EXIT_USAGE;
    so.experiment_file = argv[cp.rest];
    so.argc = argc;
    so.argv = argv;
    FILE *out = fopen(report, "we");
    if (!out) {
        warnf("nightly: --report %s: %s", report, strerror(errno));
        return EXIT_USAGE;
    }
    int rc = sweep_execute(&so);
    if (rc == EXIT_INTERRUPTED)
        fprintf(out, "# wasmlab nightly: %s\n\nThe sweep was interrupted; finish it with "
                "`wasmlab nightly %s --resume`.\n", so.experiment, so.experiment_file);
    else if (rc != EXIT_OK && rc != EXIT_LOADS_FAILED)
        fprintf(out, "# wasmlab nightly: %s\n\nThe sweep failed (exit %d); see the log.\n",
                so.experiment[0] ? so.experiment : so.experiment_file, rc);
    else
        rc = write_report(out, so.db_path, &so, threshold);
    if (fclose(out) != 0) {
        warnf("nightly: --report %s: write failed", report);
        return EXIT_ERROR;
    }
    notef("nightly report: %s (exit %d)", report, rc);
    return rc;
}
