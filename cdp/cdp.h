/* cdp: a Chrome DevTools Protocol connection over a libwebsockets client.
 *
 * The connection lives in a libwebsockets context the caller owns, so the
 * same event loop can serve HTTP (collector/server) while we wait for the
 * browser: there are no threads. Calls are synchronous from the caller's side:
 * cdp_call sends a command and services the loop until its reply, an error,
 * or the timeout. Every wait is bounded and returns a status, never hangs.
 *
 * Events are delivered to the event callback from inside cdp_call/cdp_wait.
 * The callback must not call cdp_call or cdp_wait itself (no re-entrancy);
 * it records what it needs, and the caller acts after the wait returns.
 *
 * Flattened sessions: pass the sessionId from Target.attachToTarget
 * (flatten:true) as session_id; NULL addresses the browser target. */
#ifndef WASMLAB_CDP_H
#define WASMLAB_CDP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "cdp/cdp_message.h"

enum cdp_status {
    CDP_OK = 0,
    CDP_ETIMEOUT = -1,   /* the wait's deadline passed */
    CDP_ECLOSED = -2,    /* the websocket is closed (browser gone?) */
    CDP_ECOMMAND = -3,   /* the browser answered the command with an error */
    CDP_EABORT = -4,     /* the watchdog asked to stop (signal, dead browser) */
    CDP_EPROTO = -5,     /* could not send (too many pending, too big) */
};
const char *cdp_strerror(int status);

struct cdp;

/* Returns non-zero to abort the current wait with CDP_EABORT. Called about
 * every 20 ms while waiting. */
typedef int (*cdp_watchdog_fn)(void *arg);

/* Connects to ws://127.0.0.1:port/path, waiting up to timeout_ms.
 * Sends no Origin header (Chrome 111+ rejects unknown origins).
 * Returns NULL with a one-line reason in err. */
struct cdp *cdp_connect(struct lws_context *ctx, int port, const char *path,
                        int timeout_ms, cdp_event_fn on_event, void *event_arg,
                        char *err, size_t errlen);
void cdp_set_watchdog(struct cdp *c, cdp_watchdog_fn fn, void *arg);
/* Closes the websocket (if still open) and frees everything. */
void cdp_close(struct cdp *c);

/* Sends method(params) to session_id (NULL = browser) and waits for the reply.
 * params: stolen reference, may be NULL. *result: new reference on CDP_OK
 * (may pass NULL to discard). On error, cdp_errmsg says what happened. */
int cdp_call(struct cdp *c, const char *session_id, const char *method,
             json_t *params, json_t **result, int timeout_ms);
/* A command in two halves, so the loop can do other work (read a trace)
 * while the browser answers: cdp_start sends method(params) (params stolen)
 * and returns its id (> 0) or a negative status; cdp_finish waits for that
 * id's reply exactly as cdp_call would and releases the id; cdp_forget
 * releases an id whose reply is no longer wanted. Every started id must be
 * finished or forgotten (at most CDP_MAX_PENDING are outstanding). */
int64_t cdp_start(struct cdp *c, const char *session_id, const char *method,
                  json_t *params);
int cdp_finish(struct cdp *c, int64_t id, const char *method, json_t **result,
               int timeout_ms);
void cdp_forget(struct cdp *c, int64_t id);
/* True once the reply of a started id is in (cdp_finish will not wait). */
bool cdp_replied(struct cdp *c, int64_t id);
/* Sends without waiting for the reply (the reply is discarded when it comes).
 * For Browser.close, whose reply may never arrive. */
int cdp_send(struct cdp *c, const char *session_id, const char *method,
             json_t *params);
/* Services the loop until done(arg) returns true, the timeout, the
 * connection closing, or the watchdog. */
int cdp_wait(struct cdp *c, bool (*done)(void *arg), void *arg, int timeout_ms);

bool cdp_is_open(const struct cdp *c);
/* The last error, one line. Static storage in the handle. */
const char *cdp_errmsg(const struct cdp *c);
/* The message layer's counters (messages, bad_messages, ...). */
const struct cdp_dispatch *cdp_stats(const struct cdp *c);

#endif
