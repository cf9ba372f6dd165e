/* cmd_sweep: `wasmlab sweep EXPERIMENT.json`: runs an experiment's whole
 * matrix (collector/measure/experiment.h, collector/measure/plan.h), or one shard of it.
 * sweep_execute is the same as a library call, for `wasmlab nightly`. */
#ifndef WASMLAB_CMD_SWEEP_H
#define WASMLAB_CMD_SWEEP_H

#include <stdbool.h>

struct sweep_options {
    const char *command;           /* prefixes messages: "sweep", "nightly" */
    const char *experiment_file;
    const char *db_path;
    const char *manifest_path;     /* module manifest */
    const char *pages_dir;         /* harness pages */
    const char *save_traces;       /* NULL or a folder for raw traces */
    const char *keep_traces;       /* NULL: the experiment's keep_traces (default all) */
    int shard_k, shard_n;          /* 1 <= k <= n; 1/1 = the whole matrix */
    bool resume;                   /* continue the newest unfinished run */
    bool fetch;                    /* may download missing store browsers */
    bool json;                     /* summary as JSON */
    bool dry_run;                  /* list the shard's configurations, run nothing */
    long batch;                    /* loads per tracing session (--batch); 0/1: one each */
    const char *trace_format;      /* --trace-format; NULL: the experiment's, else json */
    int argc;                      /* the command line stored with the run */
    char **argv;
    char experiment[64];           /* out: the experiment's name, once loaded */
};

/* Defaults of `wasmlab sweep`: results.db, the build's manifest and pages,
 * shard 1/1, fetch on; no experiment file. */
void sweep_options_init(struct sweep_options *o);
/* Loads the experiment file, resolves its browsers and runs the plan (its
 * summary and progress as `wasmlab sweep` prints them). Returns an exit code
 * (collector/cli/exit_codes.h); problems are one line on stderr. */
int sweep_execute(struct sweep_options *o);
/* "K/N" with 1 <= K <= N <= 100000 -> 0, else -1. */
int sweep_parse_shard(const char *s, int *k, int *n);
/* The options nightly shares with sweep, both tables' ids 'B' (--batch N)
 * and 'T' (--trace-format FMT), parsed into o. Returns 1 when id was one of
 * them, 0 when not, -1 on a bad value (the parser has printed why). */
struct cli_parser;
int sweep_parse_shared(struct cli_parser *cp, int id, struct sweep_options *o);

int cmd_sweep(int argc, char **argv);

#endif
