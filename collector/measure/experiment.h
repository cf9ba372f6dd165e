/* experiment: experiments/NAME.json files, parsed with Jansson into a plan.
 *
 *   {
 *     "name": "nightly",                      required: [A-Za-z0-9._-]+
 *     "description": "...",                   optional
 *     "browsers": ["headless-shell", "chromium@126", "/path/to/chrome"],
 *     "modules": ["c/hello", "go/hello"],     names from the build manifest
 *     "module_files": ["/abs/or/relative.wasm"],
 *     "apis": ["streaming", "buffered"],      default ["streaming"]; any of
 *             compile_api.h's list
 *     "conditions": [                          default [{"name": "default"}]
 *       {"name": "heap-128mb", "args": ["--live-mb", "128"], "js_churn_mb": 0},
 *       {"name": "4g-br", "network": "4g,encoding=br"}   network.h's syntax,
 *       {"name": "slow", "network": {"bw": 50000, "latency": 40, "shaper": "cdp"}},
 *       {"name": "tf", "v8": "turbofan-only", "js_flags": "--no-wasm-native-module-cache"},
 *                                              v8: a tier of v8_flags.h; js_flags: V8
 *                                              flags after the tier's. A condition
 *                                              with its own flags gets its own browser
 *       {"name": "warm", "cache": "warm"}      cold (default) | warm (code_cache.h);
 *                                             warm needs streaming APIs only
 *     ],
 *     "loads": 10, "warmup": 1,               loads per configuration, and
 *                                             unstored warm-up loads before
 *     "timeout_s": 60,                        per-load limit
 *     "browser_args": ["--js-flags=..."],     extra flags for every browser
 *     "keep_traces": "sample:10",             traces stored: all (default),
 *                                             failed, sample:N, none (db/prune.h)
 *     "batch": 10,                            loads per tracing session, 1..64
 *                                             (default 1; docs/batched-tracing.md)
 *     "trace_format": "proto",                how Chrome exports traces: json
 *                                             (default) | proto (docs/trace-formats.md)
 *     "auto_sample": {                        optional, tachometer-style: after
 *       "baseline": "headless-shell",         `loads`, keep loading each pair
 *       "ci_width_ms": 0.5,                   (baseline vs another browser) until
 *       "max_loads": 50                       the 95% CI of the difference of
 *     },                                      medians is this narrow, or max
 *     "questions": [...]                      what `wasmlab report experiment`
 *                                             answers (collector/report/questions.h)
 *   }
 *
 * Every key is checked: an unknown key, a wrong type or a value out of range
 * is an error naming the file and the key. Relative module_files are taken
 * relative to the experiment file's folder. */
#ifndef WASMLAB_EXPERIMENT_H
#define WASMLAB_EXPERIMENT_H

#include <stddef.h>

#include <jansson.h>

#include "collector/measure/plan.h"

struct experiment {
    json_t *root;          /* owns every string the plan points at */
    char *dir;             /* the file's folder */
    char *resolved[PLAN_MAX];   /* module_files made absolute */
    char *args[PLAN_MAX];       /* conditions' args as JSON text */
    char *questions;            /* "questions" as JSON text, NULL without */
};

/* Fills p's browsers (specs only: path = spec), modules, apis, conditions,
 * loads, warmup, timeout, batch, trace format, experiment name. Returns 0, or -1 with one line in
 * err. Free with experiment_free (after p is no longer used). */
int experiment_load(const char *path, struct experiment *e, struct plan *p,
                    char *err, size_t errlen);
/* The same from text (for tests and fuzzing); dir resolves module_files. */
int experiment_parse(const char *text, size_t len, const char *name, const char *dir,
                     struct experiment *e, struct plan *p, char *err, size_t errlen);
void experiment_free(struct experiment *e);

#endif
