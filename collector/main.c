/* wasmlab: measure how fast Chromium stream-compiles WebAssembly.
 * main() only dispatches to a command; everything else is in wasmlab_core. */
#include <stdio.h>
#include <string.h>

#include "collector/cli/cmd_browsers.h"
#include "collector/cli/cmd_compare.h"
#include "collector/cli/cmd_inspect.h"
#include "collector/cli/cmd_export.h"
#include "collector/cli/cmd_import.h"
#include "collector/cli/cmd_plot.h"
#include "collector/cli/cmd_merge.h"
#include "collector/cli/cmd_report.h"
#include "collector/cli/cmd_serve.h"
#include "collector/cli/cmd_sweep.h"
#include "collector/cli/cmd_nightly.h"
#include "collector/cli/cmd_run.h"
#include "base/util.h"
#include "wasmlab_config.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "run", cmd_run, "measure modules in headless Chromium, store loads in SQLite" },
    { "sweep", cmd_sweep, "run an experiment's matrix (browsers x modules x APIs x conditions)" },
    { "nightly", cmd_nightly, "sweep, compare with the previous nightly, Markdown report" },
    { "serve", cmd_serve, "serve the harness pages and modules on 127.0.0.1 (debugging)" },
    { "report", cmd_report, "reports from the results DB (wasmlab report --help)" },
    { "inspect", cmd_inspect, "list a .wasm file's sections, imports and gzip/brotli sizes" },
    { "browsers", cmd_browsers, "add, list, remove Chromium builds in the browser store" },
    { "compare", cmd_compare, "compare two sets of loads: medians, bootstrap CI, Mann-Whitney" },
    { "merge", cmd_merge, "merge result DBs (shards, machines) into one, idempotently" },
    { "plot", cmd_plot, "charts of the results DB with gnuplot (wasmlab plot --help)" },
    { "export", cmd_export, "a load's trace or folded stacks, or a table as CSV/JSON" },
    { "import-trace", cmd_import_trace, "store a Chrome trace recorded elsewhere as a measured load" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: wasmlab COMMAND [options]   (wasmlab COMMAND --help for more)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  --version  print the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wasmlab %s\n", WASMLAB_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    warnf("unknown command %s (see wasmlab --help)", argv[1]);
    return EXIT_USAGE;
}
