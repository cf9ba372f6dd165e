#define _GNU_SOURCE
#include "db/loads.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"
#include "db/db_internal.h"

#define TRACE_PIECE (256 * 1024)

/* The trace from a file, written into a zeroblob of its size piece by piece:
 * memory stays bounded whatever the trace's size. */
static int store_trace_from_fd(struct db *db, int64_t load_id, const struct db_trace_blob *t)
{
    if (t->len > INT_MAX) {   /* sqlite3_blob_write takes int offsets */
        db_set_error(db, "trace of load %lld: %zu bytes is too big to store",
                     (long long)load_id, t->len);
        return -1;
    }
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO load_traces (load_id, format, encoding,"
                                      " raw_bytes, data) VALUES (?, ?, ?, ?, zeroblob(?))");
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_text(st, 2, t->format);
    db_bind_text(st, 3, t->encoding);
    db_bind_int(st, 4, t->raw_bytes);
    db_bind_int(st, 5, (int64_t)t->len);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    if (rc < 0)
        return -1;
    sqlite3 *sq = db_sqlite(db);
    sqlite3_blob *blob = NULL;
    if (sqlite3_blob_open(sq, "main", "load_traces", "data", load_id, 1, &blob) != SQLITE_OK) {
        db_set_error(db, "trace of load %lld: %s", (long long)load_id, sqlite3_errmsg(sq));
        sqlite3_blob_close(blob);
        return -1;
    }
    char *buf = xmalloc(TRACE_PIECE);
    for (size_t off = 0; rc == 0 && off < t->len;) {
        size_t want = t->len - off < TRACE_PIECE ? t->len - off : TRACE_PIECE;
        ssize_t n = pread(t->fd, buf, want, (off_t)off);
        if (n <= 0) {
            db_set_error(db, "trace of load %lld: reading its file: %s", (long long)load_id,
                         n < 0 ? "read error" : "file shorter than announced");
            rc = -1;
        } else if (sqlite3_blob_write(blob, buf, (int)n, (int)off) != SQLITE_OK) {
            db_set_error(db, "trace of load %lld: %s", (long long)load_id, sqlite3_errmsg(sq));
            rc = -1;
        } else {
            off += (size_t)n;
        }
    }
    free(buf);
    if (sqlite3_blob_close(blob) != SQLITE_OK && rc == 0) {
        db_set_error(db, "trace of load %lld: %s", (long long)load_id, sqlite3_errmsg(sq));
        rc = -1;
    }
    return rc;
}

static int store_trace(struct db *db, int64_t load_id, const struct db_trace_blob *t)
{
    if (t->data)
        return db_insert_trace(db, load_id, t->format, t->encoding, t->raw_bytes, t->data,
                               t->len);
    return store_trace_from_fd(db, load_id, t);
}

/* The detail rows, each table's seq being the element's index. */
static int store_rows(struct db *db, int64_t id, const struct db_load_record *r)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n_chunks; i++)
        rc = db_insert_chunk(db, id, (int64_t)i, r->chunks[i].ts_us, r->chunks[i].bytes,
                             r->chunk_source);
    for (size_t i = 0; rc == 0 && i < r->n_events; i++) {
        const struct db_compile_event *e = &r->events[i];
        rc = db_insert_compile_event(db, id, (int64_t)i, e->name, e->category, e->phase,
                                     e->ts_us, e->dur_us, e->pid, e->tid, e->compile_id);
    }
    for (size_t i = 0; rc == 0 && i < r->n_marks; i++)
        rc = db_insert_mark(db, id, r->marks[i].name, r->marks[i].page_ms, r->marks[i].ts_us);
    for (size_t i = 0; rc == 0 && i < r->n_gc_pauses; i++)
        rc = db_insert_gc_pause(db, id, (int64_t)i, &r->gc_pauses[i]);
    for (size_t i = 0; rc == 0 && i < r->n_long_tasks; i++)
        rc = db_insert_long_task(db, id, (int64_t)i, r->long_tasks[i].start_us,
                                 r->long_tasks[i].dur_us, r->long_tasks[i].name);
    for (size_t i = 0; rc == 0 && i < r->n_hists; i++) {
        const struct db_alloc_histogram *h = &r->hists[i];
        rc = db_insert_alloc_histogram(db, id, h->op, h->sample_every, h->samples, h->sum_ns,
                                       h->max_ns, h->clock_res_ns, h->buckets_json);
    }
    return rc;
}

/* The phase columns, set on the row db_insert_load just wrote. */
static int store_phases(struct db *db, int64_t id, const struct db_load_phases *p)
{
    sqlite3_stmt *st = db_prepare(db, "UPDATE loads SET compile_start_us = ?,"
                                      " compile_start_event = ?, instantiate_end_us = ?,"
                                      " instantiate_end_source = ?, first_output_us = ?,"
                                      " startup_us = ?, compile_work_us = ?, overlap_us = ?,"
                                      " compile_before_last_byte_pct = ? WHERE id = ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, p->compile_start_us);
    db_bind_text(st, 2, p->compile_start_event);
    db_bind_int(st, 3, p->instantiate_end_us);
    db_bind_text(st, 4, p->instantiate_end_source);
    db_bind_int(st, 5, p->first_output_us);
    db_bind_int(st, 6, p->startup_us);
    db_bind_int(st, 7, p->compile_work_us);
    db_bind_int(st, 8, p->overlap_us);
    db_bind_real(st, 9, p->compile_before_last_byte_pct);
    db_bind_int(st, 10, id);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    return rc;
}

static int store_network(struct db *db, int64_t id, const struct db_load_record *r)
{
    const struct db_network *n = r->network;
    if (n) {
        sqlite3_stmt *st = db_prepare(db, "UPDATE loads SET net_profile = ?, net_bandwidth = ?,"
                                          " net_latency_ms = ?, net_chunk = ?, net_encoding = ?,"
                                          " net_shaper = ?, net_encoded_bytes = ? WHERE id = ?");
        if (!st)
            return -1;
        db_bind_text(st, 1, n->profile);
        db_bind_int(st, 2, n->bandwidth > 0 ? n->bandwidth : DB_NULL);
        db_bind_int(st, 3, n->latency_ms);
        db_bind_int(st, 4, n->chunk);
        db_bind_text(st, 5, n->encoding);
        db_bind_text(st, 6, n->shaper);
        db_bind_int(st, 7, n->encoded_bytes);
        db_bind_int(st, 8, id);
        int rc = db_step_done(db, st);
        sqlite3_finalize(st);
        if (rc < 0)
            return -1;
    }
    if (r->n_sends == 0)
        return 0;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO chunk_sends (load_id, seq, ts_us, bytes)"
                                      " VALUES (?, ?, ?, ?)");
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n_sends; i++) {
        sqlite3_reset(st);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, (int64_t)i);
        db_bind_int(st, 3, r->sends[i].ts_us);
        db_bind_int(st, 4, r->sends[i].bytes);
        rc = db_step_done(db, st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The browser, flags and tier columns (migration 010). */
static int store_tiers(struct db *db, int64_t id, const struct db_load_tiers *t)
{
    return db_run_sql(db, "UPDATE loads SET browser_pid = ?, v8_tier = ?, js_flags = ?,"
                          " browser_flags = ?, compile_liftoff_us = ?, compile_turbofan_us = ?,"
                          " compile_lazy_us = ?, compile_tierup_us = ?,"
                          " first_export_return_us = ?, first_export_us = ? WHERE id = ?",
                      NULL, "itttiiiiiii", t->browser_pid, t->v8_tier, t->js_flags,
                      t->browser_flags, t->liftoff_us, t->turbofan_us, t->lazy_us, t->tierup_us,
                      t->first_export_return_us, t->first_export_us, id);
}

static int store_host(struct db *db, int64_t id, const struct db_load_host *h)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO load_host (load_id, renderer_pid,"
                                      " renderer_pid_new, from_cache, from_service_worker,"
                                      " encoded_data_length, code_cache_events, other_renderers,"
                                      " other_renderer_events, documents, isolation, window_ms,"
                                      " host_cpus, host_busy_ms, own_cpu_ms, other_cpu_ms,"
                                      " other_share, noisy, batch_size, batch_index,"
                                      " trace_load_id, trace_format) VALUES (?, ?, ?, ?, ?,"
                                      " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return -1;
    int i = 1;
    db_bind_int(st, i++, id);
    db_bind_int(st, i++, h->renderer_pid);
    db_bind_int(st, i++, h->renderer_pid_new);
    db_bind_int(st, i++, h->from_cache);
    db_bind_int(st, i++, h->from_service_worker);
    db_bind_int(st, i++, h->encoded_data_length);
    db_bind_int(st, i++, h->code_cache_events);
    db_bind_int(st, i++, h->other_renderers);
    db_bind_int(st, i++, h->other_renderer_events);
    db_bind_int(st, i++, h->documents);
    db_bind_text(st, i++, h->isolation);
    db_bind_real(st, i++, h->window_ms);
    db_bind_int(st, i++, h->host_cpus);
    db_bind_real(st, i++, h->host_busy_ms);
    db_bind_real(st, i++, h->own_cpu_ms);
    db_bind_real(st, i++, h->other_cpu_ms);
    db_bind_real(st, i++, h->other_share);
    db_bind_int(st, i++, h->noisy);
    db_bind_int(st, i++, h->batch_size);
    db_bind_int(st, i++, h->batch_index);
    db_bind_int(st, i++, h->trace_load_id);
    db_bind_text(st, i++, h->trace_format);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    return rc;
}

int db_store_load(struct db *db, const struct db_load_record *r, int64_t *load_id)
{
    int64_t id = 0;
    int rc = db_begin(db);
    if (rc == 0)
        rc = db_insert_load(db, &r->load, &id);
    if (rc == 0 && r->phases)
        rc = store_phases(db, id, r->phases);
    if (rc == 0)
        rc = store_rows(db, id, r);
    if (rc == 0)
        rc = store_network(db, id, r);
    if (rc == 0 && r->tiers)
        rc = store_tiers(db, id, r->tiers);
    if (rc == 0 && r->code_cache)
        rc = db_store_code_cache(db, id, r->code_cache);
    if (rc == 0 && r->host)
        rc = store_host(db, id, r->host);
    if (rc == 0 && r->trace)
        rc = store_trace(db, id, r->trace);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return -1;
    }
    *load_id = id;
    return 0;
}

int db_load_exists(struct db *db, int64_t load_id)
{
    int64_t n = 0;
    if (db_run_sql(db, "SELECT COUNT(*) FROM loads WHERE id = ?", &n, "i", load_id) < 0)
        return -1;
    return n > 0;
}

int db_module_has_loads(struct db *db, const char *name)
{
    int64_t n = 0;
    if (db_run_sql(db, "SELECT EXISTS (SELECT 1 FROM loads l JOIN modules m ON m.id = l.module_id"
                       " WHERE m.name = ?)", &n, "t", name) < 0)
        return -1;
    return n > 0;
}

int db_config_first_byte_ms(struct db *db, const struct db_config *cfg, double **ms, size_t *n)
{
    *ms = NULL;
    *n = 0;
    sqlite3_stmt *st = db_prepare(db, "SELECT first_byte_to_compile_us / 1000.0 FROM loads"
                                      " WHERE run_id = ? AND browser_id = ? AND module_id = ?"
                                      " AND api = ? AND condition = ? AND status = 'ok'"
                                      " AND first_byte_to_compile_us IS NOT NULL ORDER BY id");
    if (!st)
        return -1;
    db_bind_int(st, 1, cfg->run_id);
    db_bind_int(st, 2, cfg->browser_id);
    db_bind_int(st, 3, cfg->module_id);
    db_bind_text(st, 4, cfg->api);
    db_bind_text(st, 5, cfg->condition ? cfg->condition : "default");
    size_t cap = 64, len = 0;
    double *v = xmalloc(cap * sizeof *v);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[len++] = sqlite3_column_double(st, 0);
    }
    if (rc != SQLITE_DONE) {
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
        sqlite3_finalize(st);
        free(v);
        return -1;
    }
    sqlite3_finalize(st);
    *ms = v;
    *n = len;
    return 0;
}
