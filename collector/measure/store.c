#include "collector/measure/store.h"

#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "collector/measure/page_clock.h"
#include "collector/measure/page_output.h"
#include "base/util.h"
#include "wasmlab_config.h"

static int64_t nz(int64_t v)
{
    return v < 0 ? DB_NULL : v;
}

/* GC pauses from both places they happen, long tasks, allocator latency. */
static int store_gc(struct db *db, int64_t load_id, const struct load_outcome *o)
{
    const struct extract_result *x = o->have_extract ? &o->x : NULL;
    int64_t seq = 0;
    int rc = 0;
    for (size_t i = 0; x && rc == 0 && i < x->n_gc_events; i++) {
        const struct extract_gc_event *g = &x->gc_events[i];
        struct db_gc_pause p = {
            .source = "v8", .kind = g->kind, .name = g->name, .is_pause = g->is_pause,
            .start_us = g->ts_us, .dur_us = nz(g->dur_us), .heap_before = nz(g->heap_before),
            .heap_after = nz(g->heap_after), .tid = g->tid, .gc_num = DB_NULL,
        };
        rc = db_insert_gc_pause(db, load_id, seq++, &p);
    }
    json_t *report = o->page_report;
    if (!report || rc != 0)
        return rc;
    struct page_clock clock;
    bool have_clock = page_clock_init(&clock, report, x) == 0;

    const char *text = json_string_value(json_object_get(report, "stdout"));
    struct page_output po;
    page_output_parse(text, &po);
    for (size_t i = 0; rc == 0 && i < po.n_go_gc; i++) {
        const struct go_gc_cycle *c = &po.go_gc[i];
        /* PauseEnd is Date-based (ms); start = end - pause (ns-exact length) */
        int64_t end_us = have_clock ? page_clock_unix_ns_to_trace_us(&clock, c->end_unix_ns)
                                    : INT64_MIN;
        if (end_us == INT64_MIN)
            continue;   /* no clock to place it on: not stored rather than misplaced */
        int64_t dur_us = (c->pause_ns + 500) / 1000;
        struct db_gc_pause p = {
            .source = "go", .kind = "stw", .name = "runtime.MemStats", .is_pause = 1,
            .start_us = end_us - dur_us, .dur_us = dur_us, .heap_before = DB_NULL,
            .heap_after = DB_NULL, .tid = x ? x->main_tid : DB_NULL, .gc_num = c->num,
        };
        rc = db_insert_gc_pause(db, load_id, seq++, &p);
    }
    size_t i;
    json_t *h;
    json_array_foreach(po.alloc_hists, i, h) {
        if (rc != 0)
            break;
        char *buckets = json_dumps(json_object_get(h, "log2_buckets"), JSON_COMPACT);
        json_int_t every = json_integer_value(json_object_get(h, "sample_every"));
        rc = db_insert_alloc_histogram(
            db, load_id, json_string_value(json_object_get(h, "op")),
            every ? every : DB_NULL, json_integer_value(json_object_get(h, "samples")),
            json_integer_value(json_object_get(h, "sum_ns")),
            json_integer_value(json_object_get(h, "max_ns")),
            json_integer_value(json_object_get(h, "clock_res_ns")), buckets);
        free(buckets);
    }
    page_output_free(&po);

    json_t *t;
    int64_t tseq = 0;
    json_array_foreach(json_object_get(report, "long_tasks"), i, t) {
        if (rc != 0 || !have_clock)
            break;
        json_t *start = json_object_get(t, "start_ms"), *dur = json_object_get(t, "dur_ms");
        int64_t start_us, dur_us;
        if (!json_is_number(start) || !json_is_number(dur) ||
            !round_to_int64(json_number_value(dur) * 1000.0, UNTRUSTED_US_LIMIT, &dur_us) ||
            dur_us < 0 ||
            (start_us = page_clock_to_trace_us(&clock, json_number_value(start))) == INT64_MIN)
            continue;   /* malformed or unplaceable: not stored rather than misplaced */
        rc = db_insert_long_task(db, load_id, tseq++, start_us, dur_us,
                                 json_string_value(json_object_get(t, "name")));
    }
    return rc;
}

int store_run(struct db *db, const char *started_at, const char *command_line,
              const char *experiment, int64_t *run_id)
{
    char uuid[40], host[256] = "";
    uuid4(uuid);
    gethostname(host, sizeof host - 1);
    struct db_run run = { .uuid = uuid, .started_at = started_at, .host = host,
                          .version = WASMLAB_VERSION, .command_line = command_line,
                          .experiment = experiment };
    return db_insert_run(db, &run, run_id);
}

int store_load(struct db *db, const struct load_key *key, const struct load_outcome *o)
{
    const struct extract_result *x = o->have_extract ? &o->x : NULL;
    bool ok = strcmp(o->status, "ok") == 0;
#define T(field) (x && x->field != EXTRACT_NONE ? x->field : DB_NULL)
    char *output = NULL;
    json_t *report = o->page_report;
    if (report) {
        const char *out = json_string_value(json_object_get(report, "stdout"));
        const char *err = json_string_value(json_object_get(report, "stderr"));
        if ((out && *out) || (err && *err))
            output = xasprintf("%s%s", out ? out : "", err ? err : "");
    }
    struct db_load l = {
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
        .page_output = output,
        .args = key->args_json, .js_churn_mb = key->js_churn_mb > 0 ? key->js_churn_mb : DB_NULL,
        .trace_buffer_pct = o->trace_buffer_pct,
    };
#undef T
    int64_t load_id;
    int rc = db_begin(db);
    if (rc == 0)
        rc = db_insert_load(db, &l, &load_id);
    for (size_t i = 0; x && rc == 0 && i < x->n_chunks; i++)
        rc = db_insert_chunk(db, load_id, (int64_t)i, x->chunks[i].ts_us, x->chunks[i].bytes,
                             x->chunk_source);
    for (size_t i = 0; x && rc == 0 && i < x->n_compile_events; i++) {
        const struct extract_compile_event *e = &x->compile_events[i];
        rc = db_insert_compile_event(db, load_id, (int64_t)i, e->name, e->cat, e->ph,
                                     e->ts_us, e->dur_us, e->pid, e->tid, e->compile_id);
    }
    /* marks: the page's performance.now() and the trace's timestamp */
    json_t *marks = json_object_get(report, "marks");
    const char *mark;
    json_t *val;
    json_object_foreach(marks, mark, val) {
        if (rc != 0)
            break;
        if (!json_is_number(val))
            continue;   /* the harness reports numbers; anything else is not a mark */
        int64_t ts = DB_NULL;
        for (size_t i = 0; x && i < x->n_marks; i++)
            if (strcmp(x->marks[i].name, mark) == 0)
                ts = x->marks[i].ts_us;
        rc = db_insert_mark(db, load_id, mark, json_number_value(val), ts);
    }
    if (rc == 0)
        rc = store_gc(db, load_id, o);
    if (rc == 0 && o->have_trace_gz)
        rc = db_insert_trace(db, load_id, "chrome-json", "gzip", (int64_t)o->trace_gz.raw_bytes,
                             o->trace_gz.out.data, o->trace_gz.out.len);
    free(output);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        warnf("%s", db_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return 0;
}

