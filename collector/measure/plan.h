/* plan: what a measurement does, and the code that does it.
 *
 * A plan is browsers x modules x compile APIs x conditions = configurations,
 * each loaded `loads` times (after `warmup` loads that run but are not
 * stored), interleaved round-robin (round r of every configuration before
 * round r+1 of any) so machine drift spreads evenly across configurations.
 * `wasmlab run` builds a plan from its options (one browser, one API, one
 * condition); `wasmlab sweep` builds one from an experiment file. */
#ifndef WASMLAB_PLAN_H
#define WASMLAB_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/measure/code_cache.h"
#include "collector/measure/network.h"
#include "db/db.h"
#include "db/prune.h"

#define PLAN_MAX 256
#define PLAN_BATCH_MAX 64   /* --batch at most */

/* --trace-format's choices, in order: json, proto (NULL-terminated) */
extern const char *const plan_trace_formats[];

struct plan_browser {
    char *spec;                    /* as given: a path, "chromium@126", "system" */
    char *path;                    /* executable */
    const char *extra_args[80];    /* NULL-terminated browser flags */
};

struct plan_condition {
    char *name;                    /* stored in loads.condition */
    char *args_json;               /* the modules' argv; NULL = the manifest's */
    long js_churn_mb;
    struct net_condition net;      /* profile "" = the default (net_default) */
    const char *v8_tier;           /* v8_flags.h's tier name; NULL = default */
    const char *js_flags;          /* the condition's own V8 flags; NULL = none */
    enum cache_mode cache;         /* cold (default) | warm (code_cache.h) */
};

struct plan {
    const char *command;           /* "run" / "sweep": prefixes messages */
    const char *db_path;
    const char *manifest_path;     /* NULL when only outside files are used */
    const char *pages_dir;
    const char *save_traces;       /* NULL or a folder */
    struct db_keep_rule keep;      /* which loads' traces are stored (zero: all) */
    const char *module_names[PLAN_MAX];
    int n_names;
    const char *module_files[PLAN_MAX];
    int n_files;
    struct plan_browser browsers[PLAN_MAX];
    int n_browsers;
    const char *apis[4];
    int n_apis;
    struct plan_condition conditions[PLAN_MAX];
    int n_conditions;
    long loads, warmup;
    long timeout_s;
    long trace_buffer_kb;
    long batch;                    /* loads per tracing session (load.h); <= 1: one each */
    bool trace_proto;              /* --trace-format proto (load.h, trace_proto) */
    int shard_k, shard_n;          /* 1/1 = everything */
    bool resume, json;
    const char *experiment;        /* experiment name (sweep), NULL for run */
    const char *questions_json;    /* the experiment's "questions" (runs.questions), or NULL */
    long auto_max;                 /* auto-sampling: max loads a side (0 = off) */
    double auto_width_ms;          /* ... until the 95% CI is at most this wide */
    int auto_baseline;             /* ... comparing this browser with each other */
    int argc;                      /* the command line, stored with the run */
    char **argv;
};

/* Runs the plan; prints the summary; returns an exit code
 * (collector/cli/exit_codes.h). */
int plan_execute(struct plan *p);

/* How many configurations the plan has before sharding: browsers x modules
 * x APIs x conditions (configuration i runs on shard K of N when
 * i mod N == K-1). Needs no browser, module or DB. */
long plan_config_count(const struct plan *p);

/* Configuration `index` (0 <= index < plan_config_count) in the one order
 * runs, shards and `sweep --dry-run` use: browser, then module (names, then
 * files: module < n_names is module_names[module], else
 * module_files[module - n_names]), then API, then condition, the last
 * varying fastest. */
struct plan_config_ref {
    int browser, module, api, condition;
};
void plan_config_at(const struct plan *p, long index, struct plan_config_ref *out);
/* The shard (1..shard_n) that runs configuration index. */
int plan_config_shard(const struct plan *p, long index);

#endif
