#include "cdp/cdp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How often a wait wakes up to check its deadline and the watchdog. */
#define TICK_US (20 * LWS_US_PER_MS)
/* Per-fragment receive buffer; messages are reassembled beyond it. */
#define RX_BUFFER_BYTES (256 * 1024)

struct out_msg {
    struct out_msg *next;
    size_t len;
    unsigned char data[];   /* LWS_PRE bytes of headroom, then the message */
};

struct cdp {
    struct lws_context *ctx;
    struct lws_vhost *vhost;    /* shared per context, see client_vhost() */
    struct lws *wsi;
    char host[32];              /* Host header: lws may keep the pointer */
    bool connected, closed;
    char errmsg[512];
    struct cdp_dispatch dispatch;
    struct out_msg *out_head, *out_tail;
    lws_sorted_usec_list_t tick;
    cdp_watchdog_fn watchdog;
    void *watchdog_arg;
    bool debug;             /* WASMLAB_DEBUG_CDP=1: time every command on stderr */
    int64_t opened_us;      /* mono_us() at cdp_connect: the debug lines' clock */
    FILE *record;           /* WASMLAB_RECORD_CDP=FILE: every message received */
};

/* Messages are reassembled here first so the recorder sees whole ones. */
static void on_message(struct cdp *c, const void *data, size_t len, bool final)
{
    if (c->record) {
        fwrite(data, 1, len, c->record);
        if (final)
            fputc('\n', c->record);   /* Chrome's JSON is compact: one per line */
    }
    cdp_dispatch_fragment(&c->dispatch, data, len, final);
}

const char *cdp_strerror(int status)
{
    switch (status) {
    case CDP_OK: return "ok";
    case CDP_ETIMEOUT: return "timed out";
    case CDP_ECLOSED: return "DevTools connection closed";
    case CDP_ECOMMAND: return "command failed";
    case CDP_EABORT: return "aborted";
    case CDP_EPROTO: return "protocol error";
    }
    return "unknown error";
}

static void set_err(struct cdp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct cdp *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
}

static int callback_cdp(struct lws *wsi, enum lws_callback_reasons reason,
                        void *user, void *in, size_t len)
{
    struct cdp *c = lws_get_opaque_user_data(wsi);
    if (!c)
        return lws_callback_http_dummy(wsi, reason, user, in, len);

    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        c->connected = true;
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        set_err(c, "cannot connect to DevTools: %s", in ? (const char *)in : "unknown error");
        c->closed = true;
        c->wsi = NULL;
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (!c->closed)
            set_err(c, "DevTools connection closed by the browser");
        c->closed = true;
        c->wsi = NULL;
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        on_message(c, in, len,
                   lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        struct out_msg *m = c->out_head;
        if (!m)
            break;
        int n = lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        if (n < (int)m->len) {
            set_err(c, "write to DevTools failed");
            return -1;
        }
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        free(m);
        if (c->out_head)
            lws_callback_on_writable(wsi);
        break;
    }
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols cdp_protocols[] = {
    { "wasmlab-cdp", callback_cdp, 0, RX_BUFFER_BYTES, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;  /* only wakes lws_service so the waiter can look at the clock */
}

/* One turn of the loop: services sockets, waking at most TICK_US later. */
static void pump(struct cdp *c)
{
    lws_sul_schedule(c->ctx, 0, &c->tick, tick_cb, TICK_US);
    lws_service(c->ctx, 0);
}

static int wait_loop(struct cdp *c, bool (*done)(void *), void *arg, int timeout_ms,
                     const char *what)
{
    int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;
    for (;;) {
        if (done(arg))
            return CDP_OK;
        if (c->closed) {
            if (!c->errmsg[0])
                set_err(c, "DevTools connection closed while waiting for %s", what);
            return CDP_ECLOSED;
        }
        if (c->watchdog && c->watchdog(c->watchdog_arg)) {
            set_err(c, "aborted while waiting for %s", what);
            return CDP_EABORT;
        }
        if (mono_us() >= deadline) {
            set_err(c, "timed out after %d ms waiting for %s", timeout_ms, what);
            return CDP_ETIMEOUT;
        }
        pump(c);
    }
}

static bool is_connected(void *arg)
{
    return ((struct cdp *)arg)->connected;
}

/* libwebsockets keeps the vhost_name pointer without copying it, so the
 * name must outlive the vhost: one client vhost per context, with a literal
 * name, created on first use and destroyed with the context. */
#define CLIENT_VHOST_NAME "wasmlab-cdp-client"

static struct lws_vhost *client_vhost(struct lws_context *ctx)
{
    struct lws_vhost *vh = lws_get_vhost_by_name(ctx, CLIENT_VHOST_NAME);
    if (vh)
        return vh;
    struct lws_context_creation_info vinfo;
    memset(&vinfo, 0, sizeof vinfo);
    vinfo.port = CONTEXT_PORT_NO_LISTEN;
    vinfo.protocols = cdp_protocols;
    vinfo.vhost_name = CLIENT_VHOST_NAME;
    return lws_create_vhost(ctx, &vinfo);
}

struct cdp *cdp_connect(struct lws_context *ctx, int port, const char *path,
                        int timeout_ms, cdp_event_fn on_event, void *event_arg,
                        char *err, size_t errlen)
{
    struct cdp *c = xcalloc(1, sizeof *c);
    c->ctx = ctx;
    const char *dbg = getenv("WASMLAB_DEBUG_CDP");
    c->debug = dbg && *dbg && strcmp(dbg, "0") != 0;
    c->opened_us = mono_us();
    const char *rec = getenv("WASMLAB_RECORD_CDP");
    if (rec && *rec && !(c->record = fopen(rec, "ae")))
        fprintf(stderr, "wasmlab: WASMLAB_RECORD_CDP %s: cannot open\n", rec);
    cdp_dispatch_init(&c->dispatch, 0, on_event, event_arg);

    c->vhost = client_vhost(ctx);
    if (!c->vhost) {
        snprintf(err, errlen, "cannot create the DevTools client");
        cdp_close(c);
        return NULL;
    }

    snprintf(c->host, sizeof c->host, "127.0.0.1:%d", port);
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = ctx;
    ci.vhost = c->vhost;
    ci.address = "127.0.0.1";
    ci.port = port;
    ci.path = path;
    ci.host = c->host;
    ci.origin = NULL;                 /* no Origin header */
    ci.protocol = NULL;               /* Chrome offers no subprotocol */
    ci.local_protocol_name = cdp_protocols[0].name;
    ci.ietf_version_or_minus_one = -1;
    ci.opaque_user_data = c;
    ci.pwsi = &c->wsi;
    if (!lws_client_connect_via_info(&ci)) {
        snprintf(err, errlen, "cannot connect to DevTools at 127.0.0.1:%d", port);
        cdp_close(c);
        return NULL;
    }
    int rc = wait_loop(c, is_connected, c, timeout_ms, "the DevTools handshake");
    if (rc != CDP_OK) {
        snprintf(err, errlen, "%s", c->errmsg);
        cdp_close(c);
        return NULL;
    }
    return c;
}

void cdp_set_watchdog(struct cdp *c, cdp_watchdog_fn fn, void *arg)
{
    c->watchdog = fn;
    c->watchdog_arg = arg;
}

void cdp_close(struct cdp *c)
{
    if (!c)
        return;
    if (c->wsi) {
        /* Detach first: lws may call back for this wsi while closing, and
         * must not reach c after it is freed. */
        lws_set_opaque_user_data(c->wsi, NULL);
        c->closed = true;
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
    }
    c->wsi = NULL;
    lws_sul_cancel(&c->tick);
    while (c->out_head) {
        struct out_msg *m = c->out_head;
        c->out_head = m->next;
        free(m);
    }
    cdp_dispatch_free(&c->dispatch);
    if (c->record)
        fclose(c->record);
    free(c);
}

static int enqueue(struct cdp *c, int64_t id, const char *session_id,
                   const char *method, json_t *params)
{
    size_t len = 0;
    char *text = cdp_command_json(id, session_id, method, params, &len);
    struct out_msg *m = xmalloc(sizeof *m + LWS_PRE + len);
    m->next = NULL;
    m->len = len;
    memcpy(m->data + LWS_PRE, text, len);
    free(text);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    lws_callback_on_writable(c->wsi);
    return 0;
}

struct reply_wait {
    struct cdp *c;
    int64_t id;
};

static bool reply_arrived(void *arg)
{
    struct reply_wait *w = arg;
    struct cdp_pending *p = cdp_dispatch_slot(&w->c->dispatch, w->id);
    return p && p->done;
}

int64_t cdp_start(struct cdp *c, const char *session_id, const char *method, json_t *params)
{
    if (c->closed || !c->wsi) {
        json_decref(params);
        set_err(c, "%s: DevTools connection is closed", method);
        return CDP_ECLOSED;
    }
    int64_t id = cdp_dispatch_reserve(&c->dispatch);
    if (id < 0) {
        json_decref(params);
        set_err(c, "%s: too many commands outstanding", method);
        return CDP_EPROTO;
    }
    enqueue(c, id, session_id, method, params);
    json_decref(params);
    return id;
}

bool cdp_replied(struct cdp *c, int64_t id)
{
    struct reply_wait w = { c, id };
    return reply_arrived(&w);
}

void cdp_forget(struct cdp *c, int64_t id)
{
    if (id > 0)
        cdp_dispatch_release(&c->dispatch, id);
}

int cdp_finish(struct cdp *c, int64_t id, const char *method, json_t **result, int timeout_ms)
{
    if (result)
        *result = NULL;
    if (id < 0)
        return (int)id;   /* cdp_start's failure, errmsg already set */
    struct reply_wait w = { c, id };
    int64_t t0 = mono_us();
    int rc = wait_loop(c, reply_arrived, &w, timeout_ms, method);
    if (c->debug)
        fprintf(stderr, "cdp: +%.0f ms %s -> %s in %.1f ms\n",
                (double)(mono_us() - c->opened_us) / 1000, method, cdp_strerror(rc),
                (double)(mono_us() - t0) / 1000);
    if (rc == CDP_OK) {
        struct cdp_pending *p = cdp_dispatch_slot(&c->dispatch, id);
        if (p->error) {
            set_err(c, "%s failed: %s", method, p->error);
            rc = CDP_ECOMMAND;
        } else if (result) {
            *result = p->result;
            p->result = NULL;
        }
    } else {
        /* keep the message, add the method for context */
        char tmp[sizeof c->errmsg];
        snprintf(tmp, sizeof tmp, "%s", c->errmsg);
        set_err(c, "%s: %s", method, tmp);
    }
    cdp_dispatch_release(&c->dispatch, id);
    return rc;
}

int cdp_call(struct cdp *c, const char *session_id, const char *method,
             json_t *params, json_t **result, int timeout_ms)
{
    int64_t id = cdp_start(c, session_id, method, params);
    if (id < 0) {
        if (result)
            *result = NULL;
        return (int)id;
    }
    return cdp_finish(c, id, method, result, timeout_ms);
}

int cdp_send(struct cdp *c, const char *session_id, const char *method,
             json_t *params)
{
    if (c->closed || !c->wsi) {
        json_decref(params);
        return CDP_ECLOSED;
    }
    /* Ids from a range reserve() never hands out, so the reply is simply
     * counted as unmatched when (if) it comes. */
    static int64_t fire_and_forget_id = 1000000000;
    enqueue(c, fire_and_forget_id++, session_id, method, params);
    json_decref(params);
    pump(c);
    return CDP_OK;
}

int cdp_wait(struct cdp *c, bool (*done)(void *arg), void *arg, int timeout_ms)
{
    int64_t t0 = mono_us();
    int rc = wait_loop(c, done, arg, timeout_ms, "an event");
    if (c->debug)
        fprintf(stderr, "cdp: +%.0f ms wait -> %s in %.1f ms\n",
                (double)(mono_us() - c->opened_us) / 1000, cdp_strerror(rc),
                (double)(mono_us() - t0) / 1000);
    return rc;
}

bool cdp_is_open(const struct cdp *c)
{
    return c && !c->closed && c->wsi;
}

const char *cdp_errmsg(const struct cdp *c)
{
    return c->errmsg;
}

const struct cdp_dispatch *cdp_stats(const struct cdp *c)
{
    return &c->dispatch;
}
