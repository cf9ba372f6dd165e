/* wasmlab: measure how fast Chromium stream-compiles WebAssembly.
 * main() only dispatches to a command; everything else is in wasmlab_core. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "collector/cli/cmd_browsers.h"
#include "collector/cli/cmd_compare.h"
#include "collector/cli/cmd_inspect.h"
#include "collector/cli/cmd_export.h"
#include "collector/cli/cmd_import.h"
#include "collector/cli/cmd_plot.h"
#include "collector/cli/cmd_merge.h"
#include "collector/cli/cmd_prune.h"
#include "collector/cli/cmd_modules.h"
#include "collector/cli/cmd_report.h"
#include "collector/cli/cmd_serve.h"
#include "collector/cli/cmd_sweep.h"
#include "collector/cli/cmd_wasi.h"
#include "collector/cli/cmd_nightly.h"
#include "collector/cli/cmd_run.h"
#include "collector/cli/options.h"
#include "base/util.h"
#include "wasmlab_config.h"

static const struct cli_subcommand commands[] = {
    { "run", cmd_run, "measure modules in headless Chromium, store loads in SQLite" },
    { "sweep", cmd_sweep, "run an experiment's matrix (browsers x modules x APIs x conditions)" },
    { "nightly", cmd_nightly, "sweep, compare with the previous nightly, Markdown report" },
    { "serve", cmd_serve, "serve the harness pages and modules on 127.0.0.1 (debugging)" },
    { "report", cmd_report, "reports from the results DB (wasmlab report --help)" },
    { "wasi", cmd_wasi, "the WASI census: modules x WASI runtimes, every call stored" },
    { "modules", cmd_modules, "list the built modules (names for run --module and inspect)" },
    { "inspect", cmd_inspect, "list a .wasm file's sections, imports and gzip/brotli sizes" },
    { "browsers", cmd_browsers, "add, list, remove Chromium builds in the browser store" },
    { "compare", cmd_compare, "compare two sets of loads: medians, bootstrap CI, Mann-Whitney" },
    { "merge", cmd_merge, "merge result DBs (shards, machines) into one, idempotently" },
    { "prune", cmd_prune, "delete stored traces by a retention rule and reclaim the space" },
    { "plot", cmd_plot, "charts of the results DB with gnuplot (wasmlab plot --help)" },
    { "export", cmd_export, "a load's trace or folded stacks, or a table as CSV/JSON" },
    { "import-trace", cmd_import_trace, "store a Chrome trace recorded elsewhere as a measured load" },
    { NULL, NULL, NULL },
};

static const struct cli_option main_options[] = {
    { "version", 0, NULL, "print the version", 'V' },
    { NULL, 0, NULL, NULL, 0 },
};

int main(int argc, char **argv)
{
    /* One malloc arena for every thread. A batch's trace is parsed on a
     * work_queue thread (measure/load.c) while this one reads it; with an
     * arena each, memory one thread freed stayed out of the other's reach:
     * a 60-load go/hello run with --batch 30 peaked at 32.5 MB instead of
     * 29.4 (measured here). The threads seldom allocate at once. */
    mallopt(M_ARENA_MAX, 1);
    /* Blocks of 128 KB or more in their own mappings, always. glibc raises
     * that threshold each time such a block is freed, after which a batch's
     * growing arrays (its loads' kept events) come from the heap, are copied
     * as they grow and leave holes behind: go/json --batch 30 peaked at
     * 27.5 MB with the raising, 24.4 MB without (go/hello --batch 64: 31.9,
     * 30.1). A mapped array grows by mremap, and its unused tail is never
     * touched. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);

    /* The description lists the commands, so it is built from the table. */
    static char description[2048];
    size_t len = (size_t)snprintf(description, sizeof description,
                                  "Measures how fast Chromium stream-compiles WebAssembly and "
                                  "stores the results in SQLite.\n"
                                  "Each command has its own help: wasmlab COMMAND --help.\n\n"
                                  "Commands:");
    for (size_t i = 0; commands[i].name && len < sizeof description; i++)
        len += (size_t)snprintf(description + len, sizeof description - len, "\n  %-13s %s",
                                commands[i].name, commands[i].summary);
    const struct cli_command main_command = {
        .name = "",
        .usage = "COMMAND [options]",
        .description = description,
        .options = main_options,
        .exits = CLI_EXITS_BASIC | CLI_EXITS_LOADS_FAILED | CLI_EXITS_REGRESSION |
                 CLI_EXITS_INTERRUPTED,
        .exit_notes = "(each command's --help lists the codes it returns)",
        .examples = "wasmlab run --module go/hello --loads 5\n"
                    "wasmlab modules go/\n"
                    "wasmlab report --help",
    };
    if (argc < 2) {
        cli_help(&main_command, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0) {
        cli_help(&main_command, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wasmlab %s\n", WASMLAB_VERSION);
        return EXIT_OK;
    }
    if (argv[1][0] != '-') {
        for (size_t i = 0; commands[i].name; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].fn(argc - 1, argv + 1);
        return cli_usage_error(&main_command, "unknown command %s", argv[1]);
    }
    return cli_dispatch(&main_command, commands, argc, argv);
}
