#include "collector/measure/store.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/util.h"
#include "collector/measure/page_clock.h"
#include "collector/measure/page_output.h"
#include "collector/trace/tiers.h"
#include "db/loads.h"
#include "wasmlab_config.h"

static int64_t nz(int64_t v)
{
    return v < 0 ? DB_NULL : v;
}

/* One load's rows while they are being translated: the arrays the record
 * points at, and what must be freed after the write. */
struct rows {
    struct db_load_record rec;
    struct db_chunk *chunks;
    struct db_compile_event *events;
    struct db_mark *marks;
    struct db_gc_pause *gc;
    struct db_long_task *tasks;
    struct db_alloc_histogram *hists;
    char **hist_buckets;       /* json_dumps results */
    char *output;              /* page_output text */
    struct db_trace_blob trace;
    struct db_load_phases phases;
    struct page_output po;
    bool have_po;
    struct db_network net;
    struct db_chunk *sends;
    struct db_load_tiers tiers;
    struct db_code_cache cc;
    struct db_load_host host;
    char isolation[160];
};

static void rows_free(struct rows *r)
{
    free(r->sends);
    for (size_t i = 0; i < r->rec.n_hists; i++)
        free(r->hist_buckets[i]);
    free(r->hist_buckets);
    free(r->chunks);
    free(r->events);
    free(r->marks);
    free(r->gc);
    free(r->tasks);
    free(r->hists);
    free(r->output);
    if (r->have_po)
        page_output_free(&r->po);
}

/* The loads row itself. */
static void fill_load(struct rows *r, const struct load_key *key, const struct load_outcome *o)
{
    const struct extract_result *x = o->have_extract ? &o->x : NULL;
    bool ok = strcmp(o->status, "ok") == 0;
    json_t *report = o->page_report;
    if (report) {
        const char *out = json_string_value(json_object_get(report, "stdout"));
        const char *err = json_string_value(json_object_get(report, "stderr"));
        if ((out && *out) || (err && *err))
            r->output = xasprintf("%s%s", out ? out : "", err ? err : "");
    }
#define T(field) (x && x->field != EXTRACT_NONE ? x->field : DB_NULL)
    r->rec.load = (struct db_load){
        .run_id = key->run_id, .browser_id = key->browser_id, .module_id = key->module_id,
        .seq = key->seq, .api = key->api, .condition = key->condition,
        .status = o->status, .error = ok ? NULL : o->error,
        .started_at = key->started_at, .wall_ms = o->wall_ms,
        .request_sent_us = T(request_sent_us), .response_received_us = T(response_received_us),
        .last_byte_us = T(last_byte_us), .stream_start_us = T(stream_start_us),
        .compile_finished_us = T(compile_finished_us), .load_end_us = T(load_end_us),
        .compile_finished_event = x ? x->compile_finished_event : NULL,
        .bytes_received = x ? x->chunk_bytes : DB_NULL,
        .chunk_count = x ? (int64_t)x->n_chunks : DB_NULL,
        .first_byte_to_compile_us = ok ? T(first_byte_to_compile_us) : DB_NULL,
        .last_byte_to_compile_us = ok ? T(last_byte_to_compile_us) : DB_NULL,
        .page_compile_ms = o->page_compile_ms,
        .trace_bytes = o->trace_bytes, .trace_events = o->trace_events,
        .trace_data_loss = o->trace_data_loss < 0 ? DB_NULL : o->trace_data_loss,
        .renderer_pid = x && x->renderer_pid >= 0 ? x->renderer_pid : DB_NULL,
        .page_output = r->output,
        .args = key->args_json, .js_churn_mb = key->js_churn_mb > 0 ? key->js_churn_mb : DB_NULL,
        .trace_buffer_pct = o->trace_buffer_pct,
    };
#undef T
}

/* The compile phases as extract.h defines them. The first output is the
 * one moment with a fallback here: when the trace lacks the harness's
 * "wasmlab:first-output" mark, the page's performance.now() of it is placed
 * on the trace clock (page_clock.h, good to ~5 µs). */
static void fill_phases(struct rows *r, const struct extract_result *x, json_t *report,
                        const struct page_clock *clock)
{
    if (!x)
        return;
#define T(v) ((v) != EXTRACT_NONE ? (v) : DB_NULL)
    r->phases = (struct db_load_phases){
        .compile_start_us = T(x->compile_start_us),
        .compile_start_event = x->compile_start_event,
        .instantiate_end_us = T(x->instantiate_end_us),
        .instantiate_end_source = x->instantiate_end_source,
        .first_output_us = T(x->first_output_us), .startup_us = T(x->startup_us),
        .compile_work_us = T(x->compile_work_us), .overlap_us = T(x->overlap_us),
        .compile_before_last_byte_pct = x->compile_before_last_byte_pct,
    };
#undef T
    json_t *page_ms = json_object_get(json_object_get(report, "marks"), "wasmlab:first-output");
    if (x->first_output_us == EXTRACT_NONE && clock && json_is_number(page_ms)) {
        int64_t us = page_clock_to_trace_us(clock, json_number_value(page_ms));
        r->phases.first_output_us = us == INT64_MIN ? DB_NULL : us;
        if (us != INT64_MIN && x->instantiate_end_us != EXTRACT_NONE &&
            us >= x->instantiate_end_us)
            r->phases.startup_us = us - x->instantiate_end_us;
    }
    r->rec.phases = &r->phases;
}

/* Chunks and compile events, as the extractor found them. */
static void fill_trace_rows(struct rows *r, const struct extract_result *x)
{
    if (!x)
        return;
    r->chunks = xcalloc(x->n_chunks + 1, sizeof *r->chunks);
    for (size_t i = 0; i < x->n_chunks; i++)
        r->chunks[i] = (struct db_chunk){ x->chunks[i].ts_us, x->chunks[i].bytes };
    r->rec.chunks = r->chunks;
    r->rec.n_chunks = x->n_chunks;
    r->rec.chunk_source = x->chunk_source;
    r->events = xcalloc(x->n_compile_events + 1, sizeof *r->events);
    for (size_t i = 0; i < x->n_compile_events; i++) {
        const struct extract_compile_event *e = &x->compile_events[i];
        r->events[i] = (struct db_compile_event){
            .name = e->name, .category = e->cat, .phase = e->ph, .ts_us = e->ts_us,
            .dur_us = e->dur_us, .pid = e->pid, .tid = e->tid, .compile_id = e->compile_id,
        };
    }
    r->rec.events = r->events;
    r->rec.n_events = x->n_compile_events;
}

/* The page's performance.now() marks with their trace timestamps; or, with
 * no page report (import-trace), the trace's marks alone. */
static void fill_marks(struct rows *r, json_t *report, const struct extract_result *x,
                       bool from_trace)
{
    if (from_trace) {
        size_t n = x ? x->n_marks : 0;
        r->marks = xcalloc(n + 1, sizeof *r->marks);
        for (size_t i = 0; i < n; i++)
            r->marks[i] = (struct db_mark){ x->marks[i].name, NAN, x->marks[i].ts_us };
        r->rec.n_marks = n;
        r->rec.marks = r->marks;
        return;
    }
    json_t *marks = json_object_get(report, "marks");
    r->marks = xcalloc(json_object_size(marks) + 1, sizeof *r->marks);
    const char *mark;
    json_t *val;
    size_t n = 0;
    json_object_foreach(marks, mark, val) {
        if (!json_is_number(val))
            continue;   /* the harness reports numbers; anything else is not a mark */
        int64_t ts = DB_NULL;
        for (size_t i = 0; x && i < x->n_marks; i++)
            if (strcmp(x->marks[i].name, mark) == 0)
                ts = x->marks[i].ts_us;
        r->marks[n++] = (struct db_mark){ mark, json_number_value(val), ts };
    }
    r->rec.n_marks = n;
    r->rec.marks = r->marks;
}

/* GC pauses from both places they happen: V8's (trace) and Go's (the
 * workload's stdout, placed on the trace clock through the page clock),
 * with Go's per-cycle main-thread GC time (page_output_go_gc_rows). */
static void fill_gc(struct rows *r, const struct extract_result *x, const struct page_clock *clock)
{
    size_t n_v8 = x ? x->n_gc_events : 0, n = 0;
    size_t n_go = r->have_po ? page_output_go_gc_capacity(&r->po) : 0;
    r->gc = xcalloc(n_v8 + n_go + 1, sizeof *r->gc);
    for (size_t i = 0; i < n_v8; i++) {
        const struct extract_gc_event *g = &x->gc_events[i];
        r->gc[n++] = (struct db_gc_pause){
            .source = "v8", .kind = g->kind, .name = g->name, .is_pause = g->is_pause,
            .start_us = g->ts_us, .dur_us = nz(g->dur_us), .heap_before = nz(g->heap_before),
            .heap_after = nz(g->heap_after), .tid = g->tid, .gc_num = DB_NULL,
        };
    }
    if (r->have_po)
        n += page_output_go_gc_rows(&r->po, clock, x ? x->main_tid : DB_NULL, r->gc + n);
    r->rec.gc_pauses = r->gc;
    r->rec.n_gc_pauses = n;
}

/* C's allocator latency histograms (from the workload's stdout). */
static void fill_hists(struct rows *r)
{
    json_t *hists = r->have_po ? r->po.alloc_hists : NULL;
    size_t cap = json_array_size(hists) + 1, i;
    r->hists = xcalloc(cap, sizeof *r->hists);
    r->hist_buckets = xcalloc(cap, sizeof *r->hist_buckets);
    json_t *h;
    json_array_foreach(hists, i, h) {
        json_int_t every = json_integer_value(json_object_get(h, "sample_every"));
        r->hist_buckets[i] = json_dumps(json_object_get(h, "log2_buckets"), JSON_COMPACT);
        r->hists[i] = (struct db_alloc_histogram){
            .op = json_string_value(json_object_get(h, "op")),
            .sample_every = every ? every : DB_NULL,
            .samples = json_integer_value(json_object_get(h, "samples")),
            .sum_ns = json_integer_value(json_object_get(h, "sum_ns")),
            .max_ns = json_integer_value(json_object_get(h, "max_ns")),
            .clock_res_ns = json_integer_value(json_object_get(h, "clock_res_ns")),
            .buckets_json = r->hist_buckets[i],
        };
        r->rec.n_hists = i + 1;
    }
    r->rec.hists = r->hists;
}

/* The page's long tasks, placed on the trace clock. */
static void fill_long_tasks(struct rows *r, json_t *report, const struct page_clock *clock)
{
    json_t *tasks = json_object_get(report, "long_tasks"), *t;
    r->tasks = xcalloc(json_array_size(tasks) + 1, sizeof *r->tasks);
    size_t i, n = 0;
    json_array_foreach(tasks, i, t) {
        if (!clock)
            break;
        json_t *start = json_object_get(t, "start_ms"), *dur = json_object_get(t, "dur_ms");
        int64_t start_us, dur_us;
        if (!json_is_number(start) || !json_is_number(dur) ||
            !round_to_int64(json_number_value(dur) * 1000.0, UNTRUSTED_US_LIMIT, &dur_us) ||
            dur_us < 0 ||
            (start_us = page_clock_to_trace_us(clock, json_number_value(start))) == INT64_MIN)
            continue;   /* malformed or unplaceable: not stored rather than misplaced */
        r->tasks[n++] = (struct db_long_task){ start_us, dur_us,
                                               json_string_value(json_object_get(t, "name")) };
    }
    r->rec.long_tasks = r->tasks;
    r->rec.n_long_tasks = n;
}

static void fill_trace(struct rows *r, const struct load_key *key, const struct load_outcome *o)
{
    if (key->drop_trace) {
        r->rec.trace = NULL;
    } else if (key->trace_file) {
        const char *enc = key->trace_file->encoding ? key->trace_file->encoding : "gzip";
        r->trace = (struct db_trace_blob){ .format = "chrome-json", .encoding = enc,
                                           .raw_bytes = key->trace_file->raw_bytes,
                                           .len = key->trace_file->gz_bytes,
                                           .fd = key->trace_file->fd };
        r->rec.trace = &r->trace;
    } else if (o->have_trace_copy) {
        r->trace = (struct db_trace_blob){ .format = "chrome-json", .encoding = "zstd",
                                           .raw_bytes = (int64_t)o->trace_copy.raw_bytes,
                                           .data = o->trace_copy.mem.data,
                                           .len = o->trace_copy.mem.len, .fd = -1 };
        r->rec.trace = &r->trace;
    }
}

/* The network condition and the server's send log (migration 007). */
static void fill_network(struct rows *r, const struct load_key *key, const struct load_outcome *o)
{
    const struct net_condition *n = key->net;
    if (n) {
        r->net = (struct db_network){
            .profile = n->profile, .bandwidth = n->bandwidth, .latency_ms = n->latency_ms,
            .chunk = n->chunk, .encoding = net_encoding_name(n->encoding),
            .shaper = net_shaper_name(n->shaper),
            .encoded_bytes = o->encoded_bytes > 0 ? o->encoded_bytes : DB_NULL,
        };
        r->rec.network = &r->net;
    }
    if (o->n_sends > 0) {
        r->sends = xcalloc(o->n_sends, sizeof *r->sends);
        for (size_t i = 0; i < o->n_sends; i++)
            r->sends[i] = (struct db_chunk){ o->sends[i].ts_us, o->sends[i].bytes };
        r->rec.sends = r->sends;
        r->rec.n_sends = o->n_sends;
    }
}

/* The serving browser, its flags and the compile work by tier (migration
 * 010; collector/trace/tiers.h defines the split). */
static void fill_tiers(struct rows *r, const struct load_key *key, const struct extract_result *x)
{
    struct tier_work tw;
    tier_work_of(x, &tw);
#define T(v) ((v) != EXTRACT_NONE ? (v) : DB_NULL)
    r->tiers = (struct db_load_tiers){
        .browser_pid = key->browser_pid > 0 ? key->browser_pid : DB_NULL,
        .v8_tier = key->v8_tier, .js_flags = key->js_flags, .browser_flags = key->browser_flags,
        .liftoff_us = T(tw.liftoff_us), .turbofan_us = T(tw.turbofan_us),
        .lazy_us = T(tw.lazy_us), .tierup_us = T(tw.tierup_us),
        .first_export_return_us = T(tw.first_export_return_us),
        .first_export_us = T(tw.first_export_us),
    };
#undef T
    r->rec.tiers = &r->tiers;
}

/* The cache condition and the trace's code-cache events (migration 011). */
static void fill_code_cache(struct rows *r, const struct load_key *key,
                            const struct extract_result *x)
{
    if (!key->cache)
        return;
    const struct code_cache_prime *p = key->prime;
    r->cc = (struct db_code_cache){
        .cache = key->cache,
        .hit = x ? x->cache_hit : DB_NULL,
        .consumed_bytes = x && x->cache_consumed_bytes >= 0 ? x->cache_consumed_bytes : DB_NULL,
        .invalid = x ? x->cache_invalid : DB_NULL,
        .compiled = x ? x->cache_compiled : DB_NULL,
        .produced = x ? x->cache_produced : DB_NULL,
        .produced_bytes = x && x->cache_produced_bytes >= 0 ? x->cache_produced_bytes : DB_NULL,
        .primes = p ? p->primes : DB_NULL,
        .primed_by = p && p->produced_by > 0 ? p->produced_by : DB_NULL,
        .prime_bytes = p && p->produced_bytes >= 0 ? p->produced_bytes : DB_NULL,
        .prime_after_us = p && p->produced_after_us >= 0 ? p->produced_after_us : DB_NULL,
    };
    r->rec.code_cache = &r->cc;
}

static int64_t or_null(int64_t v)
{
    return v < 0 ? DB_NULL : v;
}

/* The load's isolation and host interference (migration 013). */
static void fill_host(struct rows *r, const struct load_key *key, const struct load_outcome *o)
{
    if (!o->have_isolation)
        return;
    const struct isolation_result *iso = &o->iso;
    const struct host_cpu_window *w = &o->host;
    int64_t encoded = o->have_extract ? o->x.encoded_data_length : -1;
    isolation_describe(iso, o->renderer_pid_new, encoded, r->isolation, sizeof r->isolation);
    r->host = (struct db_load_host){
        .renderer_pid = or_null(o->x.renderer_pid), .renderer_pid_new = or_null(o->renderer_pid_new),
        .from_cache = or_null(iso->from_cache), .from_service_worker = or_null(iso->from_service_worker),
        .encoded_data_length = or_null(encoded), .code_cache_events = iso->code_cache_events,
        .other_renderers = iso->other_renderers, .other_renderer_events = iso->other_renderer_events,
        .documents = iso->documents, .isolation = r->isolation,
        .window_ms = w->window_ms, .host_cpus = w->cpus, .host_busy_ms = w->busy_ms,
        .own_cpu_ms = w->own_ms, .other_cpu_ms = w->other_ms, .other_share = w->other_share,
        .noisy = isnan(w->other_share) ? DB_NULL : w->other_share > HOST_CPU_NOISY_SHARE,
        .batch_size = o->batch_size > 0 ? o->batch_size : DB_NULL,
        .batch_index = o->batch_size > 0 ? o->batch_index : DB_NULL,
        .trace_load_id = key->trace_load_id > 0 ? key->trace_load_id : DB_NULL,
        .trace_format = o->trace_format,
    };
    r->rec.host = &r->host;
}

int store_run(struct db *db, const char *started_at, const char *command_line,
              const char *experiment, int64_t *run_id, char *uuid_out)
{
    char uuid[40], host[256] = "";
    uuid4(uuid);
    gethostname(host, sizeof host - 1);
    struct db_run run = { .uuid = uuid, .started_at = started_at, .host = host,
                          .version = WASMLAB_VERSION, .command_line = command_line,
                          .experiment = experiment };
    if (uuid_out)
        snprintf(uuid_out, 37, "%s", uuid);
    return db_insert_run(db, &run, run_id);
}

int store_load(struct db *db, const struct load_key *key, const struct load_outcome *o,
               int64_t *load_id)
{
    const struct extract_result *x = o->have_extract ? &o->x : NULL;
    json_t *report = o->page_report;
    struct rows r;
    memset(&r, 0, sizeof r);
    fill_load(&r, key, o);
    fill_trace_rows(&r, x);
    fill_marks(&r, report, x, key->marks_from_trace);
    struct page_clock clock;
    bool have_clock = false;
    if (report) {
        have_clock = page_clock_init(&clock, report, x) == 0;
        page_output_parse(json_string_value(json_object_get(report, "stdout")), &r.po);
        page_output_parse_stderr(json_string_value(json_object_get(report, "stderr")), &r.po);
        r.have_po = true;
    }
    fill_phases(&r, x, report, have_clock ? &clock : NULL);
    fill_gc(&r, x, have_clock ? &clock : NULL);
    fill_hists(&r);
    fill_long_tasks(&r, report, have_clock ? &clock : NULL);
    fill_trace(&r, key, o);
    fill_network(&r, key, o);
    fill_tiers(&r, key, x);
    fill_code_cache(&r, key, x);
    fill_host(&r, key, o);
    int rc = db_store_load(db, &r.rec, load_id);
    if (rc < 0)
        warnf("%s", db_errmsg(db));
    rows_free(&r);
    return rc;
}
