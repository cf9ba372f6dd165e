#include "collector/cli/cmd_report.h"

#include "collector/cli/exit_codes.h"
#include "collector/report/report_alloc.h"
#include "collector/cli/options.h"
#include "collector/report/report_gc.h"
#include "collector/report/report_html.h"
#include "collector/report/report_sizes.h"

/* Each kind: int fn(int argc, char **argv) with argv[0] the kind's name.
 * Add a kind: write collector/report/report_<kind>.c, declare its function
 * below, add a row to kinds[] and a line to the description. */
static const struct cli_subcommand kinds[] = {
    { "gc", report_gc, "GC pauses (V8 and Go) per module, browser and workload" },
    { "alloc", report_alloc, "C allocator latency (malloc/free ns) per module, browser and op" },
    { "sizes", report_sizes, "module sizes: C vs Go, variants, where Go's bytes go; next to the seeds' claims" },
    { "html", report_html, "one self-contained HTML page: summary tables and every chart" },
    { NULL, NULL, NULL }
};

static const struct cli_option report_options[] = { { NULL, 0, NULL, NULL, 0 } };

static const struct cli_command report_command = {
    .name = "report",
    .usage = "KIND [options]",
    .description =
        "Reports from the results DB (and, for sizes, the built modules). Each kind\n"
        "has its own options: wasmlab report KIND --help.\n"
        "\n"
        "Kinds:\n"
        "  gc     GC pauses (V8 and Go) per module, browser and workload\n"
        "  sizes  module sizes: C vs Go, variants, where Go's bytes go; next to the\n"
        "         seeds' claims\n"
        "  html   one self-contained HTML page: summary tables and every chart",
    .options = report_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(the kind's own --help lists its codes)",
    .examples = "wasmlab report gc --db results.db\n"
                "wasmlab report sizes --format markdown",
};

int cmd_report(int argc, char **argv)
{
    return cli_dispatch(&report_command, kinds, argc, argv);
}
