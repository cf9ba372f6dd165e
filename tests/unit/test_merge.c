/* merge (db/merge.h) on real DB files made through db/'s insert API, no
 * browser: every table's rows copied once with ids remapped, an idempotent
 * second merge, a run merged mid-way getting its later loads, an input at an
 * older schema merged from a migrated copy (the input untouched), and inputs
 * refused before anything is written (newer schema, not a DB, not ours). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/check.h"
#include "base/util.h"
#include "db/db_internal.h"   /* the raw handle: the test reads rows back with SQL */
#include "db/db_migrations.h"
#include "db/merge.h"

static char dir[] = "/tmp/wasmlab-test-merge-XXXXXX";

static char *path_of(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* One integer from a query on the file at path (-1 on error). */
static int64_t q(const char *path, const char *sql)
{
    sqlite3 *sq = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &sq, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(sq, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "query %s on %s: %s\n", sql, path, sqlite3_errmsg(sq));
    sqlite3_finalize(st);
    sqlite3_close(sq);
    return v;
}

static void exec(const char *path, const char *sql)
{
    sqlite3 *sq = NULL;
    CHECK(sqlite3_open(path, &sq) == SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(sq, sql, NULL, NULL, &msg) != SQLITE_OK)
        fprintf(stderr, "exec on %s: %s\n", path, msg);
    CHECK(msg == NULL);
    sqlite3_free(msg);
    sqlite3_close(sq);
}

/* Every row of every table, summed: a cheap fingerprint of a DB's size. */
static int64_t total_rows(const char *path)
{
    return q(path, "SELECT (SELECT COUNT(*) FROM runs) + (SELECT COUNT(*) FROM loads)"
                   " + (SELECT COUNT(*) FROM browsers) + (SELECT COUNT(*) FROM modules)"
                   " + (SELECT COUNT(*) FROM net_chunks) + (SELECT COUNT(*) FROM compile_events)"
                   " + (SELECT COUNT(*) FROM page_marks) + (SELECT COUNT(*) FROM load_traces)"
                   " + (SELECT COUNT(*) FROM gc_pauses) + (SELECT COUNT(*) FROM long_tasks)"
                   " + (SELECT COUNT(*) FROM alloc_histograms)"
                   " + (SELECT COUNT(*) FROM auto_sampling)");
}

static struct db *open_db(const char *path)
{
    char err[512];
    struct db *db = db_open(path, err, sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    CHECK(db != NULL);
    return db;
}

/* A load with one row in every detail table. */
static void add_load(struct db *db, int64_t run, int64_t browser, int64_t module, int64_t seq,
                     int64_t fbc_us)
{
    struct db_load l = {
        .run_id = run, .browser_id = browser, .module_id = module, .seq = seq,
        .api = "streaming", .status = "ok", .started_at = "2026-01-01T00:00:01.000Z",
        .wall_ms = 10, .request_sent_us = DB_NULL, .response_received_us = DB_NULL,
        .last_byte_us = DB_NULL, .stream_start_us = DB_NULL, .compile_finished_us = DB_NULL,
        .load_end_us = DB_NULL, .bytes_received = 100, .chunk_count = 1,
        .first_byte_to_compile_us = fbc_us, .last_byte_to_compile_us = DB_NULL,
        .page_compile_ms = NAN, .trace_bytes = DB_NULL, .trace_events = DB_NULL,
        .trace_data_loss = DB_NULL, .renderer_pid = DB_NULL, .js_churn_mb = DB_NULL,
        .trace_buffer_pct = NAN,
    };
    int64_t id;
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_insert_load(db, &l, &id), 0);
    CHECK_INT(db_insert_chunk(db, id, 0, 5, 100, "wasm.OnBytesReceived"), 0);
    CHECK_INT(db_insert_compile_event(db, id, 0, "v8.wasm.compiledModule", "v8.wasm", 'X', 10,
                                      fbc_us, 1, 2, "c1"), 0);
    CHECK_INT(db_insert_mark(db, id, "compiled", 1.5, 20), 0);
    struct db_gc_pause p = { .source = "v8", .kind = "minor", .name = "Scavenge", .is_pause = 1,
                             .start_us = 30, .dur_us = 40, .heap_before = DB_NULL,
                             .heap_after = DB_NULL, .tid = DB_NULL, .gc_num = DB_NULL };
    CHECK_INT(db_insert_gc_pause(db, id, 0, &p), 0);
    CHECK_INT(db_insert_long_task(db, id, 0, 50, 60, "task"), 0);
    CHECK_INT(db_insert_alloc_histogram(db, id, "malloc", 1, 10, 100, 20, 1, "[1,2]"), 0);
    CHECK_INT(db_insert_trace(db, id, "chrome-json", "gzip", 3, "abc", 3), 0);
    CHECK_INT(db_commit(db), 0);
}

/* A DB with one run of n loads per module in two browsers; `other_first`
 * inserts an unrelated browser and module first, so the same browser and
 * module get other ids than in a DB made without it. */
static void make_input(const char *path, const char *uuid, const char *module, bool other_first)
{
    struct db *db = open_db(path);
    if (!db)
        return;
    int64_t run, b1, b2, m, x;
    struct db_run r = { uuid, "2026-01-01T00:00:00.000Z", "h", "0", "test", "exp" };
    CHECK_INT(db_insert_run(db, &r, &run), 0);
    if (other_first) {
        struct db_browser ob = { .path = "/other", .kind = "chromium", .product = "Chrome/1.0",
                                 .revision = "@o" };
        struct db_module om = { .name = "other", .bytes = 1, .sha256 = "00" };
        CHECK_INT(db_upsert_browser(db, &ob, &x), 0);
        CHECK_INT(db_upsert_module(db, &om, &x), 0);
    }
    struct db_browser hs = { .path = "/hs", .kind = "headless_shell",
                             .product = "HeadlessChrome/156.0.1.2", .revision = "@a" };
    struct db_browser old = { .path = "/old", .kind = "headless_shell",
                              .product = "HeadlessChrome/126.0.1.2", .revision = "@b" };
    struct db_module mm = { .name = module, .bytes = 10, .sha256 = module };
    CHECK_INT(db_upsert_browser(db, &hs, &b1), 0);
    CHECK_INT(db_upsert_browser(db, &old, &b2), 0);
    CHECK_INT(db_upsert_module(db, &mm, &m), 0);
    for (int i = 0; i < 3; i++) {
        add_load(db, run, b1, m, i, 1000 + i);
        add_load(db, run, b2, m, i, 2000 + i);
    }
    CHECK_INT(db_insert_auto_sampling(db, run, m, "streaming", "default", b2, b1, 3, 3, -1, 1,
                                      0.5, "max_loads"), 0);
    CHECK_INT(db_finish_run(db, run, "2026-01-01T00:01:00.000Z", "completed"), 0);
    db_close(db);
}

static int merge(const char *out_path, const char *in_path, struct db_merge_counts *mc,
                 char *err, size_t errlen)
{
    struct db *out = open_db(out_path);
    if (!out)
        return -1;
    int rc = db_merge(out, in_path, mc, err, errlen);
    db_close(out);
    return rc;
}

static void test_two_inputs(const char *a, const char *b, const char *out)
{
    struct db_merge_counts mc;
    char err[1024] = "";
    CHECK_INT(merge(out, a, &mc, err, sizeof err), 0);
    CHECK_INT(mc.runs_seen, 1);
    CHECK_INT(mc.runs_new, 1);
    CHECK_INT(mc.loads, 6);
    CHECK_INT(mc.browsers, 2);
    CHECK_INT(mc.modules, 1);
    CHECK_INT(mc.rows, 6 * 7 + 1);     /* 7 detail rows a load, one auto_sampling row */
    CHECK_INT(merge(out, b, &mc, err, sizeof err), 0);
    CHECK_INT(mc.runs_new, 1);
    CHECK_INT(mc.loads, 6);
    CHECK_INT(mc.browsers, 0);         /* the same two browsers, by content */
    CHECK_INT(mc.modules, 1);
    /* Every table: the rows of both inputs, once (browsers shared). */
    static const char *const per_load[] = { "net_chunks", "compile_events", "page_marks",
                                            "load_traces", "gc_pauses", "long_tasks",
                                            "alloc_histograms", "loads", "runs",
                                            "auto_sampling", NULL };
    for (int i = 0; per_load[i]; i++) {
        char *sql = xasprintf("SELECT COUNT(*) FROM %s", per_load[i]);
        CHECK_INT(q(out, sql), q(a, sql) + q(b, sql));
        free(sql);
    }
    CHECK_INT(q(out, "SELECT COUNT(*) FROM browsers"), 2);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM modules"), 2);
    /* Ids remapped: b's loads point at its own run, module and browsers. */
    CHECK_INT(q(out, "SELECT COUNT(*) FROM loads l JOIN runs r ON r.id = l.run_id"
                     " JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id"
                     " WHERE r.uuid = 'run-b' AND m.name = 'go/hello'"
                     " AND b.product = 'HeadlessChrome/156.0.1.2'"
                     " AND l.first_byte_to_compile_us BETWEEN 1000 AND 1002"), 3);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM net_chunks c JOIN loads l ON l.id = c.load_id"
                     " JOIN runs r ON r.id = l.run_id WHERE r.uuid = 'run-b'"), 6);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM auto_sampling s JOIN runs r ON r.id = s.run_id"
                     " JOIN browsers bb ON bb.id = s.baseline_browser_id"
                     " JOIN browsers cb ON cb.id = s.candidate_browser_id"
                     " JOIN modules m ON m.id = s.module_id WHERE r.uuid = 'run-b'"
                     " AND bb.product = 'HeadlessChrome/126.0.1.2'"
                     " AND cb.product = 'HeadlessChrome/156.0.1.2' AND m.name = 'go/hello'"), 1);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);

    /* Idempotent: the same inputs again change nothing. */
    int64_t before = total_rows(out);
    CHECK_INT(merge(out, a, &mc, err, sizeof err), 0);
    CHECK_INT(mc.runs_seen, 1);
    CHECK_INT(mc.runs_new, 0);
    CHECK_INT(mc.loads, 0);
    CHECK_INT(mc.rows, 0);
    CHECK_INT(merge(out, b, &mc, err, sizeof err), 0);
    CHECK_INT(mc.loads + mc.rows + mc.runs_new + mc.browsers + mc.modules, 0);
    CHECK_INT(total_rows(out), before);
}

/* A run merged while running gets its later loads, and its status, later. */
static void test_midway(void)
{
    char *part = path_of("part.db"), *out = path_of("mid.db");
    struct db *db = open_db(part);
    int64_t run, br, m;
    struct db_run r = { "run-c", "2026-01-01T00:00:00.000Z", "h", "0", "test", "exp" };
    struct db_browser hs = { .path = "/hs", .kind = "headless_shell",
                             .product = "HeadlessChrome/156.0.1.2", .revision = "@a" };
    struct db_module mm = { .name = "c/hello", .bytes = 10, .sha256 = "c/hello" };
    CHECK_INT(db_insert_run(db, &r, &run), 0);
    CHECK_INT(db_upsert_browser(db, &hs, &br), 0);
    CHECK_INT(db_upsert_module(db, &mm, &m), 0);
    add_load(db, run, br, m, 0, 1000);
    add_load(db, run, br, m, 1, 1001);
    db_close(db);
    struct db_merge_counts mc;
    char err[1024] = "";
    CHECK_INT(merge(out, part, &mc, err, sizeof err), 0);
    CHECK_INT(mc.loads, 2);
    CHECK_INT(q(out, "SELECT status = 'running' FROM runs"), 1);
    db = open_db(part);
    add_load(db, run, br, m, 2, 1002);
    add_load(db, run, br, m, 3, 1003);
    CHECK_INT(db_finish_run(db, run, "2026-01-01T00:01:00.000Z", "completed"), 0);
    db_close(db);
    CHECK_INT(merge(out, part, &mc, err, sizeof err), 0);
    CHECK_INT(mc.runs_new, 0);
    CHECK_INT(mc.runs_updated, 1);
    CHECK_INT(mc.loads, 2);
    CHECK_INT(mc.rows, 2 * 7);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM loads"), 4);
    CHECK_INT(q(out, "SELECT group_concat(first_byte_to_compile_us) FROM"
                     " (SELECT first_byte_to_compile_us FROM loads ORDER BY id)") > 0, 1);
    CHECK_INT(q(out, "SELECT SUM(first_byte_to_compile_us) FROM loads"), 4006);
    CHECK_INT(q(out, "SELECT status = 'completed' FROM runs"), 1);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM runs"), 1);
    free(part);
    free(out);
}

/* An input at schema version 1 (the first migration only). */
static void test_older_schema(const char *out)
{
    char *old = path_of("old.db");
    exec(old, db_migrations[0].sql);
    exec(old, "PRAGMA user_version = 1;"
              "INSERT INTO runs (uuid, started_at, status) VALUES ('run-old',"
              " '2026-01-01T00:00:00.000Z', 'completed');"
              "INSERT INTO browsers (path, kind, product, revision) VALUES ('/old/chrome',"
              " 'headless_shell', 'HeadlessChrome/120.0.1.0', '@old');"
              "INSERT INTO modules (name, bytes, sha256) VALUES ('c/hello', 10, 'abc');"
              "INSERT INTO loads (run_id, browser_id, module_id, seq, api, status, started_at,"
              " first_byte_to_compile_us) VALUES (1, 1, 1, 0, 'streaming', 'ok',"
              " '2026-01-01T00:00:01.000Z', 1234);"
              "INSERT INTO net_chunks VALUES (1, 0, 5, 10, 'wasm.OnBytesReceived');");
    size_t len0 = 0, len1 = 0;
    uint8_t *before = read_whole_file(old, &len0);
    int version = 0;
    char err[1024] = "";
    CHECK_INT(db_merge_check_input(old, &version, err, sizeof err), 0);
    CHECK_INT(version, 1);
    struct db_merge_counts mc;
    CHECK_INT(merge(out, old, &mc, err, sizeof err), 0);
    CHECK_INT(mc.schema_from, 1);
    CHECK_INT(mc.schema_to, db_merge_newest_schema());
    CHECK_INT(mc.loads, 1);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM loads l JOIN runs r ON r.id = l.run_id"
                     " WHERE r.uuid = 'run-old' AND l.first_byte_to_compile_us = 1234"), 1);
    CHECK_INT(q(out, "SELECT COUNT(*) FROM net_chunks c JOIN loads l ON l.id = c.load_id"
                     " JOIN browsers b ON b.id = l.browser_id WHERE b.path = '/old/chrome'"), 1);
    uint8_t *after = read_whole_file(old, &len1);
    CHECK(before && after && len0 == len1 && memcmp(before, after, len0) == 0);
    CHECK_INT(q(old, "PRAGMA user_version"), 1);
    free(before);
    free(after);
    free(old);
}

/* Refused inputs leave OUT as it was. */
static void test_refused(const char *a, const char *out)
{
    int64_t before = total_rows(out);
    char *newer = path_of("newer.db"), *text = path_of("text.db"), *other = path_of("other.db");
    char *missing = path_of("missing.db");
    char *cp = xasprintf("cp '%s' '%s'", a, newer);
    CHECK_INT(system(cp), 0);
    free(cp);
    exec(newer, "PRAGMA user_version = 999");
    FILE *f = fopen(text, "w");
    fputs("not a database at all, just text that is long enough to be read as a header....\n", f);
    fclose(f);
    exec(other, "CREATE TABLE t (x)");
    static const char *const want[] = { "newer than this wasmlab knows", "not an SQLite database",
                                        "not a wasmlab results DB", "No such file" };
    const char *inputs[] = { newer, text, other, missing };
    for (int i = 0; i < 4; i++) {
        int version;
        char err[1024] = "";
        CHECK_INT(db_merge_check_input(inputs[i], &version, err, sizeof err), -1);
        CHECK(strstr(err, want[i]) != NULL);
        CHECK(strstr(err, inputs[i]) != NULL);      /* names the file */
        struct db_merge_counts mc;
        err[0] = 0;
        CHECK_INT(merge(out, inputs[i], &mc, err, sizeof err), -1);
        CHECK(strstr(err, want[i]) != NULL);
    }
    CHECK_INT(total_rows(out), before);
    free(newer);
    free(text);
    free(other);
    free(missing);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    char *a = path_of("a.db"), *b = path_of("b.db"), *out = path_of("out.db");
    make_input(a, "run-a", "c/hello", false);
    make_input(b, "run-b", "go/hello", true);
    test_two_inputs(a, b, out);
    test_midway();
    test_older_schema(out);
    test_refused(a, out);
    free(a);
    free(b);
    free(out);
    remove_tree(dir);
    return check_result();
}
