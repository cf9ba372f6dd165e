/* report experiment's engine (collector/report/experiment_answers.h) and its
 * questions (questions.h) on a real SQLite file filled through db/'s insert
 * API with hand-set values, no browser: questions parsed and refused with a
 * line naming the entry, experiment files accept them, the default
 * questions follow what varies in the run, each answer is compare's
 * figures per configuration and browser with its sentence, a value the run
 * lacks is bad input, and too few loads are left out and counted. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "base/util.h"
#include "collector/measure/experiment.h"
#include "collector/report/experiment_answers.h"
#include "collector/report/questions.h"
#include "db/db.h"

static struct db *db;
static int64_t browser[2], module[2];
static const char *const apis[2] = { "buffered", "streaming" };
static const char *const conds[2] = { "lan", "4g" };

static int64_t add_run(const char *uuid, const char *experiment)
{
    int64_t id = 0;
    struct db_run r = { uuid, "2026-01-01T00:00:00.000Z", "h", "0", "test", experiment };
    CHECK_INT(db_insert_run(db, &r, &id), 0);
    CHECK_INT(db_finish_run(db, id, "2026-01-01T00:01:00.000Z", "completed"), 0);
    return id;
}

/* n ok loads; first_byte_to_compile = first_us + 100 us * seq. */
static void add_loads(int64_t run, int b, int m, const char *api, const char *cond, int n,
                      int64_t first_us)
{
    for (int i = 0; i < n; i++) {
        struct db_load l = {
            .run_id = run, .browser_id = browser[b], .module_id = module[m], .seq = i,
            .api = api, .condition = cond, .status = "ok",
            .started_at = "2026-01-01T00:00:01.000Z", .wall_ms = 10,
            .request_sent_us = DB_NULL, .response_received_us = DB_NULL,
            .last_byte_us = DB_NULL, .stream_start_us = DB_NULL,
            .compile_finished_us = DB_NULL, .load_end_us = DB_NULL, .bytes_received = DB_NULL,
            .chunk_count = DB_NULL, .first_byte_to_compile_us = first_us + 100 * i,
            .last_byte_to_compile_us = DB_NULL, .page_compile_ms = NAN,
            .trace_bytes = DB_NULL, .trace_events = DB_NULL, .trace_data_loss = DB_NULL,
            .renderer_pid = DB_NULL, .js_churn_mb = DB_NULL, .trace_buffer_pct = NAN,
        };
        int64_t id;
        CHECK_INT(db_insert_load(db, &l, &id), 0);
    }
}

/* Run 1 ("exp"): 2 browsers x 2 modules x {buffered, streaming} x {lan, 4g},
 * 6 loads each; streaming is 5 ms under buffered everywhere, 4g 40 ms over
 * lan, go/hello 100 ms over c/hello. Run 2 ("thin"): 1 load a side. */
static void fill(void)
{
    struct db_browser hs = { .path = "/hs", .kind = "headless_shell",
                             .product = "HeadlessChrome/156.0.1.2", .revision = "@a" };
    struct db_browser full = { .path = "/full", .kind = "headless_shell",
                               .product = "HeadlessChrome/126.0.3.4", .revision = "@b" };
    CHECK_INT(db_upsert_browser(db, &hs, &browser[0]), 0);
    CHECK_INT(db_upsert_browser(db, &full, &browser[1]), 0);
    struct db_module c = { .name = "c/hello", .bytes = 10, .sha256 = "aa" };
    struct db_module go = { .name = "go/hello", .bytes = 20, .sha256 = "bb" };
    CHECK_INT(db_upsert_module(db, &c, &module[0]), 0);
    CHECK_INT(db_upsert_module(db, &go, &module[1]), 0);
    int64_t r1 = add_run("00000000-0000-4000-8000-000000000001", "exp");
    for (int b = 0; b < 2; b++)
        for (int m = 0; m < 2; m++)
            for (int a = 0; a < 2; a++)
                for (int c2 = 0; c2 < 2; c2++)
                    add_loads(r1, b, m, apis[a], conds[c2], 6,
                              20000 - 5000 * a + 40000 * c2 + 100000 * m);
    int64_t r2 = add_run("00000000-0000-4000-8000-000000000002", "thin");
    add_loads(r2, 0, 0, "buffered", "lan", 1, 1000);
    add_loads(r2, 0, 0, "streaming", "lan", 1, 900);
}

static int parse(const char *text, struct questions *q, char *err, size_t errlen)
{
    json_t *arr = json_loads(text, 0, NULL);
    int rc = questions_parse(arr, q, err, errlen);
    json_decref(arr);
    return rc;
}

static void test_parse(void)
{
    struct questions q;
    char err[512];
    CHECK_INT(parse("[{\"vary\": \"api\", \"baseline\": \"buffered\"},"
                    " {\"vary\": \"module\", \"candidates\": [\"go/hello\"], \"metric\": \"startup\"}]",
                    &q, err, sizeof err), 0);
    CHECK_INT(q.n, 2);
    CHECK_INT(q.v[0].vary, QUESTION_API);
    CHECK_STR(q.v[0].baseline, "buffered");
    CHECK_STR(q.v[0].metric, "first_byte_to_compile");
    CHECK(q.v[1].baseline == NULL);
    CHECK_INT(q.v[1].n_candidates, 1);
    CHECK_STR(q.v[1].metric, "startup");
    questions_free(&q);
    static const struct { const char *text, *msg; } bad[] = {
        { "[]", "\"questions\" must be a list of 1 to 64 objects" },
        { "[7]", "questions[0] must be an object" },
        { "[{\"vary\": \"tier\"}]", "questions[0].vary must be api, condition, module or browser" },
        { "[{\"vary\": \"api\"}, {\"vary\": \"api\", \"metric\": \"speed\"}]",
          "questions[1].metric speed: must be first_byte_to_compile, " },
        { "[{\"vary\": \"api\", \"why\": 1}]", "questions[0]: unknown key \"why\"" },
        { "[{\"vary\": \"api\", \"baseline\": \"\"}]", "questions[0].baseline must be a non-empty" },
        { "[{\"vary\": \"api\", \"baseline\": \"a\", \"candidates\": [\"a\"]}]",
          "questions[0].candidates[0] a is the baseline" },
        { "[{\"vary\": \"api\", \"candidates\": []}]", "questions[0].candidates must be a list" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_INT(parse(bad[i].text, &q, err, sizeof err), -1);
        if (!strstr(err, bad[i].msg))
            fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i, err, bad[i].msg);
        CHECK(strstr(err, bad[i].msg) != NULL);
        CHECK_INT(q.n, 0);
    }
    /* experiment files: accepted, and a bad one refused naming the file */
    struct experiment e;
    struct plan p;
    const char *good = "{\"name\": \"x\", \"browsers\": [\"headless-shell\"], \"modules\": "
                       "[\"c/hello\"], \"questions\": [{\"vary\": \"api\"}]}";
    memset(&p, 0, sizeof p);
    CHECK_INT(experiment_parse(good, strlen(good), "x.json", ".", &e, &p, err, sizeof err), 0);
    experiment_free(&e);
    const char *badf = "{\"name\": \"x\", \"browsers\": [\"headless-shell\"], \"modules\": "
                       "[\"c/hello\"], \"questions\": [{\"vary\": \"size\"}]}";
    memset(&p, 0, sizeof p);
    CHECK_INT(experiment_parse(badf, strlen(badf), "x.json", ".", &e, &p, err, sizeof err), -1);
    CHECK(strstr(err, "experiment x.json: questions[0].vary") != NULL);
    experiment_free(&e);
}

static void test_default(void)
{
    bool varies[QUESTION_DIMS];
    char err[512];
    CHECK_INT(answers_varied_dims(db, 1, varies, err, sizeof err), 0);
    CHECK(varies[QUESTION_API] && varies[QUESTION_CONDITION] && varies[QUESTION_MODULE] &&
          varies[QUESTION_BROWSER]);
    CHECK_INT(answers_varied_dims(db, 2, varies, err, sizeof err), 0);
    CHECK(varies[QUESTION_API] && !varies[QUESTION_CONDITION] && !varies[QUESTION_MODULE] &&
          !varies[QUESTION_BROWSER]);
    struct questions q;
    questions_default(varies, &q);
    CHECK_INT(q.n, 1);
    CHECK_INT(q.v[0].vary, QUESTION_API);
    questions_free(&q);
}

static void test_answers(void)
{
    struct questions q;
    char err[512];
    CHECK_INT(parse("[{\"vary\": \"api\", \"baseline\": \"buffered\"}, {\"vary\": \"condition\"},"
                    " {\"vary\": \"browser\", \"baseline\": \"HeadlessChrome/126.0.3.4\"}]",
                    &q, err, sizeof err), 0);
    struct experiment_answers a;
    CHECK_INT(experiment_answer(db, 1, &q, &a, err, sizeof err), ANSWERS_OK);
    /* api: 2 browsers x 2 modules x 2 conditions; condition: x 2 apis; browser: 2x2x2 */
    CHECK_INT(a.q[0].n, 8);
    CHECK_INT(a.q[1].n, 8);
    CHECK_INT(a.q[2].n, 8);
    CHECK_INT(a.n, 24);
    for (size_t i = a.q[0].first; i < a.q[0].first + a.q[0].n; i++) {
        const struct answer *x = &a.v[i];
        CHECK_STR(x->baseline, "buffered");
        CHECK_STR(x->candidate, "streaming");
        CHECK(fabs(x->diff_ms + 5) < 1e-9);
        CHECK(x->ci_low_ms <= -5 && x->ci_high_ms >= -5);
        /* compare's 5% threshold: 5 ms counts under a 100 ms baseline only */
        CHECK_INT(x->verdict, x->median_baseline_ms < 100 ? COMPARE_FASTER : COMPARE_NO_CHANGE);
        CHECK(strstr(x->sentence, x->median_baseline_ms < 100
                     ? ": faster)." : ": significant, but under compare's 5% threshold).") != NULL);
        CHECK(x->browser[0] && x->module[0] && x->condition[0] && !x->api[0]);
        CHECK(strstr(x->sentence, ": streaming finished compiling ") != NULL);
        CHECK(strstr(x->sentence, " 5.00 ms (95% CI ") != NULL);
        CHECK(strstr(x->sentence, ") before buffered (medians ") != NULL);
    }
    const struct answer *first = &a.v[0];   /* sorted by configuration: c/hello, lan */
    CHECK_STR(first->context, "on 4g, c/hello, in HeadlessChrome/156.0.1.2");
    /* condition: baseline the run's first value (lan), 4g 40 ms later */
    const struct answer *c = &a.v[a.q[1].first];
    CHECK_STR(c->baseline, "lan");
    CHECK(fabs(c->diff_ms - 40) < 1e-9);
    CHECK(strstr(c->sentence, "4g finished compiling") && strstr(c->sentence, "after lan"));
    CHECK_INT(a.v[a.q[2].first].verdict, COMPARE_NO_CHANGE);   /* browsers equal */
    experiment_answers_free(&a);
    questions_free(&q);

    /* a value the run lacks: bad input naming it and the run's values */
    CHECK_INT(parse("[{\"vary\": \"api\", \"candidates\": [\"worker-sync\"]}]", &q, err,
                    sizeof err), 0);
    CHECK_INT(experiment_answer(db, 1, &q, &a, err, sizeof err), ANSWERS_BAD_INPUT);
    CHECK(strstr(err, "questions[0]: candidate worker-sync is not a api of run 1") != NULL);
    CHECK(strstr(err, "(it has: buffered, streaming)") != NULL);
    experiment_answers_free(&a);
    questions_free(&q);

    /* too few loads: left out and counted */
    CHECK_INT(parse("[{\"vary\": \"api\"}]", &q, err, sizeof err), 0);
    CHECK_INT(experiment_answer(db, 2, &q, &a, err, sizeof err), ANSWERS_OK);
    CHECK_INT(a.n, 0);
    CHECK_INT(a.q[0].n_too_few, 1);
    experiment_answers_free(&a);
    questions_free(&q);
}

int main(void)
{
    char dir[] = "/tmp/wasmlab-test-answers-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    fill();
    test_parse();
    test_default();
    test_answers();
    db_close(db);
    remove_tree(dir);
    return check_result();
}
