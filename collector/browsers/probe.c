/* probe: starts a candidate browser once, through cdp/session, to prove it
 * runs and learn what it is (Browser.getVersion and the kind rule). */
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "cdp/session.h"
#include "collector/browsers/store_internal.h"

static void probe_lws_log(int level, const char *line)
{
    if (level == LLL_ERR)
        fprintf(stderr, "wasmlab: libwebsockets: %s", line);
}

int store_probe(const char *exe, char *const *flags, int timeout_ms, struct browser_entry *e,
                char *err, size_t errlen)
{
    lws_set_log_level(LLL_ERR, probe_lws_log);
    struct browser_session_options so = {
        .browser = { .path = exe, .extra_args = (const char *const *)flags,
                     .startup_timeout_ms = timeout_ms },
    };
    struct browser_session s;
    char why[512];
    int step = browser_session_open(&s, &so, why, sizeof why);
    switch (step) {
    case SESSION_OK:
        break;
    case SESSION_LAUNCH:
        snprintf(err, errlen, "it does not start: %s", why);
        return -1;
    case SESSION_CONNECT:
        snprintf(err, errlen, "it started but DevTools did not answer: %s", why);
        return -1;
    default:
        snprintf(err, errlen, "it started but Browser.getVersion failed: %s", why);
        return -1;
    }
    browser_identity_free(&e->id);
    e->id = s.id;                       /* the entry takes the strings */
    memset(&s.id, 0, sizeof s.id);
    browser_session_close(&s, true);
    return 0;
}
