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
