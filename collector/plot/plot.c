#define _GNU_SOURCE
#include "collector/plot/plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"

#define SUBTITLE_SEP "  ·  "

/* Every chart kind; see plot.h for how a kind plugs in. */
const struct plot_kind plot_kinds[] = {
    { "timeline", plot_timeline,
      "one load: network, main thread and worker lanes with nested trace slices, GC pauses",
      true, false },
    { "latency", plot_latency,
      "first-byte-to-compile per module (and browser): box plots with every load", false,
      false },
    { "sweep", plot_sweep,
      "median first-byte-to-compile per Chrome version with 95% CI, a line per module", false,
      true },
    { "sizes", plot_sizes,
      "section sizes per module variant, stacked (from wasmlab inspect --db)", false, true },
    { "throughput", plot_throughput,
      "compile speed (module bytes / first-byte-to-compile) against module size", false,
      false },
    { "pauses", plot_pauses,
      "GC pauses: one load's V8 and Go pauses over time, and their durations' CDF per module"
      " across its run", true, false },
    { "streaming", plot_streaming,
      "one load: module bytes received against compile work on V8's worker threads over time",
      true, false },
    { NULL, NULL, NULL, false, false }
};

const struct plot_kind *plot_kind_find(const char *name)
{
    for (size_t i = 0; plot_kinds[i].name; i++)
        if (strcmp(plot_kinds[i].name, name) == 0)
            return &plot_kinds[i];
    return NULL;
}

int plot_fail(struct plot_job *j, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
    return status;
}

int plot_draw(const struct plot_kind *kind, struct db *db, const struct plot_scope *scope,
              const struct plot_output *out, const char *gnuplot, char *err, size_t errlen,
              char *note, size_t notelen)
{
    struct plot_job *j = xcalloc(1, sizeof *j);
    j->db = db;
    j->scope = *scope;
    j->format = out->format;
    j->gnuplot = gnuplot;
    j->out_path = out->path;
    j->width = out->width;
    j->height = out->height;
    j->window = out->window;
    const char *tmp = getenv("TMPDIR");
    snprintf(j->dir, sizeof j->dir, "%s/wasmlab-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int status;
    if (!mkdtemp(j->dir)) {
        status = plot_fail(j, PLOT_FAILED, "cannot make a temp folder %s: %s", j->dir,
                           strerror(errno));
        j->dir[0] = 0;
    } else {
        status = kind->draw(j);
    }
    if (status != PLOT_OK)
        snprintf(err, errlen, "%s", j->err);
    if (note)
        snprintf(note, notelen, "%s", j->note);
    if (j->dir[0]) {
        const char *keep = getenv("WASMLAB_PLOT_KEEP");
        if (keep && strcmp(keep, "1") == 0)
            notef("plot %s: kept the script and data in %s", kind->name, j->dir);
        else
            remove_tree(j->dir);
    }
    buf_free(&j->script);
    free(j);
    return status;
}

FILE *plot_data_open(struct plot_job *j, const char *var, const char *file)
{
    char *path = xasprintf("%s/%s", j->dir, file);
    FILE *f = fopen(path, "wxe");
    if (!f)
        plot_fail(j, PLOT_FAILED, "cannot write %s: %s", path, strerror(errno));
    else
        gnuplot_set_str(&j->script, var, path);
    free(path);
    return f;
}

int plot_data_close(struct plot_job *j, FILE *f)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        plot_fail(j, PLOT_FAILED, "cannot write a data file in %s", j->dir);
        return -1;
    }
    return 0;
}

void plot_data_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *p = s ? s : ""; *p; p++)
        fputc(*p == '"' ? '\'' : (unsigned char)*p < 0x20 ? ' ' : *p, f);
    fputc('"', f);
}

int plot_render(struct plot_job *j, const char *tmpl, const char *title, const char *subtitle,
                int default_width, int default_height)
{
    struct buf *s = &j->script;
    gnuplot_set_str(s, "fmt", j->format == PLOT_SVG ? "svg" : "png");
    gnuplot_set_str(s, "outfile", j->out_path);
    gnuplot_set_int(s, "width", j->width > 0 ? j->width : default_width);
    gnuplot_set_int(s, "height", j->height > 0 ? j->height : default_height);
    gnuplot_set_str(s, "title_text", title);
    /* a subtitle wider than the image goes on two lines, split at the
     * separator nearest its middle */
    int w = j->width > 0 ? j->width : default_width;
    size_t len = strlen(subtitle), fit = (size_t)(w / 6.2);
    const char *cut = NULL;
    if (len > fit) {
        for (const char *p = strstr(subtitle, SUBTITLE_SEP); p; p = strstr(p + 1, SUBTITLE_SEP))
            if (!cut || labs((long)(p - subtitle) - (long)len / 2) <
                            labs((long)(cut - subtitle) - (long)len / 2))
                cut = p;
    }
    if (cut) {
        char *first = xasprintf("%.*s", (int)(cut - subtitle), subtitle);
        gnuplot_set_str(s, "subtitle_text", first);
        gnuplot_set_str(s, "subtitle2_text", cut + strlen(SUBTITLE_SEP));
        free(first);
    } else {
        gnuplot_set_str(s, "subtitle_text", subtitle);
        gnuplot_set_str(s, "subtitle2_text", "");
    }
    const char *names[] = { "common.gp", tmpl };
    for (size_t i = 0; i < 2; i++) {
        char err[300];
        char *text = gnuplot_template(names[i], err, sizeof err);
        if (!text)
            return plot_fail(j, PLOT_FAILED, "%s", err);
        buf_append(s, "\n# ---- ", 8);
        buf_append(s, names[i], strlen(names[i]));
        buf_append(s, " ----\n", 6);
        buf_append(s, text, strlen(text));
        free(text);
    }
    char err[480];
    if (gnuplot_run(j->gnuplot, j->dir, s, 60000, err, sizeof err) < 0)
        return plot_fail(j, PLOT_FAILED, "%s", err);
    return PLOT_OK;
}

struct db_scope plot_db_scope(const struct plot_job *j)
{
    return (struct db_scope){ .run_id = j->scope.run_id, .load_id = j->scope.load_id,
                              .module = j->scope.module };
}

int plot_query_failed(struct plot_job *j)
{
    return plot_fail(j, PLOT_FAILED, "query failed: %s", db_read_error(j->db));
}

int plot_count_distinct(struct plot_job *j, enum db_scope_field field)
{
    struct db_scope scope = plot_db_scope(j);
    return db_scope_count_distinct(j->db, &scope, field);
}

/* The distinct values of field over the scope's loads, ", "-joined, at most
 * max of them ("... and N more"). */
static void distinct_list(struct plot_job *j, enum db_scope_field field, int max, char *out,
                          size_t len, int *count)
{
    struct db_scope scope = plot_db_scope(j);
    char **v = NULL;
    size_t n = 0, used = 0;
    db_scope_distinct(j->db, &scope, field, false, &v, &n);
    out[0] = 0;
    for (size_t i = 0; i < n && i < (size_t)max; i++) {
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
                                 i ? ", " : "", v[i]);
        if (used >= len)
            used = len - 1;
    }
    if (n > (size_t)max)
        snprintf(out + used, used < len ? len - used : 0, " and %d more", (int)n - max);
    db_strings_free(v, n);
    if (count)
        *count = (int)n;
}

void plot_subtitle(struct plot_job *j, char *out, size_t len)
{
    char browsers[300], modules[300], runs[200], apis[64];
    int nb, nm, nr, na;
    distinct_list(j, DB_FIELD_BROWSER_LABEL, 3, browsers, sizeof browsers, &nb);
    distinct_list(j, DB_FIELD_MODULE, 6, modules, sizeof modules, &nm);
    distinct_list(j, DB_FIELD_RUN_ID, 8, runs, sizeof runs, &nr);
    distinct_list(j, DB_FIELD_API, 3, apis, sizeof apis, &na);
    char load[64] = "";
    if (j->scope.load_id)
        snprintf(load, sizeof load, "load %lld" SUBTITLE_SEP, (long long)j->scope.load_id);
    snprintf(out, len, "%s%s %s" SUBTITLE_SEP "%s %s" SUBTITLE_SEP "%s %s" SUBTITLE_SEP "%s API", load,
             nb == 1 ? "browser" : "browsers", browsers, nm == 1 ? "module" : "modules",
             modules, nr == 1 ? "run" : "runs", runs, apis);
}

void plot_group_label(const char *module, const char *product, const char *kind,
                      const char *api, bool show_browser, bool show_api, const char *sep,
                      char *out, size_t len)
{
    int n = snprintf(out, len, "%s", module ? module : "?");
    if (show_browser && n >= 0 && (size_t)n < len)
        n += snprintf(out + n, len - (size_t)n, "%s%s %s", sep, kind ? kind : "",
                      plot_product_version(product));
    if (show_api && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, "%s%s", sep, api ? api : "");
}

const char *plot_product_version(const char *product)
{
    const char *slash = product ? strrchr(product, '/') : NULL;
    return slash ? slash + 1 : product ? product : "";
}

int plot_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        char *ea, *eb;
        long va = strtol(a, &ea, 10), vb = strtol(b, &eb, 10);
        if (ea == a || eb == b)
            return strcmp(a, b);
        if (va != vb)
            return va < vb ? -1 : 1;
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
        if (!*a || !*b)
            return (*a != 0) - (*b != 0);
    }
    return 0;
}

void plot_median_ci(const double *sorted, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    double half = 1.96 * sqrt((double)n) / 2;
    long jlo = lround((double)n / 2 - half);
    long khi = lround(1 + (double)n / 2 + half);
    if (jlo < 1)
        jlo = 1;
    if (khi > (long)n)
        khi = (long)n;
    *lo = sorted[jlo - 1];
    *hi = sorted[khi - 1];
}
