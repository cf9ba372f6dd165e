/* prune: retention rules parsed and applied (db_keep_rule_keeps), and
 * db_prune_traces on a real SQLite file with loads stored through
 * db_store_load: each rule removes exactly the traces it should, scoped by
 * run, experiment and age; --dry-run removes nothing; every loads row and its
 * numbers stay; VACUUM shrinks the file. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "db/db_internal.h"   /* the raw handle: the test counts rows with SQL */
#include "db/loads.h"
#include "db/prune.h"

static int64_t scalar(struct db *db, const char *sql)
{
    int64_t v = -1;
    if (db_run_sql(db, sql, &v, "") < 0)
        return -2;
    return v;
}

static void test_rules(void)
{
    struct db_keep_rule r;
    char buf[32];
    CHECK_INT(db_keep_rule_parse("all", &r), 0);
    CHECK_INT(r.kind, DB_KEEP_ALL);
    CHECK_INT(db_keep_rule_parse("failed", &r), 0);
    CHECK_INT(r.kind, DB_KEEP_FAILED);
    CHECK_INT(db_keep_rule_parse("none", &r), 0);
    CHECK_INT(r.kind, DB_KEEP_NONE);
    CHECK_INT(db_keep_rule_parse("sample:10", &r), 0);
    CHECK_INT(r.kind, DB_KEEP_SAMPLE);
    CHECK_INT(r.every, 10);
    db_keep_rule_format(&r, buf, sizeof buf);
    CHECK_STR(buf, "sample:10");
    const char *bad[] = { "", "ALL", "sample", "sample:", "sample:0", "sample:-1", "sample:1x",
                          "sample:01", "sample:99999999", "some", NULL };
    for (int i = 0; bad[i]; i++)
        CHECK_INT(db_keep_rule_parse(bad[i], &r), -1);
    CHECK_INT(db_keep_rule_parse(NULL, &r), -1);
    struct db_keep_rule all = { DB_KEEP_ALL, 0 }, failed = { DB_KEEP_FAILED, 0 },
                        none = { DB_KEEP_NONE, 0 }, s3 = { DB_KEEP_SAMPLE, 3 };
    CHECK(db_keep_rule_keeps(&all, true, 1));
    CHECK(!db_keep_rule_keeps(&none, false, 0));
    CHECK(db_keep_rule_keeps(&failed, false, 1));
    CHECK(!db_keep_rule_keeps(&failed, true, 0));
    CHECK(db_keep_rule_keeps(&s3, true, 0));
    CHECK(!db_keep_rule_keeps(&s3, true, 1));
    CHECK(!db_keep_rule_keeps(&s3, true, 2));
    CHECK(db_keep_rule_keeps(&s3, true, 3));
    CHECK(db_keep_rule_keeps(&s3, false, 4));
}

static char blob[64 * 1024];

/* A run of `n` loads (seq 0..n-1; seq 4 failed), each with a 64 KB trace. */
static int64_t store_run_loads(struct db *db, const char *started, const char *experiment,
                               int64_t browser, int64_t module, int n)
{
    struct db_run run = { .uuid = started, .started_at = started, .host = "h",
                          .version = "test", .command_line = "test",
                          .experiment = experiment };
    int64_t run_id;
    CHECK_INT(db_insert_run(db, &run, &run_id), 0);
    for (int i = 0; i < n; i++) {
        struct db_trace_blob t = { .format = "chrome-json", .encoding = "gzip",
                                   .raw_bytes = (int64_t)sizeof blob, .data = blob,
                                   .len = sizeof blob, .fd = -1 };
        struct db_load_record r = {
            .load = { .run_id = run_id, .browser_id = browser, .module_id = module, .seq = i,
                      .api = "streaming", .status = i == 4 ? "timeout" : "ok",
                      .error = i == 4 ? "slow" : NULL, .started_at = started,
                      .wall_ms = 10 + i, .first_byte_to_compile_us = 1000 + i,
                      .page_compile_ms = NAN },
            .trace = &t };
        int64_t id;
        CHECK_INT(db_store_load(db, &r, &id), 0);
    }
    return run_id;
}

static int64_t traces_of(struct db *db, int64_t run_id)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM load_traces t JOIN loads l ON l.id = t.load_id"
                              " WHERE l.run_id = %lld", (long long)run_id);
    return scalar(db, sql);
}

static void test_prune_file(void)
{
    for (size_t i = 0; i < sizeof blob; i++)   /* incompressible-ish, like gzip output */
        blob[i] = (char)(i * 2654435761u >> 13);
    char dir[] = "/tmp/wasmlab-test-prune-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/p.db", dir);
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    struct db_browser b = { .path = "/bin/b", .kind = "headless_shell", .product = "P" };
    struct db_module m = { .name = "c/hello", .path = "x.wasm", .bytes = 1, .sha256 = "ab" };
    int64_t br, mod;
    CHECK_INT(db_upsert_browser(db, &b, &br), 0);
    CHECK_INT(db_upsert_module(db, &m, &mod), 0);
    int64_t old = store_run_loads(db, "2020-01-01T00:00:00.000Z", "nightly", br, mod, 10);
    int64_t mid = store_run_loads(db, "2020-01-02T00:00:00.000Z", "other", br, mod, 10);
    int64_t now = store_run_loads(db, "2999-01-01T00:00:00.000Z", "nightly", br, mod, 10);
    struct db_keep_rule all = { DB_KEEP_ALL, 0 };
    CHECK_INT(db_run_set_keep_traces(db, now, &all), 0);
    CHECK_INT(scalar(db, "SELECT count(*) FROM runs WHERE keep_traces = 'all'"), 1);
    CHECK_INT(scalar(db, "SELECT count(*) FROM load_traces"), 30);
    CHECK_INT(db_experiment_exists(db, "nightly"), 1);
    CHECK_INT(db_experiment_exists(db, "nope"), 0);

    /* dry run: counts, removes nothing */
    struct db_prune_scope any = { .run_id = 0, .experiment = NULL, .older_than_days = -1 };
    struct db_keep_rule none = { DB_KEEP_NONE, 0 }, failed = { DB_KEEP_FAILED, 0 },
                        s3 = { DB_KEEP_SAMPLE, 3 };
    struct db_prune_result res;
    CHECK_INT(db_prune_traces(db, &any, &none, true, &res), 0);
    CHECK_INT(res.traces, 30);
    CHECK_INT(res.bytes, 30 * (int64_t)sizeof blob);
    CHECK_INT(scalar(db, "SELECT count(*) FROM load_traces"), 30);

    /* sample:3 on the old run only (by run id): seq 0, 3, 6, 9 and failed 4 stay */
    struct db_prune_scope one = { .run_id = old, .older_than_days = -1 };
    CHECK_INT(db_prune_traces(db, &one, &s3, false, &res), 0);
    CHECK_INT(res.traces, 5);
    CHECK_INT(traces_of(db, old), 5);
    CHECK_INT(traces_of(db, mid), 10);
    CHECK_INT(scalar(db, "SELECT count(*) FROM loads l JOIN load_traces t ON t.load_id = l.id"
                         " WHERE l.run_id = 1 AND l.seq NOT IN (0, 3, 4, 6, 9)"), 0);

    /* failed, by experiment and age: the old nightly is pruned, the future one is not
     * (too young), the other experiment is not (not in scope) */
    struct db_prune_scope exp = { .experiment = "nightly", .older_than_days = 30 };
    CHECK_INT(db_prune_traces(db, &exp, &failed, false, &res), 0);
    CHECK_INT(res.traces, 4);
    CHECK_INT(traces_of(db, old), 1);
    CHECK_INT(traces_of(db, mid), 10);
    CHECK_INT(traces_of(db, now), 10);

    /* none, everything older than a day: mid loses all; loads and numbers stay */
    struct db_prune_scope aged = { .older_than_days = 1 };
    CHECK_INT(db_prune_traces(db, &aged, &none, false, &res), 0);
    CHECK_INT(res.traces, 11);
    CHECK_INT(scalar(db, "SELECT count(*) FROM load_traces"), 10);
    CHECK_INT(scalar(db, "SELECT count(*) FROM loads"), 30);
    CHECK_INT(scalar(db, "SELECT sum(first_byte_to_compile_us) FROM loads"), 3 * (10 * 1000 + 45));
    CHECK_INT(scalar(db, "SELECT count(*) FROM loads WHERE status = 'timeout'"), 3);

    /* VACUUM gives the space back */
    int64_t before = db_file_bytes(db);
    CHECK_INT(db_reclaim_space(db), 0);
    int64_t after = db_file_bytes(db);
    CHECK(after > 0 && before - after >= 15 * (int64_t)sizeof blob);
    CHECK_INT(scalar(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"),
              0);
    db_close(db);
    unlink(path);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

int main(void)
{
    test_rules();
    test_prune_file();
    return check_result();
}
