/* Chrome's protobuf trace to Chrome's JSON (collector/trace/perfetto_json.h).
 *
 * The traces here are built field by field with the numbers of Perfetto's
 * protos (trace_packet.proto, track_event.proto, clock_snapshot.proto,
 * debug_annotation.proto), the way Chromium's TrackEvent writes them:
 * interned data after the event that uses it, incremental microsecond
 * timestamps on a sequence-scoped clock, thread and process descriptors,
 * slices as begin/end pairs. The JSON that comes out is read back with
 * Jansson (an independent reader) and with wasmlab's own trace_parser (the
 * reader the load loop uses). Fed whole, or a byte at a time, the output is
 * the same. Bad input gets a one-line error, never a crash.
 * A real trace (tests/fixtures/traces/chromium156-go-hello.pb.gz: one
 * go/hello load, Chromium 156's proto export) must convert with every event
 * placed and give the extractor the load: its module's request in the
 * renderer, the module's bytes, first byte to compile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/check.h"
#include "collector/trace/extract.h"
#include "collector/trace/perfetto_json.h"
#include "collector/trace/trace_parser.h"
#include "tests/fixture_io.h"

/* ---- a protobuf writer, just enough for these traces ---- */

struct pbw {
    uint8_t *b;
    size_t len, cap;
};

static void put(struct pbw *w, const void *data, size_t n)
{
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2 + 64;
        w->b = realloc(w->b, w->cap);
    }
    memcpy(w->b + w->len, data, n);
    w->len += n;
}

static void varint(struct pbw *w, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    put(w, b, n);
}

static void f_int(struct pbw *w, uint32_t field, uint64_t v)
{
    varint(w, (uint64_t)field << 3);
    varint(w, v);
}

static void f_bytes(struct pbw *w, uint32_t field, const void *data, size_t n)
{
    varint(w, (uint64_t)field << 3 | 2);
    varint(w, n);
    put(w, data, n);
}

static void f_str(struct pbw *w, uint32_t field, const char *s)
{
    f_bytes(w, field, s, strlen(s));
}

static void f_double(struct pbw *w, uint32_t field, double d)
{
    varint(w, (uint64_t)field << 3 | 1);
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(w, b, 8);
}

/* A submessage: written into its own buffer, then wrapped (freed). */
static void f_msg(struct pbw *w, uint32_t field, struct pbw *inner)
{
    f_bytes(w, field, inner->b, inner->len);
    free(inner->b);
    memset(inner, 0, sizeof *inner);
}

/* ---- Perfetto's messages ---- */

enum { SEQ = 7, PID = 4242, TID = 4243, THREAD_TRACK = 100, PROC_TRACK = 101,
       ASYNC_TRACK = 102 };

/* A TracePacket on sequence SEQ, into the trace. */
static void packet(struct pbw *trace, struct pbw *p)
{
    f_int(p, 10, SEQ);                        /* trusted_packet_sequence_id */
    f_msg(trace, 1, p);
}

static void interned_entry(struct pbw *in, uint32_t table, uint64_t iid, const char *name)
{
    struct pbw e = { 0 };
    f_int(&e, 1, iid);
    f_str(&e, 2, name);
    f_msg(in, table, &e);
}

/* The trace-wide snapshot: BOOTTIME = MONOTONIC + 5 s. */
static void global_snapshot(struct pbw *trace)
{
    struct pbw p = { 0 }, snap = { 0 }, c = { 0 };
    f_int(&c, 1, 6);                          /* BOOTTIME */
    f_int(&c, 2, 1005000000000ULL);
    f_msg(&snap, 1, &c);
    f_int(&c, 1, 3);                          /* MONOTONIC */
    f_int(&c, 2, 1000000000000ULL);
    f_msg(&snap, 1, &c);
    f_int(&snap, 2, 3);                       /* primary_trace_clock */
    f_msg(&p, 6, &snap);
    packet(trace, &p);
}

/* The sequence's first packet: state cleared, clock 64 counts microseconds
 * incrementally from MONOTONIC 1000 s (+ a sub-microsecond offset, which is
 * not time), and events default to clock 64 on the thread track. */
static void sequence_start(struct pbw *trace)
{
    struct pbw p = { 0 }, snap = { 0 }, c = { 0 }, defs = { 0 }, ted = { 0 };
    f_int(&p, 13, 1);                         /* SEQ_INCREMENTAL_STATE_CLEARED */
    f_int(&c, 1, 3);
    f_int(&c, 2, 1000000000296ULL);
    f_msg(&snap, 1, &c);
    f_int(&c, 1, 64);
    f_int(&c, 2, 1000000000ULL);              /* microseconds */
    f_int(&c, 3, 1);                          /* is_incremental */
    f_int(&c, 4, 1000);                       /* unit_multiplier_ns */
    f_msg(&snap, 1, &c);
    f_msg(&p, 6, &snap);
    f_int(&defs, 58, 64);
    f_int(&ted, 11, THREAD_TRACK);
    f_msg(&defs, 11, &ted);
    f_msg(&p, 59, &defs);
    packet(trace, &p);
}

static void descriptors(struct pbw *trace)
{
    struct pbw p = { 0 }, td = { 0 }, pd = { 0 };
    f_int(&pd, 1, PID);
    f_str(&pd, 6, "Renderer");
    f_int(&td, 1, PROC_TRACK);
    f_msg(&td, 3, &pd);
    f_msg(&p, 60, &td);
    packet(trace, &p);
    f_int(&pd, 1, PID);
    f_int(&pd, 2, TID);
    f_str(&pd, 5, "CrRendererMain");
    f_int(&td, 1, THREAD_TRACK);
    f_int(&td, 5, PROC_TRACK);
    f_msg(&td, 4, &pd);
    f_msg(&p, 60, &td);
    packet(trace, &p);
    f_int(&td, 1, ASYNC_TRACK);               /* neither: an async track */
    f_int(&td, 5, PROC_TRACK);
    f_msg(&p, 60, &td);
    packet(trace, &p);
}

/* A TrackEvent packet, timestamp delta_us on clock 64. type 0: none. The
 * event's interned names come in the same packet, after it (as Chromium
 * writes them) when intern is set. */
static void track_event(struct pbw *trace, uint64_t delta_us, int type, uint64_t name_iid,
                        const char *intern_name, struct pbw *annotations, uint64_t track)
{
    struct pbw p = { 0 }, te = { 0 }, in = { 0 };
    f_int(&p, 8, delta_us);
    f_int(&p, 13, 2);                         /* SEQ_NEEDS_INCREMENTAL_STATE */
    if (type)
        f_int(&te, 9, (uint64_t)type);
    f_int(&te, 3, 1);                         /* category iid 1 */
    if (name_iid)
        f_int(&te, 10, name_iid);
    if (track)
        f_int(&te, 11, track);
    if (annotations && annotations->len)
        put(&te, annotations->b, annotations->len);
    f_msg(&p, 11, &te);
    if (intern_name) {
        interned_entry(&in, 2, name_iid, intern_name);
        f_msg(&p, 12, &in);
    }
    packet(trace, &p);
    if (annotations) {
        free(annotations->b);
        memset(annotations, 0, sizeof *annotations);
    }
}

/* DebugAnnotation helpers: name inline (10) or interned (1). */
static void ann_str(struct pbw *out, uint32_t field, const char *name, const char *v)
{
    struct pbw a = { 0 };
    f_str(&a, 10, name);
    f_str(&a, 6, v);
    f_msg(out, field, &a);
}

static void ann_int(struct pbw *out, uint32_t field, const char *name, int64_t v)
{
    struct pbw a = { 0 };
    f_str(&a, 10, name);
    f_int(&a, 4, (uint64_t)v);
    f_msg(out, field, &a);
}

static void build_trace(struct pbw *t)
{
    global_snapshot(t);
    sequence_start(t);
    /* interned: category 1, event names 1.. and annotation name 1 "data",
     * annotation string 1 "Document" */
    struct pbw p = { 0 }, in = { 0 };
    interned_entry(&in, 1, 1, "devtools.timeline");
    interned_entry(&in, 3, 1, "data");
    interned_entry(&in, 29, 1, "Document");
    f_msg(&p, 12, &in);
    f_int(&p, 13, 2);
    packet(t, &p);
    descriptors(t);

    /* +10 us: ResourceSendRequest, an instant with args.data = {requestId,
     * url, resourceType (interned string), priority 3 (int), nested
     * initiator dict, an array} */
    struct pbw anns = { 0 }, data = { 0 }, a = { 0 }, init = { 0 }, arr = { 0 };
    f_int(&data, 1, 1);                       /* name_iid -> "data" */
    ann_str(&data, 11, "requestId", "4242.7");
    ann_str(&data, 11, "url", "http://l1.localhost:1/modules/c/hello.wasm");
    f_str(&a, 10, "resourceType");
    f_int(&a, 17, 1);                         /* string_value_iid -> "Document" */
    f_msg(&data, 11, &a);
    ann_int(&data, 11, "priority", -3);
    f_str(&init, 10, "initiator");
    ann_str(&init, 11, "type", "script \"quoted\"\n");
    f_msg(&data, 11, &init);
    f_str(&arr, 10, "list");
    struct pbw el = { 0 };
    f_int(&el, 2, 1);                         /* bool true */
    f_msg(&arr, 12, &el);
    f_double(&el, 5, 0.5);
    f_msg(&arr, 12, &el);
    f_msg(&data, 11, &arr);
    f_msg(&anns, 4, &data);
    track_event(t, 10, 3, 1, "ResourceSendRequest", &anns, 0);

    /* +20 us: begin wasm.Outer (args a=1); +5: begin wasm.Inner; +7: end
     * (args b=2); +8: end Outer (args c=3) */
    ann_int(&anns, 4, "a", 1);
    track_event(t, 20, 1, 2, "wasm.Outer", &anns, 0);
    track_event(t, 5, 1, 3, "wasm.Inner", NULL, 0);
    ann_int(&anns, 4, "b", 2);
    track_event(t, 7, 2, 0, NULL, &anns, 0);
    ann_int(&anns, 4, "c", 3);
    track_event(t, 8, 2, 0, NULL, &anns, 0);
    /* an async slice on its own track: b/e with the begin's name */
    track_event(t, 1, 1, 4, "AnimationFrame", NULL, ASYNC_TRACK);
    track_event(t, 2, 2, 0, NULL, NULL, ASYNC_TRACK);
    /* an event on absolute MONOTONIC ns, then on BOOTTIME (via the
     * trace-wide snapshot); neither moves clock 64 */
    f_int(&p, 8, 1000000123456ULL);
    f_int(&p, 58, 3);
    struct pbw te = { 0 };
    f_int(&te, 9, 3);
    f_int(&te, 3, 1);
    f_str(&te, 23, "wasmlab:compiled");
    f_msg(&p, 11, &te);
    packet(t, &p);
    f_int(&p, 8, 1005000200000ULL);
    f_int(&p, 58, 6);
    f_int(&te, 9, 3);
    f_int(&te, 3, 1);
    f_str(&te, 23, "boot");
    f_msg(&p, 11, &te);
    packet(t, &p);
    /* a legacy async end ('e', its own name) on the thread inside an open
     * slice: neither touches the other */
    struct pbw leg = { 0 };
    track_event(t, 1, 1, 6, "wasm.Around", NULL, 0);
    f_int(&te, 3, 1);
    f_str(&te, 23, "LegacyAsync");
    f_int(&leg, 2, 'e');
    f_int(&leg, 10, 0x29);
    f_msg(&te, 6, &leg);
    f_int(&p, 8, 1);
    f_msg(&p, 11, &te);
    packet(t, &p);
    track_event(t, 1, 2, 0, NULL, NULL, 0);
    /* +100 us: a legacy 'R' mark with a legacy JSON arg; +1: a slice left
     * open at the end */
    f_int(&te, 3, 1);
    f_str(&te, 23, "fetchStart");
    f_int(&leg, 2, 'R');
    f_msg(&te, 6, &leg);
    f_str(&a, 10, "legacy");
    f_str(&a, 9, "{\"x\":[1,2]}");
    f_msg(&te, 4, &a);
    f_int(&p, 8, 100);
    f_msg(&p, 11, &te);
    packet(t, &p);
    track_event(t, 1, 1, 5, "wasm.Open", NULL, 0);
}

/* ---- reading the output ---- */

struct sink {
    char *s;
    size_t len;
};

static int collect(void *arg, const char *json, size_t len)
{
    struct sink *k = arg;
    k->s = realloc(k->s, k->len + len + 1);
    memcpy(k->s + k->len, json, len);
    k->len += len;
    k->s[k->len] = 0;
    return 0;
}

static int convert(const uint8_t *data, size_t len, size_t step, struct sink *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct perfetto_json *p = perfetto_json_new(collect, out);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < len; i += step)
        rc = perfetto_json_feed(p, data + i, len - i < step ? len - i : step);
    if (rc == 0)
        rc = perfetto_json_finish(p);
    snprintf(err, errlen, "%s", perfetto_json_error(p));
    perfetto_json_free(p);
    return rc;
}

static json_t *event_named(json_t *events, const char *name, const char *ph)
{
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0 &&
            (!ph || strcmp(json_string_value(json_object_get(e, "ph")), ph) == 0))
            return e;
    }
    return NULL;
}

static long long num(json_t *o, const char *key)
{
    return (long long)json_number_value(json_object_get(o, key));
}

struct seen {
    int events, renderer_names;
    char send_url[200];
    long long outer_dur;
};

static void on_event(void *arg, const struct trace_event *ev)
{
    struct seen *s = arg;
    s->events++;
    if (ev->ph == 'M' && strcmp(ev->name, "process_name") == 0) {
        const char *n = trace_event_arg_text(ev, "name");
        s->renderer_names += n && strcmp(n, "Renderer") == 0;
    }
    if (strcmp(ev->name, "ResourceSendRequest") == 0) {
        const char *u = trace_event_arg_text(ev, "data.url");
        snprintf(s->send_url, sizeof s->send_url, "%s", u ? u : "");
    }
    if (strcmp(ev->name, "wasm.Outer") == 0)
        s->outer_dur = ev->dur_us;
}

static void test_conversion(void)
{
    struct pbw t = { 0 };
    build_trace(&t);
    struct sink whole, bytewise;
    char err[300];
    CHECK_INT(convert(t.b, t.len, t.len, &whole, err, sizeof err), 0);
    CHECK_INT(convert(t.b, t.len, 1, &bytewise, err, sizeof err), 0);
    CHECK(whole.len == bytewise.len && memcmp(whole.s, bytewise.s, whole.len) == 0);

    json_error_t jerr;
    json_t *doc = json_loads(whole.s, 0, &jerr);
    CHECK(doc != NULL);
    if (!doc) {
        fprintf(stderr, "not JSON: %s\n%s\n", jerr.text, whole.s);
        return;
    }
    json_t *evs = json_object_get(doc, "traceEvents");
    CHECK(json_is_array(evs));
    CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "metadata"),
                                                "clock-domain")),
              "LINUX_CLOCK_MONOTONIC");

    json_t *pn = event_named(evs, "process_name", "M");
    CHECK(pn && num(pn, "pid") == PID);
    CHECK_STR(json_string_value(json_object_get(json_object_get(pn, "args"), "name")),
              "Renderer");
    json_t *tn = event_named(evs, "thread_name", "M");
    CHECK(tn && num(tn, "pid") == PID && num(tn, "tid") == TID);

    /* clock 64: 1000 s + 10 us, in microseconds; the 296 ns are not time */
    json_t *send = event_named(evs, "ResourceSendRequest", "I");
    CHECK(send != NULL);
    if (send) {
        CHECK_INT(num(send, "ts"), 1000000010LL);
        CHECK_INT(num(send, "pid"), PID);
        CHECK_INT(num(send, "tid"), TID);
        CHECK_STR(json_string_value(json_object_get(send, "cat")), "devtools.timeline");
        CHECK_STR(json_string_value(json_object_get(send, "s")), "t");
        json_t *data = json_object_get(json_object_get(send, "args"), "data");
        CHECK_STR(json_string_value(json_object_get(data, "requestId")), "4242.7");
        CHECK_STR(json_string_value(json_object_get(data, "resourceType")), "Document");
        CHECK_INT(json_integer_value(json_object_get(data, "priority")), -3);
        CHECK_STR(json_string_value(json_object_get(json_object_get(data, "initiator"),
                                                    "type")), "script \"quoted\"\n");
        json_t *list = json_object_get(data, "list");
        CHECK(json_array_size(list) == 2 && json_is_true(json_array_get(list, 0)) &&
              json_real_value(json_array_get(list, 1)) == 0.5);
    }
    /* begin/end pairs: one X each, ts of the begin, args merged */
    json_t *outer = event_named(evs, "wasm.Outer", "X");
    json_t *inner = event_named(evs, "wasm.Inner", "X");
    CHECK(outer && inner);
    if (outer && inner) {
        CHECK_INT(num(outer, "ts"), 1000000030LL);
        CHECK_INT(num(outer, "dur"), 20);
        CHECK_INT(num(inner, "ts"), 1000000035LL);
        CHECK_INT(num(inner, "dur"), 7);
        json_t *oa = json_object_get(outer, "args");
        CHECK(num(oa, "a") == 1 && num(oa, "c") == 3 && !json_object_get(oa, "b"));
        CHECK_INT(num(json_object_get(inner, "args"), "b"), 2);
    }
    json_t *ab = event_named(evs, "AnimationFrame", "b");
    json_t *ae = event_named(evs, "AnimationFrame", "e");
    CHECK(ab && ae && num(ab, "pid") == PID && num(ae, "ts") - num(ab, "ts") == 2);
    /* absolute clocks; clock 64 did not move for them */
    json_t *mono = event_named(evs, "wasmlab:compiled", NULL);
    CHECK(mono && num(mono, "ts") == 1000000123LL);
    json_t *boot = event_named(evs, "boot", NULL);
    CHECK(boot && num(boot, "ts") == 1000000200LL);
    json_t *around = event_named(evs, "wasm.Around", "X");
    json_t *legacy_e = event_named(evs, "LegacyAsync", "e");
    CHECK(around && num(around, "ts") == 1000000054LL && num(around, "dur") == 2);
    CHECK(legacy_e && num(legacy_e, "ts") == 1000000055LL &&
          strcmp(json_string_value(json_object_get(json_object_get(legacy_e, "id2"), "local")),
                 "0x29") == 0);
    json_t *mark = event_named(evs, "fetchStart", "R");
    CHECK(mark && num(mark, "ts") == 1000000156LL);
    CHECK(mark && json_array_size(json_object_get(json_object_get(json_object_get(
                      mark, "args"), "legacy"), "x")) == 2);
    /* still open at the end: B */
    json_t *open = event_named(evs, "wasm.Open", "B");
    CHECK(open && num(open, "ts") == 1000000157LL);
    json_decref(doc);

    /* wasmlab's own reader gets the same */
    struct seen s = { 0 };
    struct trace_parser *tp = trace_parser_new(on_event, &s);
    CHECK_INT(trace_parser_feed(tp, whole.s, whole.len), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    trace_parser_free(tp);
    CHECK_INT(s.renderer_names, 1);
    CHECK_STR(s.send_url, "http://l1.localhost:1/modules/c/hello.wasm");
    CHECK_INT(s.outer_dur, 20);

    free(whole.s);
    free(bytewise.s);
    free(t.b);
}

static void expect_error(const uint8_t *data, size_t len, const char *want)
{
    struct sink out;
    char err[300];
    int rc = convert(data, len, len ? len : 1, &out, err, sizeof err);
    CHECK_INT(rc, -1);
    if (!strstr(err, want))
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
    CHECK(strstr(err, want) != NULL);
    CHECK(strchr(err, '\n') == NULL);
    free(out.s);
}

static void test_bad_input(void)
{
    struct pbw t = { 0 };
    build_trace(&t);
    expect_error(t.b, t.len - 3, "ends inside a packet");
    free(t.b);
    /* JSON is not a protobuf trace */
    expect_error((const uint8_t *)"{\"traceEvents\":[]}", 18, "not a Perfetto trace");
    /* a packet claiming 1 GB */
    struct pbw big = { 0 };
    varint(&big, 1 << 3 | 2);
    varint(&big, 1u << 30);
    expect_error(big.b, big.len, "over 64 MB");
    free(big.b);
    /* a packet whose inside is not protobuf */
    struct pbw bad = { 0 };
    f_bytes(&bad, 1, "\xff\xff\xff", 3);
    expect_error(bad.b, bad.len, "malformed packet");
    free(bad.b);
    /* an interned id far beyond any real one */
    struct pbw p = { 0 }, in = { 0 }, tr = { 0 };
    interned_entry(&in, 2, 1ULL << 40, "x");
    f_msg(&p, 12, &in);
    f_msg(&tr, 1, &p);
    expect_error(tr.b, tr.len, "interned id");
    free(tr.b);
    /* slices nested past the limit on one track */
    struct pbw deep = { 0 };
    global_snapshot(&deep);
    sequence_start(&deep);
    descriptors(&deep);
    for (int i = 0; i < 300; i++)
        track_event(&deep, 1, 1, 0, NULL, NULL, 0);
    expect_error(deep.b, deep.len, "nested deeper");
    free(deep.b);
    /* a timestamp that would overflow the clock: the event is unplaced,
     * the trace still converts */
    struct pbw huge = { 0 };
    global_snapshot(&huge);
    sequence_start(&huge);
    descriptors(&huge);
    track_event(&huge, UINT64_MAX / 2, 3, 1, "far", NULL, 0);
    struct sink hs = { 0 };
    struct perfetto_json *pj = perfetto_json_new(collect, &hs);
    CHECK_INT(perfetto_json_feed(pj, huge.b, huge.len), 0);
    CHECK_INT(perfetto_json_finish(pj), 0);
    CHECK_INT(perfetto_json_unplaced(pj), 1);
    CHECK(hs.s && !strstr(hs.s, "\"far\""));
    perfetto_json_free(pj);
    free(hs.s);
    free(huge.b);
    /* an empty trace is a valid, empty document */
    struct sink out;
    char err[300];
    CHECK_INT(convert(NULL, 0, 1, &out, err, sizeof err), 0);
    json_t *doc = json_loads(out.s ? out.s : "", 0, NULL);
    CHECK(doc && json_array_size(json_object_get(doc, "traceEvents")) == 0);
    json_decref(doc);
    free(out.s);
}

static int to_parser(void *arg, const char *json, size_t len)
{
    return trace_parser_feed(arg, json, len);
}

static void test_real_trace(void)
{
    size_t len;
    char *pb = fixture_read_gz("traces/chromium156-go-hello.pb.gz", &len);
    CHECK(pb != NULL);
    if (!pb)
        return;
    struct extractor *x = extractor_new("/modules/go/hello.wasm");
    struct trace_parser *tp = trace_parser_new(extract_event, x);
    struct perfetto_json *pj = perfetto_json_new(to_parser, tp);
    /* in IO.read-sized pieces that cut packets */
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < len; i += 100003)
        rc = perfetto_json_feed(pj, pb + i, len - i < 100003 ? len - i : 100003);
    CHECK_INT(rc, 0);
    CHECK_INT(perfetto_json_finish(pj), 0);
    CHECK_INT(trace_parser_finish(tp), 0);
    CHECK(perfetto_json_packets(pj) > 5000);
    CHECK_INT(perfetto_json_unplaced(pj), 0);
    struct extract_result r;
    CHECK_INT(extract_finish(x, &r), 0);
    CHECK(r.renderer_pid > 0);
    CHECK_INT(r.decoded_body_length, 2132876);   /* go/hello's bytes, then */
    CHECK(r.first_byte_to_compile_us > 0 && r.first_byte_to_compile_us < 10000000);
    CHECK(r.request_sent_us > 0 && r.response_received_us >= r.request_sent_us);
    extract_result_free(&r);
    perfetto_json_free(pj);
    trace_parser_free(tp);
    extractor_free(x);
    free(pb);
}

int main(void)
{
    test_real_trace();
    test_conversion();
    test_bad_input();
    return check_result();
}
