#define _GNU_SOURCE
#include "collector/cli/cmd_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/browsers/spec.h"
#include "collector/cli/options.h"
#include "collector/measure/code_cache.h"
#include "collector/measure/compile_api.h"
#include "collector/measure/plan.h"
#include "collector/measure/v8_flags.h"
#include "base/util.h"
#include "wasmlab_config.h"

/* The real binary: Debian's /usr/bin/chromium-headless-shell is a sh wrapper
 * that does not exec, so the browser would not be our direct child (and
 * PR_SET_PDEATHSIG would not reach it if wasmlab were killed). */
#define DEFAULT_BROWSER "/usr/lib/chromium/chromium-headless-shell"

static const struct cli_option run_options[] = {
    { "module", 0, "NAME", "a built module from the manifest (repeatable; wasmlab modules\n"
      "lists them); default: c/hello and go/hello", 'm' },
    { "module-file", 0, "FILE", "any outside .wasm file (repeatable); compiled only", 'f' },
    { "loads", 0, "N", "loads per module (default 20, 1..100000)", 'n' },
    { "api", 0, "API", "streaming (WebAssembly.compileStreaming, default),\n"
      "buffered (fetch + arrayBuffer + WebAssembly.compile),\n"
      "instantiate-streaming (WebAssembly.instantiateStreaming)\n"
      "or worker-sync (new WebAssembly.Module in a Worker)", 'a' },
    { "browser", 0, "B", "Chromium executable, 'headless-shell' (default,\n"
      DEFAULT_BROWSER "), 'chromium' (/usr/bin/chromium),\n"
      "or a stored build: chromium@126 (wasmlab browsers add)", 'b' },
    { "args", 0, "\"A B ...\"", "the modules' arguments, replacing the manifest's (e.g.\n"
      "--args \"--live-mb 128 --rounds 50\" for gc-churn)", 'R' },
    { "condition", 0, "NAME", "label these loads' condition (default: default)", 'C' },
    { "network", 0, "NET", "serve the module under a network condition: a profile\n"
      "(lan, 4g, lte, 3g, 3g-slow, cable, dsl, slow-4g, lh-3g, desktop-4g)\n"
      "and/or bw=BYTES/S,latency=MS,chunk=BYTES,encoding=identity|gzip|br,\n"
      "shaper=server|cdp, e.g. --network 4g,encoding=br (docs/network.md)", 'N' },
    { "cache", 0, "MODE", "cold (default: an off-the-record context, a new origin\n"
      "and renderer per load, no cache)\n"
      "or warm: priming loads fill V8's wasm code cache in the\n"
      "browser's disk-backed profile, then the measured load reads it\n"
      "in a fresh renderer (streaming APIs only; condition \"warm\"\n"
      "unless --condition; docs/code-cache.md)", 'c' },
    { "js-churn", 0, "MB", "after the module, the harness churns MB of live JS\n"
      "objects (V8 GC workload, for comparison; 1..4096)", 'J' },
    { "trace-buffer-kb", 0, "KB", "Chrome's trace buffer (default 262144, 64..4194304); a\n"
      "load whose trace overflows it is stored as trace_data_loss", 'K' },
    { "batch", 0, "N", "trace N loads in one tracing session (1..64, default 1):\n"
      "each load still gets a new renderer and origin; the trace is\n"
      "split at each load's navigation and stored once, with the\n"
      "batch's first load (docs/batched-tracing.md)", 'B' },
    { "trace-format", 0, "FMT", "how Chrome exports each trace: json (default: Chrome\n"
      "converts its trace to JSON) or proto (Chrome's protobuf, which\n"
      "wasmlab converts: a shorter export; the stored trace is JSON\n"
      "either way; docs/trace-formats.md)", 'T' },
    { "v8", 0, "TIER", "V8's compile tiers for these loads: default, liftoff-only,\n"
      "turbofan-only, eager or lazy (docs/tiers.md says which V8\n"
      "flags each means); stored per load", 'V' },
    { "js-flags", 0, "\"FLAGS\"", "V8 flags for these loads, after the tier's, e.g.\n"
      "--js-flags \"--no-wasm-native-module-cache\"; stored per load", 'F' },
    { "browser-arg", 0, "FLAG", "an extra browser flag, e.g. --browser-arg=--js-flags=--liftoff\n"
      "(repeatable, at most 64; recorded in the run's command line)", 'A' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "timeout", 0, "SECONDS", "per-load limit for the page to report (default 60, 1..3600)",
      't' },
    { "manifest", 0, "FILE", "module manifest (default: the build's)", 'M' },
    { "pages", 0, "DIR", "harness pages (default: the source tree's pages/)", 'P' },
    { "save-traces", 0, "DIR", "also write each load's raw trace to DIR/load-ID.json\n"
      "(Chrome's JSON trace format: Perfetto UI opens it)", 'S' },
    { "keep-traces", 0, "RULE", "which loads' raw traces to store: all (default), failed,\n"
      "sample:N (failed loads' and every Nth ok load's) or none;\n"
      "the measurements of every load are stored whatever the rule", 'k' },
    { "resume", 0, NULL, "continue the newest run in --db that did not complete\n"
      "(interrupted or killed): give the same options again;\n"
      "loads already stored are not redone", 'U' },
    { "json", 0, NULL, "print the summary as JSON instead of a table", 'j' },
    { "quiet", 'q', NULL, "no progress or notes on stderr", 'q' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command run_command = {
    .name = "run",
    .usage = "[options]",
    .description =
        "Loads each module N times in headless Chromium, each load in a fresh browser\n"
        "context, and stores first-byte-to-compile and its trace details in SQLite.\n"
        "Loads are interleaved across modules (round-robin) so drift spreads evenly.",
    .options = run_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_LOADS_FAILED | CLI_EXITS_INTERRUPTED,
    .exit_notes = "(3: the failed loads are stored with status and error; 130: stored loads\n"
                  "are kept)",
    .examples = "wasmlab run --module go/hello --loads 5\n"
                "wasmlab run --module-file app.wasm --api buffered --db app.db\n"
                "wasmlab run --module go/json --v8 liftoff-only --condition liftoff-only\n"
                "wasmlab run --resume --module go/hello --loads 5\n"
                "wasmlab run --module go/json --cache warm --loads 5",
};

/* Splits --args on blanks into a JSON array: the modules' argv after argv[0]. */
static void set_module_args(struct plan_condition *cond, const char *text)
{
    json_t *arr = json_array();
    char *copy = xstrdup(text), *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        json_array_append_new(arr, json_string(w));
    free(copy);
    free(cond->args_json);
    cond->args_json = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
}

/* One option into the plan. Returns 0, or -1 after a usage error. */
static int take_option(struct cli_parser *p, int id, struct plan *cfg,
                       struct plan_condition *cond, const char **browser, int *n_browser_args)
{
    char *v = p->arg;
    switch (id) {
    case 'm':
    case 'f':
        if (cfg->n_names + cfg->n_files >= PLAN_MAX) {
            cli_usage_error(p->cmd, "--%s %s: too many modules (at most %d)", p->opt, v,
                            PLAN_MAX);
            return -1;
        }
        if (id == 'm')
            cfg->module_names[cfg->n_names++] = v;
        else
            cfg->module_files[cfg->n_files++] = v;
        return 0;
    case 'n': return cli_long(p, 1, 100000, "loads", &cfg->loads);
    case 't': return cli_long(p, 1, 3600, "seconds", &cfg->timeout_s);
    case 'J': return cli_long(p, 1, 4096, "MB", &cond->js_churn_mb);
    case 'K': return cli_long(p, 64, 4 << 20, "KB", &cfg->trace_buffer_kb);
    case 'B': return cli_long(p, 1, PLAN_BATCH_MAX, "loads", &cfg->batch);
    case 'T': {
        int i = cli_choice(p, plan_trace_formats);
        if (i >= 0)
            cfg->trace_proto = i == 1;
        return i < 0 ? -1 : 0;
    }
    case 'a': {
        int i = cli_choice(p, compile_apis);
        if (i >= 0)
            cfg->apis[0] = compile_apis[i];
        return i < 0 ? -1 : 0;
    }
    case 'b': *browser = v; return 0;   /* resolved by browser_spec_resolve */
    case 'd': cfg->db_path = v; return 0;
    case 'M': cfg->manifest_path = v; return 0;
    case 'P': cfg->pages_dir = v; return 0;
    case 'S': cfg->save_traces = v; return 0;
    case 'k':
        if (db_keep_rule_parse(v, &cfg->keep) < 0) {
            cli_usage_error(p->cmd, "--keep-traces %s: must be all, failed, sample:N or none", v);
            return -1;
        }
        return 0;
    case 'R': set_module_args(cond, v); return 0;
    case 'V':
        if (!v8_tier_find(v)) {
            cli_usage_error(p->cmd, "--v8 %s: unknown tier (must be " V8_TIER_LIST ")", v);
            return -1;
        }
        cond->v8_tier = v;
        return 0;
    case 'F': {
        char why[200];
        if (v8_js_flags_check(v, why, sizeof why) < 0) {
            cli_usage_error(p->cmd, "--js-flags %s: %s", v, why);
            return -1;
        }
        cond->js_flags = v;
        return 0;
    }
    case 'A':
        if (*n_browser_args >= 64 || strncmp(v, "--", 2) != 0) {
            cli_usage_error(p->cmd, "--browser-arg %s: must be a --flag (at most 64)", v);
            return -1;
        }
        cfg->browsers[0].extra_args[(*n_browser_args)++] = v;
        return 0;
    case 'j': cfg->json = true; return 0;
    case 'U': cfg->resume = true; return 0;
    case 'C':
        if (!*v || strlen(v) > 63) {
            cli_usage_error(p->cmd, "--condition %s: must be 1 to 63 characters", v);
            return -1;
        }
        cond->name = v;
        return 0;
    case 'N': {
        char err[256];
        if (net_parse(v, &cond->net, err, sizeof err) < 0) {
            cli_usage_error(p->cmd, "--%s", err);
            return -1;
        }
        return 0;
    }
    case 'c':
        if (cache_mode_parse(v, &cond->cache) < 0) {
            cli_usage_error(p->cmd, "--cache %s: must be cold or warm", v);
            return -1;
        }
        return 0;
    case 'q': util_quiet = true; return 0;
    }
    return 0;
}

/* Returns 0 to run, or CLI_HELP / CLI_BAD (see cli_exit_for). */
static int parse_args(int argc, char **argv, struct plan *cfg, struct plan_condition *cond,
                      const char **browser)
{
    *browser = DEFAULT_BROWSER;
    cfg->db_path = "results.db";
    cfg->apis[0] = "streaming";
    cfg->n_apis = 1;
    cond->name = "default";
    cfg->manifest_path = WASMLAB_MANIFEST;
    cfg->pages_dir = WASMLAB_PAGES_DIR;
    cfg->loads = 20;
    cfg->timeout_s = 60;
    int n_browser_args = 0;
    struct cli_parser p;
    cli_begin(&p, &run_command, argc, argv);
    int id;
    while ((id = cli_next(&p)) > 0) {
        if (take_option(&p, id, cfg, cond, browser, &n_browser_args) < 0) {
            cli_end(&p);
            return CLI_BAD;
        }
    }
    if (id < 0)
        return id;
    /* unlabelled warm loads say so in every summary */
    if (cond->cache == CACHE_WARM && strcmp(cond->name, "default") == 0)
        cond->name = "warm";
    if (cond->cache == CACHE_WARM && !cache_api_can_warm(cfg->apis[0])) {
        cli_usage_error(p.cmd, "--cache warm: API %s cannot use the code cache (Chromium "
                        "caches only streaming and instantiate-streaming compiles)", cfg->apis[0]);
        cli_end(&p);
        return CLI_BAD;
    }
    return cli_positionals(&p, 0, 0, "") < 0 ? CLI_BAD : 0;
}

int cmd_run(int argc, char **argv)
{
    struct plan p;
    memset(&p, 0, sizeof p);
    struct plan_condition *cond = &p.conditions[0];
    const char *browser = NULL;
    int prc = parse_args(argc, argv, &p, cond, &browser);
    if (prc != 0) {
        free(cond->args_json);
        return cli_exit_for(prc);
    }
    p.command = "run";
    p.n_conditions = 1;
    if (p.n_names == 0 && p.n_files == 0) {
        p.module_names[p.n_names++] = "c/hello";
        p.module_names[p.n_names++] = "go/hello";
    }
    /* headless-shell, chromium, a path or a stored build (collector/browsers/spec.h);
     * run never downloads one. */
    struct browser_choice bc;
    char err[1024];
    if (browser_spec_resolve("run", browser, false, &bc, err, sizeof err) < 0) {
        warnf("run: %s", err);
        free(cond->args_json);
        return EXIT_USAGE;
    }
    p.browsers[0].spec = bc.spec;
    p.browsers[0].path = bc.path;
    p.n_browsers = 1;
    p.shard_k = p.shard_n = 1;
    p.argc = argc;
    p.argv = argv;
    int rc = plan_execute(&p);
    browser_choice_free(&bc);
    free(cond->args_json);
    return rc;
}
