#define _GNU_SOURCE
#include "collector/cli/cmd_run.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/browsers/spec.h"
#include "collector/measure/plan.h"
#include "base/util.h"
#include "wasmlab_config.h"

/* The real binary: Debian's /usr/bin/chromium-headless-shell is a sh wrapper
 * that does not exec, so the browser would not be our direct child (and
 * PR_SET_PDEATHSIG would not reach it if wasmlab were killed). */
#define DEFAULT_BROWSER "/usr/lib/chromium/chromium-headless-shell"

static const char usage_text[] =
"usage: wasmlab run [options]\n"
"\n"
"Loads each module N times in headless Chromium, each load in a fresh browser\n"
"context, and stores first-byte-to-compile and its trace details in SQLite.\n"
"Loads are interleaved across modules (round-robin) so drift spreads evenly.\n"
"\n"
"  --module NAME        a built module from the manifest (repeatable);\n"
"                       default: c/hello and go/hello\n"
"  --module-file FILE   any outside .wasm file (repeatable); compiled only\n"
"  --loads N            loads per module (default 20, 1..100000)\n"
"  --api API            streaming (WebAssembly.compileStreaming, default)\n"
"                       or buffered (fetch + arrayBuffer + WebAssembly.compile)\n"
"  --browser B          Chromium executable, 'headless-shell' (default,\n"
"                       " DEFAULT_BROWSER "), 'chromium' (/usr/bin/chromium),\n"
"                       or a stored build: chromium@126 (wasmlab browsers add)\n"
"  --args \"A B ...\"     the modules' arguments, replacing the manifest's (e.g.\n"
"                       --args \"--live-mb 128 --rounds 50\" for gc-churn)\n"
"  --condition NAME     label these loads' condition (default: default)\n"
"  --js-churn MB        after the module, the harness churns MB of live JS\n"
"                       objects (V8 GC workload, for comparison)\n"
"  --trace-buffer-kb KB Chrome's trace buffer (default 262144); a load whose\n"
"                       trace overflows it is stored as trace_data_loss\n"
"  --browser-arg FLAG   an extra browser flag, e.g. --browser-arg=--js-flags=--liftoff\n"
"                       (repeatable; recorded in the run's command line)\n"
"  --db FILE            results database (default results.db)\n"
"  --timeout SECONDS    per-load limit for the page to report (default 60)\n"
"  --manifest FILE      module manifest (default: the build's)\n"
"  --pages DIR          harness pages (default: the source tree's pages/)\n"
"  --save-traces DIR    also write each load's raw trace to DIR/load-ID.json\n"
"                       (Chrome's JSON trace format: Perfetto UI opens it)\n"
"  --resume             continue the newest run in --db that did not complete\n"
"                       (interrupted or killed): give the same options again;\n"
"                       loads already stored are not redone\n"
"  --json               print the summary as JSON instead of a table\n"
"  -q, --quiet          no progress or notes on stderr\n"
"  -h, --help           this help\n"
"\n"
"Exit codes: 0 all loads ok; 1 error; 2 bad usage or input; 3 run completed\n"
"but some loads failed (they are stored with status and error); 130\n"
"interrupted (stored loads kept).\n";

static int parse_args(int argc, char **argv, struct plan *cfg, struct plan_condition *cond,
                      const char **browser)
{
    static const struct option longopts[] = {
        { "module", required_argument, NULL, 'm' },
        { "module-file", required_argument, NULL, 'f' },
        { "loads", required_argument, NULL, 'n' },
        { "api", required_argument, NULL, 'a' },
        { "browser", required_argument, NULL, 'b' },
        { "db", required_argument, NULL, 'd' },
        { "timeout", required_argument, NULL, 't' },
        { "manifest", required_argument, NULL, 'M' },
        { "pages", required_argument, NULL, 'P' },
        { "save-traces", required_argument, NULL, 'S' },
        { "browser-arg", required_argument, NULL, 'A' },
        { "args", required_argument, NULL, 'R' },
        { "js-churn", required_argument, NULL, 'J' },
        { "trace-buffer-kb", required_argument, NULL, 'K' },
        { "json", no_argument, NULL, 'j' },
        { "resume", no_argument, NULL, 'U' },
        { "condition", required_argument, NULL, 'C' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
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
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
        case 'f':
            if (cfg->n_names + cfg->n_files >= PLAN_MAX) {
                warnf("run: too many modules (at most %d)", PLAN_MAX);
                return -1;
            }
            if (c == 'm')
                cfg->module_names[cfg->n_names++] = optarg;
            else
                cfg->module_files[cfg->n_files++] = optarg;
            break;
        case 'n':
            if (parse_long(optarg, 1, 100000, &cfg->loads) < 0) {
                warnf("run: --loads %s: not a number from 1 to 100000", optarg);
                return -1;
            }
            break;
        case 't':
            if (parse_long(optarg, 1, 3600, &cfg->timeout_s) < 0) {
                warnf("run: --timeout %s: not a number of seconds from 1 to 3600", optarg);
                return -1;
            }
            break;
        case 'a':
            if (strcmp(optarg, "streaming") && strcmp(optarg, "buffered")) {
                warnf("run: --api %s: must be streaming or buffered", optarg);
                return -1;
            }
            cfg->apis[0] = optarg;
            break;
        case 'b': *browser = optarg; break;   /* resolved by browser_spec_resolve */
        case 'd': cfg->db_path = optarg; break;
        case 'M': cfg->manifest_path = optarg; break;
        case 'P': cfg->pages_dir = optarg; break;
        case 'S': cfg->save_traces = optarg; break;
        case 'R': {
            /* split on blanks into a JSON array: the modules' argv after argv[0] */
            json_t *arr = json_array();
            char *copy = xstrdup(optarg), *save = NULL;
            for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
                json_array_append_new(arr, json_string(w));
            free(copy);
            free(cond->args_json);
            cond->args_json = json_dumps(arr, JSON_COMPACT);
            json_decref(arr);
            break;
        }
        case 'J':
            if (parse_long(optarg, 1, 4096, &cond->js_churn_mb) < 0) {
                warnf("run: --js-churn %s: not a number of MB from 1 to 4096", optarg);
                return -1;
            }
            break;
        case 'K':
            if (parse_long(optarg, 64, 4 << 20, &cfg->trace_buffer_kb) < 0) {
                warnf("run: --trace-buffer-kb %s: not a number from 64 to 4194304", optarg);
                return -1;
            }
            break;
        case 'A':
            if (n_browser_args >= 64 || strncmp(optarg, "--", 2) != 0) {
                warnf("run: --browser-arg %s: must be a --flag (at most 64)", optarg);
                return -1;
            }
            cfg->browsers[0].extra_args[n_browser_args++] = optarg;
            break;
        case 'j': cfg->json = true; break;
        case 'U': cfg->resume = true; break;
        case 'C':
            if (!*optarg || strlen(optarg) > 63) {
                warnf("run: --condition %s: 1 to 63 characters", optarg);
                return -1;
            }
            cond->name = optarg;
            break;
        case 'q': util_quiet = true; break;
        case 'h':
            fputs(usage_text, stdout);
            return 1;
        case ':':
            warnf("run: option %s needs a value (see wasmlab run --help)", argv[optind - 1]);
            return -1;
        default:
            warnf("run: unknown option %s (see wasmlab run --help)", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        warnf("run: unexpected argument %s (see wasmlab run --help)", argv[optind]);
        return -1;
    }
    return 0;
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
        return prc > 0 ? EXIT_OK : EXIT_USAGE;
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
