/* wasmlab compare: the command line of the comparison engine
 * (collector/report/compare.h): options in, the engine's result printed. */
#define _GNU_SOURCE
#include "collector/cli/cmd_compare.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/report/compare.h"
#include "collector/report/table_out.h"
#include "base/util.h"
#include "db/db.h"

static const char usage_text[] =
"usage: wasmlab compare --baseline SELECTOR --candidate SELECTOR [options]\n"
"\n"
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
"  --db FILE            results database (default results.db)\n"
"  --metric NAME        first_byte_to_compile (default), last_byte_to_compile,\n"
"                       page_compile or wall (all in ms)\n"
"  --threshold PCT      smallest relative change that counts (default 5)\n"
"  --alpha P            significance level (default 0.05)\n"
"  --resamples N        bootstrap resamples (default 2000)\n"
"  --seed N             bootstrap seed (default 1)\n"
"  --format F           text (default), csv, json or markdown\n"
"  -h, --help           this help\n"
"\n"
"A warning goes to stderr when the two sides ran different kinds of browser\n"
"(headless_shell vs full chromium): the kind costs more than most version\n"
"differences (full chromium 156 about 3x headless_shell 156 per load).\n"
"\n"
"Exit codes: 0 compared, no configuration slower; 4 at least one\n"
"configuration 'slower' (a regression); 1 DB error; 2 bad usage, a selector\n"
"that matches no loads, or no configuration on both sides.\n";

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "baseline", required_argument, NULL, 'b' },
        { "candidate", required_argument, NULL, 'c' },
        { "db", required_argument, NULL, 'd' },
        { "metric", required_argument, NULL, 'm' },
        { "threshold", required_argument, NULL, 't' },
        { "alpha", required_argument, NULL, 'a' },
        { "resamples", required_argument, NULL, 'r' },
        { "seed", required_argument, NULL, 's' },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *db_path = "results.db";
    struct compare_options o;
    compare_options_init(&o);
    long resamples = 2000, seed = 1;
    enum table_format fmt = TABLE_TEXT;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'b': o.baseline = optarg; break;
        case 'c': o.candidate = optarg; break;
        case 'd': db_path = optarg; break;
        case 'm':
            o.metric = optarg;
            if (!db_compare_metric_known(optarg)) {
                warnf("compare: --metric %s: one of first_byte_to_compile, "
                      "last_byte_to_compile, page_compile, wall", optarg);
                return EXIT_USAGE;
            }
            break;
        case 't':
            errno = 0;
            o.threshold_pct = strtod(optarg, &end);
            if (errno || end == optarg || *end ||
                !(o.threshold_pct >= 0 && o.threshold_pct < 1e6)) {
                warnf("compare: --threshold %s: a percentage, 0 or more", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'a':
            errno = 0;
            o.alpha = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o.alpha > 0 && o.alpha < 1)) {
                warnf("compare: --alpha %s: a probability between 0 and 1", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r':
            if (parse_long(optarg, 100, 1000000, &resamples) < 0) {
                warnf("compare: --resamples %s: a number from 100 to 1000000", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            if (parse_long(optarg, 0, 1L << 62, &seed) < 0) {
                warnf("compare: --seed %s: a non-negative number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (table_format_parse(optarg, &fmt) < 0) {
                warnf("compare: --format %s: must be text, csv, json or markdown", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':':
            warnf("compare: option %s needs a value (see wasmlab compare --help)",
                  argv[optind - 1]);
            return EXIT_USAGE;
        default:
            warnf("compare: unknown option %s (see wasmlab compare --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        warnf("compare: unexpected argument %s (see wasmlab compare --help)", argv[optind]);
        return EXIT_USAGE;
    }
    if (!o.baseline || !o.candidate) {
        warnf("compare: give both --baseline and --candidate (see wasmlab compare --help)");
        return EXIT_USAGE;
    }
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
