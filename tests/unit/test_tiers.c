/* Compile work by tier (collector/trace/tiers.h).
 *
 * Real Chromium 156 traces (tests/fixtures/traces/, one load each under
 * liftoff-only, turbofan-only, eager and default tiers) must give what the
 * live run stored (expected_tiers.json), their lazy work must equal the sum
 * of the trace's wasm.CompileLazy slices summed here with Jansson (an
 * independent reading), and each tier must show its own tier's work only.
 * Small hand-written event lists cover the edges: the load window clips,
 * overlapping slices count once per thread, tier-up is the TurboFan work
 * after compile finished, a lazy compile without Liftoff's nested slice is
 * TurboFan's, and missing inputs give EXTRACT_NONE. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/check.h"
#include "collector/trace/extract.h"
#include "collector/trace/tiers.h"
#include "collector/trace/trace_parser.h"
#include "tests/fixture_io.h"

static int extract_text(const char *text, size_t len, const char *module_path,
                        struct extract_result *res)
{
    struct extractor *x = extractor_new(module_path);
    struct trace_parser *tp = trace_parser_new(extract_event, x);
    int rc = trace_parser_feed(tp, text, len);
    if (rc == 0)
        rc = trace_parser_finish(tp);
    if (rc == 0)
        rc = extract_finish(x, res);
    else
        memset(res, 0, sizeof *res);
    trace_parser_free(tp);
    extractor_free(x);
    return rc;
}

static int64_t exp_int(json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : EXTRACT_NONE;
}

/* The wasm.CompileLazy slices of the renderer inside [lo, hi], summed from
 * the raw JSON (they run on one thread, one at a time: no overlaps). */
static int64_t raw_lazy_sum(const char *text, size_t len, int64_t pid, int64_t lo, int64_t hi)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    json_t *events = json_is_array(root) ? root : json_object_get(root, "traceEvents");
    int64_t sum = 0;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!name || strcmp(name, "wasm.CompileLazy") != 0 ||
            json_integer_value(json_object_get(e, "pid")) != pid)
            continue;
        int64_t ts = (int64_t)json_integer_value(json_object_get(e, "ts"));
        int64_t end = ts + (int64_t)json_integer_value(json_object_get(e, "dur"));
        if (ts < lo)
            ts = lo;
        if (end > hi)
            end = hi;
        if (end > ts)
            sum += end - ts;
    }
    json_decref(root);
    return sum;
}

static void check_tier_shape(const char *tier, const struct tier_work *w)
{
    if (strcmp(tier, "liftoff-only") == 0) {
        CHECK(w->liftoff_us > 0);
        CHECK_INT(w->turbofan_us, 0);
        CHECK_INT(w->tierup_us, 0);
    } else if (strcmp(tier, "turbofan-only") == 0) {
        CHECK(w->turbofan_us > 0);
        CHECK_INT(w->liftoff_us, 0);
        CHECK_INT(w->tierup_us, 0);
        CHECK_INT(w->lazy_us, w->turbofan_us);   /* lazy TurboFan on first call */
    } else if (strcmp(tier, "eager") == 0) {
        CHECK(w->liftoff_us > 0);
        CHECK_INT(w->lazy_us, 0);
    } else {   /* default: lazy Liftoff, then dynamic tier-up */
        CHECK(w->liftoff_us > 0);
        CHECK_INT(w->lazy_us, w->liftoff_us);
        CHECK(w->tierup_us > 0);
        CHECK(w->tierup_us <= w->turbofan_us);
    }
}

static void test_real_traces(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/traces/expected_tiers.json", FIXTURES_DIR);
    json_t *all = json_load_file(path, 0, NULL);
    CHECK(json_array_size(all) == 4);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        char name[512];
        snprintf(name, sizeof name, "traces/%s", json_string_value(json_object_get(e, "file")));
        size_t len;
        char *text = fixture_read_gz(name, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        struct extract_result res;
        CHECK(extract_text(text, len, json_string_value(json_object_get(e, "module_path")),
                           &res) == 0);
        struct tier_work w;
        tier_work_of(&res, &w);
        CHECK_INT(w.liftoff_us, exp_int(e, "compile_liftoff_us"));
        CHECK_INT(w.turbofan_us, exp_int(e, "compile_turbofan_us"));
        CHECK_INT(w.lazy_us, exp_int(e, "compile_lazy_us"));
        CHECK_INT(w.tierup_us, exp_int(e, "compile_tierup_us"));
        CHECK_INT(w.first_export_return_us, exp_int(e, "first_export_return_us"));
        CHECK_INT(w.first_export_us, exp_int(e, "first_export_us"));
        CHECK_INT(w.lazy_us, raw_lazy_sum(text, len, res.renderer_pid, w.window_start_us,
                                          w.window_end_us));
        /* the first export returns after the module compiled */
        CHECK(w.first_export_us > res.first_byte_to_compile_us);
        check_tier_shape(json_string_value(json_object_get(e, "v8_tier")), &w);
        extract_result_free(&res);
        free(text);
    }
    json_decref(all);
}

/* A hand-made extraction: window 1000..2000, compile finished at 1500. */
static struct extract_compile_event ev(const char *name, int64_t tid, int64_t ts, int64_t dur)
{
    struct extract_compile_event e;
    memset(&e, 0, sizeof e);
    e.name = name;            /* a literal: outlives the test */
    e.cat = e.compile_id = "";
    e.ph = 'X';
    e.ts_us = ts;
    e.dur_us = dur;
    e.pid = 7;
    e.tid = tid;
    return e;
}

static void base_result(struct extract_result *x, struct extract_compile_event *evs, size_t n,
                        struct extract_mark *marks, size_t n_marks)
{
    memset(x, 0, sizeof *x);
    x->request_sent_us = 1100;
    x->response_received_us = 1200;
    x->compile_finished_us = 1500;
    x->load_end_us = 2000;
    x->compile_events = evs;
    x->n_compile_events = n;
    x->marks = marks;
    x->n_marks = n_marks;
}

static void test_edges(void)
{
    struct extract_mark marks[2] = { { "wasmlab:start", 1000 },
                                     { "wasmlab:first-export-returned", 1700 } };
    struct extract_compile_event evs[] = {
        ev("wasm.BaselineCompilation", 2, 900, 300),    /* clipped: 1000..1200 = 200 */
        ev("wasm.BaselineCompilation", 2, 1100, 200),   /* overlaps: +100 (to 1300) */
        ev("wasm.BaselineCompilation", 3, 1100, 200),   /* another thread: +200 */
        ev("wasm.TopTierCompilation", 2, 1400, 300),    /* 300; 200 of it after 1500 */
        ev("wasm.CompileLazy", 1, 1600, 50),            /* Liftoff: nested baseline */
        ev("wasm.CompileBaseline", 1, 1610, 20),
        ev("wasm.CompileLazy", 1, 1700, 40),            /* TurboFan: nothing nested */
        ev("wasm.CompileBaseline", 2, 1745, 1),         /* other thread: not nested */
        ev("wasm.CompileLazy", 1, 1990, 100),           /* clipped at 2000: 10 */
        ev("wasm.CompileBaseline", 1, 1995, 1),
        ev("wasm.OtherCompilation", 2, 1000, 500),      /* not a tier */
    };
    struct extract_result x;
    base_result(&x, evs, sizeof evs / sizeof evs[0], marks, 2);
    struct tier_work w;
    tier_work_of(&x, &w);
    CHECK_INT(w.window_start_us, 1000);
    CHECK_INT(w.window_end_us, 2000);
    CHECK_INT(w.liftoff_us, 300 + 200 + 50 + 10);
    CHECK_INT(w.turbofan_us, 300 + 40);
    CHECK_INT(w.lazy_us, 50 + 40 + 10);
    CHECK_INT(w.tierup_us, 200);
    CHECK_INT(w.first_export_return_us, 1700);
    CHECK_INT(w.first_export_us, 500);

    /* no start mark: the window starts at the request; no done mark: at the
     * last event's end; no compile finished: tier-up unknown */
    x.n_marks = 0;
    x.load_end_us = EXTRACT_NONE;
    x.compile_finished_us = EXTRACT_NONE;
    tier_work_of(&x, &w);
    CHECK_INT(w.window_start_us, 1100);
    CHECK_INT(w.window_end_us, 2090);
    CHECK_INT(w.lazy_us, 50 + 40 + 100);
    CHECK_INT(w.tierup_us, EXTRACT_NONE);
    CHECK_INT(w.first_export_us, EXTRACT_NONE);

    /* no window at all, and no extraction: everything unknown */
    x.request_sent_us = EXTRACT_NONE;
    tier_work_of(&x, &w);
    CHECK_INT(w.liftoff_us, EXTRACT_NONE);
    tier_work_of(NULL, &w);
    CHECK_INT(w.turbofan_us, EXTRACT_NONE);
    CHECK_INT(w.first_export_return_us, EXTRACT_NONE);

    /* hostile numbers saturate instead of overflowing */
    struct extract_compile_event big[] = {
        ev("wasm.BaselineCompilation", 1, INT64_MIN + 10, INT64_MAX),
        ev("wasm.BaselineCompilation", 2, INT64_MIN + 10, INT64_MAX),
    };
    base_result(&x, big, 2, NULL, 0);
    x.request_sent_us = INT64_MIN + 5;
    x.load_end_us = INT64_MAX;
    tier_work_of(&x, &w);
    CHECK_INT(w.liftoff_us, INT64_MAX);
}

int main(void)
{
    test_real_traces();
    test_edges();
    return check_result();
}
