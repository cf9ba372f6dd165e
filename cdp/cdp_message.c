#include "cdp/cdp_message.h"

#include <stdlib.h>
#include <string.h>

void cdp_dispatch_init(struct cdp_dispatch *d, size_t max_message_bytes,
                       cdp_event_fn on_event, void *event_arg)
{
    memset(d, 0, sizeof *d);
    d->partial.limit = max_message_bytes ? max_message_bytes : (size_t)256 << 20;
    d->next_id = 1;
    d->on_event = on_event;
    d->event_arg = event_arg;
}

static void slot_clear(struct cdp_pending *p)
{
    json_decref(p->result);
    free(p->error);
    memset(p, 0, sizeof *p);
}

void cdp_dispatch_free(struct cdp_dispatch *d)
{
    for (int i = 0; i < CDP_MAX_PENDING; i++)
        slot_clear(&d->pending[i]);
    buf_free(&d->partial);
}

int64_t cdp_dispatch_reserve(struct cdp_dispatch *d)
{
    for (int i = 0; i < CDP_MAX_PENDING; i++) {
        if (d->pending[i].id == 0) {
            d->pending[i].id = d->next_id++;
            return d->pending[i].id;
        }
    }
    return -1;
}

struct cdp_pending *cdp_dispatch_slot(struct cdp_dispatch *d, int64_t id)
{
    if (id <= 0)
        return NULL;
    for (int i = 0; i < CDP_MAX_PENDING; i++)
        if (d->pending[i].id == id)
            return &d->pending[i];
    return NULL;
}

void cdp_dispatch_release(struct cdp_dispatch *d, int64_t id)
{
    struct cdp_pending *p = cdp_dispatch_slot(d, id);
    if (p)
        slot_clear(p);
}

int cdp_dispatch_fragment(struct cdp_dispatch *d, const void *data, size_t len,
                          bool is_final)
{
    if (buf_append(&d->partial, data, len) < 0) {
        /* Too big: drop what we have; the rest of this message's fragments
         * will be appended to an empty buffer and fail to parse, counted. */
        buf_reset(&d->partial);
        d->bad_messages++;
        return -1;
    }
    if (!is_final)
        return 0;
    int rc = cdp_dispatch_message(d, d->partial.data, d->partial.len);
    buf_reset(&d->partial);
    /* A big message leaves a big buffer: give it back so an idle connection
     * after one IO.read does not pin tens of MB. */
    if (d->partial.cap > ((size_t)4 << 20))
        buf_free(&d->partial);
    return rc;
}

static void route_reply(struct cdp_dispatch *d, json_t *msg, json_int_t id)
{
    struct cdp_pending *p = cdp_dispatch_slot(d, (int64_t)id);
    if (!p || p->done) {
        d->unmatched_replies++;
        return;
    }
    json_t *err = json_object_get(msg, "error");
    if (err) {
        json_t *code = json_object_get(err, "code");
        const char *text = json_string_value(json_object_get(err, "message"));
        p->error = xasprintf("%lld: %s",
                             json_is_integer(code) ? (long long)json_integer_value(code) : 0LL,
                             text ? text : "(no message)");
    } else {
        json_t *result = json_object_get(msg, "result");
        p->result = json_is_object(result) ? json_incref(result) : json_object();
    }
    p->done = true;
    d->replies++;
}

int cdp_dispatch_message(struct cdp_dispatch *d, const char *text, size_t len)
{
    d->messages++;
    json_error_t jerr;
    json_t *msg = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
    if (!json_is_object(msg)) {
        json_decref(msg);
        d->bad_messages++;
        return -1;
    }
    json_t *id = json_object_get(msg, "id");
    const char *method = json_string_value(json_object_get(msg, "method"));
    int rc = 0;
    if (json_is_integer(id)) {
        route_reply(d, msg, json_integer_value(id));
    } else if (method && !id) {
        json_t *params = json_object_get(msg, "params");
        if (params && !json_is_object(params)) {
            d->bad_messages++;
            rc = -1;
        } else {
            json_t *session = json_object_get(msg, "sessionId");
            if (session && !json_is_string(session)) {
                d->bad_messages++;
                rc = -1;
            } else {
                d->events++;
                json_t *empty = params ? NULL : json_object();
                if (d->on_event)
                    d->on_event(d->event_arg, json_string_value(session), method,
                                params ? params : empty);
                json_decref(empty);
            }
        }
    } else {
        d->bad_messages++;
        rc = -1;
    }
    json_decref(msg);
    return rc;
}

char *cdp_command_json(int64_t id, const char *session_id, const char *method,
                       json_t *params, size_t *len)
{
    json_t *cmd = json_pack("{s:I, s:s}", "id", (json_int_t)id, "method", method);
    if (params)
        json_object_set(cmd, "params", params);
    else
        json_object_set_new(cmd, "params", json_object());
    if (session_id)
        json_object_set_new(cmd, "sessionId", json_string(session_id));
    char *s = json_dumps(cmd, JSON_COMPACT);
    json_decref(cmd);
    if (!s)
        abort();
    *len = strlen(s);
    return s;
}
