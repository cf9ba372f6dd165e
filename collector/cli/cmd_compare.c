/* wasmlab compare: the command line of the comparison engine
 * (collector/report/compare.h): options in, the engine's result printed. */
#define _GNU_SOURCE
#include "collector/cli/cmd_compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/report/compare.h"
#include "collector/cli/options.h"
#include "base/stats.h"
#include "collector/report/table_out.h"
#include "base/util.h"
#include "db/db.h"

static const struct cli_option compare_options[] = {
    { "baseline", 0, "SELECTOR", "the loads to compare against (required)", 'b' },
    { "candidate", 0, "SELECTOR", "the loads to compare (required)", 'c' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "metric", 0, "NAME", "first_byte_to_compile (default), last_byte_to_compile,\n"
      "page_compile, wall, startup, first_byte_to_instance, or where\n"
      "compile work went (docs/tiers.md): compile_liftoff,\n"
      "compile_turbofan, compile_lazy, compile_tierup, first_export\n"
      "(all in ms)", 'm' },
    { "threshold", 0, "PCT", "smallest relative change that counts (default 5, 0..1000000)",
      't' },
    { "alpha", 0, "P", "significance level (default 0.05; above 0, below 1)", 'a' },
    { "resamples", 0, "N", "bootstrap resamples (default 2000, 100..1000000)", 'r' },
    { "seed", 0, "N", "bootstrap seed (default 1)", 's' },
    { "format", 0, "F", "text (default), csv, json or markdown", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command compare_command = {
    .name = "compare",
    .usage = "--baseline SELECTOR --candidate SELECTOR [options]",
    .description =
        "Compares a metric between two sets of loads in a results DB, for every\n"
        "configuration (module, api, condition, args, js churn) with ok loads on both\n"
        "sides: n, medians, the difference of medians (candidate - baseline) with its\n"
        "95% percentile-bootstrap confidence interval (fixed seed: reproducible), the\n"
        "relative change, the Mann-Whitney U test's two-sided p-value (exact without\n"
        "ties below 50 loads a side, else normal with tie and continuity correction),\n"
        "and a verdict. Lower is better for every metric.\n"
        "\n"
        "Verdict: 'slower' when p < alpha, the CI lies above 0 and the change is at\n"
        "least +threshold; 'faster' when p < alpha, the CI lies below 0 and the change\n"
        "is at most -threshold; 'too few loads' when the test cannot reach p < alpha\n"
        "at that many loads (the smallest reachable p and the loads a side needed\n"
        "are printed, and given as min_p and loads_needed); else 'no significant\n"
        "change'.\n"
        "\n"
        "SELECTOR: terms joined by ','; terms with different keys must all hold,\n"
        "repeated keys are alternatives (module:c/hello,module:go/hello):\n"
        "  browser:156                    product version 156 (156.0.8078.79 ...)\n"
        "  browser:HeadlessChrome/126.0.6478.0   one product exactly (or a version prefix)\n"
        "  kind:headless_shell | kind:chromium\n"
        "  module:NAME  api:streaming|buffered  condition:NAME\n"
        "  run:ID  run:UUID  run:last     a run (a bare UUID works too)\n"
        "\n"
        "A warning goes to stderr when the two sides ran different kinds of browser\n"
        "(headless_shell vs full chromium): the kind costs more than most version\n"
        "differences (full chromium 156 about 3x headless_shell 156 per load).",
    .options = compare_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_REGRESSION,
    .exit_notes = "(0: no configuration slower; 4: at least one 'slower'; 2 also for a\n"
                  "selector that matches no loads, or no configuration on both sides)",
    .examples = "wasmlab compare --baseline browser:126 --candidate browser:156\n"
                "wasmlab compare --baseline run:1 --candidate run:last --format markdown",
};

int cmd_compare(int argc, char **argv)
{
    const char *db_path = "results.db";
    struct compare_options o;
    compare_options_init(&o);
    long resamples = 2000, seed = 1;
    enum table_format fmt = TABLE_TEXT;
    struct cli_parser cp;
    cli_begin(&cp, &compare_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        int bad = 0;
        switch (id) {
        case 'b': o.baseline = cp.arg; break;
        case 'c': o.candidate = cp.arg; break;
        case 'd': db_path = cp.arg; break;
        case 'm':
            o.metric = cp.arg;
            if (!db_compare_metric_known(cp.arg))
                bad = cli_usage_error(&compare_command, "--metric %s: must be "
                                      "first_byte_to_compile, last_byte_to_compile, "
                                      "page_compile, wall, startup, "
                                      "first_byte_to_instance, compile_liftoff, "
                                      "compile_turbofan, compile_lazy, compile_tierup "
                                      "or first_export", cp.arg);
            break;
        case 't': bad = cli_double(&cp, 0, 1e6, "percent", &o.threshold_pct); break;
        case 'a':
            bad = cli_double(&cp, 0, 1, "(a probability)", &o.alpha);
            if (!bad && !(o.alpha > 0 && o.alpha < 1))
                bad = cli_usage_error(&compare_command,
                                      "--alpha %s: must be above 0 and below 1", cp.arg);
            break;
        case 'r': bad = cli_long(&cp, 100, 1000000, "resamples", &resamples); break;
        case 's': bad = cli_long(&cp, 0, 1L << 62, "(a seed)", &seed); break;
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
    if (!o.baseline || !o.candidate)
        return cli_usage_error(&compare_command, "give both --baseline and --candidate");
    if (access(db_path, R_OK) != 0) {
        warnf("compare: DB %s: %s", db_path, strerror(errno));
        return EXIT_USAGE;
    }
    o.resamples = (unsigned)resamples;
    o.seed = (uint64_t)seed;
    char err[1024];
    struct db *db = db_open_read(db_path, err, sizeof err);
    if (!db) {
        warnf("compare: %s", err);
        return EXIT_USAGE;
    }
    struct compare_result r;
    int crc = compare_run(db, &o, &r, err, sizeof err);
    db_close(db);
    if (crc != COMPARE_OK) {
        warnf("compare: %s", err);
        return crc == COMPARE_DB_ERROR ? EXIT_ERROR : EXIT_USAGE;
    }
    compare_print(&r, fmt, stdout);
    if (r.n_too_few && fmt != TABLE_TEXT && fmt != TABLE_MARKDOWN)
        compare_print_too_few(&r, "wasmlab: compare: ", stderr);
    compare_warn(&r, "compare");
    int rc = r.n_slower ? EXIT_REGRESSION : EXIT_OK;
    compare_result_free(&r);
    return rc;
}
