#include "collector/store.h"

#include <string.h>

#include <jansson.h>

#include "collector/util.h"

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
        int64_t ts = DB_NULL;
        for (size_t i = 0; x && i < x->n_marks; i++)
            if (strcmp(x->marks[i].name, mark) == 0)
                ts = x->marks[i].ts_us;
        rc = db_insert_mark(db, load_id, mark, json_number_value(val), ts);
    }
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

