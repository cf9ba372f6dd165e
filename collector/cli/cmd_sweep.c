#define _GNU_SOURCE
#include "collector/cli/cmd_sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/browsers/browser_store.h"
#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/measure/experiment.h"
#include "collector/measure/plan.h"
#include "base/util.h"
#include "wasmlab_config.h"

static const struct cli_option sweep_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "shard", 0, "K/N", "run only configurations i with i mod N == K-1 (1 <= K <= N):\n"
      "N machines each run one shard, then `wasmlab merge`", 's' },
    { "resume", 0, NULL, "continue the newest unfinished run in --db", 'r' },
    { "no-fetch", 0, NULL, "never download a browser: fail if one is not in the store", 'n' },
    { "manifest", 0, "FILE", "module manifest (default: the build's)", 'M' },
    { "pages", 0, "DIR", "harness pages (default: the source tree's pages/)", 'P' },
    { "save-traces", 0, "DIR", "also write each load's raw trace to DIR/load-ID.json", 'S' },
    { "json", 0, NULL, "summary as JSON", 'j' },
    { "quiet", 'q', NULL, "no progress on stderr (progress shows only on a terminal)", 'q' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command sweep_command = {
    .name = "sweep",
    .usage = "EXPERIMENT.json [options]",
    .description =
        "Runs the experiment's matrix: browsers x modules x APIs x conditions, each\n"
        "configuration loaded `loads` times after `warmup` unstored loads, rounds\n"
        "interleaved across configurations. The file's format: docs/experiments.md.\n"
        "Browsers named like chromium@126 come from the browser store (wasmlab\n"
        "browsers) and are added to it first when missing.",
    .options = sweep_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_LOADS_FAILED | CLI_EXITS_INTERRUPTED,
    .exit_notes = "(as for wasmlab run; 2 also for a bad experiment file; after 130 use --resume)",
    .examples = "wasmlab sweep experiments/example.json --db sweep.db\n"
                "wasmlab sweep exp.json --shard 2/3 --db shard2.db",
};

/* A browser spec: "headless-shell", "chromium", a path, or a store build
 * ("chromium@126", added to the store when missing unless fetch is false).
 * Returns a new string (caller frees) or NULL after one line on stderr. */
static char *resolve_browser(const char *spec, bool fetch)
{
    if (strcmp(spec, "headless-shell") == 0)
        return xstrdup("/usr/lib/chromium/chromium-headless-shell");
    if (strcmp(spec, "chromium") == 0)
        return xstrdup("/usr/bin/chromium");
    if (strchr(spec, '/'))
        return xstrdup(spec);
    char store[4096], err[512];
    browser_store_default_dir(store, sizeof store);
    struct browser_entry e;
    memset(&e, 0, sizeof e);
    int rc = browser_store_find(store, spec, &e, err, sizeof err);
    if (rc == 0 && fetch) {
        notef("adding %s to the browser store %s", spec, store);
        struct browser_add_options opt;
        memset(&opt, 0, sizeof opt);
        rc = browser_store_add(store, spec, &opt, &e, err, sizeof err);
        rc = rc >= 0 ? 1 : rc;
    }
    if (rc == 1) {
        char *path = xstrdup(e.path);
        browser_entry_free(&e);
        return path;
    }
    if (rc == 0)
        warnf("sweep: browser %s is not in the store %s (wasmlab browsers add %s)", spec, store,
              spec);
    else
        warnf("sweep: browser %s: %s", spec, err);
    return NULL;
}

static int parse_shard(const char *s, int *k, int *n)
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

int cmd_sweep(int argc, char **argv)
{
    struct plan p;
    memset(&p, 0, sizeof p);
    p.command = "sweep";
    p.db_path = "results.db";
    p.manifest_path = WASMLAB_MANIFEST;
    p.pages_dir = WASMLAB_PAGES_DIR;
    p.shard_k = p.shard_n = 1;
    bool fetch = true;
    struct cli_parser cp;
    cli_begin(&cp, &sweep_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': p.db_path = cp.arg; break;
        case 's':
            if (parse_shard(cp.arg, &p.shard_k, &p.shard_n) < 0) {
                cli_end(&cp);
                return cli_usage_error(&sweep_command,
                                       "--shard %s: must be K/N with 1 <= K <= N <= 100000",
                                       cp.arg);
            }
            break;
        case 'r': p.resume = true; break;
        case 'n': fetch = false; break;
        case 'M': p.manifest_path = cp.arg; break;
        case 'P': p.pages_dir = cp.arg; break;
        case 'S': p.save_traces = cp.arg; break;
        case 'j': p.json = true; break;
        case 'q': util_quiet = true; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 1, 1, "EXPERIMENT.json") < 0)
        return EXIT_USAGE;
    struct experiment e;
    char err[1024];
    if (experiment_load(argv[cp.rest], &e, &p, err, sizeof err) < 0) {
        warnf("sweep: %s", err);
        experiment_free(&e);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    char *paths[PLAN_MAX] = { 0 };
    for (int b = 0; b < p.n_browsers; b++) {
        paths[b] = resolve_browser(p.browsers[b].spec, fetch);
        if (!paths[b]) {
            rc = EXIT_USAGE;
            goto out;
        }
        p.browsers[b].path = paths[b];
    }
    p.argc = argc;
    p.argv = argv;
    rc = plan_execute(&p);
out:
    for (int b = 0; b < PLAN_MAX; b++)
        free(paths[b]);
    experiment_free(&e);
    return rc;
}
