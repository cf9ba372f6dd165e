/* Compile phases (migration 008) through store_load into a real SQLite file:
 * the extractor's values stored as they are, EXTRACT_NONE and NaN as NULL, a
 * failed load without an extraction all NULL, and the first output taken
 * from the page's performance.now() (placed on the trace clock) when the
 * trace lacks its mark. */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/check.h"
#include "collector/measure/store.h"
#include "db/db_internal.h"   /* the raw handle: the test reads rows back with SQL */
#include "db/loads.h"

static char *row(struct db *db, int64_t id)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT ifnull(compile_start_us, 'N') || '|' || ifnull(compile_start_event, 'N')"
             " || '|' || ifnull(instantiate_end_us, 'N') || '|' ||"
             " ifnull(instantiate_end_source, 'N') || '|' || ifnull(first_output_us, 'N') ||"
             " '|' || ifnull(startup_us, 'N') || '|' || ifnull(compile_work_us, 'N') || '|' ||"
             " ifnull(overlap_us, 'N') || '|' || ifnull(compile_before_last_byte_pct, 'N')"
             " FROM loads WHERE id = %lld", (long long)id);
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return v;
}

static void check_row(struct db *db, int64_t id, const char *want)
{
    char *got = row(db, id);
    CHECK_STR(got, want);
    free(got);
}

static struct extract_mark marks[2] = { { "wasmlab:response", 95 }, { "wasmlab:done", 9000 } };

static void base_outcome(struct load_outcome *o)
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
    x->stream_start_us = x->load_end_us = EXTRACT_NONE;
    x->compile_finished_us = 200;
    x->compile_finished_event = "wasm.OnCompilationSucceeded";
    x->first_byte_to_compile_us = 105;
    x->last_byte_to_compile_us = 50;
    x->marks = marks;
    x->n_marks = 2;
    x->compile_start_us = 90;
    x->compile_start_event = "wasm.StartStreamingCompilation";
    x->instantiate_end_us = 1000;
    x->instantiate_end_source = "wasm.SyncInstantiate";
    x->first_output_us = 1600;
    x->startup_us = 600;
    x->compile_work_us = 80;
    x->overlap_us = 20;
    x->compile_before_last_byte_pct = 25.0;
    o->wall_ms = 1;
    o->trace_data_loss = -1;
    o->trace_buffer_pct = NAN;
    o->page_compile_ms = NAN;
    o->page_report = json_pack("{s:{s:f, s:f}}", "marks", "wasmlab:response", 1.5,
                               "wasmlab:first-output", 3.0);
}

int main(void)
{
    char dir[] = "/tmp/wasmlab-test-phases-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    int64_t run, br, mod, id = 0;
    CHECK_INT(store_run(db, "2026-01-01T00:00:00.000Z", "wasmlab run", NULL, &run, NULL), 0);
    struct db_browser b = { .path = "/b", .kind = "headless_shell", .product = "P/1" };
    CHECK_INT(db_upsert_browser(db, &b, &br), 0);
    struct db_module m = { .name = "c/hello", .bytes = 4754, .sha256 = "ab" };
    CHECK_INT(db_upsert_module(db, &m, &mod), 0);
    struct load_key key = { .run_id = run, .browser_id = br, .module_id = mod,
                            .api = "instantiate-streaming", .started_at = "t" };
    struct load_outcome o;

    /* as extracted */
    base_outcome(&o);
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    check_row(db, id, "90|wasm.StartStreamingCompilation|1000|wasm.SyncInstantiate|1600|600|80|20|25.0");
    json_decref(o.page_report);

    /* compile only: nothing instantiated, no output, no compile work */
    base_outcome(&o);
    o.x.instantiate_end_us = o.x.first_output_us = o.x.startup_us = EXTRACT_NONE;
    o.x.instantiate_end_source = NULL;
    o.x.compile_work_us = o.x.overlap_us = EXTRACT_NONE;
    o.x.compile_before_last_byte_pct = NAN;
    json_decref(o.page_report);
    o.page_report = NULL;
    key.seq = 1;
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    check_row(db, id, "90|wasm.StartStreamingCompilation|N|N|N|N|N|N|N");

    /* the trace lost the first-output mark: the page's own (3.0 ms, 1.5 ms
     * after wasmlab:response at trace 95) lands at 95 + 1500 */
    base_outcome(&o);
    o.x.first_output_us = o.x.startup_us = EXTRACT_NONE;
    key.seq = 2;
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    check_row(db, id, "90|wasm.StartStreamingCompilation|1000|wasm.SyncInstantiate|1595|595|80|20|25.0");
    json_decref(o.page_report);

    /* a failed load with no extraction: every phase NULL */
    memset(&o, 0, sizeof o);
    snprintf(o.status, sizeof o.status, "timeout");
    snprintf(o.error, sizeof o.error, "no report");
    o.trace_data_loss = -1;
    o.trace_buffer_pct = o.page_compile_ms = NAN;
    key.seq = 3;
    CHECK_INT(store_load(db, &key, &o, &id), 0);
    check_row(db, id, "N|N|N|N|N|N|N|N|N");

    db_close(db);
    unlink(path);
    rmdir(dir);
    return check_result();
}
