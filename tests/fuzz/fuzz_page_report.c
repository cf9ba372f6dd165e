/* libFuzzer target for what a page reports: the harness's report (marks,
 * time_origin, long tasks) and the workload's stdout lines (wasmlab-gc,
 * wasmlab-alloc-hist), stored through store_load into a real SQLite file.
 * A page runs modules the user chose, so none of it is trusted: any bytes
 * must store cleanly or be skipped, and what is stored must be placeable. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/trace/extract.h"
#include "collector/measure/store.h"
#include "collector/trace/trace_parser.h"
#include "base/util.h"
#include "db/db_internal.h"   /* the raw handle: the test reads rows back with SQL */
#include "tests/fixture_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static struct extract_result trace;   /* a real Chromium 156 go/hello load */
static int64_t run_id, browser_id, module_id, seq;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_page_report: %s\n", what);
    abort();
}

static void setup(void)
{
    size_t len;
    char *json = fixture_read_gz("traces/chromium156-go-hello-streaming.json.gz", &len);
    if (!json)
        fail("no trace fixture");
    struct extractor *x = extractor_new("/modules/go/hello.wasm");
    struct trace_parser *tp = trace_parser_new(extract_event, x);
    if (trace_parser_feed(tp, json, len) || trace_parser_finish(tp) || extract_finish(x, &trace))
        fail("the trace fixture does not extract");
    trace_parser_free(tp);
    extractor_free(x);
    free(json);

    char dir[] = "/tmp/wasmlab-fuzz-page-XXXXXX", path[64], err[512];
    if (!mkdtemp(dir))
        fail("mkdtemp");
    snprintf(path, sizeof path, "%s/f.db", dir);
    db = db_open(path, err, sizeof err);
    if (!db)
        fail(err);
    sqlite3_exec(db_sqlite(db), "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    struct db_run r = { "fuzz", "2026-01-01T00:00:00.000Z", "h", "0", "fuzz", NULL };
    struct db_browser b = { .path = "/b", .kind = "headless_shell", .product = "P/1", .revision = "@x" };
    struct db_module m = { .name = "go/hello", .bytes = 1, .sha256 = "ab" };
    if (db_insert_run(db, &r, &run_id) || db_upsert_browser(db, &b, &browser_id) ||
        db_upsert_module(db, &m, &module_id))
        fail("setup rows");
}

static int64_t scalar(const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        setup();
    json_t *report = json_loadb((const char *)data, size, 0, NULL);
    if (!report)
        return 0;
    struct load_outcome o = { .have_extract = true, .x = trace, .trace_data_loss = -1,
                              .trace_buffer_pct = NAN, .page_compile_ms = NAN,
                              .page_report = report };
    snprintf(o.status, sizeof o.status, "ok");
    struct load_key key = { .run_id = run_id, .browser_id = browser_id, .module_id = module_id,
                            .seq = seq++, .api = "streaming", .started_at = "t" };
    /* nothing a page says may make a load unstorable */
    int64_t load_id;
    if (store_load(db, &key, &o, &load_id) != 0)
        fail("store_load refused a page report");
    if (scalar("SELECT COUNT(*) FROM gc_pauses WHERE dur_us < 0 OR abs(start_us) > 1125899906842624") ||
        scalar("SELECT COUNT(*) FROM long_tasks WHERE dur_us < 0 OR abs(start_us) > 1125899906842624"))
        fail("an unplaceable pause or long task was stored");
    /* keep the file small: only the latest load matters */
    sqlite3_exec(db_sqlite(db), "DELETE FROM loads", NULL, NULL, NULL);
    json_decref(report);
    return 0;
}
