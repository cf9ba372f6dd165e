/* cdp/session with real browsers: Debian's headless_shell is launched,
 * connected, identified (Browser.getVersion, kind headless_shell), closed and
 * reaped with its profile removed; the full build is identified as chromium;
 * a binary that is not a browser fails at the launch step. Also the kind rule
 * on its own. Each step is bounded; the whole test takes a few seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cdp/session.h"
#include "collector/browsers/spec.h"
#include "tests/check.h"

#define FULL_CHROMIUM "/usr/lib/chromium/chromium"   /* the ELF, not the sh wrapper */

static void test_kind_rule(void)
{
    CHECK_STR(browser_kind_of_product("HeadlessChrome/126.0.6478.126"), "headless_shell");
    CHECK_STR(browser_kind_of_product("Chrome/150.0.7871.100"), "chromium");
    CHECK_STR(browser_kind_of_product("HeadlessChrome"), "chromium");   /* no version: not ours */
    CHECK_STR(browser_kind_of_product(NULL), "chromium");
}

static int events;

static void on_event(void *arg, const char *session_id, const char *method, json_t *params)
{
    (void)arg;
    (void)session_id;
    (void)method;
    (void)params;
    events++;
}

static int never_stop(void *arg)
{
    (void)arg;
    return 0;
}

/* Opens a session on path, checks its identity, closes it and checks that
 * nothing is left: the process reaped, the profile gone. */
static void open_identify_close(const char *path, const char *want_kind, struct lws_context *ctx)
{
    struct browser_session_options so = {
        .browser = { .path = path, .startup_timeout_ms = 20000 },
        .ctx = ctx, .on_event = on_event, .watchdog = never_stop,
    };
    struct browser_session s;
    char err[512];
    int64_t t0 = mono_us();
    int step = browser_session_open(&s, &so, err, sizeof err);
    if (step != SESSION_OK)
        fprintf(stderr, "%s: step %d: %s\n", path, step, err);
    CHECK_INT(step, SESSION_OK);
    if (step != SESSION_OK)
        return;
    fprintf(stderr, "%s: %s, %s, V8 %s in %lld ms\n", path, s.id.product, s.id.kind,
            s.id.v8_version, (long long)(mono_us() - t0) / 1000);
    CHECK_STR(s.id.kind, want_kind);
    CHECK(s.id.product != NULL);
    CHECK(s.id.v8_version != NULL && strchr(s.id.v8_version, '.') != NULL);
    CHECK(s.id.protocol_version != NULL);
    CHECK(s.id.user_agent != NULL);
    CHECK(cdp_is_open(s.cdp));
    CHECK(browser_alive(s.proc));
    CHECK((s.own_ctx != NULL) == (ctx == NULL));
    pid_t pid = s.proc->proc.pid;
    char *profile = xstrdup(s.proc->profile_dir);
    t0 = mono_us();
    browser_session_close(&s, true);
    CHECK(mono_us() - t0 < 8000000);        /* 5 s grace at most, then killed */
    CHECK(s.proc == NULL && s.cdp == NULL && s.id.product == NULL);
    CHECK(kill(pid, 0) < 0 && errno == ESRCH);   /* reaped: no zombie left */
    struct stat st;
    CHECK(stat(profile, &st) < 0 && errno == ENOENT);
    free(profile);
    browser_session_close(&s, true);        /* twice is fine */
}

static void test_launch_failures(void)
{
    struct browser_session s;
    char err[512];
    struct browser_session_options so = { .browser = { .path = "/nonexistent/chromium" } };
    CHECK_INT(browser_session_open(&s, &so, err, sizeof err), SESSION_LAUNCH);
    CHECK(strstr(err, "/nonexistent/chromium") != NULL);
    CHECK(s.proc == NULL && s.cdp == NULL);
    so.browser.path = "/bin/true";           /* runs, exits, never opens DevTools */
    so.browser.startup_timeout_ms = 5000;
    CHECK_INT(browser_session_open(&s, &so, err, sizeof err), SESSION_LAUNCH);
    CHECK(strstr(err, "exited during start-up") != NULL);
}

int main(void)
{
    test_kind_rule();
    test_launch_failures();
    lws_set_log_level(LLL_ERR, NULL);
    open_identify_close(BROWSER_PATH_HEADLESS_SHELL, BROWSER_KIND_HEADLESS_SHELL, NULL);

    /* On the caller's context, as plan.c does (the server shares it). */
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    struct lws_context *ctx = lws_create_context(&info);
    CHECK(ctx != NULL);
    if (access(FULL_CHROMIUM, X_OK) == 0)
        open_identify_close(FULL_CHROMIUM, BROWSER_KIND_CHROMIUM, ctx);
    else
        fprintf(stderr, "no %s: the full-build check is skipped\n", FULL_CHROMIUM);
    lws_context_destroy(ctx);
    return check_result();
}
