#define _GNU_SOURCE
#include "collector/cli/cmd_sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/browsers/spec.h"
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
    { "keep-traces", 0, "RULE", "which loads' raw traces to store: all, failed, sample:N\n"
      "or none (default: the experiment's \"keep_traces\", else all)", 'k' },
    { "batch", 0, "N", "trace N loads in one tracing session (1..64; default: the\n"
      "experiment's \"batch\", else 1):\n"
      "each load still gets a new renderer and origin; the trace is\n"
      "split at each load's navigation and stored once, with the\n"
      "batch's first load (docs/batched-tracing.md)", 'B' },
    { "trace-format", 0, "FMT", "json or proto: how Chrome exports each trace (default:\n"
      "the experiment's \"trace_format\", else json; wasmlab run --help;\n"
      "docs/trace-formats.md)", 'T' },
    { "dry-run", 0, NULL, "print the shard's configurations (index, shard, browser,\n"
      "module, API, condition, loads) and exit: no browser is started or\n"
      "downloaded, no DB is opened (with --json: a JSON array)", 'D' },
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
                "wasmlab sweep exp.json --shard 2/3 --db shard2.db\n"
                "wasmlab sweep exp.json --shard 2/3 --dry-run",
};

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

static const char *config_module(const struct plan *p, int m)
{
    return m < p->n_names ? p->module_names[m] : p->module_files[m - p->n_names];
}

/* --dry-run: the shard's configurations in the order the sweep runs them
 * (plan_config_at), one per line on stdout (or a JSON array), and a count on
 * stderr. Starts nothing. */
static void print_dry_run(const struct plan *p, const char *cmd, bool json)
{
    long count = plan_config_count(p), mine = 0;
    json_t *arr = json ? json_array() : NULL;
    if (!json)
        printf("index\tshard\tbrowser\tmodule\tapi\tcondition\tloads\twarmup\n");
    for (long i = 0; i < count; i++) {
        int shard = plan_config_shard(p, i);
        if (shard != p->shard_k && p->shard_n > 1)
            continue;
        mine++;
        struct plan_config_ref r;
        plan_config_at(p, i, &r);
        const char *browser = p->browsers[r.browser].spec;
        const char *module = config_module(p, r.module);
        const char *api = p->apis[r.api], *cond = p->conditions[r.condition].name;
        if (json)
            json_array_append_new(
                arr, json_pack("{s:I, s:i, s:i, s:s, s:s, s:s, s:s, s:I, s:I}", "index",
                               (json_int_t)i, "shard", shard, "shards", p->shard_n, "browser",
                               browser, "module", module, "api", api, "condition", cond,
                               "loads", (json_int_t)p->loads, "warmup", (json_int_t)p->warmup));
        else
            printf("%ld\t%d/%d\t%s\t%s\t%s\t%s\t%ld\t%ld\n", i, shard, p->shard_n, browser,
                   module, api, cond, p->loads, p->warmup);
    }
    if (json) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(arr);
    }
    notef("%s --dry-run: shard %d/%d runs %ld of %ld configurations, %ld measured loads"
          " (+%ld warm-up); nothing started", cmd, p->shard_k, p->shard_n, mine, count,
          mine * p->loads, mine * p->warmup);
}

int sweep_parse_shared(struct cli_parser *cp, int id, struct sweep_options *o)
{
    if (id == 'B')
        return cli_long(cp, 1, PLAN_BATCH_MAX, "loads", &o->batch) < 0 ? -1 : 1;
    if (id != 'T')
        return 0;
    int i = cli_choice(cp, plan_trace_formats);
    if (i < 0)
        return -1;
    o->trace_format = plan_trace_formats[i];
    return 1;
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
    if (o->batch > 0)
        p.batch = o->batch;            /* --batch over the experiment's "batch" */
    if (o->trace_format)
        p.trace_proto = strcmp(o->trace_format, "proto") == 0;   /* over "trace_format" */
    if (o->keep_traces && db_keep_rule_parse(o->keep_traces, &p.keep) < 0) {
        warnf("%s: --keep-traces %s: must be all, failed, sample:N or none", o->command,
              o->keep_traces);
        experiment_free(&e);
        return EXIT_USAGE;
    }
    snprintf(o->experiment, sizeof o->experiment, "%s", p.experiment ? p.experiment : "");
    int rc = EXIT_OK;
    struct browser_choice choices[PLAN_MAX];
    memset(choices, 0, sizeof choices);
    /* Before resolving browsers, which may download one: an empty shard
     * refuses at once (the same words plan_execute would use). */
    long n_configs = plan_config_count(&p);
    if (p.shard_n > 1 && n_configs < p.shard_k) {
        warnf("%s: shard %d/%d of %ld configurations is empty", o->command, p.shard_k,
              p.shard_n, n_configs);
        rc = EXIT_USAGE;
        goto out;
    }
    if (o->dry_run) {
        print_dry_run(&p, o->command, o->json);
        goto out;
    }
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
    struct sweep_options o;
    sweep_options_init(&o);
    struct cli_parser cp;
    cli_begin(&cp, &sweep_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': o.db_path = cp.arg; break;
        case 's':
            if (sweep_parse_shard(cp.arg, &o.shard_k, &o.shard_n) < 0) {
                cli_end(&cp);
                return cli_usage_error(&sweep_command,
                                       "--shard %s: must be K/N with 1 <= K <= N <= 100000",
                                       cp.arg);
            }
            break;
        case 'r': o.resume = true; break;
        case 'n': o.fetch = false; break;
        case 'M': o.manifest_path = cp.arg; break;
        case 'P': o.pages_dir = cp.arg; break;
        case 'S': o.save_traces = cp.arg; break;
        case 'k':
            if (db_keep_rule_parse(cp.arg, &(struct db_keep_rule){ 0 }) < 0) {
                cli_end(&cp);
                return cli_usage_error(&sweep_command,
                                       "--keep-traces %s: must be all, failed, sample:N or none",
                                       cp.arg);
            }
            o.keep_traces = cp.arg;
            break;
        case 'j': o.json = true; break;
        case 'D': o.dry_run = true; break;
        case 'q': util_quiet = true; break;
        default:
            if (sweep_parse_shared(&cp, id, &o) < 0) {
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
    o.experiment_file = argv[cp.rest];
    o.argc = argc;
    o.argv = argv;
    return sweep_execute(&o);
}
