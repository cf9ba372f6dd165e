/* store: a load built by hand (chunks, compile events, marks, a V8 GC pause,
 * page output, a zstd-compressed trace) stored through store_load into a real SQLite
 * file, read back row by row; the returned id is the row's; an imported load
 * takes its marks and its trace (from a file) in the same transaction; a write
 * that fails (a read-only handle, a failure at the very last insert) leaves
 * nothing of the load behind. */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/check.h"
#include <zstd.h>

#include "base/zstd_writer.h"
#include "collector/measure/store.h"
#include "db/db_internal.h"   /* the raw handle: the test reads rows back with SQL */
#include "db/loads.h"
#include "db/run_summary.h"

static int64_t scalar(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static char *text(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return v;
}

#define CHECK_TEXT(db, sql, want) do { \
    char *got_ = text(db, sql); \
    CHECK_STR(got_, want); \
    free(got_); \
} while (0)

static const char trace_json[] = "{\"traceEvents\":[{\"name\":\"x\",\"ph\":\"X\",\"ts\":1}]}";

/* The parts of a load, as load_run would have filled them. */
static struct extract_chunk chunks[2] = { { 100, 4000 }, { 150, 754 } };
static struct extract_compile_event events[2] = {
    { "wasm.StartStreamingCompilation", "v8.wasm", 'X', 90, 5, 7, 8, "1" },
    { "wasm.OnCompilationSucceeded", "v8.wasm", 'I', 200, -1, 7, 8, "" },
};
static struct extract_mark marks[2] = { { "wasmlab:response", 95 }, { "wasmlab:done", 300 } };
static struct extract_gc_event gcs[1] = {
    { "MinorGC", "v8", "minor", true, 250, 12, 8, 1000, 500 },
};

static void make_outcome(struct load_outcome *o, bool with_trace)
{
    memset(o, 0, sizeof *o);
    snprintf(o->status, sizeof o->status, "ok");
    o->have_extract = true;
    struct extract_result *x = &o->x;
    x->renderer_pid = 7;
    x->main_tid = 8;
    x->request_sent_us = 80;
    x->response_received_us = 95;
    x->last_byte_us = 150;
    x->stream_start_us = 90;
    x->compile_finished_us = 200;
    x->load_end_us = 300;
    x->compile_finished_event = "wasm.OnCompilationSucceeded";
    x->chunks = chunks;
    x->n_chunks = 2;
    x->chunk_source = "wasm.OnBytesReceived";
    x->chunk_bytes = 4754;
    x->compile_events = events;
    x->n_compile_events = 2;
    x->marks = marks;
    x->n_marks = 2;
    x->gc_events = gcs;
    x->n_gc_events = 1;
    x->first_byte_to_compile_us = 105;
    x->last_byte_to_compile_us = 50;
    o->wall_ms = 12.5;
    o->trace_bytes = (int64_t)strlen(trace_json);
    o->trace_events = 1;
    o->trace_data_loss = 0;
    o->trace_buffer_pct = 3.0;
    o->page_compile_ms = 0.105;
    o->page_report = json_pack("{s:{s:f, s:f}, s:s, s:s}", "marks", "wasmlab:response", 1.5,
                               "wasmlab:done", 3.25, "stdout", "hello\n", "stderr", "");
    if (with_trace) {
        CHECK_INT(zstd_writer_init(&o->trace_copy, -1, 1, 1), 0);
        CHECK_INT(zstd_writer_write(&o->trace_copy, trace_json, strlen(trace_json)), 0);
        CHECK_INT(zstd_writer_finish(&o->trace_copy), 0);
        o->have_trace_copy = true;
    }
}

static void free_outcome(struct load_outcome *o)
{
    json_decref(o->page_report);
    if (o->have_trace_copy)
        zstd_writer_free(&o->trace_copy);
}

static int64_t count_all_rows(struct db *db)
{
    return scalar(db, "SELECT (SELECT COUNT(*) FROM loads) + (SELECT COUNT(*) FROM net_chunks)"
                      " + (SELECT COUNT(*) FROM compile_events) + (SELECT COUNT(*) FROM page_marks)"
                      " + (SELECT COUNT(*) FROM gc_pauses) + (SELECT COUNT(*) FROM load_traces)");
}

/* Every row of the live load in the DB, as built. */
static void check_live_load(struct db *db, int64_t id, const struct load_outcome *o)
{
    char sql[512];
#define Q(...) (snprintf(sql, sizeof sql, __VA_ARGS__), sql)
    CHECK_INT(db_load_exists(db, id), 1);
    CHECK_TEXT(db, Q("SELECT status || '|' || api || '|' || condition || '|' || seq || '|' ||"
                     " request_sent_us || '|' || response_received_us || '|' || last_byte_us ||"
                     " '|' || stream_start_us || '|' || compile_finished_us || '|' ||"
                     " load_end_us || '|' || compile_finished_event || '|' || bytes_received ||"
                     " '|' || chunk_count || '|' || first_byte_to_compile_us || '|' ||"
                     " last_byte_to_compile_us || '|' || renderer_pid || '|' || page_output ||"
                     " '|' || trace_bytes || '|' || trace_data_loss || '|' || wall_ms"
                     " FROM loads WHERE id = %lld", (long long)id),
               "ok|streaming|default|0|80|95|150|90|200|300|wasm.OnCompilationSucceeded|4754|2|"
               "105|50|7|hello\n|46|0|12.5");
    CHECK_INT(scalar(db, Q("SELECT error IS NULL AND js_churn_mb IS NULL FROM loads"
                           " WHERE id = %lld", (long long)id)), 1);
    CHECK_TEXT(db, Q("SELECT group_concat(seq || ':' || ts_us || ':' || bytes || ':' || source, ' ')"
                     " FROM (SELECT * FROM net_chunks WHERE load_id = %lld ORDER BY seq)",
                     (long long)id),
               "0:100:4000:wasm.OnBytesReceived 1:150:754:wasm.OnBytesReceived");
    CHECK_TEXT(db, Q("SELECT group_concat(seq || ':' || name || ':' || phase || ':' || ts_us || ':'"
                     " || IFNULL(dur_us, 'null') || ':' || IFNULL(compile_id, 'null'), ' ') FROM"
                     " (SELECT * FROM compile_events WHERE load_id = %lld ORDER BY seq)",
                     (long long)id),
               "0:wasm.StartStreamingCompilation:X:90:5:1 1:wasm.OnCompilationSucceeded:I:200:null:null");
    CHECK_TEXT(db, Q("SELECT group_concat(name || ':' || page_ms || ':' || ts_us, ' ') FROM"
                     " (SELECT * FROM page_marks WHERE load_id = %lld ORDER BY name)",
                     (long long)id),
               "wasmlab:done:3.25:300 wasmlab:response:1.5:95");
    CHECK_TEXT(db, Q("SELECT seq || ':' || source || ':' || kind || ':' || name || ':' || is_pause"
                     " || ':' || start_us || ':' || dur_us || ':' || heap_before || ':' ||"
                     " heap_after || ':' || tid FROM gc_pauses WHERE load_id = %lld",
                     (long long)id),
               "0:v8:minor:MinorGC:1:250:12:1000:500:8");
    CHECK_INT(scalar(db, Q("SELECT COUNT(*) FROM gc_pauses WHERE load_id = %lld", (long long)id)), 1);
    /* the trace blob: byte for byte what the zstd writer made, and it
     * decodes to the trace */
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(db_sqlite(db), "SELECT format, encoding, raw_bytes, data"
                                 " FROM load_traces WHERE load_id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "chrome-json");
    CHECK_STR((const char *)sqlite3_column_text(st, 1), "zstd");
    CHECK_INT(sqlite3_column_int64(st, 2), (int64_t)strlen(trace_json));
    CHECK_INT(sqlite3_column_bytes(st, 3), (int64_t)o->trace_copy.mem.len);
    CHECK(memcmp(sqlite3_column_blob(st, 3), o->trace_copy.mem.data, o->trace_copy.mem.len) == 0);
    char raw[4096];
    size_t got = ZSTD_decompress(raw, sizeof raw, sqlite3_column_blob(st, 3),
                                 (size_t)sqlite3_column_bytes(st, 3));
    CHECK(!ZSTD_isError(got) && got == strlen(trace_json) && memcmp(raw, trace_json, got) == 0);
    sqlite3_finalize(st);
#undef Q
}

/* An imported load: no page report, marks from the trace, trace from a file. */
static void check_import(struct db *db, const struct load_key *base, const char *dir)
{
    struct load_outcome o;
    make_outcome(&o, true);
    json_decref(o.page_report);
    o.page_report = NULL;
    char path[300];
    snprintf(path, sizeof path, "%s/trace.gz", dir);
    FILE *f = fopen(path, "w+");
    CHECK(f != NULL);
    if (!f)
        return;
    fwrite(o.trace_copy.mem.data, 1, o.trace_copy.mem.len, f);
    fflush(f);
    struct load_trace_file tf = { .fd = fileno(f), .gz_bytes = o.trace_copy.mem.len,
                                  .raw_bytes = (int64_t)strlen(trace_json),
                                  .encoding = "zstd" };
    struct load_key key = *base;
    key.seq = 0;
    key.marks_from_trace = true;
    key.trace_file = &tf;
    int64_t id = 0;
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    CHECK_INT(id, scalar(db, "SELECT MAX(id) FROM loads"));
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT group_concat(name || ':' || IFNULL(page_ms, 'null') || ':'"
             " || ts_us, ' ') FROM (SELECT * FROM page_marks WHERE load_id = %lld ORDER BY name)",
             (long long)id);
    CHECK_TEXT(db, sql, "wasmlab:done:null:300 wasmlab:response:null:95");
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(db_sqlite(db), "SELECT data FROM load_traces WHERE load_id = ?",
                                 -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_INT(sqlite3_column_bytes(st, 0), (int64_t)o.trace_copy.mem.len);
    CHECK(memcmp(sqlite3_column_blob(st, 0), o.trace_copy.mem.data, o.trace_copy.mem.len) == 0);
    sqlite3_finalize(st);
    fclose(f);
    free_outcome(&o);
}

/* A failed write leaves nothing of the load: read-only, then a failure at
 * the last insert (the trace) after every other row went in. */
static void check_failed_writes(struct db *db, const struct load_key *key)
{
    struct load_outcome o;
    make_outcome(&o, true);
    int64_t before = count_all_rows(db), id = -5;
    CHECK_INT(db_exec(db, "PRAGMA query_only=ON"), 0);
    fprintf(stderr, "(a warning is expected next)\n");
    CHECK_INT(store_load(db, key, &o, &id), -1);
    CHECK_INT(id, -5);
    CHECK_INT(db_exec(db, "PRAGMA query_only=OFF"), 0);
    CHECK_INT(count_all_rows(db), before);

    CHECK_INT(db_exec(db, "CREATE TEMP TRIGGER no_trace BEFORE INSERT ON load_traces"
                          " BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"), 0);
    fprintf(stderr, "(a warning is expected next)\n");
    CHECK_INT(store_load(db, key, &o, &id), -1);
    CHECK(strstr(db_errmsg(db), "disk full (test)") != NULL);
    CHECK_INT(count_all_rows(db), before);
    CHECK_INT(db_exec(db, "DROP TRIGGER no_trace"), 0);
    /* and the handle is usable afterwards */
    CHECK_INT(store_load(db, key, &o, &id), 0);
    CHECK_INT(id, scalar(db, "SELECT MAX(id) FROM loads"));
    free_outcome(&o);
}

int main(void)
{
    char dir[] = "/tmp/wasmlab-test-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    int64_t run, br, mod;
    char uuid[40];
    CHECK_INT(store_run(db, "2026-01-01T00:00:00.000Z", "wasmlab run", NULL, &run, uuid), 0);
    CHECK_INT((int64_t)strlen(uuid), 36);
    struct db_browser b = { .path = "/b", .kind = "headless_shell", .product = "P/1" };
    CHECK_INT(db_upsert_browser(db, &b, &br), 0);
    struct db_module m = { .name = "c/hello", .bytes = 4754, .sha256 = "ab" };
    CHECK_INT(db_upsert_module(db, &m, &mod), 0);

    /* other rows first, so the id is not trivially 1 */
    CHECK_INT(db_exec(db, "INSERT INTO loads (run_id, browser_id, module_id, seq, api, status,"
                          " started_at) VALUES (1, 1, 1, 9, 'streaming', 'timeout', 't')"), 0);
    struct load_key key = { .run_id = run, .browser_id = br, .module_id = mod, .seq = 0,
                            .api = "streaming", .started_at = "2026-01-01T00:00:01.000Z" };
    struct load_outcome o;
    make_outcome(&o, true);
    int64_t id = 0;
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    CHECK_INT(id, 2);
    CHECK_INT(id, scalar(db, "SELECT MAX(id) FROM loads"));
    check_live_load(db, id, &o);
    free_outcome(&o);

    /* the summary's rows and the samples auto-sampling reads */
    struct db_config cfg = { run, br, mod, "streaming", NULL };
    double *ms;
    size_t n;
    CHECK_INT(db_config_first_byte_ms(db, &cfg, &ms, &n), 0);
    CHECK_INT((int64_t)n, 1);
    CHECK(n == 1 && fabs(ms[0] - 0.105) < 1e-12);
    free(ms);
    struct db_run_summary sum;
    struct db_summary_query q = { .run_id = run, .by_condition = true };
    CHECK_INT(db_run_summary_read(db, &q, &sum), 0);
    CHECK_INT((int64_t)sum.n, 1);
    if (sum.n == 1) {
        CHECK_STR(sum.groups[0].module, "c/hello");
        CHECK_INT(sum.groups[0].n_ok, 1);
        CHECK_INT(sum.groups[0].n_failed, 1);
        CHECK_INT((int64_t)sum.groups[0].n_first_byte, 1);
    }
    db_run_summary_free(&sum);

    check_import(db, &key, dir);
    check_failed_writes(db, &key);
    db_close(db);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    return check_result();
}
