#define _GNU_SOURCE
#include "collector/cli/cmd_nightly.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/cli/cmd_compare.h"
#include "collector/cli/cmd_sweep.h"
#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "db/db.h"

static const struct cli_option nightly_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "report", 0, "FILE.md", "the Markdown summary (default nightly-report.md)", 'r' },
    { "threshold", 0, "PCT", "smallest relative change that counts as slower\n"
      "(default 5, 0..1000000 percent)", 't' },
    { "no-fetch", 0, NULL, "never download a browser: fail if one is not in the store", 'n' },
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
                  "--threshold with significance; 3: the sweep completed but some loads failed)",
    .examples = "wasmlab nightly experiments/example.json --db nightly.db --report today.md",
};

/* Runs `wasmlab compare ARGS` with its stdout going to out. */
static int compare_into(FILE *out, char **args, int n)
{
    fflush(stdout);
    fflush(out);
    int saved = dup(1);
    dup2(fileno(out), 1);
    int rc = cmd_compare(n, args);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return rc;
}

int cmd_nightly(int argc, char **argv)
{
    const char *db_path = "results.db", *report = "nightly-report.md", *threshold = "5";
    bool fetch = true;
    struct cli_parser cp;
    cli_begin(&cp, &nightly_command, argc, argv);
    int id;
    double threshold_pct;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': report = cp.arg; break;
        case 't':
            /* checked here, passed on to compare as typed */
            if (cli_double(&cp, 0, 1e6, "percent", &threshold_pct) < 0) {
                cli_end(&cp);
                return EXIT_USAGE;
            }
            threshold = cp.arg;
            break;
        case 'n': fetch = false; break;
        case 'q': util_quiet = true; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 1, 1, "EXPERIMENT.json") < 0)
        return EXIT_USAGE;
    const char *experiment_file = argv[cp.rest];
    FILE *out = fopen(report, "we");
    if (!out) {
        warnf("nightly: --report %s: %s", report, strerror(errno));
        return EXIT_USAGE;
    }

    char *sweep_argv[8];
    int sn = 0;
    sweep_argv[sn++] = "sweep";
    sweep_argv[sn++] = (char *)experiment_file;
    sweep_argv[sn++] = "--db";
    sweep_argv[sn++] = (char *)db_path;
    if (!fetch)
        sweep_argv[sn++] = "--no-fetch";
    if (util_quiet)
        sweep_argv[sn++] = "-q";
    sweep_argv[sn] = NULL;
    int sweep_rc = cmd_sweep(sn, sweep_argv);
    if (sweep_rc != EXIT_OK && sweep_rc != EXIT_LOADS_FAILED) {
        fprintf(out, "# wasmlab nightly: %s\n\nThe sweep failed (exit %d); see the log.\n",
                experiment_file, sweep_rc);
        fclose(out);
        return sweep_rc;
    }

    char err[512];
    struct db *db = db_open(db_path, err, sizeof err);
    if (!db) {
        warnf("nightly: %s", err);
        fclose(out);
        return EXIT_ERROR;
    }
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st;
    char cur_uuid[64] = "", prev_uuid[64] = "", experiment[128] = "";
    long long failed = 0;
    /* the run just made: the newest run of this DB; the baseline: the
     * newest earlier completed run of the same experiment */
    if (sqlite3_prepare_v2(sq, "SELECT r.uuid, r.experiment, (SELECT COUNT(*) FROM loads"
                               " WHERE run_id = r.id AND status <> 'ok') FROM runs r"
                               " ORDER BY r.id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(cur_uuid, sizeof cur_uuid, "%s", sqlite3_column_text(st, 0));
        snprintf(experiment, sizeof experiment, "%s",
                 sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
        failed = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(sq, "SELECT uuid FROM runs WHERE experiment = ? AND status = 'completed'"
                               " AND uuid <> ? ORDER BY id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, experiment, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cur_uuid, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(prev_uuid, sizeof prev_uuid, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);

    fprintf(out, "# wasmlab nightly: %s\n\nRun `%s`", experiment, cur_uuid);
    if (prev_uuid[0])
        fprintf(out, " compared with the previous nightly `%s`", prev_uuid);
    fputs(".\n\n", out);
    if (failed > 0)
        fprintf(out, "**%lld loads failed** (see `loads.status` and `loads.error`).\n\n", failed);
    int rc = failed > 0 ? EXIT_LOADS_FAILED : EXIT_OK;
    if (!prev_uuid[0]) {
        fputs("First nightly of this experiment in this DB: nothing to compare yet.\n", out);
    } else if (sqlite3_prepare_v2(sq, "SELECT DISTINCT b.product FROM loads l JOIN browsers b"
                                      " ON b.id = l.browser_id JOIN runs r ON r.id = l.run_id"
                                      " WHERE r.uuid = ? ORDER BY 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, cur_uuid, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *product = (const char *)sqlite3_column_text(st, 0);
            char *base = xasprintf("run:%s,browser:%s", prev_uuid, product);
            char *cand = xasprintf("run:%s,browser:%s", cur_uuid, product);
            char *args[] = { "compare", "--db", (char *)db_path, "--baseline", base,
                             "--candidate", cand, "--threshold", (char *)threshold,
                             "--format", "markdown", NULL };
            fprintf(out, "## %s\n\n", product);
            fflush(out);
            int crc = compare_into(out, args, 11);
            fputc('\n', out);
            if (crc == EXIT_REGRESSION)
                rc = EXIT_REGRESSION;
            else if (crc != EXIT_OK && rc == EXIT_OK)
                rc = EXIT_ERROR;
            free(base);
            free(cand);
        }
        sqlite3_finalize(st);
    }
    db_close(db);
    if (fclose(out) != 0) {
        warnf("nightly: --report %s: write failed", report);
        return EXIT_ERROR;
    }
    notef("nightly report: %s (exit %d)", report, rc);
    return rc;
}
