#define _GNU_SOURCE
#include "collector/report/report_html.h"
#include "collector/report/run_summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "collector/cli/selection.h"
#include "base/util.h"
#include "db/read_rows.h"
#include "db/read_runs.h"
#include "wasmlab_config.h"

static const struct cli_option html_options[] = {
    { "out", 0, "DIR", "folder to write index.html into (made if missing; required)", 'O' },
    { "run", 0, "ID|all", "the run (default: the newest)", 'r' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "no-charts", 0, NULL, "tables only (no gnuplot needed)", 'n' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command html_command = {
    .name = "report html",
    .usage = "--out DIR [options]",
    .description =
        "Writes DIR/index.html: one self-contained page (no network, no scripts;\n"
        "charts embedded as PNG data: URIs) with the run's summary tables and every\n"
        "chart kind of `wasmlab plot` (the timeline of each module's median load).\n"
        "Opens offline; attach it to a bug as one file. Prints the page's path.",
    .options = html_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(1: gnuplot or I/O failed; 2 also for an unknown run, a DB without loads,\n"
                  "an unwritable --out, gnuplot not found)",
    .examples = "wasmlab report html --out report/ --db results.db\n"
                "wasmlab report html --out report/ --run all --no-charts",
};

/* ---- HTML helpers ---- */

static void esc(FILE *f, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f);
        }
    }
}

static void cell_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

static void cell_num(FILE *f, double v, int decimals)
{
    if (isnan(v))
        fputs("<td class=n>–</td>", f);
    else
        fprintf(f, "<td class=n>%.*f</td>", decimals, v);
}

static void base64(FILE *f, const unsigned char *d, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
                     (i + 2 < n ? d[i + 2] : 0);
        fputc(t[v >> 18 & 63], f);
        fputc(t[v >> 12 & 63], f);
        fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? t[v & 63] : '=', f);
    }
}

/* A listing of the DB as a table: its column names as the header, values
 * as SQLite's text, numbers right-aligned. */
static int listing_table(FILE *f, struct db *db, enum db_listing what, int64_t run_id,
                         const char *empty)
{
    struct db_rows *r = db_read_listing(db, what, run_id);
    if (!r) {
        warnf("report html: query failed: %s", db_read_error(db));
        return -1;
    }
    int ncol = db_rows_columns(r), rows = 0;
    while (db_rows_step(r) == 1) {
        if (rows++ == 0) {
            fputs("<table><tr>", f);
            for (int c = 0; c < ncol; c++) {
                fputs("<th>", f);
                esc(f, db_rows_name(r, c));
                fputs("</th>", f);
            }
            fputs("</tr>\n", f);
        }
        fputs("<tr>", f);
        for (int c = 0; c < ncol; c++) {
            enum db_value_type type = db_rows_type(r, c);
            if (type == DB_VALUE_INTEGER || type == DB_VALUE_FLOAT) {
                fputs("<td class=n>", f);
                esc(f, db_rows_text(r, c, NULL));
                fputs("</td>", f);
            } else {
                cell_text(f, db_rows_text(r, c, NULL));
            }
        }
        fputs("</tr>\n", f);
    }
    db_rows_close(r);
    if (rows)
        fputs("</table>\n", f);
    else
        fprintf(f, "<p class=note>%s</p>\n", empty);
    return 0;
}

/* ---- the summary: per module, browser and API ---- */

/* One row of the summary: the same statistics run and sweep print
 * (collector/report/run_summary.h), in ms. */
static void summary_row(FILE *f, struct db_summary_group *g)
{
    struct run_summary_stats st;
    run_summary_stats(g, &st);
    char browser[300];
    snprintf(browser, sizeof browser, "%s (%s)", g->product, g->kind);
    fputs("<tr>", f);
    cell_text(f, g->module);
    cell_text(f, browser);
    cell_text(f, g->api);
    fprintf(f, "<td class=n>%lld</td><td class=n>%lld</td>", (long long)g->n_ok,
            (long long)g->n_failed);
    cell_num(f, st.median_us / 1000, 3);
    cell_num(f, st.p95_us / 1000, 3);
    cell_num(f, st.min_us / 1000, 3);
    cell_num(f, st.max_us / 1000, 3);
    cell_num(f, st.last_byte_median_us / 1000, 3);
    cell_num(f, st.mb_per_s, 1);
    fprintf(f, "<td class=n>%lld</td></tr>\n", (long long)g->bytes);
}

static int summary_table(FILE *f, struct db *db, int64_t run_id)
{
    struct db_run_summary s;
    struct db_summary_query q = { .run_id = run_id, .by_condition = false, .name_order = true };
    if (db_run_summary_read(db, &q, &s) < 0) {
        warnf("report html: query failed: %s", db_errmsg(db));
        db_run_summary_free(&s);
        return -1;
    }
    fputs("<table><tr><th>module</th><th>browser</th><th>API</th><th>loads ok</th>"
          "<th>failed</th><th>median ms</th><th>p95 ms</th><th>min ms</th><th>max ms</th>"
          "<th>median last byte → compile ms</th><th>median MB/s</th><th>bytes</th></tr>\n", f);
    for (size_t i = 0; i < s.n; i++)
        summary_row(f, &s.groups[i]);
    fputs("</table>\n", f);
    db_run_summary_free(&s);
    return 0;
}

/* ---- charts ---- */

struct charts {
    struct db *db;
    const char *gnuplot;
    const char *db_arg;          /* for the "made with" captions */
    char dir[4096];              /* temp folder for the PNGs */
    int64_t run_id;
    int drawn, skipped;
};

static void png_size(const unsigned char *d, size_t n, unsigned *w, unsigned *h)
{
    *w = *h = 0;
    if (n >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
        *w = (unsigned)d[16] << 24 | (unsigned)d[17] << 16 | (unsigned)d[18] << 8 | d[19];
        *h = (unsigned)d[20] << 24 | (unsigned)d[21] << 16 | (unsigned)d[22] << 8 | d[23];
    }
}

/* Draws one chart and embeds it. Returns 0 (drawn, or a note when there was
 * nothing to draw), -1 when gnuplot or I/O failed. */
static int chart(FILE *f, struct charts *c, const struct plot_kind *kind,
                 const struct plot_scope *scope, const char *command)
{
    char *png = xasprintf("%s/chart-%d.png", c->dir, c->drawn + c->skipped);
    struct plot_output out = { .format = PLOT_PNG, .path = png };
    char err[512], note[256];
    int st = plot_draw(kind, c->db, scope, &out, c->gnuplot, err, sizeof err, note, sizeof note);
    int rc = 0;
    if (st == PLOT_NO_DATA || st == PLOT_BAD_INPUT) {
        fprintf(f, "<p class=note>%s: nothing to draw here (", kind->name);
        esc(f, err);
        fputs(").</p>\n", f);
        c->skipped++;
    } else if (st != PLOT_OK) {
        warnf("report html: chart %s: %s", kind->name, err);
        rc = -1;
    } else {
        size_t len = 0;
        unsigned char *data = read_whole_file(png, &len);
        if (!data) {
            warnf("report html: chart %s: cannot read %s: %s", kind->name, png, strerror(errno));
            rc = -1;
        } else {
            unsigned w, h;
            png_size(data, len, &w, &h);
            fputs("<figure><img alt=\"", f);
            esc(f, kind->summary);
            fprintf(f, "\" width=\"%u\" height=\"%u\" src=\"data:image/png;base64,", w, h);
            base64(f, data, len);
            fputs("\"><figcaption>", f);
            esc(f, kind->summary);
            fputs(" — made with <code>", f);
            esc(f, command);
            fputs("</code></figcaption></figure>\n", f);
            free(data);
            c->drawn++;
        }
        unlink(png);
    }
    free(png);
    return rc;
}

static int all_charts(FILE *f, struct charts *c)
{
    char run_arg[32];
    if (c->run_id == PLOT_ALL_RUNS)
        snprintf(run_arg, sizeof run_arg, "all");
    else
        snprintf(run_arg, sizeof run_arg, "%lld", (long long)c->run_id);
    /* the run-wide charts first, then the per-load ones */
    const struct plot_kind *order[64];
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; plot_kinds[k].name && n < 64; k++)
            if (plot_kinds[k].per_load == (pass == 1))
                order[n++] = &plot_kinds[k];
    for (size_t k = 0; k < n; k++) {
        const struct plot_kind *kind = order[k];
        fprintf(f, "<h3>%s</h3>\n", kind->name);
        if (!kind->per_load) {
            struct plot_scope scope = { .run_id = c->run_id };
            char *cmd = xasprintf("wasmlab plot %s --db %s --run %s", kind->name, c->db_arg,
                                  run_arg);
            int rc = chart(f, c, kind, &scope, cmd);
            free(cmd);
            if (rc < 0)
                return -1;
            continue;
        }
        /* per-load kinds: each module's median load */
        char **modules;
        size_t n_modules;
        if (db_read_run_modules(c->db, c->run_id, &modules, &n_modules) < 0)
            return -1;
        int rc = 0;
        for (size_t m = 0; rc == 0 && m < n_modules; m++) {
            const char *module = modules[m];
            struct plot_scope pick = { .run_id = c->run_id, .module = module };
            int64_t load = plot_pick_load(c->db, &pick);
            if (load == 0) {
                fprintf(f, "<p class=note>%s of ", kind->name);
                esc(f, module);
                fputs(": no ok load with a stored trace.</p>\n", f);
                continue;
            }
            struct plot_scope scope = { .run_id = PLOT_ALL_RUNS, .load_id = load };
            char *cmd = xasprintf("wasmlab plot %s --db %s --load %lld", kind->name, c->db_arg,
                                  (long long)load);
            rc = chart(f, c, kind, &scope, cmd);
            free(cmd);
        }
        db_strings_free(modules, n_modules);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1500px;padding:0 1em;"
    "color:#222}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}\n"
    "table{border-collapse:collapse;margin:.6em 0;font-size:13px}\n"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#555;font-size:12px}.note{color:#666;font-style:italic}\n"
    "code{background:#f5f5f5;padding:0 3px}\n";

/* The page's head and the header paragraph. */
static void page_head(FILE *f, const char *db_path, int64_t run_id)
{
    char now[40], title[128];
    utc_iso8601(now, sizeof now);
    if (run_id == PLOT_ALL_RUNS)
        snprintf(title, sizeof title, "wasmlab report: all runs");
    else
        snprintf(title, sizeof title, "wasmlab report: run %lld", (long long)run_id);
    fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "img-src data:; style-src 'unsafe-inline'\">\n"
          "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n<title>", f);
    esc(f, title);
    fprintf(f, "</title>\n<style>\n%s</style></head><body>\n<h1>", style);
    esc(f, title);
    fputs("</h1>\n<p>Generated ", f);
    esc(f, now);
    fputs(" by wasmlab " WASMLAB_VERSION " from <code>", f);
    esc(f, db_path);
    fputs("</code>. Times are first byte (the module's response headers in the renderer) "
          "to compile finished (<code>wasm.OnCompilationSucceeded</code>), in ms; "
          "see the README and db/README.md for every definition.</p>\n", f);
}

/* Everything between <body> and </body>: the tables, then the charts. */
static int write_page(FILE *f, struct db *db, const char *db_path, int64_t run_id,
                      bool no_charts, struct charts *ch)
{
    static const struct {
        const char *heading;
        enum db_listing what;
        const char *empty;
    } listings[] = {
        { "Runs", DB_LIST_RUNS, "No runs." },
        { "Browsers", DB_LIST_BROWSERS, "No browsers." },
        { "Modules", DB_LIST_MODULES, "No modules." },
        { "Failed loads", DB_LIST_FAILED_LOADS, "None: every load was measured." },
        { "GC pauses", DB_LIST_GC_PAUSES, "No GC pauses recorded in these loads." },
    };
    page_head(f, db_path, run_id);
    fputs("<h2>Summary: first byte to compile finished</h2>\n", f);
    if (summary_table(f, db, run_id) < 0)
        return -1;
    for (size_t i = 0; i < sizeof listings / sizeof listings[0]; i++) {
        if (listings[i].what == DB_LIST_GC_PAUSES && !db_has_table(db, "gc_pauses"))
            continue;   /* a DB from before GC pauses were recorded */
        fprintf(f, "<h2>%s</h2>\n", listings[i].heading);
        if (listing_table(f, db, listings[i].what, run_id, listings[i].empty) < 0)
            return -1;
    }
    fputs("<h2>Charts</h2>\n", f);
    if (no_charts) {
        fputs("<p class=note>Charts were left out (--no-charts).</p>\n", f);
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(ch->dir, sizeof ch->dir, "%s/wasmlab-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(ch->dir)) {
        warnf("report html: cannot make a temp folder: %s", strerror(errno));
        ch->dir[0] = 0;
        return -1;
    }
    return all_charts(f, ch);
}

int report_html(int argc, char **argv)
{
    const char *db_path = "results.db", *run_arg = NULL, *out_dir = NULL;
    bool no_charts = false;
    struct cli_parser cp;
    cli_begin(&cp, &html_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': run_arg = cp.arg; break;
        case 'O': out_dir = cp.arg; break;
        case 'n': no_charts = true; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    if (!out_dir)
        return cli_usage_error(&html_command, "--out DIR is required");
    char gnuplot[4096] = "", err[512];
    if (!no_charts && gnuplot_find(gnuplot, sizeof gnuplot, err, sizeof err) < 0) {
        warnf("report html: %s; or give --no-charts", err);
        return EXIT_USAGE;
    }
    struct db *db = selection_open_db("report html", db_path);
    if (!db)
        return EXIT_USAGE;
    int exit_code = EXIT_USAGE;
    FILE *f = NULL;
    char *path = NULL, *tmp_path = NULL;
    struct charts ch = { .db = db, .gnuplot = gnuplot, .db_arg = db_path };
    int64_t run_id;
    if (run_arg) {
        if (selection_run("report html", db, run_arg, &run_id) < 0)
            goto out;
    } else if ((run_id = selection_latest_run(db, NULL)) == 0) {
        warnf("report html: DB %s has no loads", db_path);
        goto out;
    }
    ch.run_id = run_id;
    if (selection_out_dir("report html", out_dir) < 0)
        goto out;
    exit_code = EXIT_ERROR;
    path = xasprintf("%s/index.html", out_dir);
    tmp_path = xasprintf("%s/.index.html.XXXXXX", out_dir);
    int fd = mkstemp(tmp_path);
    if (fd >= 0)
        fchmod(fd, 0644);   /* a page to share, not a secret */
    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        warnf("report html: cannot write in %s: %s", out_dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(tmp_path);
        tmp_path = NULL;
        goto out;
    }
    if (write_page(f, db, db_path, run_id, no_charts, &ch) < 0)
        goto out;
    fputs("</body></html>\n", f);
    bool bad = ferror(f) != 0;
    int cr = fclose(f);
    f = NULL;
    if (bad || cr != 0 || rename(tmp_path, path) < 0) {
        warnf("report html: cannot write %s: %s", path, strerror(errno ? errno : EIO));
        goto out;
    }
    free(tmp_path);
    tmp_path = NULL;
    notef("report html: %d charts%s", ch.drawn,
          ch.skipped ? " (some kinds had nothing to draw)" : "");
    printf("%s\n", path);
    exit_code = EXIT_OK;
out:
    if (f)
        fclose(f);
    if (tmp_path) {
        unlink(tmp_path);
        free(tmp_path);
    }
    if (ch.dir[0])
        remove_tree(ch.dir);
    free(path);
    db_close(db);
    return exit_code;
}
