/* plot streaming: one load's module bytes arriving against V8's compile
 * work on its worker threads, both cumulative over time since the first
 * byte: the streaming overlap made visible. On a shaped load a streaming
 * compile's work climbs while the bytes still arrive; a buffered one starts
 * only after the last byte.
 *
 *   received   each wasm.OnBytesReceived chunk (net_chunks), cumulative KiB
 *   sent       each write of wasmlab's server (chunk_sends), cumulative KiB
 *   compile    the compile work of extract.h's definition: complete wasm.*
 *              slices on the renderer's threads other than the page's,
 *              clipped to [compile start, compile finished], merged per
 *              thread, summed over threads, cumulative ms. Its last value
 *              is the load's compile_work_us; the part left of the last
 *              byte is its overlap_us.
 *
 * A per-load kind: --load ID, or the scope's ok load nearest its module's
 * median (plot_pick_load). */
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "db/read_loads.h"

struct span {
    int64_t tid, start, end;
};

static int by_tid_start(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

/* A boundary of a merged span: +1 at its start, -1 at its end. */
struct edge {
    int64_t t;
    int d;
};

static int by_time(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Writes the cumulative compile work (t ms since t0, work ms) to f and
 * returns the total in µs. */
static int64_t write_compile_work(FILE *f, const struct db_wasm_slice *s, size_t n,
                                  int64_t page_tid, int64_t from, int64_t to, int64_t t0)
{
    struct span *sp = calloc(n ? n : 1, sizeof *sp);
    struct edge *ed = calloc(2 * (n ? n : 1), sizeof *ed);
    size_t ns = 0, ne = 0;
    for (size_t i = 0; sp && i < n; i++) {
        int64_t start = s[i].ts_us > from ? s[i].ts_us : from;
        int64_t end = s[i].ts_us + s[i].dur_us < to ? s[i].ts_us + s[i].dur_us : to;
        if (s[i].tid != page_tid && end > start)
            sp[ns++] = (struct span){ s[i].tid, start, end };
    }
    if (ns)
        qsort(sp, ns, sizeof *sp, by_tid_start);
    for (size_t i = 0; ed && i < ns;) {   /* merge nested slices per thread */
        int64_t start = sp[i].start, end = sp[i].end;
        size_t k = i + 1;
        for (; k < ns && sp[k].tid == sp[i].tid && sp[k].start <= end; k++)
            if (sp[k].end > end)
                end = sp[k].end;
        ed[ne++] = (struct edge){ start, 1 };
        ed[ne++] = (struct edge){ end, -1 };
        i = k;
    }
    if (ne)
        qsort(ed, ne, sizeof *ed, by_time);
    int64_t work = 0, prev = from;
    int active = 0;
    fprintf(f, "%.3f 0\n", (double)(from - t0) / 1000.0);
    for (size_t i = 0; i < ne; i++) {
        work += (int64_t)active * (ed[i].t - prev);
        prev = ed[i].t;
        active += ed[i].d;
        fprintf(f, "%.3f %.3f\n", (double)(ed[i].t - t0) / 1000.0, (double)work / 1000.0);
    }
    fprintf(f, "%.3f %.3f\n", (double)(to - t0) / 1000.0, (double)work / 1000.0);
    free(sp);
    free(ed);
    return work;
}

/* Cumulative KiB (and bytes) of chunks over ms since t0: a zero at the first
 * chunk, then a line per chunk. */
static void write_bytes(FILE *f, const struct db_chunk *c, size_t n, int64_t t0)
{
    int64_t sum = 0;
    if (n)   /* from zero at the first chunk */
        fprintf(f, "%.3f 0 0\n", (double)(c[0].ts_us - t0) / 1000.0);
    for (size_t i = 0; i < n; i++) {
        sum += c[i].bytes;
        fprintf(f, "%.3f %.3f %lld\n", (double)(c[i].ts_us - t0) / 1000.0, (double)sum / 1024.0,
                (long long)sum);
    }
}

static void set_moment(struct buf *s, const char *name, int64_t us, int64_t t0)
{
    gnuplot_set_num(s, name, us == DB_NULL ? -1e300 : (double)(us - t0) / 1000.0);
}

/* The data files; *work_us: the compile work drawn. */
static int write_data(struct plot_job *j, const struct db_streaming_load *ld, int64_t t0,
                      int64_t *work_us, size_t *n_chunks, size_t *n_sends)
{
    struct db_chunk *recv = NULL, *sent = NULL;
    struct db_wasm_slice *sl = NULL;
    size_t nr = 0, nsent = 0, nsl = 0;
    int64_t page_tid;
    if (db_read_chunks(j->db, j->scope.load_id, &recv, &nr) < 0 ||
        db_read_chunk_sends(j->db, j->scope.load_id, &sent, &nsent) < 0 ||
        db_read_wasm_slices(j->db, j->scope.load_id, &sl, &nsl, &page_tid) < 0) {
        free(recv);
        free(sent);
        free(sl);
        return plot_query_failed(j);
    }
    int rc = PLOT_OK;
    FILE *fr = plot_data_open(j, "received_file", "received.dat");
    FILE *fs = fr ? plot_data_open(j, "sent_file", "sent.dat") : NULL;
    FILE *fc = fs ? plot_data_open(j, "compile_file", "compile.dat") : NULL;
    if (!fc) {
        rc = PLOT_FAILED;
    } else {
        write_bytes(fr, recv, nr, t0);
        write_bytes(fs, sent, nsent, t0);
        *work_us = write_compile_work(fc, sl, nsl, page_tid, ld->compile_start_us,
                                      ld->compiled_us, t0);
    }
    int c1 = fr ? plot_data_close(j, fr) : 0, c2 = fs ? plot_data_close(j, fs) : 0,
        c3 = fc ? plot_data_close(j, fc) : 0;
    if (c1 < 0 || c2 < 0 || c3 < 0)
        rc = PLOT_FAILED;
    *n_chunks = nr;
    *n_sends = nsent;
    free(recv);
    free(sent);
    free(sl);
    return rc;
}

int plot_streaming(struct plot_job *j)
{
    struct db_streaming_load ld;
    int found = db_read_streaming_load(j->db, j->scope.load_id, &ld);
    if (found < 0)
        return plot_query_failed(j);
    if (found == 0)
        return plot_fail(j, PLOT_BAD_INPUT, "no load %lld in the DB", (long long)j->scope.load_id);
    if (ld.response_us == DB_NULL || ld.compile_start_us == DB_NULL || ld.compiled_us == DB_NULL)
        return plot_fail(j, PLOT_NO_DATA, "load %lld has no first byte, compile start or compile "
                         "end (not an ok load, or stored before migration 008)",
                         (long long)j->scope.load_id);
    int64_t t0 = ld.response_us, work = 0;
    size_t n_chunks = 0, n_sends = 0;
    int rc = write_data(j, &ld, t0, &work, &n_chunks, &n_sends);
    if (rc != PLOT_OK)
        return rc;
    if (n_chunks == 0)
        return plot_fail(j, PLOT_NO_DATA, "load %lld has no received chunks (net_chunks)",
                         (long long)j->scope.load_id);
    struct buf *s = &j->script;
    gnuplot_set_int(s, "has_sent", n_sends > 0);
    set_moment(s, "t_compile_start", ld.compile_start_us, t0);
    set_moment(s, "t_last_byte", ld.last_byte_us, t0);
    set_moment(s, "t_compiled", ld.compiled_us, t0);
    set_moment(s, "t_instance", ld.instantiate_end_us, t0);
    char net[160], sub[700], base[600];
    if (ld.net_bandwidth != DB_NULL)
        snprintf(net, sizeof net, "network %s (%.2f Mbit/s, %lld ms, %s, %s shaper)",
                 ld.net_profile, (double)ld.net_bandwidth * 8 / 1e6,
                 (long long)(ld.net_latency_ms == DB_NULL ? 0 : ld.net_latency_ms),
                 ld.net_encoding, ld.net_shaper);
    else
        snprintf(net, sizeof net, "network %s (unshaped loopback)", ld.net_profile);
    plot_subtitle(j, base, sizeof base);
    snprintf(sub, sizeof sub, "%s · %s", base, net);
    double pct = work > 0 && ld.overlap_us != DB_NULL ? 100.0 * (double)ld.overlap_us / (double)work
                                                      : 0;
    snprintf(j->note, sizeof j->note, "load %lld (%s): %zu chunks, compile work %.1f ms, %.0f%% "
             "before the last byte", (long long)j->scope.load_id, ld.api, n_chunks,
             (double)work / 1000.0, pct);
    char title[200];
    snprintf(title, sizeof title, "Streaming overlap: bytes received vs compile work (%s)",
             ld.api);
    return plot_render(j, "streaming.gp", title, sub, 1100, 650);
}
