#include "collector/cli/cmd_report.h"

#include "collector/cli/exit_codes.h"
#include "collector/report/report_alloc.h"
#include "collector/report/report_experiment.h"
#include "collector/cli/options.h"
#include "collector/report/report_gc.h"
#include "collector/report/report_html.h"
#include "collector/report/report_sizes.h"
#include "collector/report/report_wasi.h"

/* Each kind: int fn(int argc, char **argv) with argv[0] the kind's name.
 * Add a kind: write collector/report/report_<kind>.c, declare its function
 * below, add a row to kinds[]. */
static const struct cli_subcommand kinds[] = {
    { "gc", report_gc, "GC pauses (V8 and Go) per module, browser and workload" },
    { "alloc", report_alloc, "C allocator latency (malloc/free ns) per module, browser and op" },
    { "sizes", report_sizes, "module sizes: C vs Go, variants, where Go's bytes go" },
    { "wasi", report_wasi, "the WASI census: WASI functions x runtime x language" },
    { "experiment", report_experiment,
      "an experiment's questions answered: one sentence each, with its 95% CI" },
    { "html", report_html, "one self-contained HTML page: summary tables and every chart" },
    { NULL, NULL, NULL }
};

static const struct cli_option report_options[] = { { NULL, 0, NULL, NULL, 0 } };

/* The help lists kinds[] itself, so a new kind needs no second line here. */
static const struct cli_command *report_command(void)
{
    static char description[2048];
    static struct cli_command cmd = {
        .name = "report",
        .usage = "KIND [options]",
        .description = description,
        .options = report_options,
        .exits = CLI_EXITS_BASIC,
        .exit_notes = "(the kind's own --help lists its codes)",
        .examples = "wasmlab report gc --db results.db\n"
                    "wasmlab report sizes --format markdown",
    };
    size_t len = (size_t)snprintf(description, sizeof description, "%s",
                                  "Reports from the results DB (and, for sizes, the built "
                                  "modules). Each kind\nhas its own options: wasmlab report "
                                  "KIND --help.\n\nKinds:");
    for (size_t i = 0; kinds[i].name && len < sizeof description; i++)
        len += (size_t)snprintf(description + len, sizeof description - len, "\n  %-10s %s",
                                kinds[i].name, kinds[i].summary);
    return &cmd;
}

int cmd_report(int argc, char **argv)
{
    return cli_dispatch(report_command(), kinds, argc, argv);
}
