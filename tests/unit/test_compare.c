/* compare: the engine (collector/report/compare.h) on a real SQLite file
 * filled through db/'s insert API with hand-set metric values, no browser:
 * verdicts (faster, slower, no significant change, too few loads), the exact
 * Mann-Whitney p of two separated samples, selectors (run ids, UUIDs,
 * run:last, modules against each other, browser versions, kinds), the
 * threshold, overlapping selectors, the kind warning, and bad input. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "base/util.h"
#include "collector/report/compare.h"
#include "db/db.h"

static struct db *db;
static int64_t browser_hs, browser_full, mod_c, mod_go;

static int64_t add_run(const char *uuid)
{
    int64_t id = 0;
    struct db_run r = { uuid, "2026-01-01T00:00:00.000Z", "h", "0", "test", "exp" };
    CHECK_INT(db_insert_run(db, &r, &id), 0);
    CHECK_INT(db_finish_run(db, id, "2026-01-01T00:01:00.000Z", "completed"), 0);
    return id;
}

/* n ok loads of run/browser/module whose first_byte_to_compile is
 * first_us + step_us * seq. */
static void add_loads(int64_t run, int64_t browser, int64_t module, int n, int64_t first_us,
                      int64_t step_us)
{
    for (int i = 0; i < n; i++) {
        struct db_load l = {
            .run_id = run, .browser_id = browser, .module_id = module, .seq = i,
            .api = "streaming", .status = "ok", .started_at = "2026-01-01T00:00:01.000Z",
            .wall_ms = 10, .request_sent_us = DB_NULL, .response_received_us = DB_NULL,
            .last_byte_us = DB_NULL, .stream_start_us = DB_NULL,
            .compile_finished_us = DB_NULL, .load_end_us = DB_NULL, .bytes_received = DB_NULL,
            .chunk_count = DB_NULL, .first_byte_to_compile_us = first_us + step_us * i,
            .last_byte_to_compile_us = DB_NULL, .page_compile_ms = NAN,
            .trace_bytes = DB_NULL, .trace_events = DB_NULL, .trace_data_loss = DB_NULL,
            .renderer_pid = DB_NULL, .js_churn_mb = DB_NULL, .trace_buffer_pct = NAN,
        };
        int64_t id;
        CHECK_INT(db_insert_load(db, &l, &id), 0);
    }
}

static int run_compare(const char *base, const char *cand, double threshold,
                       struct compare_result *r, char *err, size_t errlen)
{
    struct compare_options o;
    compare_options_init(&o);
    o.baseline = base;
    o.candidate = cand;
    o.threshold_pct = threshold;
    return compare_run(db, &o, r, err, errlen);
}

/* compare_print's output in format f (caller frees). */
static char *printed(const struct compare_result *r, enum table_format f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    compare_print(r, f, m);
    fclose(m);
    return text;
}

static void fill(void)
{
    struct db_browser hs = { .path = "/usr/lib/chromium/chromium-headless-shell",
                             .kind = "headless_shell", .product = "HeadlessChrome/156.0.1.2",
                             .revision = "@a" };
    struct db_browser full = { .path = "/usr/bin/chromium", .kind = "chromium",
                               .product = "Chrome/150.0.3.4", .revision = "@b" };
    CHECK_INT(db_upsert_browser(db, &hs, &browser_hs), 0);
    CHECK_INT(db_upsert_browser(db, &full, &browser_full), 0);
    struct db_module c = { .name = "c/hello", .bytes = 10, .sha256 = "aa" };
    struct db_module go = { .name = "go/hello", .bytes = 20, .sha256 = "bb" };
    CHECK_INT(db_upsert_module(db, &c, &mod_c), 0);
    CHECK_INT(db_upsert_module(db, &go, &mod_go), 0);
    /* run 1: c/hello 1.0 .. 1.5 ms; run 2: c/hello 2.0 .. 2.5, go/hello
     * 3.0 .. 3.5 (one side only when runs are compared); run 3 and 4: 3
     * loads a side, fully separated; run 5: c/hello in full chromium. */
    int64_t r1 = add_run("00000000-0000-4000-8000-000000000001");
    add_loads(r1, browser_hs, mod_c, 6, 1000, 100);
    int64_t r2 = add_run("00000000-0000-4000-8000-000000000002");
    add_loads(r2, browser_hs, mod_c, 6, 2000, 100);
    add_loads(r2, browser_hs, mod_go, 6, 3000, 100);
    add_loads(add_run("00000000-0000-4000-8000-000000000003"), browser_hs, mod_c, 3, 1000, 100);
    add_loads(add_run("00000000-0000-4000-8000-000000000004"), browser_hs, mod_c, 3, 5000, 100);
    add_loads(add_run("00000000-0000-4000-8000-000000000005"), browser_full, mod_c, 6, 9000, 100);
    /* run 6: go/hello only, so it shares no configuration with run 1. */
    add_loads(add_run("00000000-0000-4000-8000-000000000006"), browser_hs, mod_go, 6, 3000, 50);
}

static void test_verdicts(void)
{
    struct compare_result r;
    char err[512];
    CHECK_INT(run_compare("run:1", "run:2", 5, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs, 1);
    CHECK_INT(r.n_one_side, 1);                  /* go/hello: candidate only */
    CHECK_INT(r.n_baseline, 6);
    CHECK_INT(r.n_candidate, 12);
    if (r.n_configs == 1) {
        const struct compare_config *c = &r.configs[0];
        CHECK_STR(c->dims[COMPARE_DIM_MODULE], "c/hello");
        CHECK_STR(c->dims[COMPARE_DIM_API], "streaming");
        CHECK_STR(c->dims[COMPARE_DIM_CONDITION], "default");
        CHECK(fabs(c->median_baseline_ms - 1.25) < 1e-9);
        CHECK(fabs(c->median_candidate_ms - 2.25) < 1e-9);
        CHECK(fabs(c->change_pct - 80) < 1e-6);
        CHECK(c->u == 0);
        CHECK(fabs(c->p - 2.0 / 924) < 1e-12);   /* 2 / C(12, 6) */
        CHECK(0.5 <= c->ci_low_ms && c->ci_low_ms <= 1.0 && c->ci_high_ms <= 1.5);
        CHECK_INT(c->verdict, COMPARE_SLOWER);
        CHECK_INT(c->loads_needed, 0);
    }
    CHECK_INT(r.n_slower, 1);
    CHECK_INT(r.n_kind_mismatch, 0);
    CHECK_INT(r.n_shared_loads, 0);
    compare_result_free(&r);

    CHECK_INT(run_compare("run:2", "run:1", 5, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs == 1 ? (int)r.configs[0].verdict : -1, COMPARE_FASTER);
    CHECK_INT(r.n_slower, 0);
    CHECK_INT(r.n_faster, 1);
    compare_result_free(&r);

    /* The threshold: an 80% change counts at 5%, not at 100%. */
    CHECK_INT(run_compare("run:1", "run:2", 100, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs == 1 ? (int)r.configs[0].verdict : -1, COMPARE_NO_CHANGE);
    CHECK_INT(r.n_configs == 1 ? (long long)r.configs[0].loads_needed : -1, 0);
    compare_result_free(&r);
}

static void test_too_few(void)
{
    struct compare_result r;
    char err[512];
    /* 3 a side, fully separated (1.0-1.2 vs 5.0-5.2 ms): the best p is
     * 2 / C(6, 3) = 0.1, so no verdict is possible at alpha 0.05. */
    CHECK_INT(run_compare("run:3", "run:4", 5, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs, 1);
    if (r.n_configs == 1) {
        const struct compare_config *c = &r.configs[0];
        CHECK_INT(c->verdict, COMPARE_TOO_FEW);
        CHECK(c->p == 0.1);
        CHECK(c->min_p == 0.1);
        CHECK_INT(c->loads_needed, 4);
    }
    CHECK_INT(r.n_too_few, 1);
    CHECK_INT(r.n_slower, 0);
    const char *want = "too few loads: smallest reachable p at n=3/3 is 0.1 > 0.05; "
                       "need at least 4 loads a side";
    char *text = printed(&r, TABLE_TEXT);
    CHECK(strstr(text, want) != NULL);
    CHECK(strstr(text, "no significant change") == NULL);
    free(text);
    char *md = printed(&r, TABLE_MARKDOWN);
    CHECK(strstr(md, want) != NULL);
    CHECK(strstr(md, "| too few loads |") != NULL);
    free(md);
    char *json = printed(&r, TABLE_JSON);
    CHECK(strstr(json, "\"verdict\": \"too few loads\"") || strstr(json, "\"verdict\":\"too few loads\""));
    CHECK(strstr(json, "\"loads_needed\": 4") || strstr(json, "\"loads_needed\":4"));
    CHECK(strstr(json, "\"min_p\": 0.1") || strstr(json, "\"min_p\":0.1"));
    free(json);
    compare_result_free(&r);

    /* alpha 0.1: p = 0.1 is still not below it. */
    struct compare_options o;
    compare_options_init(&o);
    o.baseline = "run:3";
    o.candidate = "run:4";
    o.alpha = 0.1;
    CHECK_INT(compare_run(db, &o, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs == 1 ? (int)r.configs[0].verdict : -1, COMPARE_TOO_FEW);
    text = printed(&r, TABLE_TEXT);
    CHECK(strstr(text, "is 0.1 >= 0.1; need at least 4 loads a side") != NULL);
    free(text);
    compare_result_free(&r);
    /* alpha 0.2: 0.1 can be reached, and is: slower. */
    o.alpha = 0.2;
    CHECK_INT(compare_run(db, &o, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs == 1 ? (int)r.configs[0].verdict : -1, COMPARE_SLOWER);
    compare_result_free(&r);
}

static void test_selectors(void)
{
    struct compare_result r, r2;
    char err[512];
    /* A UUID (bare or run:UUID) and run:last select what ids do. */
    CHECK_INT(run_compare("00000000-0000-4000-8000-000000000003",
                          "run:00000000-0000-4000-8000-000000000004", 5, &r, err, sizeof err),
              COMPARE_OK);
    CHECK_INT(r.n_baseline, 3);
    CHECK_INT(r.n_candidate, 3);
    compare_result_free(&r);
    CHECK_INT(run_compare("run:2", "run:last", 5, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_candidate, 6);                 /* run 6 */
    CHECK_INT(r.n_configs, 1);                   /* go/hello */
    CHECK_INT(r.n_one_side, 1);                  /* c/hello: run 2 only */
    CHECK_STR(r.n_configs ? r.configs[0].dims[COMPARE_DIM_MODULE] : "", "go/hello");
    compare_result_free(&r);

    /* Modules against each other: the module is not part of the configuration. */
    CHECK_INT(run_compare("run:2,module:c/hello", "run:2,module:go/hello", 5, &r, err,
                          sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs, 1);
    CHECK_STR(r.n_configs ? r.configs[0].dims[COMPARE_DIM_MODULE] : "", "c/hello vs go/hello");
    CHECK_INT(r.n_configs ? (int)r.configs[0].verdict : -1, COMPARE_SLOWER);
    compare_result_free(&r);

    /* Repeated keys are alternatives; different keys must all hold. */
    CHECK_INT(run_compare("run:1,run:3", "run:2", 5, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_baseline, 9);
    compare_result_free(&r);

    /* browser:MAJOR and browser:Name/VERSION select the same loads: they
     * overlap entirely, which is warned about. */
    CHECK_INT(run_compare("browser:156", "browser:HeadlessChrome/156.0.1.2", 5, &r, err,
                          sizeof err), COMPARE_OK);
    CHECK_INT(r.n_baseline, r.n_candidate);
    CHECK_INT(r.n_shared_loads, r.n_baseline);
    compare_result_free(&r);
    CHECK_INT(run_compare("browser:156.0", "browser:15", 5, &r2, err, sizeof err),
              COMPARE_BAD_INPUT);                /* 15 is not a dotted prefix of 156 */
    CHECK(strstr(err, "candidate browser:15 matches no ok loads with first_byte_to_compile"));

    /* The kind: headless_shell against full chromium is compared, and warned. */
    CHECK_INT(run_compare("kind:headless_shell,run:1", "kind:chromium", 5, &r, err, sizeof err),
              COMPARE_OK);
    CHECK_INT(r.n_kind_mismatch, 1);
    CHECK_STR(r.kind_mismatch_example, "baseline headless_shell, candidate chromium");
    CHECK_STR(r.n_configs ? r.configs[0].kind_candidate : "", "chromium");
    CHECK_INT(r.n_slower, 1);
    compare_result_free(&r);
}

static void test_bad_input(void)
{
    struct compare_result r;
    char err[512];
    static const struct { const char *base, *cand, *msg; } cases[] = {
        { "frob:1", "run:2", "unknown key 'frob'" },
        { "156", "run:2", "term '156' is not KEY:VALUE" },
        { "run:x", "run:2", "run:x is not a run id, UUID or 'last'" },
        { "kind:full", "run:2", "kind:full must be headless_shell or chromium" },
        { "run:99", "run:2", "baseline run:99 matches no ok loads" },
        { "", "run:2", "empty selector" },
        { "run:1", "run:5,module:go/hello", "matches no ok loads" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        CHECK_INT(run_compare(cases[i].base, cases[i].cand, 5, &r, err, sizeof err),
                  COMPARE_BAD_INPUT);
        if (!strstr(err, cases[i].msg))
            fprintf(stderr, "case %zu: got '%s', want '%s'\n", i, err, cases[i].msg);
        CHECK(strstr(err, cases[i].msg) != NULL);
        CHECK_INT(r.n_configs, 0);
        compare_result_free(&r);
    }
    /* Both sides match, but share no configuration. */
    CHECK_INT(run_compare("run:1", "run:6", 5, &r, err, sizeof err), COMPARE_BAD_INPUT);
    CHECK(strstr(err, "no configuration has loads on both sides (6 baseline loads, 6 candidate"));
    struct compare_options o;
    compare_options_init(&o);
    o.baseline = o.candidate = "run:1";
    o.metric = "bogus";
    CHECK_INT(compare_run(db, &o, &r, err, sizeof err), COMPARE_BAD_INPUT);
    CHECK(strstr(err, "unknown metric bogus"));
    /* wall is set on every load: another metric reads other values. */
    o.metric = "wall";
    o.candidate = "run:2";
    CHECK_INT(compare_run(db, &o, &r, err, sizeof err), COMPARE_OK);
    CHECK_INT(r.n_configs ? (int)r.configs[0].verdict : -1, COMPARE_NO_CHANGE);
    compare_result_free(&r);
    o.metric = "page_compile";    /* NULL everywhere: no loads have it */
    CHECK_INT(compare_run(db, &o, &r, err, sizeof err), COMPARE_BAD_INPUT);
    CHECK(strstr(err, "matches no ok loads with page_compile"));
}

int main(void)
{
    char dir[] = "/tmp/wasmlab-test-compare-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    fill();
    test_verdicts();
    test_too_few();
    test_selectors();
    test_bad_input();
    db_close(db);
    remove_tree(dir);
    return check_result();
}
