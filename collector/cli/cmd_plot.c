#include "collector/cli/cmd_plot.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/exit_codes.h"
#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "collector/cli/selection.h"
#include "base/util.h"

static void usage(FILE *out)
{
    fprintf(out,
"usage: wasmlab plot KIND [options]\n"
"\n"
"Draws one chart of the results DB with gnuplot (found on PATH, or\n"
"$WASMLAB_GNUPLOT). Kinds:\n\n");
    for (size_t i = 0; plot_kinds[i].name; i++)
        fprintf(out, "  %-11s %s\n", plot_kinds[i].name, plot_kinds[i].summary);
    fprintf(out,
"\n"
"  --db FILE          results database (default results.db)\n"
"  --run ID|all       the run to draw (default: the newest; sweep and sizes:\n"
"                     all runs)\n"
"  --load ID          timeline, pauses: the load (default: the run's ok load nearest\n"
"                     its module's median first-byte-to-compile)\n"
"  --module NAME      only this module (e.g. go/hello)\n"
"  --out DIR          folder for the image (default .; made if missing); the\n"
"                     file is KIND-runID.png, KIND-all.png or timeline-loadID.png\n"
"  -o, --output FILE  the image's path instead\n"
"  --format png|svg   image format (default png, or -o's extension)\n"
"  --window compile|load   timeline: from the request to compile finished\n"
"                     (default) or the whole load\n"
"  --width PX, --height PX   image size (each kind has its own default)\n"
"  -h, --help         this help\n"
"\n"
"Prints the image's path. Exit codes: 0 drawn; 1 gnuplot or I/O failed;\n"
"2 bad usage or input (unknown kind, run, load or module, no data to draw,\n"
"unwritable --out, gnuplot not found). See docs/charts.md.\n");
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The loads to draw: --run (default: the newest, or every run for kinds
 * that default to all), --module, --load (per-load kinds without it: the
 * median load). 0, or -1 after a one-line error. */
static int choose_scope(struct db *db, const char *db_path, const struct plot_kind *kind,
                        const char *run_arg, const char *load_arg, const char *module,
                        struct plot_scope *scope)
{
    if (module && selection_module("plot", db, module) < 0)
        return -1;
    scope->module = module;
    if (run_arg) {
        if (selection_run("plot", db, run_arg, &scope->run_id) < 0)
            return -1;
    } else if (!kind->all_runs_default && !load_arg) {
        scope->run_id = selection_latest_run(db, module);
        if (scope->run_id == 0) {
            warnf("plot: DB %s has no loads%s%s", db_path, module ? " of " : "",
                  module ? module : "");
            return -1;
        }
    }
    if (load_arg) {
        if (selection_load("plot", db, load_arg, &scope->load_id) < 0)
            return -1;
        scope->run_id = PLOT_ALL_RUNS;   /* the load decides */
        scope->module = NULL;
    } else if (kind->per_load) {
        scope->load_id = plot_pick_load(db, scope);
        if (scope->load_id == 0) {
            warnf("plot: no ok load to draw in DB %s (give --load ID)", db_path);
            return -1;
        }
        scope->run_id = PLOT_ALL_RUNS;
        scope->module = NULL;
    }
    return 0;
}

/* -o as given, else KIND-loadID / KIND-all / KIND-runID in --out (made if
 * missing). NULL after a one-line error. Caller frees. */
static char *image_path(const struct plot_kind *kind, const struct plot_scope *scope,
                        const char *output, const char *out_dir, enum plot_format format)
{
    if (output)
        return xstrdup(output);
    if (selection_out_dir("plot", out_dir) < 0)
        return NULL;
    const char *ext = format == PLOT_SVG ? "svg" : "png";
    if (kind->per_load)
        return xasprintf("%s/%s-load%lld.%s", out_dir, kind->name, (long long)scope->load_id,
                         ext);
    if (scope->run_id == PLOT_ALL_RUNS)
        return xasprintf("%s/%s-all.%s", out_dir, kind->name, ext);
    return xasprintf("%s/%s-run%lld.%s", out_dir, kind->name, (long long)scope->run_id, ext);
}

/* Finds gnuplot, draws, prints the image's path; an exit code. */
static int draw(struct db *db, const struct plot_kind *kind, const struct plot_scope *scope,
                const struct plot_output *po)
{
    char gnuplot[4096], err[512], note[256];
    if (gnuplot_find(gnuplot, sizeof gnuplot, err, sizeof err) < 0) {
        warnf("plot: %s", err);
        return EXIT_USAGE;
    }
    int st = plot_draw(kind, db, scope, po, gnuplot, err, sizeof err, note, sizeof note);
    if (st != PLOT_OK) {
        warnf("plot %s: %s", kind->name, err);
        return st == PLOT_FAILED ? EXIT_ERROR : EXIT_USAGE;
    }
    if (note[0])
        notef("plot %s: %s", kind->name, note);
    printf("%s\n", po->path);
    return EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    const struct plot_kind *kind = plot_kind_find(argv[1]);
    if (!kind) {
        warnf("plot: unknown kind %s (see wasmlab plot --help)", argv[1]);
        return EXIT_USAGE;
    }
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "run", required_argument, NULL, 'r' },
        { "load", required_argument, NULL, 'l' },
        { "module", required_argument, NULL, 'm' },
        { "out", required_argument, NULL, 'O' },
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "width", required_argument, NULL, 'W' },
        { "height", required_argument, NULL, 'H' },
        { "window", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *db_path = "results.db", *run_arg = NULL, *load_arg = NULL, *module = NULL;
    const char *out_dir = ".", *output = NULL, *format_arg = NULL, *window_arg = NULL;
    long width = 0, height = 0;
    opterr = 0;
    optind = 1;
    int c;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'r': run_arg = optarg; break;
        case 'l': load_arg = optarg; break;
        case 'm': module = optarg; break;
        case 'O': out_dir = optarg; break;
        case 'o': output = optarg; break;
        case 'f': format_arg = optarg; break;
        case 'w': window_arg = optarg; break;
        case 'W':
        case 'H':
            if (parse_long(optarg, 200, 8000, c == 'W' ? &width : &height) < 0) {
                warnf("plot: --%s %s: not a number of pixels from 200 to 8000",
                      c == 'W' ? "width" : "height", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case ':':
            warnf("plot: option %s needs a value (see wasmlab plot --help)", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            warnf("plot: unknown option %s (see wasmlab plot --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        warnf("plot: unexpected argument %s (see wasmlab plot --help)", argv[optind]);
        return EXIT_USAGE;
    }
    enum plot_format format = PLOT_PNG;
    if (format_arg) {
        if (strcmp(format_arg, "svg") == 0)
            format = PLOT_SVG;
        else if (strcmp(format_arg, "png") != 0) {
            warnf("plot: --format %s: must be png or svg", format_arg);
            return EXIT_USAGE;
        }
    } else if (output && ends_with(output, ".svg")) {
        format = PLOT_SVG;
    }
    enum plot_window window = PLOT_WINDOW_COMPILE;
    if (window_arg) {
        if (!kind->per_load) {
            warnf("plot: --window is for per-load kinds (timeline), not %s", kind->name);
            return EXIT_USAGE;
        }
        if (strcmp(window_arg, "load") == 0)
            window = PLOT_WINDOW_LOAD;
        else if (strcmp(window_arg, "compile") != 0) {
            warnf("plot: --window %s: must be load or compile", window_arg);
            return EXIT_USAGE;
        }
    }
    if (load_arg && !kind->per_load) {
        warnf("plot: --load is for per-load kinds (timeline), not %s", kind->name);
        return EXIT_USAGE;
    }

    struct db *db = selection_open_db("plot", db_path);
    if (!db)
        return EXIT_USAGE;
    int exit_code = EXIT_USAGE;
    char *path = NULL;
    struct plot_scope scope = { .run_id = PLOT_ALL_RUNS };
    if (choose_scope(db, db_path, kind, run_arg, load_arg, module, &scope) < 0)
        goto out;
    if (!(path = image_path(kind, &scope, output, out_dir, format)))
        goto out;
    struct plot_output po = { .format = format, .path = path, .width = (int)width,
                              .height = (int)height, .window = window };
    exit_code = draw(db, kind, &scope, &po);
out:
    free(path);
    db_close(db);
    return exit_code;
}
