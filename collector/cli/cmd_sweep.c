#define _GNU_SOURCE
#include "collector/cli/cmd_sweep.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/browsers/spec.h"
#include "collector/cli/exit_codes.h"
#include "collector/measure/experiment.h"
#include "collector/measure/plan.h"
#include "base/util.h"
#include "wasmlab_config.h"

static const char usage_text[] =
"usage: wasmlab sweep EXPERIMENT.json [options]\n"
"\n"
"Runs the experiment's matrix: browsers x modules x APIs x conditions, each\n"
"configuration loaded `loads` times after `warmup` unstored loads, rounds\n"
"interleaved across configurations. The file's format: docs/experiments.md.\n"
"Browsers named like chromium@126 come from the browser store (wasmlab\n"
"browsers) and are added to it first when missing.\n"
"\n"
"  --db FILE        results database (default results.db)\n"
"  --shard K/N      run only configurations i with i mod N == K-1 (1 <= K <= N):\n"
"                   N machines each run one shard, then `wasmlab merge`\n"
"  --resume         continue the newest unfinished run in --db\n"
"  --no-fetch       never download a browser: fail if one is not in the store\n"
"  --manifest FILE  module manifest (default: the build's)\n"
"  --pages DIR      harness pages (default: the source tree's pages/)\n"
"  --save-traces DIR  also write each load's raw trace to DIR/load-ID.json\n"
"  --json           summary as JSON\n"
"  -q, --quiet      no progress on stderr (progress shows only on a terminal)\n"
"\n"
"Exit codes as for wasmlab run: 0 all ok, 1 error, 2 bad usage or experiment\n"
"file, 3 some loads failed, 130 interrupted (use --resume).\n";

/* Resolves every browser of the plan (collector/browsers/spec.h), adding
 * missing store builds unless fetch is false, and warns when they mix
 * headless_shell and full Chromium. choices[b] owns the paths the plan
 * borrows. Returns 0 or -1 after one line on stderr. */
static int resolve_browser(const char *cmd, struct plan *p, bool fetch,
                           struct browser_choice *choices)
{
    char err[1024];
    for (int b = 0; b < p->n_browsers; b++) {
        if (browser_spec_resolve(cmd, p->browsers[b].spec, fetch, &choices[b], err,
                                 sizeof err) < 0) {
            warnf("%s: %s", cmd, err);
            return -1;
        }
        p->browsers[b].path = choices[b].path;
    }
    browser_choices_warn_mixed(cmd, choices, (size_t)p->n_browsers);
    return 0;
}

int sweep_parse_shard(const char *s, int *k, int *n)
{
    long kk, nn;
    const char *slash = strchr(s, '/');
    if (!slash)
        return -1;
    char left[32];
    size_t l = (size_t)(slash - s);
    if (l == 0 || l >= sizeof left)
        return -1;
    memcpy(left, s, l);
    left[l] = 0;
    if (parse_long(left, 1, 100000, &kk) < 0 || parse_long(slash + 1, 1, 100000, &nn) < 0 ||
        kk > nn)
        return -1;
    *k = (int)kk;
    *n = (int)nn;
    return 0;
}

void sweep_options_init(struct sweep_options *o)
{
    memset(o, 0, sizeof *o);
    o->command = "sweep";
    o->db_path = "results.db";
    o->manifest_path = WASMLAB_MANIFEST;
    o->pages_dir = WASMLAB_PAGES_DIR;
    o->shard_k = o->shard_n = 1;
    o->fetch = true;
}

int sweep_execute(struct sweep_options *o)
{
    struct plan p;
    memset(&p, 0, sizeof p);
    p.command = o->command;
    p.db_path = o->db_path;
    p.manifest_path = o->manifest_path;
    p.pages_dir = o->pages_dir;
    p.save_traces = o->save_traces;
    p.shard_k = o->shard_k;
    p.shard_n = o->shard_n;
    p.resume = o->resume;
    p.json = o->json;
    struct experiment e;
    char err[1024];
    if (experiment_load(o->experiment_file, &e, &p, err, sizeof err) < 0) {
        warnf("%s: %s", o->command, err);
        experiment_free(&e);
        return EXIT_USAGE;
    }
    snprintf(o->experiment, sizeof o->experiment, "%s", p.experiment ? p.experiment : "");
    int rc = EXIT_OK;
    struct browser_choice choices[PLAN_MAX];
    memset(choices, 0, sizeof choices);
    if (resolve_browser(o->command, &p, o->fetch, choices) < 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    p.argc = o->argc;
    p.argv = o->argv;
    rc = plan_execute(&p);
out:
    for (int b = 0; b < PLAN_MAX; b++)
        browser_choice_free(&choices[b]);
    experiment_free(&e);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "shard", required_argument, NULL, 's' },
        { "resume", no_argument, NULL, 'r' },
        { "no-fetch", no_argument, NULL, 'n' },
        { "manifest", required_argument, NULL, 'M' },
        { "pages", required_argument, NULL, 'P' },
        { "save-traces", required_argument, NULL, 'S' },
        { "json", no_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct sweep_options o;
    sweep_options_init(&o);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db_path = optarg; break;
        case 's':
            if (sweep_parse_shard(optarg, &o.shard_k, &o.shard_n) < 0) {
                warnf("sweep: --shard %s: must be K/N with 1 <= K <= N", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r': o.resume = true; break;
        case 'n': o.fetch = false; break;
        case 'M': o.manifest_path = optarg; break;
        case 'P': o.pages_dir = optarg; break;
        case 'S': o.save_traces = optarg; break;
        case 'j': o.json = true; break;
        case 'q': util_quiet = true; break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':': warnf("sweep: option %s needs a value", argv[optind - 1]); return EXIT_USAGE;
        default: warnf("sweep: unknown option %s (see wasmlab sweep --help)", argv[optind - 1]);
                 return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        warnf("sweep: give exactly one EXPERIMENT.json (see wasmlab sweep --help)");
        return EXIT_USAGE;
    }
    o.experiment_file = argv[optind];
    o.argc = argc;
    o.argv = argv;
    return sweep_execute(&o);
}
