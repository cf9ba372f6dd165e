#include "cdp/session.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *browser_kind_of_product(const char *product)
{
    return product && strncmp(product, "HeadlessChrome/", 15) == 0
               ? BROWSER_KIND_HEADLESS_SHELL
               : BROWSER_KIND_CHROMIUM;
}

void browser_identity_free(struct browser_identity *id)
{
    free(id->product);
    free(id->revision);
    free(id->v8_version);
    free(id->user_agent);
    free(id->protocol_version);
    memset(id, 0, sizeof *id);
}

static char *jdup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? xstrdup(s) : NULL;
}

static struct lws_context *own_context(void)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    return lws_create_context(&info);
}

int browser_session_open(struct browser_session *s, const struct browser_session_options *o,
                         char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    int timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
    s->proc = browser_launch(&o->browser, err, errlen);
    if (!s->proc)
        return SESSION_LAUNCH;
    struct lws_context *ctx = o->ctx;
    if (!ctx) {
        ctx = s->own_ctx = own_context();
        if (!ctx) {
            snprintf(err, errlen, "cannot create the event loop");
            browser_session_close(s, false);
            return SESSION_CONNECT;
        }
    }
    s->cdp = cdp_connect(ctx, s->proc->port, s->proc->ws_path, timeout_ms, o->on_event,
                         o->event_arg, err, errlen);
    if (!s->cdp) {
        browser_session_close(s, true);
        return SESSION_CONNECT;
    }
    if (o->watchdog)
        cdp_set_watchdog(s->cdp, o->watchdog, o->watchdog_arg);
    json_t *v = NULL;
    if (cdp_call(s->cdp, NULL, "Browser.getVersion", NULL, &v, timeout_ms) != CDP_OK) {
        snprintf(err, errlen, "%s", cdp_errmsg(s->cdp));
        browser_session_close(s, true);
        return SESSION_VERSION;
    }
    s->id.product = jdup(v, "product");
    s->id.revision = jdup(v, "revision");
    s->id.v8_version = jdup(v, "jsVersion");
    s->id.user_agent = jdup(v, "userAgent");
    s->id.protocol_version = jdup(v, "protocolVersion");
    s->id.kind = browser_kind_of_product(s->id.product);
    json_decref(v);
    return SESSION_OK;
}

void browser_session_close(struct browser_session *s, bool graceful)
{
    if (graceful && s->cdp && cdp_is_open(s->cdp) && browser_alive(s->proc)) {
        /* Browser.close's reply may never come: the connection just drops. */
        cdp_send(s->cdp, NULL, "Browser.close", NULL);
        browser_wait_exit(s->proc, 5000);
    }
    cdp_close(s->cdp);
    s->cdp = NULL;
    browser_free(s->proc);    /* kills what is left, reaps, removes the profile */
    s->proc = NULL;
    if (s->own_ctx)
        lws_context_destroy(s->own_ctx);
    s->own_ctx = NULL;
    browser_identity_free(&s->id);
}
