#include "collector/cli/cmd_prune.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "db/db.h"
#include "db/prune.h"
#include "db/runs.h"

static const struct cli_option prune_options[] = {
    { "db", 0, "FILE", "the results database (required; must exist)", 'd' },
    { "older-than", 0, "DAYS", "only runs started more than DAYS ago (0..36500)", 'o' },
    { "run", 0, "ID", "only this run", 'r' },
    { "experiment", 0, "NAME", "only runs of this experiment (sweep, nightly)", 'e' },
    { "keep", 0, "RULE", "traces that stay: failed (default: failed loads' only),\n"
      "sample:N (failed loads' and every Nth ok load's) or none", 'k' },
    { "dry-run", 0, NULL, "count what would be removed; change nothing", 'n' },
    { "vacuum", 0, NULL, "then shrink the file by the freed space: VACUUM, which\n"
      "rewrites it and needs as much free disk as the DB", 'v' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command prune_command = {
    .name = "prune",
    .usage = "--db FILE [options]",
    .description =
        "Deletes stored raw traces (load_traces) that the --keep rule does not keep, in\n"
        "one transaction, and says how many traces and bytes it removed. Loads and\n"
        "every measurement stay; `export trace` of a pruned load says its trace is gone.\n"
        "A DB being written by a run is waited for, never damaged.",
    .options = prune_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2: no such DB, run or experiment, or a bad rule or number)",
    .examples = "wasmlab prune --db results.db --older-than 30 --keep sample:10 --vacuum\n"
                "wasmlab prune --db results.db --run 3 --keep none --dry-run",
};

struct prune_args {
    const char *db_path;
    struct db_prune_scope scope;
    struct db_keep_rule rule;
    bool dry_run, vacuum;
};

static int take_option(struct cli_parser *p, int id, struct prune_args *a)
{
    long n;
    switch (id) {
    case 'd': a->db_path = p->arg; return 0;
    case 'o':
        if (cli_long(p, 0, 36500, "days", &n) < 0)
            return -1;
        a->scope.older_than_days = (double)n;
        return 0;
    case 'r':
        if (cli_long(p, 1, 0x7fffffffL, "(a run id)", &n) < 0)
            return -1;
        a->scope.run_id = n;
        return 0;
    case 'e': a->scope.experiment = p->arg; return 0;
    case 'k':
        if (db_keep_rule_parse(p->arg, &a->rule) < 0 || a->rule.kind == DB_KEEP_ALL) {
            cli_usage_error(p->cmd, "--keep %s: must be failed, sample:N or none", p->arg);
            return -1;
        }
        return 0;
    case 'n': a->dry_run = true; return 0;
    case 'v': a->vacuum = true; return 0;
    }
    return 0;
}

/* Returns PRUNE_GO to prune, or an exit code (EXIT_OK after --help). */
#define PRUNE_GO (-1)
static int parse_args(int argc, char **argv, struct prune_args *a)
{
    memset(a, 0, sizeof *a);
    a->scope.older_than_days = -1;
    a->rule.kind = DB_KEEP_FAILED;
    struct cli_parser p;
    cli_begin(&p, &prune_command, argc, argv);
    int id;
    while ((id = cli_next(&p)) > 0) {
        if (take_option(&p, id, a) < 0) {
            cli_end(&p);
            return EXIT_USAGE;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&p, 0, 0, "") < 0)
        return EXIT_USAGE;
    if (!a->db_path)
        return cli_usage_error(&prune_command, "--db FILE is required");
    if (a->scope.run_id > 0 && a->scope.experiment)
        return cli_usage_error(&prune_command, "give --run or --experiment, not both");
    if (access(a->db_path, F_OK) < 0)
        return cli_usage_error(&prune_command, "--db %s: no such file", a->db_path);
    return PRUNE_GO;
}

/* The --run or --experiment given must exist. 0, EXIT_USAGE or EXIT_ERROR. */
static int check_scope(struct db *db, const struct prune_args *a)
{
    int found = 1;
    if (a->scope.run_id > 0)
        found = db_run_exists(db, a->scope.run_id);
    else if (a->scope.experiment)
        found = db_experiment_exists(db, a->scope.experiment);
    if (found < 0) {
        cli_warn(&prune_command, "%s", db_errmsg(db));
        return EXIT_ERROR;
    }
    if (found == 0) {
        if (a->scope.run_id > 0)
            return cli_usage_error(&prune_command, "--run %lld: no such run in %s",
                                   (long long)a->scope.run_id, a->db_path);
        return cli_usage_error(&prune_command, "--experiment %s: no run of it in %s",
                               a->scope.experiment, a->db_path);
    }
    return 0;
}

static int prune(struct db *db, const struct prune_args *a)
{
    int rc = check_scope(db, a);
    if (rc != 0)
        return rc;
    struct db_prune_result res;
    if (db_prune_traces(db, &a->scope, &a->rule, a->dry_run, &res) < 0) {
        cli_warn(&prune_command, "%s (nothing was removed)", db_errmsg(db));
        return EXIT_ERROR;
    }
    char rule[32];
    db_keep_rule_format(&a->rule, rule, sizeof rule);
    printf("%s %lld traces (%lld bytes stored) by --keep %s\n",
           a->dry_run ? "would remove" : "removed", (long long)res.traces,
           (long long)res.bytes, rule);
    if (!a->vacuum || a->dry_run)
        return EXIT_OK;
    int64_t before = db_file_bytes(db);
    if (db_reclaim_space(db) < 0) {
        cli_warn(&prune_command, "VACUUM: %s (the traces stay removed)", db_errmsg(db));
        return EXIT_ERROR;
    }
    printf("vacuum: %lld -> %lld bytes\n", (long long)before, (long long)db_file_bytes(db));
    return EXIT_OK;
}

int cmd_prune(int argc, char **argv)
{
    struct prune_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != PRUNE_GO)
        return rc;
    char err[1024];
    struct db *db = db_open(a.db_path, err, sizeof err);
    if (!db)
        return cli_usage_error(&prune_command, "%s", err);
    rc = prune(db, &a);
    db_close(db);
    return rc;
}
