/* wasmlab merge: the command line of db/merge.h (how rows are matched and
 * remapped is described there). */
#define _GNU_SOURCE
#include "collector/cli/cmd_merge.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "db/db.h"
#include "db/merge.h"

static const struct cli_option merge_options[] = { { NULL, 0, NULL, NULL, 0 } };

static const struct cli_command merge_command = {
    .name = "merge",
    .usage = "OUT.db IN.db...",
    .description =
        "Copies into OUT.db (created if missing) every run of each IN.db that OUT.db\n"
        "lacks (runs are keyed by UUID), with its loads and all their rows (chunks,\n"
        "compile events, marks, traces, GC pauses, ...); browsers and modules are\n"
        "matched by content, not by row id. Loads a run in OUT.db already has are not\n"
        "copied again, so merging the same file twice changes nothing, and a run\n"
        "merged while still running gets its later loads on the next merge.\n"
        "An input with an older schema is migrated in a temporary copy (the input is\n"
        "never written); one with a newer schema is refused. Each input is merged in\n"
        "one transaction.",
    .options = merge_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(1: DB error; 2 also for a bad input: missing, not a wasmlab DB, newer\n"
                  "schema, the same file as OUT)",
    .examples = "wasmlab merge all.db shard1.db shard2.db shard3.db",
};

int cmd_merge(int argc, char **argv)
{
    struct cli_parser cp;
    cli_begin(&cp, &merge_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0)
        ;
    if (id < 0)
        return cli_exit_for(id);
    if (argc - cp.rest < 2)
        return cli_usage_error(&merge_command, "give OUT.db and at least one IN.db");
    /* the positionals as argv[1..]: OUT.db, then the inputs */
    argc -= cp.rest - 1;
    argv += cp.rest - 1;
    const char *out_path = argv[1];
    char err[1024];
    /* Check every input before writing anything. */
    char out_real[PATH_MAX] = "";
    bool have_out = realpath(out_path, out_real) != NULL;
    for (int i = 2; i < argc; i++) {
        int version;
        if (db_merge_check_input(argv[i], &version, err, sizeof err) < 0) {
            warnf("merge: %s", err);
            return EXIT_USAGE;
        }
        char in_real[PATH_MAX];
        if (have_out && realpath(argv[i], in_real) && strcmp(in_real, out_real) == 0) {
            warnf("merge: %s is the output DB itself", argv[i]);
            return EXIT_USAGE;
        }
    }
    struct db *out = db_open(out_path, err, sizeof err);
    if (!out) {
        warnf("merge: %s", err);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (int i = 2; i < argc && rc == EXIT_OK; i++) {
        struct db_merge_counts mc;
        if (db_merge(out, argv[i], &mc, err, sizeof err) < 0) {
            warnf("merge: %s into %s: %s (nothing of it merged)", argv[i], out_path, err);
            rc = EXIT_ERROR;
            continue;
        }
        if (mc.schema_from != mc.schema_to)
            notef("merge: %s has schema version %d; merging a copy migrated to %d", argv[i],
                  mc.schema_from, mc.schema_to);
        printf("%s: %lld runs (%lld new, %lld already present%s), %lld loads, "
               "%lld browsers, %lld modules, %lld detail rows copied\n",
               argv[i], (long long)mc.runs_seen, (long long)mc.runs_new,
               (long long)(mc.runs_seen - mc.runs_new),
               mc.runs_updated ? ", some marked finished" : "", (long long)mc.loads,
               (long long)mc.browsers, (long long)mc.modules, (long long)mc.rows);
    }
    db_close(out);
    return rc;
}
