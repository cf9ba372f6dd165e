/* The trace parser and extractor against real Chromium 156 traces
 * (tests/fixtures/traces/, with the values the live runs stored), fed in odd
 * chunk sizes; and against small hand-written traces for the edge cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/check.h"
#include "collector/trace/extract.h"
#include "collector/trace/trace_parser.h"
#include "base/util.h"
#include "tests/fixture_io.h"

static int extract_text(const char *text, size_t len, size_t chunk, const char *module_path,
                        struct extract_result *res, char *perr, size_t perrlen)
{
    struct extractor *x = extractor_new(module_path);
    struct trace_parser *tp = trace_parser_new(extract_event, x);
    int rc = 0;
    for (size_t off = 0; off < len && rc == 0; off += chunk)
        rc = trace_parser_feed(tp, text + off, off + chunk > len ? len - off : chunk);
    if (rc == 0)
        rc = trace_parser_finish(tp);
    if (rc < 0) {
        snprintf(perr, perrlen, "%s", trace_parser_error(tp));
        memset(res, 0, sizeof *res);
    } else {
        perr[0] = 0;
        rc = extract_finish(x, res);
    }
    trace_parser_free(tp);
    extractor_free(x);
    return rc;
}

static int64_t exp_int(json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : EXTRACT_NONE;
}

static void test_real_traces(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/traces/expected.json", FIXTURES_DIR);
    json_t *all = json_load_file(path, 0, NULL);
    CHECK(json_array_size(all) == 4);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        const char *file = json_string_value(json_object_get(e, "file"));
        char name[512];
        snprintf(name, sizeof name, "traces/%s", file);
        size_t len;
        char *text = fixture_read_gz(name, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        static const size_t chunks[] = { 4093, 1, 1 << 20 };
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            if (chunks[c] == 1 && len > 300000)
                continue;   /* byte-at-a-time only for the smaller traces */
            struct extract_result r;
            char perr[256];
            int rc = extract_text(text, len, chunks[c],
                                  json_string_value(json_object_get(e, "module_path")), &r,
                                  perr, sizeof perr);
            CHECK_INT(rc, 0);
            if (rc != 0) {
                fprintf(stderr, "%s: %s%s\n", file, perr, r.error);
                continue;
            }
            CHECK_INT(r.request_sent_us, exp_int(e, "request_sent_us"));
            CHECK_INT(r.response_received_us, exp_int(e, "response_received_us"));
            CHECK_INT(r.last_byte_us, exp_int(e, "last_byte_us"));
            CHECK_INT(r.stream_start_us, exp_int(e, "stream_start_us"));
            CHECK_INT(r.compile_finished_us, exp_int(e, "compile_finished_us"));
            CHECK_INT(r.load_end_us, exp_int(e, "load_end_us"));
            CHECK_INT(r.n_chunks, exp_int(e, "chunk_count"));
            CHECK_INT(r.first_byte_to_compile_us, exp_int(e, "first_byte_to_compile_us"));
            CHECK_INT(r.last_byte_to_compile_us, exp_int(e, "last_byte_to_compile_us"));
            /* invariants that hold for any correct extraction */
            CHECK_INT(r.chunk_bytes, exp_int(e, "module_bytes"));
            CHECK(r.request_sent_us <= r.response_received_us);
            CHECK(r.response_received_us < r.compile_finished_us);
            CHECK(r.last_byte_us <= r.compile_finished_us);
            CHECK(r.compile_finished_us <= r.load_end_us);
            CHECK_STR(r.compile_finished_event, "wasm.OnCompilationSucceeded");
            CHECK_INT(r.status_code, 200);
            CHECK_STR(r.mime_type, "application/wasm");
            bool streaming = strcmp(json_string_value(json_object_get(e, "api")), "streaming") == 0;
            CHECK_STR(r.chunk_source, streaming ? "wasm.OnBytesReceived" : "ResourceReceivedData");
            for (size_t k = 1; k < r.n_chunks; k++)
                CHECK(r.chunks[k - 1].ts_us <= r.chunks[k].ts_us);
            CHECK(r.n_compile_events > 5);
            CHECK(r.n_marks >= 5);
            extract_result_free(&r);
        }
        /* The page URL names the module in its query; another path must not match. */
        struct extract_result r;
        char perr[256];
        CHECK_INT(extract_text(text, len, 65536, "/modules/c/hello", &r, perr, sizeof perr), -1);
        CHECK(strstr(r.error, "no request for /modules/c/hello") != NULL);
        extract_result_free(&r);
        /* a trace cut in half is an error, not a silent partial result */
        CHECK_INT(extract_text(text, len / 2, 65536,
                               json_string_value(json_object_get(e, "module_path")), &r, perr,
                               sizeof perr), -1);
        CHECK(strstr(perr, "ends early") != NULL);
        free(text);
    }
    json_decref(all);
}

/* A bare-array trace with B/E phases, fractional ts, events out of order,
 * and the fallback compile-finished event. */
static const char small_trace[] =
    "[{\"name\":\"wasm.FinishAsyncCompile\",\"ph\":\"B\",\"ts\":5000.4,\"pid\":7,\"tid\":1,\"cat\":\"disabled-by-default-v8.wasm.detailed\"},"
    " {\"name\":\"ResourceSendRequest\",\"ph\":\"I\",\"ts\":1000,\"pid\":7,\"tid\":1,\"cat\":\"devtools.timeline\","
    "  \"args\":{\"data\":{\"requestId\":\"7.3\",\"url\":\"http://127.0.0.1:9/m/a.wasm?x=1#f\",\"stack\":[{\"url\":\"zzz\"}]}}},"
    " {\"name\":\"ResourceSendRequest\",\"ph\":\"I\",\"ts\":900,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"7.1\",\"url\":\"http://127.0.0.1:9/p.html?module=/m/a.wasm\"}}},"
    " {\"name\":\"wasm.StartStreamingCompilation\",\"ph\":\"X\",\"ts\":1100,\"dur\":3,\"pid\":7,\"tid\":1,\"args\":{\"id\":4}},"
    " {\"name\":\"ResourceReceiveResponse\",\"ph\":\"I\",\"ts\":2000,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"7.3\",\"statusCode\":200,\"mimeType\":\"application/wasm\"}}},"
    " {\"name\":\"ResourceReceiveResponse\",\"ph\":\"I\",\"ts\":950,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"7.1\",\"statusCode\":200}}},"
    " {\"name\":\"wasm.OnBytesReceived\",\"ph\":\"X\",\"ts\":3000,\"pid\":7,\"tid\":1,\"args\":{\"bytes\":60}},"
    " {\"name\":\"wasm.OnBytesReceived\",\"ph\":\"X\",\"ts\":2500,\"pid\":7,\"tid\":1,\"args\":{\"bytes\":40}},"
    " {\"name\":\"wasm.OnBytesReceived\",\"ph\":\"X\",\"ts\":2600,\"pid\":99,\"tid\":1,\"args\":{\"bytes\":1000}},"
    " {\"name\":\"wasm.FinishAsyncCompile\",\"ph\":\"E\",\"ts\":5100,\"pid\":7,\"tid\":1},"
    " {\"name\":\"wasmlab:done\",\"ph\":\"R\",\"ts\":6000,\"pid\":7,\"tid\":1,\"cat\":\"blink.user_timing\"},"
    " {\"name\":\"ResourceFinish\",\"ph\":\"I\",\"ts\":7000,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"7.3\",\"decodedBodyLength\":100,\"encodedDataLength\":130}}}]";

static void test_small_trace(void)
{
    struct extract_result r;
    char perr[256];
    CHECK_INT(extract_text(small_trace, strlen(small_trace), 7, "/m/a.wasm", &r, perr,
                           sizeof perr), 0);
    CHECK_STR(r.request_id, "7.3");
    CHECK_INT(r.request_sent_us, 1000);
    CHECK_INT(r.response_received_us, 2000);
    CHECK_INT(r.stream_start_us, 1100);
    CHECK_INT(r.n_chunks, 2);
    CHECK_INT(r.chunk_bytes, 100);          /* pid 99's chunk is another page's */
    CHECK_INT(r.last_byte_us, 3000);
    CHECK_INT(r.compile_finished_us, 5000); /* 5000.4 rounds to 5000 */
    CHECK_STR(r.compile_finished_event, "wasm.FinishAsyncCompile");
    CHECK_INT(r.first_byte_to_compile_us, 3000);
    CHECK_INT(r.last_byte_to_compile_us, 2000);
    CHECK_INT(r.load_end_us, 6000);
    CHECK_INT(r.decoded_body_length, 100);
    CHECK_INT(r.encoded_data_length, 130);
    extract_result_free(&r);

    /* the object form parses the same */
    char *obj = malloc(strlen(small_trace) + 64);
    sprintf(obj, "{\"metadata\":{\"x\":[1,{\"y\":2}]},\"traceEvents\":%s,\"z\":3}", small_trace);
    CHECK_INT(extract_text(obj, strlen(obj), 3, "/m/a.wasm", &r, perr, sizeof perr), 0);
    CHECK_INT(r.first_byte_to_compile_us, 3000);
    extract_result_free(&r);
    free(obj);

    /* malformed JSON: an error with the byte offset */
    const char *bad = "[{\"name\":\"x\",\"ts\":1},{\"name\" 5}]";
    CHECK_INT(extract_text(bad, strlen(bad), 1000, "/m/a.wasm", &r, perr, sizeof perr), -1);
    CHECK(strstr(perr, "invalid trace JSON at byte") != NULL);

    /* no compile event: a clear error, the other moments still reported */
    const char *nocompile =
        "[{\"name\":\"ResourceSendRequest\",\"ts\":1,\"pid\":1,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"a\",\"url\":\"/m/a.wasm\"}}},"
        "{\"name\":\"ResourceReceiveResponse\",\"ts\":2,\"pid\":1,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"a\"}}}]";
    CHECK_INT(extract_text(nocompile, strlen(nocompile), 1000, "/m/a.wasm", &r, perr,
                           sizeof perr), -1);
    CHECK(strstr(r.error, "no compile-finished event") != NULL);
    CHECK_INT(r.response_received_us, 2);
    extract_result_free(&r);
}

static void count_event(void *arg, const struct trace_event *ev)
{
    int *n = arg;
    (*n)++;
    (void)ev;
}

static void test_hostile_json(void)
{
    /* wrong types, huge numbers, long strings, invalid UTF-8: parsed without crashing */
    char longname[20000];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    char *t = malloc(sizeof longname + 512);
    sprintf(t, "[{\"name\":\"%s\",\"ts\":1e308,\"pid\":\"x\",\"args\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}},"
               "{\"name\":\"\xff\xfe\",\"ts\":-5,\"dur\":true},{}]", longname);
    int n = 0;
    struct trace_parser *tp = trace_parser_new(count_event, &n);
    CHECK_INT(trace_parser_feed(tp, t, strlen(t)), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    CHECK_INT(n, 3);
    trace_parser_free(tp);
    free(t);

    /* more args than the parser keeps: kept up to the cap, counted */
    struct buf_t { char s[8192]; } *b = malloc(sizeof *b);
    size_t k = (size_t)sprintf(b->s, "[{\"name\":\"n\",\"args\":{");
    for (int i = 0; i < 100; i++)
        k += (size_t)sprintf(b->s + k, "%s\"k%d\":%d", i ? "," : "", i, i);
    sprintf(b->s + k, "}}]");
    n = 0;
    tp = trace_parser_new(count_event, &n);
    CHECK_INT(trace_parser_feed(tp, b->s, strlen(b->s)), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    CHECK_INT(n, 1);
    CHECK_INT(trace_parser_truncated_events(tp), 1);
    trace_parser_free(tp);
    free(b);
}

static void keep_event(void *arg, const struct trace_event *ev)
{
    struct trace_event *out = arg;
    *out = *ev;   /* the scalar fields; the strings are not kept */
}

/* Numbers no real trace holds are refused field by field (converting them
 * would be undefined behaviour), and numbers at the limit are kept exactly. */
static void test_out_of_range_numbers(void)
{
    static const char *const bad[] = {
        "[{\"ph\":\"X\",\"ts\":1e300,\"dur\":-1e300,\"pid\":9.3e18,\"tid\":-1e300}]",
        "[{\"ph\":\"X\",\"ts\":1125899906842625,\"dur\":1e19,\"pid\":1099511627777,\"tid\":-1099511627777}]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct trace_event ev;
        memset(&ev, 0x55, sizeof ev);
        struct trace_parser *tp = trace_parser_new(keep_event, &ev);
        CHECK_INT(trace_parser_feed(tp, bad[i], strlen(bad[i])), 0);
        CHECK_INT(trace_parser_finish(tp), 0);
        CHECK_INT(ev.ts_us, INT64_MIN);
        CHECK_INT(ev.dur_us, -1);
        CHECK_INT(ev.pid, -1);
        CHECK_INT(ev.tid, -1);
        trace_parser_free(tp);
    }
    const char *edge = "[{\"ph\":\"X\",\"ts\":1125899906842624,\"dur\":2.5,"
                       "\"pid\":1099511627776,\"tid\":-7}]";
    struct trace_event ev;
    struct trace_parser *tp = trace_parser_new(keep_event, &ev);
    CHECK_INT(trace_parser_feed(tp, edge, strlen(edge)), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    CHECK_INT(ev.ts_us, 1125899906842624LL);
    CHECK_INT(ev.dur_us, 3);
    CHECK_INT(ev.pid, 1099511627776LL);
    CHECK_INT(ev.tid, -7);
    trace_parser_free(tp);

    /* the fuzzer's regression input extracts without overflow (UBSan build) */
    char path[4096];
    snprintf(path, sizeof path, "%s/fuzz/trace/huge-numbers.json", FIXTURES_DIR);
    size_t len;
    char *text = (char *)read_whole_file(path, &len);
    CHECK(text != NULL);
    if (text) {
        struct extract_result r;
        char perr[256];
        if (extract_text(text, len, 97, "/modules/c/hello.wasm", &r, perr, sizeof perr) == 0)
            CHECK(r.chunk_bytes >= 0);
        extract_result_free(&r);
        free(text);
    }
}

/* Names of the events seen, joined by ' ', for comparing two parses. */
static void name_event(void *arg, const struct trace_event *ev)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s%s", n ? " " : "", ev->name);
}

/* A trace split at a ',' between events (import-trace's first pass on two
 * threads): the first parser proves the boundary, the second continues
 * after the ',', and together they see what one parser sees, in both forms.
 * A ',' inside a string or a nested value is no boundary. */
static void test_split_parse(void)
{
    static const char *const traces[] = {
        "{\"traceEvents\":[{\"name\":\"a\",\"args\":{\"s\":\"},{\"}},\n"
        "{\"name\":\"b\",\"args\":{\"x\":[1,{\"y\":2}]}} , {\"name\":\"c\"}],\"metadata\":{\"k\":1}}",
        "[{\"name\":\"a\",\"args\":{\"s\":\"},{\"}},{\"name\":\"b\"},{\"name\":\"c\"}]",
    };
    for (size_t t = 0; t < sizeof traces / sizeof *traces; t++) {
        const char *text = traces[t];
        size_t len = strlen(text);
        bool map_form = text[0] == '{';
        char whole[512] = "";
        struct trace_parser *tp = trace_parser_new(name_event, whole);
        CHECK_INT(trace_parser_feed(tp, text, len), 0);
        CHECK_INT(trace_parser_finish(tp), 0);
        trace_parser_free(tp);
        CHECK_STR(whole, "a b c");
        int boundaries = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] != ',')
                continue;
            char first[512] = "", second[512] = "";
            struct trace_parser *a = trace_parser_new(name_event, first);
            CHECK_INT(trace_parser_feed(a, text, i), 0);
            bool boundary = trace_parser_between_events(a, map_form);
            CHECK(!trace_parser_between_events(a, !map_form));
            trace_parser_free(a);
            if (!boundary)
                continue;
            boundaries++;
            struct trace_parser *b = trace_parser_new(name_event, second);
            trace_parser_start_in_events(b, map_form, i + 1);
            CHECK_INT(trace_parser_feed(b, text + i + 1, len - i - 1), 0);
            CHECK_INT(trace_parser_finish(b), 0);
            CHECK_INT(trace_parser_bytes(b), len);
            trace_parser_free(b);
            char joined[1024];
            snprintf(joined, sizeof joined, "%s %s", first, second);
            CHECK_STR(joined, whole);
        }
        CHECK_INT(boundaries, 2);   /* after "a" and after "b"; not in the string or args */
    }

    /* an error past the split is reported at its offset in the file */
    const char *bad = "[{\"name\":\"a\"},{\"name\":\"b\";1}]";
    struct trace_parser *one = trace_parser_new(count_event, &(int){ 0 });
    CHECK_INT(trace_parser_feed(one, bad, strlen(bad)), -1);
    struct trace_parser *b = trace_parser_new(count_event, &(int){ 0 });
    trace_parser_start_in_events(b, false, 14);   /* after the "," at 13 */
    CHECK_INT(trace_parser_feed(b, bad + 14, strlen(bad) - 14), -1);
    CHECK_STR(trace_parser_error(b), trace_parser_error(one));
    trace_parser_free(one);
    trace_parser_free(b);
}

/* Each event's span (trace_parser_event_span), recorded while the whole
 * text is fed in chunks of chunk bytes. */
struct spans {
    struct trace_parser *tp;
    size_t n;
    uint64_t from[4096], to[4096];
    char names[4096][128];   /* a prefix of each */
};

static void span_event(void *arg, const struct trace_event *ev)
{
    struct spans *sp = arg;
    if (sp->n == 4096)
        return;
    trace_parser_event_span(sp->tp, &sp->from[sp->n], &sp->to[sp->n]);
    snprintf(sp->names[sp->n], sizeof sp->names[0], "%s", ev->name);
    sp->n++;
}

/* The span of every event of a trace, fed in chunks of chunk bytes (units
 * cut by a chunk's end are parsed from the parser's buffer): a parser
 * started in the events array at its start and fed only its bytes delivers
 * that one event and is then between events; spans follow each other. */
static void check_spans(const char *text, size_t len, size_t chunk, size_t *checked)
{
    struct spans *sp = xcalloc(1, sizeof *sp);
    sp->tp = trace_parser_new(span_event, sp);
    for (size_t off = 0; off < len; off += chunk)
        CHECK_INT(trace_parser_feed(sp->tp, text + off, off + chunk > len ? len - off : chunk), 0);
    CHECK_INT(trace_parser_finish(sp->tp), 0);
    bool map_form = trace_parser_map_form(sp->tp);
    CHECK(map_form == (text[strspn(text, " \n")] == '{'));
    CHECK(sp->n > 0 && sp->n < 4096);
    for (size_t i = 0; i < sp->n; i++) {
        CHECK(sp->from[i] < sp->to[i] && sp->to[i] < len);
        CHECK(i == 0 || sp->to[i - 1] < sp->from[i]);
        CHECK(text[sp->to[i] - 1] == '}');
        char got[512] = "";
        struct trace_parser *one = trace_parser_new(name_event, got);
        trace_parser_start_in_events(one, map_form, sp->from[i]);
        CHECK_INT(trace_parser_feed(one, text + sp->from[i], sp->to[i] - sp->from[i]), 0);
        CHECK(trace_parser_between_events(one, map_form));
        CHECK_INT(trace_parser_events(one), 1);
        CHECK(strncmp(got, sp->names[i], sizeof sp->names[i] - 1) == 0);
        trace_parser_free(one);
        (*checked)++;
    }
    trace_parser_free(sp->tp);
    free(sp);
}

/* import-trace's measuring pass reads only the span of the file that holds
 * the module's load, from pass 1's event spans and focus keys. */
static void test_event_spans(void)
{
    size_t checked = 0;
    static const char *const traces[] = {
        "{\"traceEvents\":[{\"name\":\"a\",\"args\":{\"s\":\"},{\"}},\n"
        "{\"name\":\"b\",\"args\":{\"x\":[1,{\"y\":2}]}} , {\"name\":\"c\"}],\"metadata\":{\"k\":1}}",
        "  [ {\"name\":\"a\"},{\"name\":\"b\"}\n,\n{\"name\":\"c\"} ]",
    };
    for (size_t t = 0; t < sizeof traces / sizeof *traces; t++)
        for (size_t chunk = 1; chunk <= 9; chunk += 4)
            check_spans(traces[t], strlen(traces[t]), chunk, &checked);
    size_t len;
    char *text = fixture_read_gz("traces/chromium156-c-hello-streaming.json.gz", &len);
    CHECK(text != NULL);
    if (text) {
        check_spans(text, len, 4093, &checked);
        check_spans(text, len, 1 << 20, &checked);
        free(text);
    }
    CHECK(checked > 2000);

    static const struct {
        const char *name;
        char ph;
        int64_t ts_us;
        enum extract_focus_key want;
    } keys[] = {
        { "ResourceReceiveResponse", 'I', 5, EXTRACT_FOCUS_REQUEST },
        { "ResourceFinish", 'I', 5, EXTRACT_FOCUS_REQUEST },
        { "ResourceReceivedData", 'I', 5, EXTRACT_FOCUS_REQUEST },
        { "ResourceSendRequest", 'I', 5, EXTRACT_FOCUS_PID },
        { "wasm.OnCompilationSucceeded", 'I', 5, EXTRACT_FOCUS_PID },
        { "MinorGC", 'I', 5, EXTRACT_FOCUS_PID },
        { "RunTask", 'I', 5, EXTRACT_FOCUS_NONE },
        { "ResourceSendRequest", 'M', 5, EXTRACT_FOCUS_NONE },           /* metadata */
        { "ResourceSendRequest", 'I', INT64_MIN, EXTRACT_FOCUS_NONE },   /* no ts */
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        struct trace_event ev = { .name = keys[i].name, .ph = keys[i].ph, .ts_us = keys[i].ts_us };
        CHECK_INT(extract_focus_key(&ev), keys[i].want);
    }
}

static void test_url_path(void)
{
    char p[256];
    extract_url_path("http://127.0.0.1:8080/a/b.wasm?x=/c.wasm#y", p, sizeof p);
    CHECK_STR(p, "/a/b.wasm");
    extract_url_path("http://host", p, sizeof p);
    CHECK_STR(p, "/");
    extract_url_path("/rel/x.wasm?q", p, sizeof p);
    CHECK_STR(p, "/rel/x.wasm");
}

static const char *exp_str(json_t *e, const char *key)
{
    return json_string_value(json_object_get(e, key));
}

/* The compile phases (issue 11) on recorded Chromium 156 traces of every
 * compile API: the values the live run stored, and the orderings that make
 * them meaningful. */
static void test_phase_traces(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/traces/expected_phases.json", FIXTURES_DIR);
    json_t *all = json_load_file(path, 0, NULL);
    CHECK(json_array_size(all) == 4);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        char name[512];
        snprintf(name, sizeof name, "traces/%s", exp_str(e, "file"));
        size_t len;
        char *text = fixture_read_gz(name, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        struct extract_result r;
        char perr[256];
        int rc = extract_text(text, len, 8191, exp_str(e, "module_path"), &r, perr, sizeof perr);
        CHECK_INT(rc, 0);
        const char *api = exp_str(e, "api");
        CHECK_INT(r.response_received_us, exp_int(e, "response_received_us"));
        CHECK_INT(r.last_byte_us, exp_int(e, "last_byte_us"));
        CHECK_INT(r.compile_finished_us, exp_int(e, "compile_finished_us"));
        CHECK_STR(r.compile_finished_event, exp_str(e, "compile_finished_event"));
        CHECK_INT(r.compile_start_us, exp_int(e, "compile_start_us"));
        CHECK_STR(r.compile_start_event, exp_str(e, "compile_start_event"));
        CHECK_INT(r.instantiate_end_us, exp_int(e, "instantiate_end_us"));
        CHECK_STR(r.instantiate_end_source, exp_str(e, "instantiate_end_source"));
        CHECK_INT(r.first_output_us, exp_int(e, "first_output_us"));
        CHECK_INT(r.startup_us, exp_int(e, "startup_us"));
        CHECK_INT(r.compile_work_us, exp_int(e, "compile_work_us"));
        CHECK_INT(r.overlap_us, exp_int(e, "overlap_us"));
        CHECK(fabs(r.compile_before_last_byte_pct -
                   json_number_value(json_object_get(e, "compile_before_last_byte_pct"))) < 1e-9);
        CHECK_INT(r.chunk_bytes, exp_int(e, "bytes_received"));
        /* invariants */
        CHECK(r.response_received_us <= r.compile_finished_us);
        CHECK(r.compile_finished_us <= r.instantiate_end_us);
        CHECK(r.startup_us > 0);
        CHECK(r.overlap_us >= 0 && r.overlap_us <= r.compile_work_us);
        if (strcmp(api, "buffered") == 0 || strcmp(api, "worker-sync") == 0) {
            CHECK(r.compile_start_us >= r.last_byte_us);   /* compiles the whole buffer */
            CHECK_INT(r.overlap_us, 0);
        } else {
            CHECK(r.compile_start_us < r.last_byte_us);    /* streams */
        }
        if (strcmp(api, "streaming") == 0)
            CHECK(r.overlap_us > 0);   /* go/hello: 2 MB in several chunks */
        if (strcmp(api, "worker-sync") == 0) {
            /* SyncCompile runs on the Worker's thread, not the page's */
            size_t found = 0;
            for (size_t k = 0; k < r.n_compile_events; k++)
                if (strcmp(r.compile_events[k].name, "wasm.SyncCompile") == 0) {
                    found++;
                    CHECK(r.compile_events[k].tid != r.main_tid);
                    CHECK_INT(r.compile_events[k].pid, r.renderer_pid);
                }
            CHECK_INT(found, 1);
        }
        extract_result_free(&r);
        free(text);
    }
    json_decref(all);
}

/* Compile work: nested slices count once, the main thread not at all,
 * slices are clipped to the compile window, and the overlap is the part
 * before the last byte. Window 1000..5000, last byte 3000, main thread 1. */
static const char phase_trace[] =
    "[{\"name\":\"wasmlab:start\",\"ph\":\"R\",\"ts\":500,\"pid\":7,\"tid\":1,\"cat\":\"blink.user_timing\"},"
    " {\"name\":\"wasmlab:compile-start\",\"ph\":\"R\",\"ts\":900,\"pid\":7,\"tid\":1,\"cat\":\"blink.user_timing\"},"
    " {\"name\":\"ResourceSendRequest\",\"ph\":\"I\",\"ts\":950,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"1\",\"url\":\"http://h/a.wasm\"}}},"
    " {\"name\":\"wasm.StartStreamingCompilation\",\"ph\":\"X\",\"ts\":1000,\"dur\":5,\"pid\":7,\"tid\":1},"
    " {\"name\":\"ResourceReceiveResponse\",\"ph\":\"I\",\"ts\":1500,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"1\",\"statusCode\":200}}},"
    " {\"name\":\"wasm.OnBytesReceived\",\"ph\":\"X\",\"ts\":3000,\"dur\":1,\"pid\":7,\"tid\":1,\"args\":{\"bytes\":10}},"
    " {\"name\":\"wasm.ValidateFunctionsStreaming\",\"ph\":\"X\",\"ts\":800,\"dur\":400,\"pid\":7,\"tid\":2},"
    " {\"name\":\"wasm.ExecuteCompilationUnits\",\"ph\":\"X\",\"ts\":2000,\"dur\":2000,\"pid\":7,\"tid\":2},"
    " {\"name\":\"wasm.CompileBaseline\",\"ph\":\"X\",\"ts\":2500,\"dur\":500,\"pid\":7,\"tid\":2},"
    " {\"name\":\"wasm.ExecuteCompilationUnits\",\"ph\":\"X\",\"ts\":4500,\"dur\":1000,\"pid\":7,\"tid\":3},"
    " {\"name\":\"wasm.ExecuteCompilationUnits\",\"ph\":\"X\",\"ts\":2000,\"dur\":900,\"pid\":8,\"tid\":2},"
    " {\"name\":\"wasm.CompileLazy\",\"ph\":\"X\",\"ts\":1200,\"dur\":1000,\"pid\":7,\"tid\":1},"
    " {\"name\":\"wasm.ExecuteCompilationUnits\",\"ph\":\"B\",\"ts\":1100,\"pid\":7,\"tid\":4},"
    " {\"name\":\"wasm.OnCompilationSucceeded\",\"ph\":\"X\",\"ts\":5000,\"dur\":10,\"pid\":7,\"tid\":1},"
    " {\"name\":\"wasm.SyncInstantiate\",\"ph\":\"X\",\"ts\":5100,\"dur\":100,\"pid\":7,\"tid\":1},"
    " {\"name\":\"wasmlab:first-output\",\"ph\":\"R\",\"ts\":5900,\"pid\":7,\"tid\":1,\"cat\":\"blink.user_timing\"}]";

static void test_phase_arithmetic(void)
{
    struct extract_result r;
    char perr[256];
    CHECK_INT(extract_text(phase_trace, strlen(phase_trace), 37, "/a.wasm", &r, perr,
                           sizeof perr), 0);
    CHECK_INT(r.main_tid, 1);
    CHECK_INT(r.compile_start_us, 1000);
    CHECK_INT(r.last_byte_us, 3000);
    CHECK_INT(r.compile_finished_us, 5000);
    CHECK_INT(r.instantiate_end_us, 5200);
    CHECK_STR(r.instantiate_end_source, "wasm.SyncInstantiate");
    CHECK_INT(r.first_output_us, 5900);
    CHECK_INT(r.startup_us, 700);
    /* tid 2: 1000..1200 + 2000..4000 (CompileBaseline nested) = 2200;
     * tid 3: 4500..5000 = 500; pid 8 and the main thread excluded */
    CHECK_INT(r.compile_work_us, 2700);
    /* before 3000: 200 + 1000 */
    CHECK_INT(r.overlap_us, 1200);
    CHECK(fabs(r.compile_before_last_byte_pct - 100.0 * 1200 / 2700) < 1e-9);
    extract_result_free(&r);
}

/* The code-cache events (Blink's instant events, extract.h: Code cache):
 * counted on the page's renderer only, sizes from their args. */
static const char cache_trace[] =
    "[{\"name\":\"ResourceSendRequest\",\"ph\":\"I\",\"ts\":950,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"1\",\"url\":\"http://h/a.wasm?wasmlab-cache=1\"}}},"
    " {\"name\":\"ResourceReceiveResponse\",\"ph\":\"I\",\"ts\":1500,\"pid\":7,\"tid\":1,\"args\":{\"data\":{\"requestId\":\"1\",\"statusCode\":200,\"fromCache\":true}}},"
    " {\"name\":\"v8.wasm.moduleCacheHit\",\"ph\":\"i\",\"s\":\"t\",\"ts\":1600,\"pid\":7,\"tid\":5,\"cat\":\"disabled-by-default-devtools.timeline\",\"args\":{\"url\":\"http://h/a.wasm?wasmlab-cache=1\",\"consumedCacheSize\":6229}},"
    " {\"name\":\"wasm.OnCompilationSucceeded\",\"ph\":\"X\",\"ts\":2000,\"dur\":10,\"pid\":7,\"tid\":1},"
    " {\"name\":\"v8.wasm.compiledModule\",\"ph\":\"i\",\"ts\":2500,\"pid\":7,\"tid\":6,\"args\":{\"url\":\"http://h/a.wasm\"}},"
    " {\"name\":\"v8.wasm.cachedModule\",\"ph\":\"i\",\"ts\":2600,\"pid\":7,\"tid\":6,\"args\":{\"producedCacheSize\":700}},"
    " {\"name\":\"v8.wasm.compiledModule\",\"ph\":\"i\",\"ts\":2900,\"pid\":7,\"tid\":6,\"args\":{\"url\":\"http://h/a.wasm\"}},"
    " {\"name\":\"v8.wasm.cachedModule\",\"ph\":\"i\",\"ts\":3000,\"pid\":7,\"tid\":6,\"args\":{\"producedCacheSize\":9000}},"
    " {\"name\":\"v8.wasm.moduleCacheInvalidDigest\",\"ph\":\"i\",\"ts\":3100,\"pid\":7,\"tid\":1},"
    " {\"name\":\"v8.wasm.moduleCacheHit\",\"ph\":\"i\",\"ts\":1700,\"pid\":8,\"tid\":5,\"args\":{\"consumedCacheSize\":99999}}]";

static void test_code_cache_events(void)
{
    struct extract_result r;
    char perr[256];
    CHECK_INT(extract_text(cache_trace, strlen(cache_trace), 29, "/a.wasm", &r, perr,
                           sizeof perr), 0);
    CHECK_INT(r.cache_hit, 1);                 /* pid 8's hit is another page's */
    CHECK_INT(r.cache_consumed_bytes, 6229);
    CHECK_INT(r.cache_compiled, 2);
    CHECK_INT(r.cache_produced, 2);
    CHECK_INT(r.cache_produced_bytes, 9000);   /* the largest */
    CHECK_INT(r.cache_produced_us, 2600);      /* the first */
    CHECK_INT(r.cache_invalid, 1);
    CHECK_INT(r.first_byte_to_compile_us, 500);
    extract_result_free(&r);

    /* none of them: zero counts, no sizes */
    CHECK_INT(extract_text(phase_trace, strlen(phase_trace), 64, "/a.wasm", &r, perr,
                           sizeof perr), 0);
    CHECK_INT(r.cache_hit + r.cache_compiled + r.cache_produced + r.cache_invalid, 0);
    CHECK_INT(r.cache_consumed_bytes, -1);
    CHECK_INT(r.cache_produced_bytes, -1);
    CHECK_INT(r.cache_produced_us, EXTRACT_NONE);
    extract_result_free(&r);
}

/* Events to one extractor until `after` of them, then to the other: two
 * extractors fed the halves of a trace, as import-trace's two threads. */
struct halves {
    struct extractor *first, *second;
    uint64_t seen, after;
};

static void halves_event(void *arg, const struct trace_event *ev)
{
    struct halves *h = arg;
    extract_event(h->seen++ < h->after ? h->first : h->second, ev);
}

static void check_same_result(const struct extract_result *a, const struct extract_result *b)
{
    CHECK_STR(a->request_id, b->request_id);
    CHECK_INT(a->renderer_pid, b->renderer_pid);
    CHECK_INT(a->main_tid, b->main_tid);
    CHECK_INT(a->status_code, b->status_code);
    CHECK_STR(a->mime_type, b->mime_type);
    CHECK_INT(a->request_sent_us, b->request_sent_us);
    CHECK_INT(a->response_received_us, b->response_received_us);
    CHECK_INT(a->last_byte_us, b->last_byte_us);
    CHECK_INT(a->compile_finished_us, b->compile_finished_us);
    CHECK_INT(a->resource_finish_us, b->resource_finish_us);
    CHECK_INT(a->decoded_body_length, b->decoded_body_length);
    CHECK_INT(a->encoded_data_length, b->encoded_data_length);
    CHECK_INT(a->compile_work_us, b->compile_work_us);
    CHECK_INT(a->overlap_us, b->overlap_us);
    CHECK_INT(a->events_seen, b->events_seen);
    CHECK_INT(a->cache_compiled + 10 * a->cache_produced, b->cache_compiled + 10 * b->cache_produced);
    CHECK_INT(a->n_chunks, b->n_chunks);
    for (size_t i = 0; i < a->n_chunks && i < b->n_chunks; i++) {
        CHECK_INT(a->chunks[i].ts_us, b->chunks[i].ts_us);
        CHECK_INT(a->chunks[i].bytes, b->chunks[i].bytes);
    }
    CHECK_INT(a->n_marks, b->n_marks);
    for (size_t i = 0; i < a->n_marks && i < b->n_marks; i++)
        CHECK_STR(a->marks[i].name, b->marks[i].name);
    CHECK_INT(a->n_compile_events, b->n_compile_events);
    for (size_t i = 0; i < a->n_compile_events && i < b->n_compile_events; i++) {
        const struct extract_compile_event *x = &a->compile_events[i], *y = &b->compile_events[i];
        CHECK_STR(x->name, y->name);
        CHECK_STR(x->cat, y->cat);
        CHECK_STR(x->compile_id, y->compile_id);
        CHECK_INT(x->ts_us, y->ts_us);
        CHECK_INT(x->dur_us, y->dur_us);
        CHECK_INT(x->tid, y->tid);
        CHECK_INT(x->ph, y->ph);
    }
    CHECK_INT(a->n_gc_events, b->n_gc_events);
    for (size_t i = 0; i < a->n_gc_events && i < b->n_gc_events; i++) {
        CHECK_STR(a->gc_events[i].name, b->gc_events[i].name);
        CHECK_INT(a->gc_events[i].ts_us, b->gc_events[i].ts_us);
        CHECK_INT(a->gc_events[i].dur_us, b->gc_events[i].dur_us);
        CHECK_INT(a->gc_events[i].heap_after, b->gc_events[i].heap_after);
    }
}

/* The trace's first `after` events to one extractor, the rest to another;
 * merged, they must give one extractor's result. */
static void check_merged_at(const char *text, size_t len, const char *module, uint64_t after,
                            const struct extract_result *one)
{
    struct halves h = { extractor_new(module), extractor_new(module), 0, after };
    struct trace_parser *tp = trace_parser_new(halves_event, &h);
    CHECK_INT(trace_parser_feed(tp, text, len), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    trace_parser_free(tp);
    extractor_merge(h.first, h.second);
    extractor_free(h.second);
    struct extract_result merged;
    CHECK_INT(extract_finish(h.first, &merged), 0);
    extractor_free(h.first);
    check_same_result(one, &merged);
    extract_result_free(&merged);
}

/* extractor_merge: a trace's events split between two extractors at any
 * point, merged, give what one extractor gives (import-trace's pass 2 on
 * two threads). Real traces, and the small one (events out of order, equal
 * ts, B/E pairs across the split). */
static void test_merge_extractors(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/traces/expected.json", FIXTURES_DIR);
    json_t *all = json_load_file(path, 0, NULL);
    size_t i;
    json_t *e;
    int merges = 0;
    json_array_foreach(all, i, e) {
        char name[512];
        snprintf(name, sizeof name, "traces/%s",
                 json_string_value(json_object_get(e, "file")));
        const char *module = json_string_value(json_object_get(e, "module_path"));
        size_t len;
        char *text = fixture_read_gz(name, &len);
        if (!text)
            continue;
        struct extract_result one;
        char perr[256];
        CHECK_INT(extract_text(text, len, 1 << 20, module, &one, perr, sizeof perr), 0);
        for (int part = 0; part <= 8; part++) {
            check_merged_at(text, len, module, one.events_seen * (uint64_t)part / 8, &one);
            merges++;
        }
        extract_result_free(&one);
        free(text);
    }
    json_decref(all);
    CHECK_INT(merges, 4 * 9);

    struct extract_result one;
    char perr[256];
    size_t n = strlen(small_trace);
    CHECK_INT(extract_text(small_trace, n, n, "/m/a.wasm", &one, perr, sizeof perr), 0);
    for (uint64_t after = 0; after <= one.events_seen; after++) {
        check_merged_at(small_trace, n, "/m/a.wasm", after, &one);
    }
    extract_result_free(&one);
}

int main(void)
{
    test_real_traces();
    test_phase_traces();
    test_phase_arithmetic();
    test_small_trace();
    test_hostile_json();
    test_out_of_range_numbers();
    test_url_path();
    test_split_parse();
    test_event_spans();
    test_code_cache_events();
    test_merge_extractors();
    return check_result();
}
