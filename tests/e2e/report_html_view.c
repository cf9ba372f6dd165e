/* Opens a `wasmlab report html` page in real headless Chromium, through
 * wasmlab's own cdp/ and browser code, and checks that it works offline:
 * it loads (file:// URL) without exceptions, console errors or log errors
 * (a Content-Security-Policy violation is one), requests nothing but the
 * page itself and data: URIs, and every image decodes to a non-zero size.
 *
 * A helper program charts_e2e.sh runs (not a test by itself); the browser
 * comes up through cdp/session.h, as in a measurement.
 *
 * usage: report_html_view PAGE.html MIN_IMAGES [BROWSER]
 * Prints what it found; exits 0 when every check passes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "cdp/cdp.h"
#include "cdp/session.h"
#include "collector/browsers/spec.h"
#include "tests/check.h"

struct seen {
    bool loaded;
    int exceptions, console_errors, log_errors, requests, foreign_requests;
    char first_problem[512];
};

static void problem(struct seen *s, const char *what, const char *text)
{
    if (!s->first_problem[0])
        snprintf(s->first_problem, sizeof s->first_problem, "%s: %s", what, text ? text : "?");
}

static void on_event(void *arg, const char *session_id, const char *method, json_t *params)
{
    struct seen *s = arg;
    (void)session_id;
    if (strcmp(method, "Page.loadEventFired") == 0) {
        s->loaded = true;
    } else if (strcmp(method, "Runtime.exceptionThrown") == 0) {
        s->exceptions++;
        json_t *d = json_object_get(params, "exceptionDetails");
        problem(s, "exception", json_string_value(json_object_get(d, "text")));
    } else if (strcmp(method, "Runtime.consoleAPICalled") == 0) {
        const char *type = json_string_value(json_object_get(params, "type"));
        if (type && (strcmp(type, "error") == 0 || strcmp(type, "assert") == 0)) {
            s->console_errors++;
            json_t *a0 = json_array_get(json_object_get(params, "args"), 0);
            problem(s, "console error", json_string_value(json_object_get(a0, "value")));
        }
    } else if (strcmp(method, "Log.entryAdded") == 0) {
        json_t *e = json_object_get(params, "entry");
        const char *level = json_string_value(json_object_get(e, "level"));
        if (level && strcmp(level, "error") == 0) {
            s->log_errors++;
            problem(s, "log error", json_string_value(json_object_get(e, "text")));
        }
    } else if (strcmp(method, "Network.requestWillBeSent") == 0) {
        const char *url = json_string_value(json_object_get(json_object_get(params, "request"),
                                                            "url"));
        s->requests++;
        if (!url || (strncmp(url, "file://", 7) != 0 && strncmp(url, "data:", 5) != 0)) {
            s->foreign_requests++;
            problem(s, "network request", url);
        }
    }
}

static bool page_loaded(void *arg)
{
    return ((struct seen *)arg)->loaded;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

static json_t *call(struct cdp *c, const char *session, const char *method, json_t *params)
{
    json_t *res = NULL;
    int rc = cdp_call(c, session, method, params, &res, 15000);
    if (rc != CDP_OK) {
        fprintf(stderr, "%s: %s\n", method, cdp_errmsg(c));
        CHECK(rc == CDP_OK);
        return NULL;
    }
    return res;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: report_html_view PAGE.html MIN_IMAGES [BROWSER]\n");
        return 2;
    }
    char page[PATH_MAX];
    if (!realpath(argv[1], page)) {
        perror(argv[1]);
        return 1;
    }
    long min_images = strtol(argv[2], NULL, 10);
    const char *browser_path = argc > 3 ? argv[3] : BROWSER_PATH_HEADLESS_SHELL;

    lws_set_log_level(LLL_ERR, NULL);
    struct seen seen = { 0 };
    struct browser_session_options so = {
        .browser = { .path = browser_path }, .on_event = on_event, .event_arg = &seen,
    };
    struct browser_session bs;
    char err[512];
    int step = browser_session_open(&bs, &so, err, sizeof err);
    if (step != SESSION_OK) {
        fprintf(stderr, "browser %s: %s\n", browser_path, err);
        CHECK(step == SESSION_OK);
        return check_result();
    }
    struct cdp *c = bs.cdp;

    json_t *res = call(c, NULL, "Target.createTarget", json_pack("{s:s}", "url", "about:blank"));
    char target[128] = "", session[128] = "";
    snprintf(target, sizeof target, "%s",
             json_string_value(json_object_get(res, "targetId")) ?: "");
    json_decref(res);
    res = call(c, NULL, "Target.attachToTarget",
               json_pack("{s:s, s:b}", "targetId", target, "flatten", 1));
    snprintf(session, sizeof session, "%s",
             json_string_value(json_object_get(res, "sessionId")) ?: "");
    json_decref(res);
    CHECK(session[0] != 0);

    static const char *const domains[] = { "Runtime.enable", "Log.enable", "Page.enable",
                                           "Network.enable" };
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++)
        json_decref(call(c, session, domains[i], NULL));
    char url[PATH_MAX + 8];
    snprintf(url, sizeof url, "file://%s", page);
    json_decref(call(c, session, "Page.navigate", json_pack("{s:s}", "url", url)));
    CHECK(cdp_wait(c, page_loaded, &seen, 30000) == CDP_OK);
    /* late errors (image decoding) have a moment to arrive */
    cdp_wait(c, never, NULL, 500);

    res = call(c, session, "Runtime.evaluate",
               json_pack("{s:s, s:b}", "expression",
                         "JSON.stringify({n: document.images.length,"
                         " decoded: [...document.images].every(i => i.complete && i.naturalWidth > 0"
                         "   && i.naturalHeight > 0),"
                         " minWidth: Math.min(...[...document.images].map(i => i.naturalWidth)),"
                         " tables: document.querySelectorAll('table').length,"
                         " title: document.title})",
                         "returnByValue", 1));
    const char *text = json_string_value(json_object_get(json_object_get(res, "result"), "value"));
    json_t *r = text ? json_loads(text, 0, NULL) : NULL;
    printf("page %s: %s\n", page, text ? text : "(no result)");
    printf("requests %d (foreign %d), exceptions %d, console errors %d, log errors %d%s%s\n",
           seen.requests, seen.foreign_requests, seen.exceptions, seen.console_errors,
           seen.log_errors, seen.first_problem[0] ? "; first: " : "", seen.first_problem);
    CHECK(r != NULL);
    CHECK(json_integer_value(json_object_get(r, "n")) >= min_images);
    CHECK(json_is_true(json_object_get(r, "decoded")));
    CHECK(json_integer_value(json_object_get(r, "tables")) >= 3);
    CHECK_INT(seen.exceptions, 0);
    CHECK_INT(seen.console_errors, 0);
    CHECK_INT(seen.log_errors, 0);
    CHECK_INT(seen.foreign_requests, 0);
    CHECK(seen.requests >= 1);
    json_decref(r);
    json_decref(res);

    browser_session_close(&bs, true);
    return check_result();
}
