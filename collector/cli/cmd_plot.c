#include "collector/cli/cmd_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "collector/cli/selection.h"
#include "base/util.h"

static const struct cli_option plot_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "run", 0, "ID|all", "the run to draw (default: the newest; sweep and sizes:\n"
      "all runs)", 'r' },
    { "load", 0, "ID", "timeline, pauses: the load (default: the run's ok load\n"
      "nearest its module's median first-byte-to-compile)", 'l' },
    { "module", 0, "NAME", "only this module (e.g. go/hello)", 'm' },
    { "out", 0, "DIR", "folder for the image (default .; made if missing); the\n"
      "file is KIND-runID.png, KIND-all.png or timeline-loadID.png", 'O' },
    { "output", 'o', "FILE", "the image's path instead", 'o' },
    { "format", 0, "png|svg", "image format (default png, or -o's extension)", 'f' },
    { "window", 0, "compile|load", "timeline: from the request to compile finished\n"
      "(default) or the whole load", 'w' },
    { "width", 0, "PX", "image width (each kind has its own default; 200..8000)", 'W' },
    { "height", 0, "PX", "image height (each kind has its own default; 200..8000)", 'H' },
    { NULL, 0, NULL, NULL, 0 }
};

#define PLOT_EXIT_NOTES \
    "(1: gnuplot or I/O failed; 2 also for an unknown kind, run, load or module,\n" \
    "no data to draw, an unwritable --out, gnuplot not found)"

/* `plot --help` lists the kinds, `plot KIND --help` describes one: both are
 * built from plot_kinds[] (one process prints one help, so static buffers). */
static const struct cli_command *plot_command(const struct plot_kind *kind)
{
    static char name[64], description[2048], examples[256];
    static struct cli_command cmd = {
        .options = plot_options,
        .exits = CLI_EXITS_BASIC,
        .exit_notes = PLOT_EXIT_NOTES,
    };
    size_t len;
    if (kind) {
        snprintf(name, sizeof name, "plot %s", kind->name);
        cmd.usage = "[options]";
        len = (size_t)snprintf(description, sizeof description,
                               "The %s chart: %s.\n\nDrawn with gnuplot (found on PATH, or "
                               "$WASMLAB_GNUPLOT); prints the image's path.\nSee docs/charts.md.",
                               kind->name, kind->summary);
        snprintf(examples, sizeof examples, "wasmlab plot %s --db results.db%s", kind->name,
                 kind->per_load ? "\nwasmlab plot timeline --load 42 --format svg" : "");
    } else {
        snprintf(name, sizeof name, "plot");
        cmd.usage = "KIND [options]";
        len = (size_t)snprintf(description, sizeof description,
                               "Draws one chart of the results DB with gnuplot (found on PATH, or\n"
                               "$WASMLAB_GNUPLOT) and prints the image's path. See "
                               "docs/charts.md.\nKinds (each has its own --help):");
        for (size_t i = 0; plot_kinds[i].name && len < sizeof description; i++)
            len += (size_t)snprintf(description + len, sizeof description - len, "\n  %-11s %s",
                                    plot_kinds[i].name, plot_kinds[i].summary);
        snprintf(examples, sizeof examples,
                 "wasmlab plot latency --db results.db\nwasmlab plot timeline -o t.svg");
    }
    cmd.name = name;
    cmd.description = description;
    cmd.examples = examples;
    return &cmd;
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
    const struct cli_command *cmd = plot_command(NULL);
    char names[256] = "";
    for (size_t i = 0; plot_kinds[i].name; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 plot_kinds[i].name);
    if (argc < 2 || argv[1][0] == '-') {
        struct cli_parser cp;           /* --help, or an option before KIND */
        cli_begin(&cp, cmd, argc, argv);
        int id = argc < 2 ? CLI_DONE : cli_next(&cp);
        cli_end(&cp);
        if (id < 0)
            return cli_exit_for(id);
        return cli_usage_error(cmd, "missing kind: one of %s", names);
    }
    const struct plot_kind *kind = plot_kind_find(argv[1]);
    if (!kind)
        return cli_usage_error(cmd, "unknown kind %s: one of %s", argv[1], names);
    cmd = plot_command(kind);
    const char *db_path = "results.db", *run_arg = NULL, *load_arg = NULL, *module = NULL;
    const char *out_dir = ".", *output = NULL, *format_arg = NULL, *window_arg = NULL;
    long width = 0, height = 0;
    argc--;
    argv++;
    struct cli_parser cp;
    cli_begin(&cp, cmd, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': run_arg = cp.arg; break;
        case 'l': load_arg = cp.arg; break;
        case 'm': module = cp.arg; break;
        case 'O': out_dir = cp.arg; break;
        case 'o': output = cp.arg; break;
        case 'f': format_arg = cp.arg; break;
        case 'w': window_arg = cp.arg; break;
        case 'W':
        case 'H':
            if (cli_long(&cp, 200, 8000, "pixels", id == 'W' ? &width : &height) < 0) {
                cli_end(&cp);
                return EXIT_USAGE;
            }
            break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    enum plot_format format = PLOT_PNG;
    if (format_arg) {
        if (strcmp(format_arg, "svg") == 0)
            format = PLOT_SVG;
        else if (strcmp(format_arg, "png") != 0) {
            return cli_usage_error(cmd, "--format %s: must be png or svg", format_arg);
        }
    } else if (output && ends_with(output, ".svg")) {
        format = PLOT_SVG;
    }
    enum plot_window window = PLOT_WINDOW_COMPILE;
    if (window_arg) {
        if (!kind->per_load)
            return cli_usage_error(cmd, "--window is for per-load kinds (timeline), not %s",
                                   kind->name);
        if (strcmp(window_arg, "load") == 0)
            window = PLOT_WINDOW_LOAD;
        else if (strcmp(window_arg, "compile") != 0) {
            return cli_usage_error(cmd, "--window %s: must be load or compile", window_arg);
        }
    }
    if (load_arg && !kind->per_load)
        return cli_usage_error(cmd, "--load is for per-load kinds (timeline), not %s",
                               kind->name);

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
