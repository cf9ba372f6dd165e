/* plot timeline: one load as a flame/timeline chart.
 *
 * Time (ms since the module's request was sent) on x; lanes top to bottom:
 * network (request, first byte, each body chunk, last byte), the harness's
 * page marks, then the renderer's main thread and each worker thread with
 * work in the window, their trace slices stacked by depth (from the stored
 * raw trace: collector/trace/trace_slices.h) and labelled where wide enough. GC
 * pauses (gc_pauses rows; V8's MinorGC/MajorGC slices when the table has
 * none for the load) are bands across all lanes; the first-byte-to-compile
 * interval is shaded. By default the window ends at compile finished
 * (plot_timeline_window), so a long load does not squeeze the compile into a
 * strip; page mark labels are placed so they never overlap
 * (plot_place_labels). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "collector/trace/stored_trace.h"
#include "collector/trace/trace_slices.h"
#include "db/read_loads.h"
#include "db/read_pauses.h"
#include "db/read_rows.h"

#define MAX_THREADS 10       /* thread lanes drawn (the busiest) */
#define MAX_DEPTH 8          /* rows per thread lane */
#define ROW_H 0.8            /* box height in row units */
#define LANE_GAP 0.6         /* rows between lanes */
#define LABEL_CHAR_PX 6.0    /* width of a label character at the label font */

struct gc_band {
    int64_t start_us, dur_us;
    bool go;
    char what[48];
};

static unsigned class_rgb(char cls)
{
    switch (cls) {
    case 'w': return 0xe69f00;   /* wasm: orange */
    case 'g': return 0xd55e00;   /* GC: vermillion */
    case 'v': return 0x009e73;   /* V8: green */
    case 't': return 0xb8b8b8;   /* task scheduling: grey */
    default:  return 0x56b4e9;   /* Blink and the rest: sky blue */
    }
}

struct lane {
    uint32_t thread;
    int rows;
    double base;             /* y of its first row */
    size_t slices;
    int64_t busy_us;
};

static int by_busy(const void *a, const void *b)
{
    const struct lane *x = a, *y = b;
    if (x->busy_us != y->busy_us)
        return x->busy_us > y->busy_us ? -1 : 1;
    return x->thread < y->thread ? -1 : x->thread > y->thread;
}

static void label_text(const char *name, double width_px, char *out, size_t len)
{
    size_t fit = (size_t)(width_px / LABEL_CHAR_PX);
    size_t n = strlen(name);
    out[0] = 0;
    if (fit < 3)
        return;
    if (n <= fit) {
        snprintf(out, len, "%s", name);
    } else if (fit >= 5) {
        snprintf(out, len, "%.*s..", (int)(fit - 2), name);
    }
}

int64_t plot_pick_load(struct db *db, const struct plot_scope *scope)
{
    struct db_scope s = { .run_id = scope->run_id, .module = scope->module };
    return db_pick_median_load(db, &s);
}

void plot_timeline_window(const struct plot_moments *m, enum plot_window window, int64_t *w0,
                          int64_t *w1)
{
    int64_t t0 = m->request_us, t1 = m->request_us;
    bool compile_only = window == PLOT_WINDOW_COMPILE && m->compiled_us != INT64_MIN;
    int64_t moments[] = { m->response_us, m->last_byte_us, m->stream_us, m->compiled_us,
                          compile_only ? INT64_MIN : m->end_us };
    for (size_t i = 0; i < sizeof moments / sizeof moments[0]; i++) {
        if (moments[i] == INT64_MIN)
            continue;
        if (moments[i] < t0)
            t0 = moments[i];
        if (moments[i] > t1)
            t1 = moments[i];
    }
    /* the page may start compiling before the request is sent (its mark) */
    if (m->compile_start_us != INT64_MIN && m->compile_start_us < t0)
        t0 = m->compile_start_us;
    if (t1 - t0 < 1000)
        t1 = t0 + 1000;
    int64_t margin = (t1 - t0) / 40;
    *w0 = t0 - margin;
    *w1 = t1 + margin;
}

size_t plot_place_labels(const double *left_px, const double *right_px, size_t n, int rows,
                         double gap_px, int *row)
{
    double end[8];
    if (rows > 8)
        rows = 8;
    for (int r = 0; r < rows; r++)
        end[r] = -INFINITY;
    size_t left_out = 0;
    for (size_t i = 0; i < n; i++) {
        /* alternate rows first (as before), so neighbours start on different rows */
        row[i] = -1;
        for (int k = 0; k < rows; k++) {
            int r = (int)((i + (size_t)k) % (size_t)rows);
            if (left_px[i] >= end[r] + gap_px) {
                row[i] = r;
                end[r] = right_px[i];
                break;
            }
        }
        left_out += row[i] < 0;
    }
    return left_out;
}

/* One drawing's state, handed from step to step. */
struct timeline {
    struct db_load_row ld;
    int64_t w0, w1;              /* the window (trace clock, µs) */
    double zero;                 /* x = 0 at the request */
    struct slices sl;
    struct lane *lanes;
    int *lane_of;                /* thread -> lane, -1 when not drawn */
    size_t n_lanes, hidden_threads;
    double y_max;
    int width, height;
    double px_per_ms, min_ms;
    size_t drawn, deep, n_chunks, n_marks, unlabelled, n_v8, n_go;
    int64_t chunk_bytes, v8_us, go_us;
};

static double ms_of(const struct timeline *t, int64_t us)
{
    return ((double)us - t->zero) / 1000.0;
}

static int read_load(struct plot_job *j, struct db_load_row *ld)
{
    int found = db_read_load_row(j->db, j->scope.load_id, ld);
    if (found < 0)
        return plot_query_failed(j);
    if (found == 0)
        return plot_fail(j, PLOT_BAD_INPUT, "load %lld: no such load",
                         (long long)j->scope.load_id);
    if (ld->request_us == DB_NULL || ld->renderer_pid == DB_NULL)
        return plot_fail(j, PLOT_BAD_INPUT,
                         "load %lld (status %s) has no module request in its trace to draw",
                         (long long)ld->id, ld->status);
    return PLOT_OK;
}

/* Lanes: the main thread first, then the busiest others; rows: network at
 * 0, page marks at 1, threads below. */
static void build_lanes(struct timeline *t)
{
    struct slices *sl = &t->sl;
    t->lanes = xcalloc(sl->n_threads ? sl->n_threads : 1, sizeof *t->lanes);
    struct lane *lanes = t->lanes;
    for (size_t k = 0; k < sl->n_threads; k++)
        lanes[k].thread = (uint32_t)k;
    for (size_t i = 0; i < sl->n; i++) {
        struct lane *L = &lanes[sl->v[i].thread];
        L->slices++;
        if (sl->v[i].depth + 1 > L->rows)
            L->rows = sl->v[i].depth + 1;
        if (sl->v[i].depth == 0) {
            int64_t a = sl->v[i].start_us < t->w0 ? t->w0 : sl->v[i].start_us;
            int64_t end = sl->v[i].start_us + sl->v[i].dur_us;
            int64_t b = end > t->w1 ? t->w1 : end;
            L->busy_us += b > a ? b - a : 0;
        }
    }
    for (size_t k = 0; k < sl->n_threads; k++)
        if (strcmp(sl->threads[k].name, "CrRendererMain") == 0)
            lanes[k].busy_us = INT64_MAX;   /* sorts first */
    qsort(lanes, sl->n_threads, sizeof *lanes, by_busy);
    while (t->n_lanes < sl->n_threads && t->n_lanes < MAX_THREADS && lanes[t->n_lanes].slices > 0)
        t->n_lanes++;
    for (size_t k = t->n_lanes; k < sl->n_threads; k++)
        t->hidden_threads += lanes[k].slices > 0;
    t->lane_of = xcalloc(sl->n_threads ? sl->n_threads : 1, sizeof *t->lane_of);
    for (size_t k = 0; k < sl->n_threads; k++)
        t->lane_of[k] = -1;
    double y = 2 + LANE_GAP;
    for (size_t k = 0; k < t->n_lanes; k++) {
        t->lane_of[lanes[k].thread] = (int)k;
        if (lanes[k].rows > MAX_DEPTH)
            lanes[k].rows = MAX_DEPTH;
        lanes[k].base = y;
        y += lanes[k].rows + LANE_GAP;
    }
    t->y_max = y - LANE_GAP + 0.1;
}

static int write_slices(struct plot_job *j, struct timeline *t)
{
    FILE *fs = plot_data_open(j, "slices_file", "slices.dat");
    FILE *fl = fs ? plot_data_open(j, "labels_file", "labels.dat") : NULL;
    if (!fl) {
        if (fs)
            fclose(fs);
        return PLOT_FAILED;
    }
    for (size_t i = 0; i < t->sl.n; i++) {
        const struct slice *s = &t->sl.v[i];
        int k = t->lane_of[s->thread];
        if (k < 0)
            continue;
        if (s->depth >= MAX_DEPTH) {
            t->deep++;
            continue;
        }
        double x0 = ms_of(t, s->start_us < t->w0 ? t->w0 : s->start_us);
        double x1 = ms_of(t, s->start_us + s->dur_us > t->w1 ? t->w1 : s->start_us + s->dur_us);
        if (x1 - x0 < t->min_ms)
            x1 = x0 + t->min_ms;
        double y0 = t->lanes[k].base + s->depth;
        fprintf(fs, "%.4f %.4f %.3f %.3f %u\n", x0, x1, y0, y0 + ROW_H,
                class_rgb(s->cat_class));
        t->drawn++;
        char text[128];
        label_text(string_pool_get(&t->sl.names, s->name), (x1 - x0) * t->px_per_ms - 4, text,
                   sizeof text);
        if (text[0]) {
            fprintf(fl, "%.4f %.3f ", (x0 + x1) / 2, y0 + ROW_H / 2);
            plot_data_str(fl, text);
            fputc('\n', fl);
        }
    }
    if (t->drawn == 0)
        fprintf(fs, "NaN NaN NaN NaN 0\n");
    fprintf(fl, "NaN NaN \"\"\n");
    int rc1 = plot_data_close(j, fs), rc2 = plot_data_close(j, fl);
    return rc1 < 0 || rc2 < 0 ? PLOT_FAILED : PLOT_OK;
}

/* Lane names (y tics) and separators. */
static int write_lanes(struct plot_job *j, const struct timeline *t)
{
    FILE *fy = plot_data_open(j, "lanes_file", "lanes.dat");
    if (!fy)
        return PLOT_FAILED;
    fprintf(fy, "0.4 \"network\" 0\n1.4 \"page marks\" 0\n");
    for (size_t k = 0; k < t->n_lanes; k++) {
        const struct slice_thread *th = &t->sl.threads[t->lanes[k].thread];
        char name[128];
        if (k == 0 && strcmp(th->name, "CrRendererMain") == 0)
            snprintf(name, sizeof name, "main thread (CrRendererMain)");
        else
            snprintf(name, sizeof name, "%s %lld", th->name[0] ? th->name : "thread",
                     (long long)th->tid);
        fprintf(fy, "%.3f ", t->lanes[k].base + ROW_H / 2);
        plot_data_str(fy, name);
        fprintf(fy, " %.3f\n", t->lanes[k].base - LANE_GAP / 2);
    }
    return plot_data_close(j, fy) < 0 ? PLOT_FAILED : PLOT_OK;
}

/* Network: request, first byte, chunks, last byte. */
static int write_net(struct plot_job *j, struct timeline *t)
{
    FILE *fn = plot_data_open(j, "net_file", "net.dat");
    if (!fn)
        return PLOT_FAILED;
    const struct db_load_row *ld = &t->ld;
    fprintf(fn, "# request\n%.4f 0.4\n\n\n# first byte\n", ms_of(t, ld->request_us));
    if (ld->response_us != DB_NULL)
        fprintf(fn, "%.4f 0.4\n", ms_of(t, ld->response_us));
    else
        fprintf(fn, "NaN NaN\n");
    fprintf(fn, "\n\n# chunks: x bytes\n");
    struct db_chunk *chunks = NULL;
    size_t n = 0;
    db_read_chunks(j->db, ld->id, &chunks, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(fn, "%.4f %lld\n", ms_of(t, chunks[i].ts_us), (long long)chunks[i].bytes);
        t->chunk_bytes += chunks[i].bytes;
    }
    t->n_chunks = n;
    free(chunks);
    if (n == 0)
        fprintf(fn, "NaN NaN\n");
    fprintf(fn, "\n\n# last byte\n");
    if (ld->last_byte_us != DB_NULL)
        fprintf(fn, "%.4f 0.4\n", ms_of(t, ld->last_byte_us));
    else
        fprintf(fn, "NaN NaN\n");
    return plot_data_close(j, fn) < 0 ? PLOT_FAILED : PLOT_OK;
}

/* The harness's marks in the window; their labels in two rows, placed so
 * they never overlap (those without room are left out). */
static int write_marks(struct plot_job *j, struct timeline *t)
{
    FILE *fm = plot_data_open(j, "marks_file", "marks.dat");
    if (!fm)
        return PLOT_FAILED;
    struct db_mark *marks = NULL;
    size_t n_all = 0, n = 0;
    db_read_marks(j->db, t->ld.id, &marks, &n_all);
    for (size_t i = 0; i < n_all; i++)
        if (marks[i].ts_us >= t->w0 && marks[i].ts_us <= t->w1)
            marks[n++] = marks[i];
    double *lo = xcalloc(n ? n : 1, sizeof *lo), *hi = xcalloc(n ? n : 1, sizeof *hi);
    int *row = xcalloc(n ? n : 1, sizeof *row);
    bool *right = xcalloc(n ? n : 1, sizeof *right);
    for (size_t i = 0; i < n; i++) {
        const char *name = marks[i].name;
        if (strncmp(name, "wasmlab:", 8) == 0)
            memmove(marks[i].name, name + 8, strlen(name + 8) + 1);
        /* near the right edge the label goes to the left of its mark */
        right[i] = marks[i].ts_us > t->w1 - (t->w1 - t->w0) / 8;
        double x = (ms_of(t, marks[i].ts_us) - ms_of(t, t->w0)) * t->px_per_ms;
        double w = (double)strlen(marks[i].name) * LABEL_CHAR_PX + LABEL_CHAR_PX;
        lo[i] = right[i] ? x - w : x;
        hi[i] = right[i] ? x : x + w;
    }
    t->unlabelled = plot_place_labels(lo, hi, n, 2, LABEL_CHAR_PX, row);
    for (size_t i = 0; i < n; i++) {
        fprintf(fm, "%.4f 1.4 ", ms_of(t, marks[i].ts_us));
        if (row[i] < 0)
            fprintf(fm, "NaN ");
        else
            fprintf(fm, "%.2f ", row[i] ? 1.4 + 0.52 : 1.4 - 0.52);
        plot_data_str(fm, marks[i].name);
        fprintf(fm, " %d\n", right[i]);
    }
    t->n_marks = n;
    if (n == 0)
        fprintf(fm, "NaN NaN NaN \"\" 0\n");
    free(marks);
    free(lo);
    free(hi);
    free(row);
    free(right);
    return plot_data_close(j, fm) < 0 ? PLOT_FAILED : PLOT_OK;
}

/* The load's GC pauses: the gc_pauses rows; V8's own MinorGC/MajorGC slices
 * when the table has none of V8's for the load. */
static size_t gc_bands(struct plot_job *j, const struct timeline *t, struct gc_band **out)
{
    struct db_pause *p = NULL;
    size_t n_p = 0, n = 0;
    bool have_v8 = false;
    if (db_has_table(j->db, "gc_pauses"))
        db_read_load_pauses(j->db, t->ld.id, &p, &n_p);
    *out = xcalloc(n_p + 1, sizeof **out);
    for (size_t i = 0; i < n_p; i++) {
        if (p[i].start_us == DB_NULL)
            continue;   /* a pause without a start cannot be placed */
        struct gc_band *g = &(*out)[n++];
        g->go = strcmp(p[i].source, "go") == 0;
        have_v8 |= !g->go;
        g->start_us = p[i].start_us;
        g->dur_us = p[i].dur_us;
        snprintf(g->what, sizeof g->what, "%s %s", g->go ? "Go" : "V8", p[i].kind);
    }
    free(p);
    if (have_v8)
        return n;
    for (size_t i = 0; i < t->sl.n; i++) {
        const char *name = string_pool_get(&t->sl.names, t->sl.v[i].name);
        if (strcmp(name, "MinorGC") != 0 && strcmp(name, "MajorGC") != 0)
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        struct gc_band *g = &(*out)[n++];
        g->start_us = t->sl.v[i].start_us;
        g->dur_us = t->sl.v[i].dur_us;
        g->go = false;
        snprintf(g->what, sizeof g->what, "V8 %s", name);
    }
    return n;
}

static int write_gc(struct plot_job *j, struct timeline *t)
{
    struct gc_band *gc;
    size_t n_gc = gc_bands(j, t, &gc);
    int rc = PLOT_OK;
    for (int pass = 0; pass < 2 && rc == PLOT_OK; pass++) {
        FILE *fg = plot_data_open(j, pass ? "gc_go_file" : "gc_v8_file",
                                  pass ? "gc_go.dat" : "gc_v8.dat");
        if (!fg) {
            rc = PLOT_FAILED;
            break;
        }
        size_t n = 0;
        int64_t us = 0;
        for (size_t i = 0; i < n_gc; i++) {
            if (gc[i].go != (pass == 1))
                continue;
            if (gc[i].start_us + gc[i].dur_us < t->w0 || gc[i].start_us > t->w1)
                continue;
            double x0 = ms_of(t, gc[i].start_us), x1 = ms_of(t, gc[i].start_us + gc[i].dur_us);
            if (x1 - x0 < 2 * t->min_ms)
                x1 = x0 + 2 * t->min_ms;
            fprintf(fg, "%.4f %.4f\n", x0, x1);
            n++;
            us += gc[i].dur_us;
        }
        if (n == 0)
            fprintf(fg, "NaN NaN\n");
        if (pass) {
            t->n_go = n;
            t->go_us = us;
        } else {
            t->n_v8 = n;
            t->v8_us = us;
        }
        if (plot_data_close(j, fg) < 0)
            rc = PLOT_FAILED;
    }
    free(gc);
    return rc;
}

/* The template's variables, the legend's counts, the title; then gnuplot. */
static int render(struct plot_job *j, const struct timeline *t)
{
    const struct db_load_row *ld = &t->ld;
    struct buf *s = &j->script;
    gnuplot_set_num(s, "x_min", ms_of(t, t->w0));
    gnuplot_set_num(s, "x_max", ms_of(t, t->w1));
    gnuplot_set_num(s, "y_max", t->y_max);
    gnuplot_set_num(s, "row_h", ROW_H);
    gnuplot_set_num(s, "fb_ms", ld->response_us != DB_NULL ? ms_of(t, ld->response_us) : NAN);
    gnuplot_set_num(s, "cf_ms", ld->compiled_us != DB_NULL ? ms_of(t, ld->compiled_us) : NAN);
    char text[256];
    if (ld->fb2c_us != DB_NULL)
        snprintf(text, sizeof text, "first byte to compile finished: %.2f ms",
                 (double)ld->fb2c_us / 1000);
    else
        snprintf(text, sizeof text, "first byte to compile finished: n/a (status %s)",
                 ld->status);
    gnuplot_set_str(s, "fb2c_title", text);
    snprintf(text, sizeof text, "body chunks (%zu, %lld bytes)", t->n_chunks,
             (long long)t->chunk_bytes);
    gnuplot_set_str(s, "chunks_title", text);
    if (t->n_v8)
        snprintf(text, sizeof text, "V8 GC pauses (%zu, %.2f ms)", t->n_v8,
                 (double)t->v8_us / 1000);
    else
        snprintf(text, sizeof text, "V8 GC pauses (none)");
    gnuplot_set_str(s, "gc_v8_title", text);
    if (t->n_go)
        snprintf(text, sizeof text, "Go GC pauses (%zu, %.2f ms)", t->n_go,
                 (double)t->go_us / 1000);
    else
        snprintf(text, sizeof text, "Go GC pauses (none recorded)");
    gnuplot_set_str(s, "gc_go_title", text);

    char title[400], subtitle[600];
    if (ld->fb2c_us != DB_NULL)
        snprintf(title, sizeof title, "Timeline of load %lld: %s, first byte to compile %.2f ms",
                 (long long)ld->id, ld->module, (double)ld->fb2c_us / 1000);
    else
        snprintf(title, sizeof title, "Timeline of load %lld: %s (%s)", (long long)ld->id,
                 ld->module, ld->status);
    plot_subtitle(j, subtitle, sizeof subtitle);
    snprintf(j->note, sizeof j->note,
             "load %lld (%s): %zu slices on %zu threads drawn%s%s, %zu GC pauses, "
             "%.1f to %.1f ms%s", (long long)ld->id, ld->module, t->drawn, t->n_lanes,
             t->hidden_threads ? ", more threads left out" : "",
             t->deep ? ", deeper slices left out" : "", t->n_v8 + t->n_go,
             ms_of(t, t->w0), ms_of(t, t->w1),
             j->window == PLOT_WINDOW_COMPILE && ld->compiled_us != DB_NULL &&
                     ld->end_us != DB_NULL && ld->end_us > t->w1
                 ? " (to compile finished; --window load for the whole load)" : "");
    return plot_render(j, "timeline.gp", title, subtitle, t->width, t->height);
}

int plot_timeline(struct plot_job *j)
{
    struct timeline *t = xcalloc(1, sizeof *t);
    int rc = read_load(j, &t->ld);
    if (rc != PLOT_OK) {
        free(t);
        return rc;
    }
    const struct db_load_row *ld = &t->ld;
    struct plot_moments m = {
        .request_us = ld->request_us, .response_us = ld->response_us,
        .last_byte_us = ld->last_byte_us, .stream_us = ld->stream_us,
        .compile_start_us = db_read_mark_time(j->db, ld->id, "wasmlab:compile-start"),
        .compiled_us = ld->compiled_us, .end_us = ld->end_us,
    };
    plot_timeline_window(&m, j->window, &t->w0, &t->w1);
    t->zero = (double)ld->request_us;

    /* the renderer's slices, streamed out of the stored trace */
    char err[400];
    struct slice_builder *sb = slices_new(ld->renderer_pid, t->w0, t->w1);
    int trc = stored_trace_parse(j->db, ld->id, slices_event, sb, err, sizeof err);
    if (trc != STORED_TRACE_OK) {
        slices_builder_free(sb);
        free(t);
        return plot_fail(j, PLOT_BAD_INPUT, "%s", err);
    }
    slices_finish(sb, &t->sl);
    slices_builder_free(sb);

    build_lanes(t);
    t->width = j->width > 0 ? j->width : 1400;
    t->height = j->height > 0 ? j->height : (int)(260 + t->y_max * 24);
    if (t->height > 2400)
        t->height = 2400;
    double plot_px = t->width - 290.0;   /* minus the lane labels and margins */
    t->px_per_ms = plot_px / ((double)(t->w1 - t->w0) / 1000.0);
    t->min_ms = 1.0 / t->px_per_ms;      /* one pixel: every slice stays visible */

    rc = write_slices(j, t);
    if (rc == PLOT_OK)
        rc = write_lanes(j, t);
    if (rc == PLOT_OK)
        rc = write_net(j, t);
    if (rc == PLOT_OK)
        rc = write_marks(j, t);
    if (rc == PLOT_OK)
        rc = write_gc(j, t);
    if (rc == PLOT_OK)
        rc = render(j, t);
    free(t->lane_of);
    free(t->lanes);
    slices_free(&t->sl);
    free(t);
    return rc;
}
