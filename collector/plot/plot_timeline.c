/* plot timeline: one load as a flame/timeline chart.
 *
 * Time (ms since the module's request was sent) on x; lanes top to bottom:
 * network (request, first byte, each body chunk, last byte), the harness's
 * page marks, then the renderer's main thread and each worker thread with
 * work in the window, their trace slices stacked by depth (from the stored
 * raw trace: collector/trace/trace_slices.h) and labelled where wide enough. GC
 * pauses (gc_pauses rows; V8's MinorGC/MajorGC slices when the table has
 * none for the load) are bands across all lanes; the first-byte-to-compile
 * interval is shaded. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "collector/trace/stored_trace.h"
#include "collector/trace/trace_slices.h"

#define MAX_THREADS 10       /* thread lanes drawn (the busiest) */
#define MAX_DEPTH 8          /* rows per thread lane */
#define ROW_H 0.8            /* box height in row units */
#define LANE_GAP 0.6         /* rows between lanes */
#define LABEL_CHAR_PX 6.0    /* width of a label character at the label font */

struct tl_load {
    int64_t id, renderer_pid;
    int64_t request_us, response_us, last_byte_us, stream_us, compiled_us, end_us, fb2c_us;
    char module[256], status[32];
};

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, i);
}

int64_t plot_pick_load(sqlite3 *sq, const struct plot_scope *scope)
{
    /* the first module of the scope (in load order), then its ok load
     * nearest the median (the lower middle for an even count) */
    const char *sql =
        "WITH ok AS (SELECT l.id, l.module_id, l.first_byte_to_compile_us AS v"
        "  FROM loads l JOIN modules m ON m.id = l.module_id"
        "  WHERE (?1 < 0 OR l.run_id = ?1) AND (?2 IS NULL OR m.name = ?2)"
        "  AND l.status = 'ok' AND l.first_byte_to_compile_us IS NOT NULL"
        "  AND l.id IN (SELECT load_id FROM load_traces)),"
        " first AS (SELECT module_id FROM ok ORDER BY id LIMIT 1),"
        " ranked AS (SELECT id, v, ROW_NUMBER() OVER (ORDER BY v, id) AS rn,"
        "  COUNT(*) OVER () AS n FROM ok WHERE module_id = (SELECT module_id FROM first))"
        " SELECT id FROM ranked WHERE rn = (n + 1) / 2";
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, scope->run_id);
    if (scope->module)
        sqlite3_bind_text(st, 2, scope->module, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static int read_load(struct plot_job *j, struct tl_load *ld)
{
    sqlite3_stmt *st = plot_prepare_scoped(j,
        "SELECT l.id, l.renderer_pid, l.request_sent_us, l.response_received_us,"
        " l.last_byte_us, l.stream_start_us, l.compile_finished_us, l.load_end_us,"
        " l.first_byte_to_compile_us, m.name, l.status" PLOT_SCOPE_FROM " WHERE %S");
    if (!st)
        return PLOT_FAILED;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return plot_fail(j, PLOT_BAD_INPUT, "load %lld: no such load",
                         (long long)j->scope.load_id);
    }
    ld->id = sqlite3_column_int64(st, 0);
    ld->renderer_pid = col_i64(st, 1);
    ld->request_us = col_i64(st, 2);
    ld->response_us = col_i64(st, 3);
    ld->last_byte_us = col_i64(st, 4);
    ld->stream_us = col_i64(st, 5);
    ld->compiled_us = col_i64(st, 6);
    ld->end_us = col_i64(st, 7);
    ld->fb2c_us = col_i64(st, 8);
    snprintf(ld->module, sizeof ld->module, "%s", (const char *)sqlite3_column_text(st, 9));
    snprintf(ld->status, sizeof ld->status, "%s", (const char *)sqlite3_column_text(st, 10));
    sqlite3_finalize(st);
    if (ld->request_us == INT64_MIN || ld->renderer_pid == INT64_MIN)
        return plot_fail(j, PLOT_BAD_INPUT,
                         "load %lld (status %s) has no module request in its trace to draw",
                         (long long)ld->id, ld->status);
    return PLOT_OK;
}

struct gc_band {
    int64_t start_us, dur_us;
    bool go;
    char what[48];
};

/* The load's GC pauses from gc_pauses (the GC work's table), if present. */
static size_t read_gc_table(struct plot_job *j, int64_t load_id, struct gc_band **out,
                            bool *have_v8)
{
    *out = NULL;
    *have_v8 = false;
    if (!plot_has_table(j->sq, "gc_pauses"))
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->sq,
                           "SELECT source, kind, start_us, dur_us FROM gc_pauses"
                           " WHERE load_id = ? AND is_pause = 1 AND dur_us IS NOT NULL"
                           " ORDER BY start_us", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, load_id);
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        const char *src = (const char *)sqlite3_column_text(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        struct gc_band *g = &(*out)[n++];
        g->go = src && strcmp(src, "go") == 0;
        if (!g->go)
            *have_v8 = true;
        g->start_us = sqlite3_column_int64(st, 2);
        g->dur_us = sqlite3_column_int64(st, 3);
        snprintf(g->what, sizeof g->what, "%s %s", g->go ? "Go" : "V8", kind ? kind : "");
    }
    sqlite3_finalize(st);
    return n;
}

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

int plot_timeline(struct plot_job *j)
{
    struct tl_load ld;
    int rc = read_load(j, &ld);
    if (rc != PLOT_OK)
        return rc;

    /* the window: from the first of request/compile start/stream start to
     * the last of done/compile finished/last byte (--window compile: to
     * compile finished) */
    int64_t t0 = ld.request_us, t1 = ld.request_us;
    bool compile_only = j->window == PLOT_WINDOW_COMPILE && ld.compiled_us != INT64_MIN;
    int64_t moments[] = { ld.response_us, ld.last_byte_us, ld.stream_us, ld.compiled_us,
                          compile_only ? INT64_MIN : ld.end_us };
    for (size_t i = 0; i < sizeof moments / sizeof moments[0]; i++) {
        if (moments[i] == INT64_MIN)
            continue;
        if (moments[i] < t0)
            t0 = moments[i];
        if (moments[i] > t1)
            t1 = moments[i];
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->sq, "SELECT MIN(ts_us) FROM page_marks WHERE load_id = ?"
                           " AND name = 'wasmlab:compile-start'", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, ld.id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
            sqlite3_column_int64(st, 0) < t0)
            t0 = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (t1 - t0 < 1000)
        t1 = t0 + 1000;
    int64_t margin = (t1 - t0) / 40;
    int64_t w0 = t0 - margin, w1 = t1 + margin;
    double zero = (double)ld.request_us;   /* x = 0 at the request */
#define MS(us) (((double)(us) - zero) / 1000.0)

    /* the renderer's slices, streamed out of the stored trace */
    char err[400];
    struct slice_builder *sb = slices_new(ld.renderer_pid, w0, w1);
    int trc = stored_trace_parse(j->sq, ld.id, slices_event, sb, err, sizeof err);
    if (trc != STORED_TRACE_OK) {
        slices_builder_free(sb);
        return plot_fail(j, PLOT_BAD_INPUT, "%s", err);
    }
    struct slices sl;
    slices_finish(sb, &sl);
    slices_builder_free(sb);

    /* lanes: the main thread first, then the busiest others */
    struct lane *lanes = xcalloc(sl.n_threads ? sl.n_threads : 1, sizeof *lanes);
    for (size_t t = 0; t < sl.n_threads; t++)
        lanes[t].thread = (uint32_t)t;
    for (size_t i = 0; i < sl.n; i++) {
        struct lane *L = &lanes[sl.v[i].thread];
        L->slices++;
        if (sl.v[i].depth + 1 > L->rows)
            L->rows = sl.v[i].depth + 1;
        if (sl.v[i].depth == 0) {
            int64_t a = sl.v[i].start_us < w0 ? w0 : sl.v[i].start_us;
            int64_t b = sl.v[i].start_us + sl.v[i].dur_us > w1 ? w1
                                                              : sl.v[i].start_us + sl.v[i].dur_us;
            L->busy_us += b > a ? b - a : 0;
        }
    }
    for (size_t t = 0; t < sl.n_threads; t++)
        if (strcmp(sl.threads[t].name, "CrRendererMain") == 0)
            lanes[t].busy_us = INT64_MAX;   /* sorts first */
    qsort(lanes, sl.n_threads, sizeof *lanes, by_busy);
    size_t n_lanes = 0;
    while (n_lanes < sl.n_threads && n_lanes < MAX_THREADS && lanes[n_lanes].slices > 0)
        n_lanes++;
    size_t hidden_threads = 0;
    for (size_t t = n_lanes; t < sl.n_threads; t++)
        hidden_threads += lanes[t].slices > 0;
    int *lane_of = xcalloc(sl.n_threads ? sl.n_threads : 1, sizeof *lane_of);
    for (size_t t = 0; t < sl.n_threads; t++)
        lane_of[t] = -1;
    /* rows: network at 0, page marks at 1, threads below */
    double y = 2 + LANE_GAP;
    for (size_t k = 0; k < n_lanes; k++) {
        lane_of[lanes[k].thread] = (int)k;
        if (lanes[k].rows > MAX_DEPTH)
            lanes[k].rows = MAX_DEPTH;
        lanes[k].base = y;
        y += lanes[k].rows + LANE_GAP;
    }
    double y_max = y - LANE_GAP + 0.1;

    int width = j->width > 0 ? j->width : 1400;
    int height = j->height > 0 ? j->height : (int)(260 + y_max * 24);
    if (height > 2400)
        height = 2400;
    double plot_px = width - 290.0;   /* minus the lane labels and margins */
    double px_per_ms = plot_px / ((double)(w1 - w0) / 1000.0);
    double min_ms = 1.0 / px_per_ms;  /* one pixel: every slice stays visible */

    FILE *fs = plot_data_open(j, "slices_file", "slices.dat");
    FILE *fl = fs ? plot_data_open(j, "labels_file", "labels.dat") : NULL;
    if (!fl) {
        if (fs)
            fclose(fs);
        rc = PLOT_FAILED;
        goto out;
    }
    size_t drawn = 0, deep = 0;
    for (size_t i = 0; i < sl.n; i++) {
        const struct slice *s = &sl.v[i];
        int k = lane_of[s->thread];
        if (k < 0)
            continue;
        if (s->depth >= MAX_DEPTH) {
            deep++;
            continue;
        }
        double x0 = MS(s->start_us < w0 ? w0 : s->start_us);
        double x1 = MS(s->start_us + s->dur_us > w1 ? w1 : s->start_us + s->dur_us);
        if (x1 - x0 < min_ms)
            x1 = x0 + min_ms;
        double y0 = lanes[k].base + s->depth;
        fprintf(fs, "%.4f %.4f %.3f %.3f %u\n", x0, x1, y0, y0 + ROW_H,
                class_rgb(s->cat_class));
        drawn++;
        char text[128];
        label_text(sl.names[s->name], (x1 - x0) * px_per_ms - 4, text, sizeof text);
        if (text[0]) {
            fprintf(fl, "%.4f %.3f ", (x0 + x1) / 2, y0 + ROW_H / 2);
            plot_data_str(fl, text);
            fputc('\n', fl);
        }
    }
    if (drawn == 0)
        fprintf(fs, "NaN NaN NaN NaN 0\n");
    fprintf(fl, "NaN NaN \"\"\n");
    if (plot_data_close(j, fs) < 0 || plot_data_close(j, fl) < 0) {
        rc = PLOT_FAILED;
        goto out;
    }

    /* lane names (y tics) and separators */
    FILE *fy = plot_data_open(j, "lanes_file", "lanes.dat");
    if (!fy) {
        rc = PLOT_FAILED;
        goto out;
    }
    fprintf(fy, "0.4 \"network\" 0\n1.4 \"page marks\" 0\n");
    for (size_t k = 0; k < n_lanes; k++) {
        const struct slice_thread *t = &sl.threads[lanes[k].thread];
        char name[128];
        if (k == 0 && strcmp(t->name, "CrRendererMain") == 0)
            snprintf(name, sizeof name, "main thread (CrRendererMain)");
        else
            snprintf(name, sizeof name, "%s %lld", t->name[0] ? t->name : "thread",
                     (long long)t->tid);
        fprintf(fy, "%.3f ", lanes[k].base + ROW_H / 2);
        plot_data_str(fy, name);
        fprintf(fy, " %.3f\n", lanes[k].base - LANE_GAP / 2);
    }
    if (plot_data_close(j, fy) < 0) {
        rc = PLOT_FAILED;
        goto out;
    }

    /* network: request, first byte, chunks, last byte */
    FILE *fn = plot_data_open(j, "net_file", "net.dat");
    if (!fn) {
        rc = PLOT_FAILED;
        goto out;
    }
    fprintf(fn, "# request\n%.4f 0.4\n\n\n# first byte\n", MS(ld.request_us));
    if (ld.response_us != INT64_MIN)
        fprintf(fn, "%.4f 0.4\n", MS(ld.response_us));
    else
        fprintf(fn, "NaN NaN\n");
    fprintf(fn, "\n\n# chunks: x bytes\n");
    size_t n_chunks = 0;
    int64_t chunk_bytes = 0;
    if (sqlite3_prepare_v2(j->sq, "SELECT ts_us, bytes FROM net_chunks WHERE load_id = ?"
                           " ORDER BY seq", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, ld.id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            fprintf(fn, "%.4f %lld\n", MS(sqlite3_column_int64(st, 0)),
                    (long long)sqlite3_column_int64(st, 1));
            n_chunks++;
            chunk_bytes += sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    if (n_chunks == 0)
        fprintf(fn, "NaN NaN\n");
    fprintf(fn, "\n\n# last byte\n");
    if (ld.last_byte_us != INT64_MIN)
        fprintf(fn, "%.4f 0.4\n", MS(ld.last_byte_us));
    else
        fprintf(fn, "NaN NaN\n");
    if (plot_data_close(j, fn) < 0) {
        rc = PLOT_FAILED;
        goto out;
    }

    /* the harness's marks */
    FILE *fm = plot_data_open(j, "marks_file", "marks.dat");
    if (!fm) {
        rc = PLOT_FAILED;
        goto out;
    }
    size_t n_marks = 0;
    if (sqlite3_prepare_v2(j->sq, "SELECT name, ts_us FROM page_marks WHERE load_id = ?"
                           " AND ts_us IS NOT NULL ORDER BY ts_us", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, ld.id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            int64_t ts = sqlite3_column_int64(st, 1);
            if (ts < w0 || ts > w1)
                continue;
            if (strncmp(name, "wasmlab:", 8) == 0)
                name += 8;
            /* labels alternate above and below, so neighbours do not
             * overwrite each other */
            fprintf(fm, "%.4f 1.4 %.2f ", MS(ts), n_marks % 2 ? 1.4 + 0.52 : 1.4 - 0.52);
            plot_data_str(fm, name);
            /* near the right edge the label goes to the left of its mark */
            fprintf(fm, " %d\n", ts > w1 - (w1 - w0) / 8);
            n_marks++;
        }
        sqlite3_finalize(st);
    }
    if (n_marks == 0)
        fprintf(fm, "NaN NaN NaN \"\" 0\n");
    if (plot_data_close(j, fm) < 0) {
        rc = PLOT_FAILED;
        goto out;
    }

    /* GC pauses: the gc_pauses table; V8's own slices when it has none */
    bool have_v8 = false;
    struct gc_band *gc = NULL;
    size_t n_gc = read_gc_table(j, ld.id, &gc, &have_v8);
    if (!have_v8) {
        for (size_t i = 0; i < sl.n; i++) {
            const char *name = sl.names[sl.v[i].name];
            if (strcmp(name, "MinorGC") != 0 && strcmp(name, "MajorGC") != 0)
                continue;
            gc = xrealloc(gc, (n_gc + 1) * sizeof *gc);
            gc[n_gc].start_us = sl.v[i].start_us;
            gc[n_gc].dur_us = sl.v[i].dur_us;
            gc[n_gc].go = false;
            snprintf(gc[n_gc].what, sizeof gc[n_gc].what, "V8 %s", name);
            n_gc++;
        }
    }
    size_t n_v8 = 0, n_go = 0;
    int64_t v8_us = 0, go_us = 0;
    for (int pass = 0; pass < 2; pass++) {
        FILE *fg = plot_data_open(j, pass ? "gc_go_file" : "gc_v8_file",
                                  pass ? "gc_go.dat" : "gc_v8.dat");
        if (!fg) {
            free(gc);
            rc = PLOT_FAILED;
            goto out;
        }
        size_t n = 0;
        for (size_t i = 0; i < n_gc; i++) {
            if (gc[i].go != (pass == 1))
                continue;
            if (gc[i].start_us + gc[i].dur_us < w0 || gc[i].start_us > w1)
                continue;
            double x0 = MS(gc[i].start_us), x1 = MS(gc[i].start_us + gc[i].dur_us);
            if (x1 - x0 < 2 * min_ms)
                x1 = x0 + 2 * min_ms;
            fprintf(fg, "%.4f %.4f\n", x0, x1);
            n++;
            if (pass)
                go_us += gc[i].dur_us;
            else
                v8_us += gc[i].dur_us;
        }
        if (n == 0)
            fprintf(fg, "NaN NaN\n");
        if (pass)
            n_go = n;
        else
            n_v8 = n;
        if (plot_data_close(j, fg) < 0) {
            free(gc);
            rc = PLOT_FAILED;
            goto out;
        }
    }
    free(gc);

    struct buf *s = &j->script;
    gnuplot_set_num(s, "x_min", MS(w0));
    gnuplot_set_num(s, "x_max", MS(w1));
    gnuplot_set_num(s, "y_max", y_max);
    gnuplot_set_num(s, "row_h", ROW_H);
    gnuplot_set_num(s, "fb_ms", ld.response_us != INT64_MIN ? MS(ld.response_us) : NAN);
    gnuplot_set_num(s, "cf_ms", ld.compiled_us != INT64_MIN ? MS(ld.compiled_us) : NAN);
    char text[256];
    if (ld.fb2c_us != INT64_MIN)
        snprintf(text, sizeof text, "first byte to compile finished: %.2f ms",
                 (double)ld.fb2c_us / 1000);
    else
        snprintf(text, sizeof text, "first byte to compile finished: n/a (status %s)",
                 ld.status);
    gnuplot_set_str(s, "fb2c_title", text);
    snprintf(text, sizeof text, "body chunks (%zu, %lld bytes)", n_chunks,
             (long long)chunk_bytes);
    gnuplot_set_str(s, "chunks_title", text);
    if (n_v8)
        snprintf(text, sizeof text, "V8 GC pauses (%zu, %.2f ms)", n_v8, (double)v8_us / 1000);
    else
        snprintf(text, sizeof text, "V8 GC pauses (none)");
    gnuplot_set_str(s, "gc_v8_title", text);
    if (n_go)
        snprintf(text, sizeof text, "Go GC pauses (%zu, %.2f ms)", n_go, (double)go_us / 1000);
    else
        snprintf(text, sizeof text, "Go GC pauses (none recorded)");
    gnuplot_set_str(s, "gc_go_title", text);

    char title[400], subtitle[600];
    if (ld.fb2c_us != INT64_MIN)
        snprintf(title, sizeof title, "Timeline of load %lld: %s, first byte to compile %.2f ms",
                 (long long)ld.id, ld.module, (double)ld.fb2c_us / 1000);
    else
        snprintf(title, sizeof title, "Timeline of load %lld: %s (%s)", (long long)ld.id,
                 ld.module, ld.status);
    plot_subtitle(j, subtitle, sizeof subtitle);
    snprintf(j->note, sizeof j->note,
             "load %lld (%s): %zu slices on %zu threads drawn%s%s, %zu GC pauses",
             (long long)ld.id, ld.module, drawn, n_lanes,
             hidden_threads ? ", more threads left out" : "",
             deep ? ", deeper slices left out" : "", n_v8 + n_go);
    rc = plot_render(j, "timeline.gp", title, subtitle, width, height);
#undef MS
out:
    free(lane_of);
    free(lanes);
    slices_free(&sl);
    return rc;
}
