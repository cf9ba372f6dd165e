#define _GNU_SOURCE
#include "collector/measure/load.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/measure/renderer_procs.h"
#include "collector/trace/perfetto_json.h"
#include "collector/trace/trace_parser.h"
#include "base/util.h"
#include "base/work_queue.h"

#include <libwebsockets.h>
#include <openssl/evp.h>

#define COMMAND_TIMEOUT_MS 15000
#define TRACE_TIMEOUT_MS 60000
/* A batch's trace is tens of MB: 4 MB reads held ~10 MB more in replies
 * (websocket message, JSON, its string) than 1 MB reads, for no speed. With
 * the reader and the parser on two threads (read_trace) three replies can
 * be alive at once; 512 KB reads read as fast as 1 MB ones (Tracing.end to
 * IO.close of 30-load batches, three runs each, measured here). */
#define IO_READ_BYTES (512 << 10)
#define BINDING_NAME "__wasmlabReport"

const char *const load_trace_categories[] = {
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.wasm",
    "disabled-by-default-v8.wasm.detailed",
    "v8",
    "disabled-by-default-v8.gc",
    "blink.user_timing",
    NULL
};

struct load_state {
    char session_id[128];
    char target_id[128];
    char origin[80];      /* the blank page's and the harness's origin */
    json_t *report;
    bool target_crashed, target_detached;
    bool blank_ready;     /* the blank page's JS context exists */
    bool held;            /* a harness loaded ahead reported "ready" (hold) */
    int64_t nav_us;       /* mono_us() at the harness's Page.navigate */
    int64_t ready_us;     /* mono_us() when blank_ready became true */
    char exception[256];
    bool tracing_complete;
    char stream[128];
    int data_loss;
    double buffer_pct;    /* max percentFull seen, NaN before the first */
};

/* One load's CDP state, shared by its steps. Heap-allocated: a page opened
 * for a later load lives in load_session.next until that load adopts it. */
struct load_steps {
    struct load_session *s;
    struct load_state st;
    char context_id[128];
    bool default_context;   /* the browser's own context: close the tab, keep it */
    bool tracing;
    int64_t enable_id, binding_id;   /* started, not yet finished (0: none) */
    size_t renderers_before;        /* batched: the browser's renderers before it opened */
    bool reused;                    /* the previous load's tab, on a new origin, its
                                       harness loaded ahead, held (reuse_page) */
    struct host_cpu_sample nav_cpu; /* reused: the host's CPU at its navigation */
    bool session_shaped;            /* Network.emulateNetworkConditions was sent */
    bool keep;                      /* load_run keeps the tab for the next load */
};

/* The load state an event belongs to: the current load's, the next load's
 * page being opened, or the tab kept for the next load, by session or
 * target id. */
static struct load_state *state_for(struct load_session *s, const char *session_id,
                                    const char *method, json_t *params)
{
    struct load_state *cands[] = { s->current, s->next ? &s->next->st : NULL,
                                   s->kept ? &s->kept->st : NULL };
    const char *tid = NULL, *sid = session_id;
    if (strcmp(method, "Target.targetCrashed") == 0)
        tid = json_string_value(json_object_get(params, "targetId"));
    else if (strcmp(method, "Target.detachedFromTarget") == 0)
        sid = json_string_value(json_object_get(params, "sessionId"));
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct load_state *st = cands[i];
        if (!st)
            continue;
        if (tid && strcmp(tid, st->target_id) == 0)
            return st;
        if (!tid && sid && st->session_id[0] && strcmp(sid, st->session_id) == 0)
            return st;
    }
    /* browser-level Tracing events belong to the load being measured */
    return !session_id && strncmp(method, "Tracing.", 8) == 0 ? s->current : NULL;
}

void load_on_event(void *arg, const char *session_id, const char *method, json_t *params)
{
    struct load_session *s = arg;
    struct load_state *st = state_for(s, session_id, method, params);
    if (!st)
        return;
    bool ours = session_id && strcmp(session_id, st->session_id) == 0;

    if (strcmp(method, "Runtime.bindingCalled") == 0 && ours) {
        const char *name = json_string_value(json_object_get(params, "name"));
        const char *payload = json_string_value(json_object_get(params, "payload"));
        if (!name || strcmp(name, BINDING_NAME) != 0 || !payload)
            return;
        json_t *msg = json_loads(payload, 0, NULL);
        const char *type = json_string_value(json_object_get(msg, "type"));
        if (type && strcmp(type, "done") == 0 && !st->report) {
            st->report = msg;
            return;
        }
        if (type && strcmp(type, "ready") == 0)
            st->held = true;
        json_decref(msg);
    } else if (strcmp(method, "Runtime.executionContextCreated") == 0 && ours) {
        const char *origin = json_string_value(
            json_object_get(json_object_get(params, "context"), "origin"));
        if (origin && strcmp(origin, st->origin) == 0 && !st->blank_ready) {
            st->blank_ready = true;
            st->ready_us = mono_us();
        }
    } else if (strcmp(method, "Inspector.targetCrashed") == 0 && ours) {
        st->target_crashed = true;
    } else if (strcmp(method, "Target.targetCrashed") == 0) {
        st->target_crashed = true;     /* state_for matched the target id */
    } else if (strcmp(method, "Target.detachedFromTarget") == 0) {
        st->target_detached = true;    /* ... or the detached session id */
    } else if (strcmp(method, "Runtime.exceptionThrown") == 0 && ours) {
        json_t *details = json_object_get(params, "exceptionDetails");
        const char *text = json_string_value(json_object_get(
            json_object_get(details, "exception"), "description"));
        if (!text)
            text = json_string_value(json_object_get(details, "text"));
        if (text && !st->exception[0]) {
            /* its first line: a stored error is one line (the stack follows) */
            snprintf(st->exception, sizeof st->exception, "%.*s", (int)strcspn(text, "\r\n"),
                     text);
        }
    } else if (strcmp(method, "Tracing.bufferUsage") == 0 && !session_id) {
        json_t *pct = json_object_get(params, "percentFull");
        if (json_is_number(pct)) {
            /* percentFull is 0..1 in the protocol; stored as percent */
            double v = json_number_value(pct) * 100.0;
            if (isnan(st->buffer_pct) || v > st->buffer_pct)
                st->buffer_pct = v;
        }
    } else if (strcmp(method, "Tracing.tracingComplete") == 0 && !session_id) {
        const char *stream = json_string_value(json_object_get(params, "stream"));
        snprintf(st->stream, sizeof st->stream, "%s", stream ? stream : "");
        json_t *loss = json_object_get(params, "dataLossOccurred");
        st->data_loss = json_is_boolean(loss) ? json_is_true(loss) : -1;
        st->tracing_complete = true;
    }
}

/* Query-string encoding (RFC 3986 unreserved kept). */
static void url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            buf_append(b, s, 1);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            buf_append(b, e, 3);
        }
    }
}

static void query_param(struct buf *b, const char *key, const char *value)
{
    if (!value)
        return;
    buf_append(b, b->len && strchr(b->data, '?') ? "&" : "?", 1);
    buf_append(b, key, strlen(key));
    buf_append(b, "=", 1);
    url_encode(b, value);
}

/* hold: the page waits for __wasmlabGo() before it starts (harness.js). */
static char *harness_url(const char *origin, const struct load_request *r, bool hold)
{
    struct buf b = { 0 };
    char base[128];
    snprintf(base, sizeof base, "%s/pages/harness.html", origin);
    buf_append(&b, base, strlen(base));
    char *module = r->module_query ? xasprintf("%s?%s", r->module_url, r->module_query)
                                   : xstrdup(r->module_url);
    query_param(&b, "module", module);
    free(module);
    query_param(&b, "api", r->api);
    query_param(&b, "runtime", r->runtime);
    query_param(&b, "execjs", r->execjs_url);
    query_param(&b, "stdin", r->stdin_url);
    query_param(&b, "args", r->args_json);
    if (r->js_churn_mb > 0) {
        char mb[24];
        snprintf(mb, sizeof mb, "%d", r->js_churn_mb);
        query_param(&b, "jschurn", mb);
    }
    if (hold)
        query_param(&b, "hold", "1");
    return b.data;
}

static bool page_finished(void *arg)
{
    struct load_state *st = arg;
    return st->report || st->target_crashed || st->target_detached;
}

static bool blank_ready(void *arg)
{
    struct load_state *st = arg;
    return st->blank_ready || st->target_crashed || st->target_detached;
}

/* The held harness is ready, or will never be: it threw, or its page went. */
static bool harness_held(void *arg)
{
    struct load_state *st = arg;
    return st->held || st->exception[0] || st->target_crashed || st->target_detached;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

/* Waits ms while still serving the loop (the page may be fetching). */
static void settle(struct load_session *s, int ms)
{
    cdp_wait(s->cdp, never, NULL, ms);
}

static bool tracing_done(void *arg)
{
    return ((struct load_state *)arg)->tracing_complete;
}

static void set_status(struct load_outcome *out, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(struct load_outcome *out, const char *status, const char *fmt, ...)
{
    if (strcmp(out->status, "ok") != 0)
        return;   /* the first failure is the one that explains the load */
    snprintf(out->status, sizeof out->status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->error, sizeof out->error, fmt, ap);
    va_end(ap);
}

/* A CDP failure: a closed connection or an abort means the browser is gone
 * (or we are stopping); either way the browser cannot serve another load. */
static void cdp_failed(struct load_session *s, struct load_outcome *out, int rc)
{
    if (rc == CDP_ECLOSED || rc == CDP_EABORT) {
        /* plan.c (classify_lost_browser) turns connection_lost into
         * browser_crashed when the browser process is in fact gone */
        out->browser_lost = true;
        set_status(out, rc == CDP_EABORT ? "aborted" : "connection_lost", "%s",
                   cdp_errmsg(s->cdp));
    } else if (rc == CDP_ETIMEOUT) {
        /* A browser that leaves a command unanswered for COMMAND_TIMEOUT_MS
         * is hung (or stopped): it cannot be trusted with the next load. */
        out->browser_lost = true;
        set_status(out, "timeout", "%s", cdp_errmsg(s->cdp));
    } else {
        set_status(out, "cdp_error", "%s", cdp_errmsg(s->cdp));
    }
}

/* After a page timeout: is the browser itself still answering? */
static bool browser_responds(struct load_session *s)
{
    return cdp_call(s->cdp, NULL, "Browser.getVersion", NULL, NULL, 2000) == CDP_OK;
}

static json_t *tracing_params(int buffer_kb, bool proto)
{
    json_t *cats = json_array();
    for (int i = 0; load_trace_categories[i]; i++)
        json_array_append_new(cats, json_string(load_trace_categories[i]));
    /* recordUntilFull: when the buffer fills, Chrome stops recording and says
     * so (dataLossOccurred), rather than silently dropping the start. */
    return json_pack("{s:{s:s, s:i, s:o}, s:s, s:s, s:s, s:f}",
                     "traceConfig", "recordMode", "recordUntilFull",
                     "traceBufferSizeInKb", buffer_kb > 0 ? buffer_kb : 256 * 1024,
                     "includedCategories", cats,
                     "transferMode", "ReturnAsStream",
                     "streamFormat", proto ? "proto" : "json",
                     "streamCompression", "none",
                     "bufferUsageReportingInterval", 250.0);
}

/* load_host.trace_format of a load whose trace was read. */
static const char *trace_format_name(const struct load_session *s)
{
    return s->trace_proto ? "proto" : "json";
}

/* Where the trace's JSON goes as it is read: the --save-traces file, the
 * stored copy and the parser (and so the extractor). */
struct trace_reader {
    struct load_outcome *out;
    struct trace_parser *tp;
    FILE *copy;
    bool keep;
};

static int deliver_json(void *arg, const char *data, size_t len)
{
    struct trace_reader *r = arg;
    if (r->copy)
        fwrite(data, 1, len, r->copy);
    if (r->keep)
        zstd_writer_write(&r->out->trace_copy, data, len);
    if (trace_parser_feed(r->tp, data, len) < 0) {
        set_status(r->out, "trace_error", "%s", trace_parser_error(r->tp));
        return -1;
    }
    return 0;
}

/* A proto stream's chunk: base64 (IO.read's encoding of binary data) to
 * bytes, then the decoder, which hands JSON to deliver_json. */
static int feed_proto(struct trace_reader *r, struct perfetto_json *pj, const char *b64,
                      size_t len)
{
    if (len > INT_MAX / 2) {
        set_status(r->out, "trace_error", "trace stream: an IO.read chunk of %zu bytes", len);
        return -1;
    }
    /* OpenSSL's block decoder: 440 MB/s of base64 here, against 80 for
     * lws_b64_decode_string_len (a bytewise state machine; 5% of reading a
     * Go batch's trace). Each IO.read chunk is whole base64, padded; the
     * block decoder counts the padding as zero bytes, so they come off. */
    unsigned char *raw = xmalloc(len / 4 * 3 + 4);
    int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
    if (n > 0 && len % 4 == 0)
        n -= (b64[len - 1] == '=') + (b64[len - 2] == '=');
    int rc = 0;
    if (n < 0) {
        set_status(r->out, "trace_error", "trace stream: bad base64 from IO.read");
        rc = -1;
    } else if (perfetto_json_feed(pj, raw, (size_t)n) < 0) {
        if (strcmp(r->out->status, "trace_error") != 0)
            set_status(r->out, "trace_error", "%s", perfetto_json_error(pj));
        rc = -1;
    }
    free(raw);
    return rc;
}

/* What the reading thread hands the parsing one: IO.read's results, in
 * order, each parsed whole (a trace_reader and its converter are the
 * consumer's alone until work_queue_finish). */
struct trace_consumer {
    struct trace_reader r;
    struct perfetto_json *pj;   /* NULL: the stream is JSON */
};

static int consume_chunk(void *arg, void *item)
{
    struct trace_consumer *c = arg;
    json_t *data_json = json_object_get(item, "data");
    const char *data = json_string_value(data_json);
    size_t len = json_string_length(data_json);
    bool b64 = json_is_true(json_object_get(item, "base64Encoded"));
    if (!data || !len)
        return 0;
    if (b64 != (c->pj != NULL)) {
        /* json comes as text, proto as base64: anything else is not the
         * format asked for */
        set_status(c->r.out, "trace_error", "trace stream came %s, asked for %s",
                   b64 ? "base64-encoded" : "as text", c->pj ? "proto" : "json");
        return -1;
    }
    return c->pj ? feed_proto(&c->r, c->pj, data, len) : deliver_json(&c->r, data, len);
}

static void release_chunk(void *item)
{
    json_decref(item);
}

/* Reads the trace stream into the parser (and so the extractor): Chrome's
 * JSON as it comes, or its protobuf trace through perfetto_json.
 *
 * Two threads, two cores: this one reads (IO.read: the browser encodes a
 * chunk, the websocket carries it, Jansson parses the reply) while a
 * work_queue's thread converts and parses the chunk before; and one IO.read
 * is always in flight, so the browser encodes the next chunk meanwhile.
 * Measured here on 30-load batches, proto: reading and parsing a go/hello
 * batch's trace took ~370 and ~420 ms of CPU, one after the other before;
 * Tracing.end to IO.close went from ~1.06 to ~0.70 s (go/hello) and from
 * ~0.55 to ~0.40 s (c/hello), three runs each, interleaved. */
static int read_trace(struct load_session *s, const char *handle, struct trace_parser *tp,
                      struct load_outcome *out)
{
    struct trace_consumer c = { .r = { .out = out, .tp = tp } };
    struct trace_reader *r = &c.r;
    if (s->save_trace_path && !(r->copy = fopen(s->save_trace_path, "we")))
        warnf("cannot write trace %s: %s", s->save_trace_path, strerror(errno));
    /* zstd level 1: the copy costs the load loop little (gzip level 6 was
     * the slowest stage of reading a trace); in the caller, since a zstd
     * worker thread's job buffers cost ~5 MB of peak RSS on a batch */
    r->keep = s->keep_trace && zstd_writer_init(&out->trace_copy, -1, 1, 0) == 0;
    c.pj = s->trace_proto ? perfetto_json_new(deliver_json, r) : NULL;
    /* depth 1: at most one chunk waits, one is parsed, one is read (each
     * ~1.4 MB of base64 in a JSON reply) */
    struct work_queue *q = work_queue_start(consume_chunk, release_chunk, &c, 1);
    int read_rc = CDP_OK;
    int64_t next = cdp_start(s->cdp, NULL, "IO.read",
                             json_pack("{s:s, s:i}", "handle", handle, "size", IO_READ_BYTES));
    for (;;) {
        json_t *res = NULL;
        read_rc = next < 0 ? (int)next
                           : cdp_finish(s->cdp, next, "IO.read", &res, TRACE_TIMEOUT_MS);
        next = 0;
        if (read_rc != CDP_OK)
            break;
        bool eof = json_is_true(json_object_get(res, "eof"));
        if (!eof)
            next = cdp_start(s->cdp, NULL, "IO.read",
                             json_pack("{s:s, s:i}", "handle", handle, "size", IO_READ_BYTES));
        if (work_queue_push(q, res) < 0 || eof)
            break;     /* the consumer failed (its status says why), or the end */
    }
    if (next > 0)
        cdp_forget(s->cdp, next);   /* the read after a bad chunk: nobody reads it */
    int result = work_queue_finish(q) < 0 ? -1 : 0;
    if (read_rc != CDP_OK) {
        cdp_failed(s, out, read_rc);
        result = -1;
    }
    if (result == 0 && c.pj && perfetto_json_finish(c.pj) < 0) {
        if (strcmp(out->status, "trace_error") != 0)
            set_status(out, "trace_error", "%s", perfetto_json_error(c.pj));
        result = -1;
    }
    perfetto_json_free(c.pj);
    if (r->copy && fclose(r->copy) != 0)
        warnf("cannot write trace %s: %s", s->save_trace_path, strerror(errno));
    if (r->keep)
        out->have_trace_copy = result == 0 && zstd_writer_finish(&out->trace_copy) == 0;
    if (result == 0 && trace_parser_finish(tp) < 0) {
        set_status(out, "trace_error", "%s", trace_parser_error(tp));
        result = -1;
    }
    return result;
}

static void page_report_status(struct load_outcome *out, json_t *report)
{
    if (json_is_true(json_object_get(report, "ok")))
        return;
    const char *phase = json_string_value(json_object_get(report, "phase"));
    const char *err = json_string_value(json_object_get(report, "error"));
    const char *kind = "page_error";
    if (phase && strcmp(phase, "compile") == 0)
        kind = "compile_error";
    else if (phase && (strcmp(phase, "run") == 0 || strcmp(phase, "done") == 0))
        kind = "run_error";
    set_status(out, kind, "%s failed: %s", phase ? phase : "page", err ? err : "unknown error");
}

static double mark_ms(json_t *report, const char *name)
{
    json_t *v = json_object_get(json_object_get(report, "marks"), name);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Opens a fresh browser context (or, for default_context, a tab in the
 * browser's own disk-backed one) with a tab on the same-origin blank page,
 * attached, and STARTS Runtime.enable and the binding without waiting: the
 * renderer comes up while the caller does other work (adopt_page finishes).
 * Returns a CDP status; on failure *out may hold a half-open page (its
 * context is disposed of by the caller's clean-up). */
static int prepare_page(struct load_session *s, bool default_context,
                        struct load_steps **out)
{
    struct load_steps *ls = xcalloc(1, sizeof *ls);
    ls->s = s;
    if (s->batch > 1 && s->browser_pgid > 0)
        ls->renderers_before = renderer_count(s->browser_pgid);
    ls->default_context = default_context;
    ls->st.data_loss = -1;
    ls->st.buffer_pct = NAN;
    *out = ls;
    json_t *res = NULL;
    int rc;
    if (!ls->default_context) {
        rc = cdp_call(s->cdp, NULL, "Target.createBrowserContext",
                      json_pack("{s:b}", "disposeOnDetach", 1), &res, COMMAND_TIMEOUT_MS);
        if (rc != CDP_OK)
            return rc;
        snprintf(ls->context_id, sizeof ls->context_id, "%s",
                 json_string_value(json_object_get(res, "browserContextId")) ?: "");
        json_decref(res);
    }

    /* Open the tab on a same-origin blank page (see pages/blank.html). */
    snprintf(ls->st.origin, sizeof ls->st.origin, "http://127.0.0.1:%d", s->http_port);
    char blank[128];
    snprintf(blank, sizeof blank, "%s/pages/blank.html", ls->st.origin);
    json_t *params = json_pack("{s:s}", "url", blank);
    if (ls->context_id[0])
        json_object_set_new(params, "browserContextId", json_string(ls->context_id));
    rc = cdp_call(s->cdp, NULL, "Target.createTarget", params, &res, COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    snprintf(ls->st.target_id, sizeof ls->st.target_id, "%s",
             json_string_value(json_object_get(res, "targetId")) ?: "");
    json_decref(res);

    rc = cdp_call(s->cdp, NULL, "Target.attachToTarget",
                  json_pack("{s:s, s:b}", "targetId", ls->st.target_id, "flatten", 1),
                  &res, COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    snprintf(ls->st.session_id, sizeof ls->st.session_id, "%s",
             json_string_value(json_object_get(res, "sessionId")) ?: "");
    json_decref(res);

    /* Runtime.enable returns once the new renderer is up: the slow part */
    ls->enable_id = cdp_start(s->cdp, ls->st.session_id, "Runtime.enable", NULL);
    if (ls->enable_id < 0)
        return (int)ls->enable_id;
    ls->binding_id = cdp_start(s->cdp, ls->st.session_id, "Runtime.addBinding",
                               json_pack("{s:s}", "name", BINDING_NAME));
    return ls->binding_id < 0 ? (int)ls->binding_id : CDP_OK;
}

/* An origin no load of this browser has used: l<N>.localhost (Chrome
 * resolves *.localhost to loopback itself), a new site, so a new renderer. */
static void new_origin(struct load_session *s, struct load_state *st)
{
    snprintf(st->origin, sizeof st->origin, "http://l%u.localhost:%d", ++s->origin_seq,
             s->http_port);
}

/* The tab the previous load left (load_run keeps it: tab_reusable),
 * navigated to the blank page of an origin no load of this browser has used
 * (l<N>.localhost: Chrome resolves *.localhost to loopback itself). A new
 * site needs a new renderer, which comes up here, before the load's window;
 * the previous load's renderer exits as its page goes. One renderer starts
 * per load, where a new context's tab starts two: the tab's first document's,
 * then the cross-origin-isolated page's (the COOP/COEP headers,
 * server.c, put that page in a new browsing instance). Measured here: 41
 * renderers for 20 loads in new contexts. What a new context gave a load
 * still holds: nothing the module request can hit is cached (no-store, a new
 * origin: a new HTTP and code-cache key and a new connection) and the
 * renderer is new; the isolation proof checks both per load.
 *
 * The tab goes straight to the harness, held ("hold", harness.js): the
 * renderer starts and the page loads its scripts before the window (and,
 * unbatched, before Tracing.start), and run_page releases it. That skips
 * the blank page's document and one navigation: measured here on Chromium
 * 156, a batched c/hello load's cycle (module request to the next one's)
 * went from ~255 to ~210 ms; unbatched, seconds per load fell from 0.514 to
 * 0.440 (c/hello) and 0.671 to 0.584 (go/hello) in one throughput run
 * (bench/results/throughput-2026-12-01-ahead.json). An unbatched load's
 * trace then starts after its page loaded (its documents count is 0). A
 * harness that throws or never loads while held is the load's failure
 * (page_error, timeout), not the browser's. */
static int reuse_page(struct load_session *s, const struct load_request *r,
                      struct load_steps **out)
{
    struct load_steps *ls = s->kept;
    s->kept = NULL;
    *out = ls;
    struct load_state *st = &ls->st;
    json_decref(st->report);
    struct load_state fresh = { .data_loss = -1, .buffer_pct = NAN };
    memcpy(fresh.session_id, st->session_id, sizeof fresh.session_id);
    memcpy(fresh.target_id, st->target_id, sizeof fresh.target_id);
    *st = fresh;
    ls->reused = true;
    new_origin(s, st);
    if (s->browser_pgid > 0)
        ls->renderers_before = renderer_count(s->browser_pgid);
    char *url = harness_url(st->origin, r, true);
    json_t *res = NULL;
    host_cpu_sample(s->browser_pgid, &ls->nav_cpu);
    st->nav_us = mono_us();
    int rc = cdp_call(s->cdp, st->session_id, "Page.navigate", json_pack("{s:s}", "url", url),
                      &res, COMMAND_TIMEOUT_MS);
    free(url);
    if (rc == CDP_OK && json_string_value(json_object_get(res, "errorText")))
        rc = CDP_ECOMMAND;   /* the page did not load: take_page opens a new tab */
    json_decref(res);
    return rc;
}

/* Drops the started commands of a page that will not be adopted. */
static void forget_started(struct load_steps *ls)
{
    cdp_forget(ls->s->cdp, ls->enable_id);
    cdp_forget(ls->s->cdp, ls->binding_id);
    ls->enable_id = ls->binding_id = 0;
}

/* Runtime.enable and the binding answered (once: a reused tab's were). */
static int page_answered(struct load_steps *ls)
{
    struct load_session *s = ls->s;
    int rc = CDP_OK;
    if (ls->enable_id)
        rc = cdp_finish(s->cdp, ls->enable_id, "Runtime.enable", NULL, COMMAND_TIMEOUT_MS);
    ls->enable_id = 0;
    if (rc == CDP_OK && ls->binding_id)
        rc = cdp_finish(s->cdp, ls->binding_id, "Runtime.addBinding", NULL,
                        COMMAND_TIMEOUT_MS);
    ls->binding_id = 0;
    return rc;
}

/* Finishes a prepared page: Runtime.enable and the binding answered, the
 * blank page's JS context there (or the held harness ready), settled, the
 * previous renderer gone. */
static int adopt_page(struct load_steps *ls, struct load_outcome *out)
{
    struct load_session *s = ls->s;
    int rc = page_answered(ls);
    if (rc != CDP_OK)
        return rc;

    /* Start tracing only once the new renderer has settled. A renderer still
     * initialising when tracing starts leaves a data source that never
     * reports "started", and Chrome holds the Tracing.start reply for its
     * 10 s timeout (services/tracing/perfetto/consumer_host.cc,
     * OnEnableTracingTimeout). Measured on Chromium 156 here: with no pause
     * ~30% of loads stalled; 100 ms after the blank page's JS context
     * exists, none did. A held harness's page being loaded is no sign of
     * it: with no pause, 6 of 100 such loads stalled (measured here); the
     * pause counts from its JS context too. A stall still seen doubles the
     * pause (up to 1 s).
     * The pause counts from the later of the moment the context appeared
     * and the moment the previous trace's stream closed: a page opened
     * during the previous load's store has settled already, but a
     * Tracing.start right after the previous session ended stalled as often
     * (measured here, issue 12), so the pause also separates sessions. */
    rc = cdp_wait(s->cdp, ls->reused ? harness_held : blank_ready, &ls->st, COMMAND_TIMEOUT_MS);
    if (rc == CDP_ETIMEOUT && ls->reused && browser_responds(s))
        rc = CDP_OK;   /* the page's failure, not the browser's: run_page stores it */
    if (rc != CDP_OK)
        return rc;
    /* a reused tab: the previous load's renderer goes with its page */
    if (s->browser_pgid > 0 && ls->reused)
        renderer_wait_at_most(s->browser_pgid, ls->renderers_before, 3000);
    if (s->batch_tracing) {
        /* a new tab's first renderer can outlive the switch to the blank
         * page's own (seen here: one more renderer at ready, gone within
         * 150 ms, else its exit lands in the window as other renderer work) */
        if (s->browser_pgid > 0 && !ls->reused)
            renderer_wait_at_most(s->browser_pgid, ls->renderers_before + 1, 1000);
        return CDP_OK;   /* tracing is on already: nothing to settle for */
    }
    if (s->settle_ms <= 0)
        s->settle_ms = 100;
    int64_t from_us = ls->st.ready_us > s->trace_closed_us ? ls->st.ready_us : s->trace_closed_us;
    int64_t left_us = from_us + (int64_t)s->settle_ms * 1000 - mono_us();
    out->settle_waited_ms = left_us > 0 ? (double)left_us / 1000.0 : 0.0;
    if (left_us > 0)
        settle(s, (int)(left_us / 1000) + 1);
    /* the previous load's renderer exits before this load's trace starts */
    if (s->last_renderer_pid > 0)
        renderer_wait_gone(s->last_renderer_pid, 3000);
    s->last_renderer_pid = 0;
    return CDP_OK;
}

/* batched: the session outlives this load (load_flush ends it); a load that
 * cannot be batched (saved trace, warm cache, default context) traces alone
 * even when the session has a batch size. */
static int start_tracing(struct load_steps *ls, bool batched)
{
    struct load_session *s = ls->s;
    int64_t t_start = mono_us();
    int rc = cdp_call(s->cdp, NULL, "Tracing.start",
                      tracing_params(s->trace_buffer_kb, s->trace_proto), NULL, COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    ls->tracing = true;
    if (batched) {
        ls->tracing = false;        /* the batch's session, ended by load_flush */
        s->batch_tracing = true;
    }
    if (mono_us() - t_start > 5000000 && s->settle_ms < 1000) {
        s->settle_ms *= 2;
        notef("Tracing.start stalled; settling %d ms before tracing from now on",
              s->settle_ms);
    }
    return CDP_OK;
}

/* The load's network condition: the server shapes the module's response
 * (server.h); the cdp shaper asks Chrome's network service instead, for every
 * request of this page's session. */
static int apply_network(struct load_steps *ls, const struct load_request *r)
{
    struct load_session *s = ls->s;
    if (s->server) {
        server_set_network(s->server, r->net);
        server_prepare(s->server, r->module_url);   /* compress before, not during */
        struct server_send *old = NULL;
        server_take_sends(s->server, &old, NULL);   /* only this load's writes */
        free(old);
    }
    if (!r->net || r->net->shaper != NET_SHAPER_CDP)
        return CDP_OK;
    ls->session_shaped = true;     /* the tab is not kept for another load */
    int rc = cdp_call(s->cdp, ls->st.session_id, "Network.enable", NULL, NULL,
                      COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    /* throughput -1 = not throttled; latency is Chrome's added request RTT */
    double bw = r->net->bandwidth > 0 ? (double)r->net->bandwidth : -1.0;
    return cdp_call(s->cdp, ls->st.session_id, "Network.emulateNetworkConditions",
                    json_pack("{s:b, s:f, s:f, s:f}", "offline", 0, "latency",
                              (double)r->net->latency_ms, "downloadThroughput", bw,
                              "uploadThroughput", -1.0),
                    NULL, COMMAND_TIMEOUT_MS);
}

/* Navigates to the harness and waits for its report (or a crash, or the
 * page timeout). A page-level failure is a status in out, not an error:
 * returns CDP_OK then. */
static int run_page(struct load_steps *ls, const struct load_request *r,
                    struct load_outcome *out)
{
    struct load_session *s = ls->s;
    struct load_state *st = &ls->st;
    int page_timeout_ms = s->page_timeout_ms > 0 ? s->page_timeout_ms : 60000;
    json_t *res = NULL;
    /* the renderers alive as the window opens (the harness's navigation,
     * or, loaded ahead, its release) */
    if (s->browser_pgid > 0)
        out->n_live = (int)renderer_ids(s->browser_pgid, out->live, LOAD_LIVE_MAX);
    /* the host's interference, from the harness's navigation to its report:
     * CPU ticks of 10 ms say little of a held page's ~15 ms window alone */
    struct host_cpu_sample cpu0, cpu1;
    if (ls->reused)
        cpu0 = ls->nav_cpu;
    else
        host_cpu_sample(s->browser_pgid, &cpu0);
    out->window_from_us = mono_us();
    int rc = CDP_OK;
    bool nav_failed = false;   /* no page to wait for */
    if (ls->reused) {
        out->events_from_us = st->nav_us;
        if (!st->held && !page_finished(st)) {
            /* it threw, or never loaded: the load's failure (a crash while
             * held is page_finished's to report) */
            set_status(out, st->exception[0] ? "page_error" : "timeout",
                       "the harness, loaded ahead, never reported ready%s%s",
                       st->exception[0] ? ": page exception: " : "", st->exception);
            nav_failed = true;
        } else if (!page_finished(st)) {
            rc = cdp_call(s->cdp, st->session_id, "Runtime.evaluate",
                          json_pack("{s:s}", "expression", "__wasmlabGo()"), NULL,
                          COMMAND_TIMEOUT_MS);
        }
        if (rc != CDP_OK)
            return rc;
    } else {
        out->events_from_us = out->window_from_us;
        char *url = harness_url(st->origin, r, false);
        rc = cdp_call(s->cdp, st->session_id, "Page.navigate", json_pack("{s:s}", "url", url),
                      &res, COMMAND_TIMEOUT_MS);
        free(url);
        if (rc != CDP_OK)
            return rc;
        const char *nav_err = json_string_value(json_object_get(res, "errorText"));
        if (nav_err) {
            set_status(out, "page_error", "navigation failed: %s", nav_err);
            nav_failed = true;
        }
        json_decref(res);
    }

    if (!nav_failed) {
        rc = cdp_wait(s->cdp, page_finished, st, page_timeout_ms);
        if (rc == CDP_ETIMEOUT) {
            set_status(out, "timeout", "no report from the harness within %d ms%s%s",
                       page_timeout_ms, st->exception[0] ? "; page exception: " : "",
                       st->exception);
            if (!browser_responds(s)) {
                out->browser_lost = true;
                snprintf(out->error + strlen(out->error), sizeof out->error - strlen(out->error),
                         "; the browser stopped answering");
                return CDP_OK;
            }
        } else if (rc != CDP_OK)
            return rc;
        else if (st->target_crashed)
            set_status(out, "renderer_crashed", "the page's renderer crashed");
        else if (st->target_detached && !st->report)
            set_status(out, "renderer_crashed", "the page's target went away");
    }
    out->window_to_us = mono_us();
    host_cpu_sample(s->browser_pgid, &cpu1);
    host_cpu_window(&cpu0, &cpu1, &out->host);
    if (st->report && r->linger_ms > 0 && !st->target_crashed)
        settle(s, r->linger_ms);   /* a priming load: let V8's caching timeout fire */
    if (st->report) {
        out->page_report = json_incref(st->report);
        page_report_status(out, st->report);
        out->page_compile_ms = mark_ms(st->report, "wasmlab:compiled") -
                               mark_ms(st->report, "wasmlab:response");
    }
    return CDP_OK;
}

static void dispose_context(struct load_steps *ls)
{
    if (ls->default_context && ls->st.target_id[0])
        cdp_call(ls->s->cdp, NULL, "Target.closeTarget",
                 json_pack("{s:s}", "targetId", ls->st.target_id), NULL, COMMAND_TIMEOUT_MS);
    ls->st.target_id[0] = 0;
    if (ls->context_id[0])
        cdp_call(ls->s->cdp, NULL, "Target.disposeBrowserContext",
                 json_pack("{s:s}", "browserContextId", ls->context_id), NULL,
                 COMMAND_TIMEOUT_MS);
    ls->context_id[0] = 0;
}

/* The parser's callback: the extractor and the isolation observer both see
 * every event. */
struct trace_tee {
    struct extractor *x;
    struct isolation *iso;
};

static void tee_event(void *arg, const struct trace_event *ev)
{
    struct trace_tee *t = arg;
    extract_event(t->x, ev);
    isolation_event(t->iso, ev);
}

static void drop_next(struct load_session *s, bool dispose);

/* Whether the next load may take this load's tab (reuse_page): a load whose
 * page reported, in an off-the-record context whose session carries no
 * network emulation, when pages are not opened ahead (pipelined). */
static bool tab_reusable(const struct load_steps *ls)
{
    const struct load_state *st = &ls->st;
    return ls->s->no_prepare && !ls->default_context && ls->context_id[0] &&
           !ls->session_shaped && st->report && !st->target_crashed && !st->target_detached;
}

/* The window is closed (Tracing.end answered): the load's context goes, and
 * the next load's page is opened now, while this trace is flushed and read
 * (load.h). A failure to open it is not this load's: the next load_run
 * opens its page itself. */
static void overlap_next_page(struct load_steps *ls)
{
    struct load_session *s = ls->s;
    int64_t dispose = 0;
    if (tab_reusable(ls)) {
        ls->keep = true;             /* the next load's tab (reuse_page) */
        return;
    }
    if (ls->default_context) {
        /* a tab of the browser's own context: only the tab goes */
        dispose_context(ls);
    } else if (ls->context_id[0]) {
        dispose = cdp_start(s->cdp, NULL, "Target.disposeBrowserContext",
                            json_pack("{s:s}", "browserContextId", ls->context_id));
    }
    ls->context_id[0] = 0;
    if (!s->no_prepare && !s->next && s->batch <= 1) {
        int rc = prepare_page(s, false, &s->next);
        if (rc != CDP_OK)
            drop_next(s, true);      /* disposes of what was opened */
    }
    if (dispose > 0)
        cdp_finish(s->cdp, dispose, "Target.disposeBrowserContext", NULL, COMMAND_TIMEOUT_MS);
}

/* What the trace says of the load's isolation, and whether its renderer is
 * new to this session. */
static void note_isolation(struct load_session *s, struct isolation *iso,
                           struct load_outcome *out)
{
    out->have_isolation = true;
    isolation_finish(iso, out->x.renderer_pid, out->x.request_id, &out->iso);
    int64_t pid = out->x.renderer_pid;
    out->renderer_pid_new = -1;
    if (pid <= 0)
        return;
    /* the renderer's start time from when its window opened: the same pid
     * with another start time is another process (the pid wrapped) */
    uint64_t start = 0;
    for (int i = 0; i < out->n_live; i++)
        if (out->live[i].pid == pid)
            start = out->live[i].start;
    struct renderer_id id = { pid, start };
    out->renderer_pid_new = renderer_set_has(&s->seen, id) ? 0 : 1;
    renderer_set_add(&s->seen, id);
    s->last_renderer_pid = pid;
}

/* Stops tracing and streams what was recorded through the extractor,
 * whatever happened before: a failed load's trace still says how far it
 * got. */
static int read_load_trace(struct load_steps *ls, const struct load_request *r,
                           struct load_outcome *out)
{
    struct load_session *s = ls->s;
    struct load_state *st = &ls->st;
    ls->tracing = false;
    int rc = cdp_call(s->cdp, NULL, "Tracing.end", NULL, NULL, COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    if ((rc = cdp_wait(s->cdp, tracing_done, st, TRACE_TIMEOUT_MS)) != CDP_OK)
        return rc;
    out->trace_data_loss = st->data_loss;
    out->trace_buffer_pct = st->buffer_pct;

    struct trace_tee tee = { extractor_new(r->module_url), isolation_new() };
    struct trace_parser *tp = trace_parser_new(tee_event, &tee);
    int trc = st->stream[0] ? read_trace(s, st->stream, tp, out) : -1;
    if (!st->stream[0])
        set_status(out, "trace_error", "Tracing.tracingComplete carried no stream");
    if (st->stream[0])
        cdp_call(s->cdp, NULL, "IO.close", json_pack("{s:s}", "handle", st->stream), NULL,
                 COMMAND_TIMEOUT_MS);
    s->trace_closed_us = mono_us();
    /* Only once the trace stream is closed: a renderer started while the
     * finished tracing session still held its stream made the next
     * Tracing.start stall for Chrome's 10 s timeout far more often
     * (bench/README.md, issue 12). */
    overlap_next_page(ls);
    out->trace_bytes = (int64_t)trace_parser_bytes(tp);
    out->trace_events = (int64_t)trace_parser_events(tp);
    if (trc == 0) {
        out->have_extract = true;
        out->trace_format = trace_format_name(s);
        if (extract_finish(tee.x, &out->x) < 0)
            set_status(out, "trace_error", "%s", out->x.error);
        else if (out->trace_data_loss == 1)
            set_status(out, "trace_data_loss", "the trace buffer overflowed (dataLossOccurred)");
        note_isolation(s, tee.iso, out);
    }
    trace_parser_free(tp);
    extractor_free(tee.x);
    isolation_free(tee.iso);
    return CDP_OK;
}

/* After a CDP failure: leave the browser clean for the next load. */
static void clean_up_after_error(struct load_steps *ls)
{
    struct load_session *s = ls->s;
    if (ls->tracing) {
        cdp_call(s->cdp, NULL, "Tracing.end", NULL, NULL, COMMAND_TIMEOUT_MS);
        cdp_wait(s->cdp, tracing_done, &ls->st, TRACE_TIMEOUT_MS);
        if (ls->st.stream[0])
            cdp_call(s->cdp, NULL, "IO.close", json_pack("{s:s}", "handle", ls->st.stream),
                     NULL, COMMAND_TIMEOUT_MS);
    }
    forget_started(ls);
    dispose_context(ls);
    ls->keep = false;
}

/* Frees a load's steps (not its context: disposed of before). */
static void steps_free(struct load_steps *ls)
{
    if (!ls)
        return;
    json_decref(ls->st.report);
    free(ls);
}

/* Drops the page opened for the next load and the tab kept for it. */
static void drop_next(struct load_session *s, bool dispose)
{
    struct load_steps *pages[] = { s->next, s->kept };
    s->next = s->kept = NULL;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (!pages[i])
            continue;
        if (s->cdp && cdp_is_open(s->cdp)) {
            forget_started(pages[i]);
            if (dispose)
                dispose_context(pages[i]);
        }
        steps_free(pages[i]);
    }
}

/* The browser is closing (or gone): its contexts go with it, so nothing is
 * sent to it (a hung browser would not answer). */
void load_session_close(struct load_session *s)
{
    drop_next(s, false);
    renderer_set_free(&s->seen);
}

/* The load's page: the kept tab on a new origin (reuse_page), the
 * one opened during the previous load if it is of the kind the load needs
 * (an off-the-record context, or the browser's own for a warm code-cache
 * load), or a new one. */
static int take_page(struct load_session *s, const struct load_request *r,
                     struct load_steps **ls)
{
    if (s->kept && (r->default_context || s->kept->st.target_crashed ||
                    s->kept->st.target_detached))
        drop_next(s, true);
    if (s->kept) {
        int rc = reuse_page(s, r, ls);
        if (rc != CDP_ECOMMAND)
            return rc;
        /* the kept tab would not load a page: a new one, in a new context */
        forget_started(*ls);
        dispose_context(*ls);
        steps_free(*ls);
        *ls = NULL;
    }
    if (s->next && (s->next->default_context != r->default_context ||
                    s->next->st.target_crashed || s->next->st.target_detached))
        drop_next(s, true);      /* a waiting page whose renderer crashed is no load's */
    if (s->next) {
        *ls = s->next;
        s->next = NULL;
        return CDP_OK;
    }
    return prepare_page(s, r->default_context, ls);
}

/* The renderers alive before a tab goes, so that its own can be waited
 * out after: one of them must exit (renderer_wait_one_gone; a count alone
 * would be fooled by a renderer starting meanwhile). */
struct renderers_alive {
    int64_t pids[RENDERER_PROCS_MAX];
    size_t n;
};

static void note_renderers(const struct load_session *s, struct renderers_alive *ra)
{
    ra->n = s->browser_pgid > 0 ? renderer_pids(s->browser_pgid, ra->pids, RENDERER_PROCS_MAX)
                                : 0;
}

static void wait_one_renderer_gone(const struct load_session *s,
                                   const struct renderers_alive *ra)
{
    if (ra->n > 0)
        renderer_wait_one_gone(s->browser_pgid, ra->pids, ra->n, 3000);
}

/* Batched: the load's context goes, and its renderer process exits before
 * the next load's page opens, as load_run waits for it unbatched (there by
 * its pid, from the trace; here one of the renderers alive before the
 * dispose must go: renderer_procs.h). */
static void dispose_and_wait(struct load_steps *ls)
{
    struct renderers_alive before;
    note_renderers(ls->s, &before);
    overlap_next_page(ls);
    if (!ls->keep)
        wait_one_renderer_gone(ls->s, &before);
}

bool load_batchable(const struct load_session *s, const struct load_request *r)
{
    return s->batch > 1 && !r->default_context && r->linger_ms <= 0 && !s->save_trace_path;
}

/* A batched load's trace is read with its batch's (load_flush). */
static void hold_for_flush(struct load_session *s, const struct load_request *r,
                           struct load_outcome *out)
{
    if (!s->batch_tracing || out->browser_lost || !cdp_is_open(s->cdp))
        return;
    out->trace_pending = true;
    free(out->module_url);
    out->module_url = xstrdup(r->module_url);
}

int load_run(struct load_session *s, const struct load_request *r, struct load_outcome *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->status, sizeof out->status, "ok");
    out->trace_data_loss = -1;
    out->trace_buffer_pct = NAN;
    out->page_compile_ms = NAN;
    out->renderer_pid_new = -1;
    int64_t t0 = mono_us();

    bool batched = load_batchable(s, r);
    if (!batched && s->batch_tracing) {
        /* plan.c flushes a batch before any load it cannot hold */
        set_status(out, "cdp_error", "a batched tracing session is still open");
        return -1;
    }
    struct load_steps *ls = NULL;
    int rc = take_page(s, r, &ls);
    s->current = &ls->st;
    if (rc != CDP_OK || (rc = adopt_page(ls, out)) != CDP_OK ||
        (!s->batch_tracing && batched && (rc = start_tracing(ls, true)) != CDP_OK) ||
        (rc = apply_network(ls, r)) != CDP_OK ||
        (!batched && (rc = start_tracing(ls, false)) != CDP_OK) ||
        (rc = run_page(ls, r, out)) != CDP_OK) {
        cdp_failed(s, out, rc);
        if (!out->browser_lost && cdp_is_open(s->cdp))
            clean_up_after_error(ls);
        if (batched)
            hold_for_flush(s, r, out);   /* its trace still says how far it got */
    } else if (batched) {
        if (!out->browser_lost) {
            hold_for_flush(s, r, out);
            dispose_and_wait(ls);        /* the window is closed */
        }
    } else if (!out->browser_lost) {
        /* the hung browser's trace is not read: it would not answer */
        if ((rc = read_load_trace(ls, r, out)) != CDP_OK) {
            cdp_failed(s, out, rc);
            if (!out->browser_lost && cdp_is_open(s->cdp))
                clean_up_after_error(ls);
        }
    }
    if (out->browser_lost || !cdp_is_open(s->cdp))
        drop_next(s, false);     /* a prepared page dies with the browser */
    if (s->server) {
        /* hand the send log to the load; the next load starts unshaped */
        out->n_sends = server_take_sends(s->server, &out->sends, &out->encoded_bytes);
        server_set_network(s->server, NULL);
    }
    s->current = NULL;
    if (ls && ls->keep && !out->browser_lost && cdp_is_open(s->cdp))
        s->kept = ls;                    /* its context stays: the next load's tab */
    else
        steps_free(ls);
    out->wall_ms = (double)(mono_us() - t0) / 1000.0;
    return strcmp(out->status, "ok") == 0 ? 0 : -1;
}

/* A batch's events go to the load whose window they fall in: from its
 * navigation to the next load's (the previous renderer is gone by then, so
 * what comes later is not its). Metadata goes to every load. */
struct batch_tee {
    struct load_outcome **outs;
    struct extractor **x;
    struct isolation **iso;
    size_t n;
    int64_t closed_us;   /* the batch's last tab went: later events are no load's */
};

static size_t batch_load_at(const struct batch_tee *b, int64_t ts)
{
    size_t first = b->n;
    for (size_t i = b->n; i-- > 0;) {
        if (b->outs[i]->events_from_us <= 0)
            continue;                    /* never navigated: no window */
        if (ts >= b->outs[i]->events_from_us)
            return i;
        first = i;
    }
    return first < b->n ? first : 0;    /* before the first window */
}

static void batch_event(void *arg, const struct trace_event *ev)
{
    struct batch_tee *b = arg;
    if (ev->ph == 'M' || ev->ts_us == INT64_MIN) {
        for (size_t i = 0; i < b->n; i++) {
            extract_event(b->x[i], ev);
            isolation_event(b->iso[i], ev);
        }
        return;
    }
    if (ev->ts_us >= b->closed_us)
        return;
    size_t i = batch_load_at(b, ev->ts_us);
    extract_event(b->x[i], ev);
    isolation_event(b->iso[i], ev);
}

/* Before Tracing.end, the tab kept for the next load goes, and its renderer
 * with it: a session's stop waited ~5 s (Perfetto's stop timeout) for the
 * renderer alive at its end in about 1 batch in 10 (7 of 76 batch ends
 * here), never when that renderer had exited (0 of 100), nor for a load
 * traced alone, whose renderer started before its session (0 of 100). That
 * renderer joined the session mid-way, as every batched load's does. The
 * next batch's first load opens a tab of its own (measured: ~0.1 s a
 * batch, against ~0.5 s a batch lost to the stall on average).
 *
 * How it goes matters too. A renderer killed with its context sometimes left
 * none of its events in the batch's trace; one that exits as its tab moves
 * to another site (every earlier load's in a batch) never did. Measured here
 * on Chromium 156, c/hello in batches of 2: the batch's last load was lost at
 * 7 of 400 batch ends (3 of them with 100 ms more before Tracing.end: not a
 * matter of time), at 0 of 400 with the move, which costs one renderer's
 * start (~180 ms) a batch. So the tab first goes to a blank page of a new
 * origin, the load's renderer exits as the earlier ones did, and only the
 * blank page's renderer, whose events are no load's, goes with the context. */
static void close_kept_tab(struct load_session *s)
{
    if (!s->kept)
        return;
    struct load_state *st = &s->kept->st;
    struct renderers_alive before;
    note_renderers(s, &before);
    new_origin(s, st);
    st->blank_ready = false;
    char url[160];
    snprintf(url, sizeof url, "%s/pages/blank.html", st->origin);
    json_t *res = NULL;
    int rc = cdp_call(s->cdp, st->session_id, "Page.navigate", json_pack("{s:s}", "url", url),
                      &res, COMMAND_TIMEOUT_MS);
    json_decref(res);
    if (rc == CDP_OK && cdp_wait(s->cdp, blank_ready, st, COMMAND_TIMEOUT_MS) == CDP_OK)
        wait_one_renderer_gone(s, &before);
    note_renderers(s, &before);
    drop_next(s, true);
    wait_one_renderer_gone(s, &before);
}

/* Every pending load fails the way the batch did (first failure wins). */
static void fail_batch(struct load_outcome **outs, size_t n, const struct load_outcome *why)
{
    for (size_t i = 0; i < n; i++) {
        if (!outs[i]->trace_pending)
            continue;
        set_status(outs[i], why->status, "batched trace: %s", why->error);
        outs[i]->browser_lost |= why->browser_lost;
    }
}

/* Each pending load's share of the read batch: extraction and isolation. */
static void finish_batch_loads(struct load_session *s, struct batch_tee *b,
                               const struct load_outcome *batch, struct trace_parser *tp)
{
    for (size_t i = 0; i < b->n; i++) {
        struct load_outcome *out = b->outs[i];
        if (!out->trace_pending)
            continue;
        out->trace_bytes = (int64_t)trace_parser_bytes(tp);
        out->trace_events = (int64_t)trace_parser_events(tp);
        out->trace_data_loss = batch->trace_data_loss;
        if (isnan(out->trace_buffer_pct) || batch->trace_buffer_pct > out->trace_buffer_pct)
            out->trace_buffer_pct = batch->trace_buffer_pct;
        out->have_extract = true;
        out->trace_format = trace_format_name(s);
        int xrc = extract_finish(b->x[i], &out->x);
        /* the result owns copies of what it keeps: the extractor's events
         * go now, not after the whole batch's results are built */
        extractor_free(b->x[i]);
        b->x[i] = NULL;
        if (xrc < 0)
            set_status(out, "trace_error", "%s", out->x.error);
        else if (out->trace_data_loss == 1)
            set_status(out, "trace_data_loss", "the trace buffer overflowed (dataLossOccurred)");
        note_isolation(s, b->iso[i], out);
    }
}

/* Ends the session and reads its stream through tee into batch (status,
 * trace_copy). Returns 0 when the whole trace was read. */
static int read_batch_trace(struct load_session *s, struct batch_tee *tee,
                            struct load_outcome *batch)
{
    struct load_state st = { .data_loss = -1, .buffer_pct = NAN };
    s->current = &st;
    int rc = cdp_call(s->cdp, NULL, "Tracing.end", NULL, NULL, COMMAND_TIMEOUT_MS);
    if (rc == CDP_OK)
        rc = cdp_wait(s->cdp, tracing_done, &st, TRACE_TIMEOUT_MS);
    s->current = NULL;
    if (rc != CDP_OK) {
        cdp_failed(s, batch, rc);
        return -1;
    }
    batch->trace_data_loss = st.data_loss;
    batch->trace_buffer_pct = st.buffer_pct;
    if (!st.stream[0]) {
        set_status(batch, "trace_error", "Tracing.tracingComplete carried no stream");
        return -1;
    }
    struct trace_parser *tp = trace_parser_new(batch_event, tee);
    int trc = read_trace(s, st.stream, tp, batch);
    cdp_call(s->cdp, NULL, "IO.close", json_pack("{s:s}", "handle", st.stream), NULL,
             COMMAND_TIMEOUT_MS);
    s->trace_closed_us = mono_us();
    if (trc == 0)
        finish_batch_loads(s, tee, batch, tp);
    trace_parser_free(tp);
    return trc;
}

int load_flush(struct load_session *s, struct load_outcome **outs, size_t n)
{
    struct load_outcome batch;
    memset(&batch, 0, sizeof batch);
    snprintf(batch.status, sizeof batch.status, "ok");
    batch.trace_buffer_pct = NAN;
    if (!s->batch_tracing || !cdp_is_open(s->cdp)) {
        if (!cdp_is_open(s->cdp)) {
            batch.browser_lost = true;
            set_status(&batch, "connection_lost", "the browser went away before the batch's "
                       "trace was read");
        } else {
            set_status(&batch, "trace_error", "no tracing session was on");
        }
        fail_batch(outs, n, &batch);
        s->batch_tracing = false;
        return batch.browser_lost ? -1 : 0;
    }
    s->batch_tracing = false;
    struct batch_tee tee = { outs, xcalloc(n ? n : 1, sizeof *tee.x),
                             xcalloc(n ? n : 1, sizeof *tee.iso), n, mono_us() };
    close_kept_tab(s);
    for (size_t i = 0; i < n; i++) {
        tee.x[i] = extractor_new(outs[i]->module_url ? outs[i]->module_url : "");
        tee.iso[i] = isolation_new();
        if (outs[i]->window_from_us > 0)
            isolation_set_window(tee.iso[i], outs[i]->events_from_us, outs[i]->window_from_us,
                                 outs[i]->window_to_us);
        outs[i]->batch_size = (int)n;
        outs[i]->batch_index = (int)i;
    }
    if (read_batch_trace(s, &tee, &batch) < 0)
        fail_batch(outs, n, &batch);
    else if (n > 0 && batch.have_trace_copy) {
        outs[0]->trace_copy = batch.trace_copy;      /* the batch's trace, stored once */
        outs[0]->have_trace_copy = true;
        memset(&batch.trace_copy, 0, sizeof batch.trace_copy);
    }
    for (size_t i = 0; i < n; i++) {
        outs[i]->trace_pending = false;
        extractor_free(tee.x[i]);
        isolation_free(tee.iso[i]);
    }
    free(tee.x);
    free(tee.iso);
    zstd_writer_free(&batch.trace_copy);
    return batch.browser_lost ? -1 : 0;
}

void load_outcome_free(struct load_outcome *out)
{
    free(out->module_url);
    zstd_writer_free(&out->trace_copy);
    if (out->have_extract)
        extract_result_free(&out->x);
    json_decref(out->page_report);
    free(out->sends);
    memset(out, 0, sizeof *out);
}
