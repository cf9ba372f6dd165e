/* db/read_*.h on a real results DB made here with db/db.h's writers: the
 * workload window and the pauses inside it (report gc's numbers), the
 * allocator histograms summed per group (report alloc) and their quantiles,
 * the scope queries charts use, the median load a per-load chart picks, and
 * the export's table checks. No browser needed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "collector/report/report_alloc.h"
#include "db/db.h"
#include "db/read_export.h"
#include "db/read_loads.h"
#include "db/read_pauses.h"
#include "db/read_rows.h"
#include "db/read_runs.h"

static struct db *db;
static int64_t run_id, browser_id, go_id, c_id;

static int64_t add_load(int64_t module_id, int64_t seq, const char *status, int64_t fb2c_us,
                        int64_t t0)
{
    struct db_load l = {
        .run_id = run_id, .browser_id = browser_id, .module_id = module_id, .seq = seq,
        .api = "streaming", .status = status, .started_at = "2026-12-01T00:00:00Z",
        .wall_ms = NAN, .request_sent_us = t0, .response_received_us = t0 + 1000,
        .last_byte_us = t0 + 2000, .stream_start_us = t0 + 1000,
        .compile_finished_us = t0 + 1000 + fb2c_us, .load_end_us = t0 + 900000,
        .bytes_received = 100, .chunk_count = 1, .first_byte_to_compile_us = fb2c_us,
        .last_byte_to_compile_us = DB_NULL, .page_compile_ms = NAN, .trace_bytes = DB_NULL,
        .trace_events = DB_NULL, .trace_data_loss = 0, .renderer_pid = 42,
        .js_churn_mb = DB_NULL, .trace_buffer_pct = NAN,
    };
    int64_t id = 0;
    CHECK(db_insert_load(db, &l, &id) == 0);
    CHECK(db_insert_mark(db, id, "wasmlab:run-start", 1.0, t0 + 100000) == 0);
    CHECK(db_insert_mark(db, id, "wasmlab:run-end", 2.0, t0 + 600000) == 0);
    return id;
}

static void add_pause(int64_t load_id, int64_t seq, const char *source, int64_t start_us,
                      int64_t dur_us)
{
    struct db_gc_pause p = { .source = source, .kind = strcmp(source, "go") ? "minor" : "stw",
                             .name = "x", .is_pause = 1, .start_us = start_us,
                             .dur_us = dur_us, .heap_before = DB_NULL, .heap_after = DB_NULL,
                             .tid = DB_NULL, .gc_num = DB_NULL };
    CHECK(db_insert_gc_pause(db, load_id, seq, &p) == 0);
}

static int64_t l1, l2, l3;

static void fill(void)
{
    struct db_run r = { .uuid = "u-1", .started_at = "2026-12-01T00:00:00Z", .host = "h",
                        .version = "t", .command_line = "wasmlab run" };
    CHECK(db_insert_run(db, &r, &run_id) == 0);
    struct db_browser b = { .path = "/b", .kind = "headless_shell",
                            .product = "HeadlessChrome/126.0.6478.126", .revision = "1" };
    CHECK(db_upsert_browser(db, &b, &browser_id) == 0);
    struct db_module go = { .name = "go/gc-churn", .path = "/g", .language = "go", .bytes = 2000000,
                            .sha256 = "aa" };
    struct db_module c = { .name = "c/gc-churn", .path = "/c", .language = "c", .bytes = 30000,
                           .sha256 = "bb" };
    CHECK(db_upsert_module(db, &go, &go_id) == 0);
    CHECK(db_upsert_module(db, &c, &c_id) == 0);
    CHECK(db_begin(db) == 0);
    const int64_t T = 1000000000;
    l1 = add_load(go_id, 1, "ok", 30000, T);
    l2 = add_load(go_id, 2, "ok", 10000, 2 * T);
    l3 = add_load(c_id, 3, "ok", 2000, 3 * T);
    add_load(go_id, 4, "timeout", 50000, 4 * T);
    /* inside the window (t0 + 100 ms .. t0 + 600 ms) and outside it */
    add_pause(l1, 1, "go", T + 200000, 300);
    add_pause(l1, 2, "go", T + 300000, 100);
    add_pause(l1, 3, "go", T + 50000, 9999);      /* before run-start: not counted */
    add_pause(l2, 1, "go", 2 * T + 400000, 200);
    add_pause(l2, 2, "v8", 2 * T + 450000, 1000);
    CHECK(db_insert_alloc_histogram(db, l3, "malloc", 16, 10, 700, 300, 100, "[6,0,0,0,0,0,0,0,2,2]") == 0);
    CHECK(db_insert_alloc_histogram(db, l3, "free", 16, 4, 0, 0, 100, "[4]") == 0);
    CHECK(db_insert_alloc_histogram(db, l1, "malloc", 16, 2, 10, 9, 100, "[1,x]") == 0);
    CHECK(db_insert_trace(db, l1, "chrome-json", "identity", 2, "[]", 2) == 0);
    CHECK(db_insert_trace(db, l2, "chrome-json", "identity", 2, "[]", 2) == 0);
    CHECK(db_commit(db) == 0);
}

static void test_pauses(void)
{
    int64_t t0, t1;
    CHECK(db_read_workload_window(db, l1, &t0, &t1) == 0);
    CHECK_INT(t0, 1000000000 + 100000);
    CHECK_INT(t1, 1000000000 + 600000);
    struct db_gc_group *g;
    size_t n;
    CHECK(db_read_gc_groups(db, run_id, &g, &n) == 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK(strcmp(g[0].module, "go/gc-churn") == 0 && strcmp(g[0].language, "go") == 0);
        CHECK_INT(g[0].loads, 2);
        CHECK(fabs(g[0].workload_us - 1000000.0) < 1e-9);
        double *ms;
        size_t k;
        CHECK(db_read_gc_group_pauses(db, run_id, &g[0], "go", &ms, &k) == 0);
        CHECK_INT(k, 3);   /* the 9.999 ms pause before run-start is not counted */
        if (k == 3)
            CHECK(ms[0] == 0.1 && ms[1] == 0.2 && ms[2] == 0.3);
        free(ms);
    }
    free(g);
    struct db_pause *p;
    CHECK(db_read_load_pauses(db, l1, &p, &n) == 0);
    CHECK_INT(n, 3);
    if (n == 3)
        CHECK(p[0].start_us < p[1].start_us && p[1].start_us < p[2].start_us);
    free(p);
    char module[64];
    CHECK_INT(db_read_busiest_pause_load(db, run_id, module, sizeof module), l1);
    CHECK(strcmp(module, "go/gc-churn") == 0);
    struct db_scope scope = { .run_id = run_id };
    struct db_window_pause *w;
    CHECK(db_read_window_pauses(db, &scope, &w, &n) == 0);
    CHECK_INT(n, 4);
    free(w);
}

static void test_alloc(void)
{
    struct db_alloc_group *g;
    size_t n;
    CHECK(db_read_alloc_groups(db, run_id, &g, &n) == 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        /* groups in order of their first load: go/gc-churn's unreadable one first */
        CHECK(strcmp(g[0].module, "go/gc-churn") == 0);
        CHECK_INT(g[0].bad_buckets, 1);
        CHECK_INT(g[0].n_buckets, 0);
        CHECK_INT(g[0].bucket[0], 0);
        g++;
        CHECK(strcmp(g[0].op, "free") == 0 && strcmp(g[1].op, "malloc") == 0);
        CHECK_INT(g[1].samples, 10);
        CHECK_INT(g[1].n_buckets, 10);
        CHECK_INT(g[1].bucket[8], 2);
        CHECK_INT(g[1].bad_buckets, 0);
        /* 6 of 10 samples read 0 ns: the median is 0, p95 in [256, 512] ns
         * (its top) capped at max_ns */
        CHECK(alloc_quantile_ns(g[1].bucket, g[1].n_buckets, g[1].max_ns, 0.5) == 0);
        CHECK(alloc_quantile_ns(g[1].bucket, g[1].n_buckets, g[1].max_ns, 0.95) == 300);
        CHECK(alloc_quantile_ns(g[1].bucket, g[1].n_buckets, 0, 0.95) >= 256);
        CHECK(alloc_quantile_ns(g[1].bucket, g[1].n_buckets, 0, 0.95) <= 512);
        CHECK(alloc_quantile_ns(g[1].bucket, g[1].n_buckets, 0, 0.75) >= 128);
        g--;
    }
    free(g);
    int64_t empty[3] = { 0 };
    CHECK(isnan(alloc_quantile_ns(empty, 3, 0, 0.5)));
    int64_t one[4] = { 0, 0, 0, 4 };   /* [4, 8) ns */
    CHECK(alloc_quantile_ns(one, 4, 0, 1.0) == 8);
    CHECK(alloc_quantile_ns(one, 4, 0, 0.25) == 5);
}

static void test_scope(void)
{
    struct db_scope all = { .run_id = DB_ALL_RUNS };
    CHECK_INT(db_scope_count_distinct(db, &all, DB_FIELD_MODULE), 2);
    CHECK_INT(db_scope_count_distinct(db, &all, DB_FIELD_BROWSER_ID), 1);
    char **v;
    size_t n;
    CHECK(db_scope_distinct(db, &all, DB_FIELD_BROWSER_LABEL, false, &v, &n) == 0);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK(strcmp(v[0], "HeadlessChrome/126.0.6478.126 (headless_shell)") == 0);
    db_strings_free(v, n);
    struct db_timing *t;
    CHECK(db_read_timings(db, &all, DB_BY_GROUP, false, &t, &n) == 0);
    CHECK_INT(n, 3);   /* ok loads only */
    if (n == 3)
        CHECK(strcmp(t[0].module, "c/gc-churn") == 0 && t[1].fb2c_us < t[2].fb2c_us);
    free(t);
    struct db_scope go = { .run_id = run_id, .module = "go/gc-churn" };
    /* two ok go loads with traces: the lower middle, the faster one */
    CHECK_INT(db_pick_median_load(db, &go), l2);
    CHECK_INT(db_latest_run_id(db), run_id);
    struct db_load_row row;
    CHECK_INT(db_read_load_row(db, l1, &row), 1);
    CHECK_INT(row.fb2c_us, 30000);
    CHECK(strcmp(row.module, "go/gc-churn") == 0);
    CHECK_INT(row.last_byte_us, 1000000000 + 2000);
    CHECK_INT(db_read_load_row(db, 99999, &row), 0);
    CHECK_INT(db_read_mark_time(db, l1, "wasmlab:run-end"), 1000000000 + 600000);
    CHECK_INT(db_read_mark_time(db, l1, "wasmlab:nosuch"), DB_NULL);
}

static void test_export(void)
{
    struct db_rows *r;
    CHECK_INT(db_export_open(db, "load_traces", DB_ALL_RUNS, &r), DB_EXPORT_NOT_A_TABLE);
    CHECK_INT(db_export_open(db, "runs; DROP TABLE runs", DB_ALL_RUNS, &r), DB_EXPORT_NOT_A_TABLE);
    CHECK_INT(db_export_open(db, "gc_pauses", run_id, &r), DB_EXPORT_OK);
    int rows = 0;
    while (db_rows_step(r) == 1)
        rows++;
    CHECK_INT(rows, 5);
    CHECK(strcmp(db_rows_name(r, 0), "load_id") == 0);
    db_rows_close(r);
    CHECK_INT(db_has_table(db, "gc_pauses"), 1);
    CHECK_INT(db_has_table(db, "nosuch"), 0);
}

int main(void)
{
    char path[] = "/tmp/wasmlab-test-dbread-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    char err[512];
    db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    fill();
    test_pauses();
    test_alloc();
    test_scope();
    test_export();
    db_close(db);
    unlink(path);
    return check_result();
}
