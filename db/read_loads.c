#include "db/read_loads.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/read_internal.h"

int db_read_load_row(struct db *db, int64_t load_id, struct db_load_row *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT l.id, l.run_id, l.renderer_pid, l.request_sent_us, l.response_received_us,"
        " l.last_byte_us, l.stream_start_us, l.compile_finished_us, l.load_end_us,"
        " l.first_byte_to_compile_us, m.name, l.status, l.condition, l.api"
        " FROM loads l JOIN modules m ON m.id = l.module_id WHERE l.id = ?", -1, &st,
        NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->run_id = sqlite3_column_int64(st, 1);
        out->renderer_pid = db_col_i64(st, 2);
        out->request_us = db_col_i64(st, 3);
        out->response_us = db_col_i64(st, 4);
        out->last_byte_us = db_col_i64(st, 5);
        out->stream_us = db_col_i64(st, 6);
        out->compiled_us = db_col_i64(st, 7);
        out->end_us = db_col_i64(st, 8);
        out->fb2c_us = db_col_i64(st, 9);
        db_col_copy(st, 10, out->module, sizeof out->module);
        db_col_copy(st, 11, out->status, sizeof out->status);
        db_col_copy(st, 12, out->condition, sizeof out->condition);
        db_col_copy(st, 13, out->api, sizeof out->api);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_read_chunks(struct db *db, int64_t load_id, struct db_chunk **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT ts_us, bytes FROM net_chunks WHERE load_id = ?"
                           " ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        (*rows)[*n].ts_us = sqlite3_column_int64(st, 0);
        (*rows)[*n].bytes = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    return 0;
}

int db_read_marks(struct db *db, int64_t load_id, struct db_mark **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT name, ts_us FROM page_marks WHERE load_id = ?"
                           " AND ts_us IS NOT NULL ORDER BY ts_us", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        db_col_copy(st, 0, (*rows)[*n].name, sizeof (*rows)[*n].name);
        (*rows)[*n].ts_us = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    return 0;
}

int64_t db_read_mark_time(struct db *db, int64_t load_id, const char *name)
{
    sqlite3_stmt *st;
    int64_t ts = DB_NULL;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT MIN(ts_us) FROM page_marks WHERE load_id = ?"
                           " AND name = ?", -1, &st, NULL) != SQLITE_OK)
        return DB_NULL;
    sqlite3_bind_int64(st, 1, load_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        ts = db_col_i64(st, 0);
    sqlite3_finalize(st);
    return ts;
}

int db_read_streaming_load(struct db *db, int64_t load_id, struct db_streaming_load *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT response_received_us, last_byte_us, compile_start_us, compile_finished_us,"
        " instantiate_end_us, compile_work_us, overlap_us, bytes_received, renderer_pid,"
        " net_bandwidth, net_latency_ms, api, IFNULL(net_profile, 'lan'),"
        " IFNULL(net_shaper, 'server'), IFNULL(net_encoding, 'identity')"
        " FROM loads WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t *v[] = { &out->response_us, &out->last_byte_us, &out->compile_start_us,
                         &out->compiled_us, &out->instantiate_end_us, &out->compile_work_us,
                         &out->overlap_us, &out->bytes_received, &out->renderer_pid,
                         &out->net_bandwidth, &out->net_latency_ms };
        for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
            *v[i] = db_col_i64(st, i);
        db_col_copy(st, 11, out->api, sizeof out->api);
        db_col_copy(st, 12, out->net_profile, sizeof out->net_profile);
        db_col_copy(st, 13, out->net_shaper, sizeof out->net_shaper);
        db_col_copy(st, 14, out->net_encoding, sizeof out->net_encoding);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_read_chunk_sends(struct db *db, int64_t load_id, struct db_chunk **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT ts_us, bytes FROM chunk_sends WHERE load_id = ?"
                           " ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        (*rows)[*n].ts_us = sqlite3_column_int64(st, 0);
        (*rows)[*n].bytes = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_read_wasm_slices(struct db *db, int64_t load_id, struct db_wasm_slice **rows, size_t *n,
                        int64_t *page_tid)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    *page_tid = -1;
    /* the page's thread: where the module was instantiated, else where its
     * compile started (a compile-only load has no instance) */
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT e.tid FROM compile_events e JOIN loads l ON l.id = e.load_id"
        " WHERE e.load_id = ?1 AND e.pid = l.renderer_pid AND e.name IN"
        " ('wasm.SyncInstantiate', 'wasm.StartStreamingCompilation', 'wasm.AsyncCompile')"
        " ORDER BY e.name = 'wasm.SyncInstantiate' DESC, e.ts_us LIMIT 1", -1, &st,
        NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *page_tid = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT e.name, e.ts_us, e.dur_us, e.tid FROM compile_events e"
        " JOIN loads l ON l.id = e.load_id WHERE e.load_id = ?1 AND e.pid = l.renderer_pid"
        " AND e.phase = 'X' AND e.dur_us IS NOT NULL AND e.dur_us >= 0 ORDER BY e.ts_us, e.seq",
        -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, load_id);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_wasm_slice *w = &(*rows)[*n];
        db_col_copy(st, 0, w->name, sizeof w->name);
        w->ts_us = sqlite3_column_int64(st, 1);
        w->dur_us = sqlite3_column_int64(st, 2);
        w->tid = sqlite3_column_int64(st, 3);
        (*n)++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
