/* session: a launched browser with a DevTools connection and its identity.
 *
 * "Launch the browser, connect over CDP, ask Browser.getVersion, tell
 * headless_shell from full Chromium" in one place, for the measurement plan,
 * the browser store's probe and the report-page checker. It knows nothing of
 * wasm or of the database. Every step is bounded (startup, connect and
 * getVersion timeouts); browser_session_close always leaves nothing behind
 * (the process group killed and reaped, the profile removed). */
#ifndef WASMLAB_SESSION_H
#define WASMLAB_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#include "cdp/browser.h"
#include "cdp/cdp.h"

/* The two kinds of Chromium build wasmlab tells apart. Their compile times
 * differ, so loads of one kind are never compared with the other's. */
#define BROWSER_KIND_HEADLESS_SHELL "headless_shell"
#define BROWSER_KIND_CHROMIUM "chromium"

/* The kind rule, in one place: headless_shell builds call themselves
 * "HeadlessChrome/..." in Browser.getVersion's product; full Chromium, even
 * in --headless=new mode, reports "Chrome/...". Returns a static string. */
const char *browser_kind_of_product(const char *product);

/* What Browser.getVersion says, plus the kind derived from it. Strings are
 * owned (NULL when the browser did not say); kind is static. */
struct browser_identity {
    char *product, *revision, *v8_version, *user_agent, *protocol_version;
    const char *kind;
};
void browser_identity_free(struct browser_identity *id);

struct browser_session_options {
    struct browser_options browser;   /* path, extra args, startup timeout */
    /* The event loop to connect in (the caller's, e.g. shared with the HTTP
     * server). NULL: the session makes its own and destroys it on close. */
    struct lws_context *ctx;
    cdp_event_fn on_event;            /* may be NULL */
    void *event_arg;
    cdp_watchdog_fn watchdog;         /* may be NULL; set before getVersion */
    void *watchdog_arg;
    int connect_timeout_ms;           /* 0 = 10 s; also bounds getVersion */
};

struct browser_session {
    struct browser *proc;
    struct cdp *cdp;
    struct browser_identity id;
    struct lws_context *own_ctx;      /* made by the session, or NULL */
};

/* Which step failed (browser_session_open's return value). */
enum browser_session_step {
    SESSION_OK = 0,
    SESSION_LAUNCH = 1,     /* err: browser_launch's reason (names the path) */
    SESSION_CONNECT = 2,    /* err: why DevTools did not answer */
    SESSION_VERSION = 3,    /* err: why Browser.getVersion failed */
};

/* Opens s (caller-allocated). Returns SESSION_OK, or the failing step with a
 * one-line reason in err; on failure s holds nothing (already closed). */
int browser_session_open(struct browser_session *s, const struct browser_session_options *o,
                         char *err, size_t errlen);
/* graceful: ask with Browser.close and give it 5 s first; then whatever is
 * left is killed and reaped, the profile removed, the connection and an own
 * context freed. Safe on a closed or zeroed session. */
void browser_session_close(struct browser_session *s, bool graceful);

#endif
