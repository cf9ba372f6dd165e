#include "collector/cli/cmd_report.h"

#include <stdio.h>
#include <string.h>

#include "collector/cli/exit_codes.h"
#include "collector/report/report_alloc.h"
#include "collector/report/report_gc.h"
#include "collector/report/report_html.h"
#include "collector/report/report_sizes.h"
#include "base/util.h"

/* Each kind: int fn(int argc, char **argv) with argv[0] the kind's name.
 * Add a kind: write collector/report_<kind>.c, declare its function below,
 * add a row to kinds[]. */
struct report_kind {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct report_kind kinds[] = {
    /* rows are added here by each report's own change */
    { "gc", report_gc, "GC pauses (V8 and Go) per module, browser and workload" },
    { "alloc", report_alloc, "C allocator latency (malloc/free ns) per module, browser and op" },
    { "sizes", report_sizes, "module sizes: C vs Go, variants, where Go's bytes go; next to the seeds' claims" },
    { "html", report_html, "one self-contained HTML page: summary tables and every chart" },
    { NULL, NULL, NULL }
};

static void usage(FILE *out)
{
    fprintf(out, "usage: wasmlab report KIND [options]   (wasmlab report KIND --help)\n\n");
    for (size_t i = 0; kinds[i].name; i++)
        fprintf(out, "  %-8s %s\n", kinds[i].name, kinds[i].summary);
}

int cmd_report(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; kinds[i].name; i++)
        if (strcmp(argv[1], kinds[i].name) == 0)
            return kinds[i].fn(argc - 1, argv + 1);
    warnf("report: unknown kind %s (see wasmlab report --help)", argv[1]);
    return EXIT_USAGE;
}
