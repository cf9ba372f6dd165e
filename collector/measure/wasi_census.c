#define _GNU_SOURCE
#include "collector/measure/wasi_census.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/spawn.h"
#include "base/util.h"
#include "collector/wasm/wasm_binary.h"
#include "db/wasi.h"

#define COMMAND_TIMEOUT_MS 15000
#define BINDING_NAME "__wasmlabReport"
#define NODE_OUTPUT_LIMIT (16u << 20)   /* the wrapper's caps keep it near 2 MB */
#define STDOUT_STORED (64 << 10)

const char *const wasi_runtimes[] = { "wasmlab", "browser_wasi_shim", "wasmer", "node", "none",
                                      NULL };

bool wasi_runtime_in_browser(const char *runtime)
{
    return strcmp(runtime, "node") != 0;
}

void wasi_census_result_free(struct wasi_census_result *r)
{
    json_decref(r->calls);
    json_decref(r->done);
    memset(r, 0, sizeof *r);
}

/* One message of the page or of Node: a batch of records or the outcome. */
static void take_message(struct wasi_census_result *r, json_t *msg)
{
    const char *type = json_string_value(json_object_get(msg, "type"));
    if (!type)
        return;
    if (strcmp(type, "wasi-calls") == 0) {
        json_t *recs = json_object_get(msg, "records");
        size_t i;
        json_t *rec;
        json_array_foreach(recs, i, rec) {
            if (json_array_size(r->calls) >= WASI_CENSUS_MAX_CALLS)
                r->dropped_here++;
            else if (json_is_object(rec))
                json_array_append(r->calls, rec);
        }
    } else if (strcmp(type, "done") == 0 && !r->done) {
        r->done = json_incref(msg);
    } else if (strcmp(type, "node-version") == 0) {
        const char *v = json_string_value(json_object_get(msg, "version"));
        snprintf(r->host, sizeof r->host, "node %s", v ? v : "?");
    }
}

void wasi_census_on_event(void *arg, const char *session_id, const char *method,
                          json_t *params)
{
    struct wasi_census_page *pg = arg;
    if (!pg->r)
        return;
    bool ours = session_id && strcmp(session_id, pg->session_id) == 0;
    if (strcmp(method, "Runtime.bindingCalled") == 0 && ours) {
        const char *name = json_string_value(json_object_get(params, "name"));
        const char *payload = json_string_value(json_object_get(params, "payload"));
        if (!name || strcmp(name, BINDING_NAME) != 0 || !payload)
            return;
        json_t *msg = json_loads(payload, 0, NULL);
        if (msg)
            take_message(pg->r, msg);
        json_decref(msg);
    } else if (strcmp(method, "Runtime.exceptionThrown") == 0 && ours) {
        json_t *d = json_object_get(params, "exceptionDetails");
        const char *text = json_string_value(json_object_get(json_object_get(d, "exception"),
                                                             "description"));
        if (!text)
            text = json_string_value(json_object_get(d, "text"));
        if (text && !pg->exception[0])
            snprintf(pg->exception, sizeof pg->exception, "%s", text);
    } else if (strcmp(method, "Inspector.targetCrashed") == 0 && ours) {
        pg->crashed = true;
        pg->r->crashed = true;
        snprintf(pg->gone, sizeof pg->gone, "the page's renderer crashed (Inspector.targetCrashed)");
    } else if (strcmp(method, "Target.detachedFromTarget") == 0 &&
               strcmp(json_string_value(json_object_get(params, "sessionId")) ?: "",
                      pg->session_id) == 0) {
        pg->crashed = true;
        if (!pg->gone[0])
            snprintf(pg->gone, sizeof pg->gone, "the page's target went away (detached)");
    }
}

static bool page_done(void *arg)
{
    struct wasi_census_page *pg = arg;
    return pg->r->done || pg->crashed;
}

static int open_tab(struct cdp *cdp, struct wasi_census_page *pg, int port, char *ctx_id,
                    size_t ctx_len)
{
    json_t *res = NULL;
    int rc = cdp_call(cdp, NULL, "Target.createBrowserContext",
                      json_pack("{s:b}", "disposeOnDetach", 1), &res, COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    snprintf(ctx_id, ctx_len, "%s",
             json_string_value(json_object_get(res, "browserContextId")) ?: "");
    json_decref(res);
    char blank[80];
    snprintf(blank, sizeof blank, "http://127.0.0.1:%d/pages/blank.html", port);
    rc = cdp_call(cdp, NULL, "Target.createTarget",
                  json_pack("{s:s, s:s}", "url", blank, "browserContextId", ctx_id), &res,
                  COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    snprintf(pg->target_id, sizeof pg->target_id, "%s",
             json_string_value(json_object_get(res, "targetId")) ?: "");
    json_decref(res);
    rc = cdp_call(cdp, NULL, "Target.attachToTarget",
                  json_pack("{s:s, s:b}", "targetId", pg->target_id, "flatten", 1), &res,
                  COMMAND_TIMEOUT_MS);
    if (rc != CDP_OK)
        return rc;
    snprintf(pg->session_id, sizeof pg->session_id, "%s",
             json_string_value(json_object_get(res, "sessionId")) ?: "");
    json_decref(res);
    if ((rc = cdp_call(cdp, pg->session_id, "Runtime.enable", NULL, NULL,
                       COMMAND_TIMEOUT_MS)) != CDP_OK)
        return rc;
    return cdp_call(cdp, pg->session_id, "Runtime.addBinding",
                    json_pack("{s:s}", "name", BINDING_NAME), NULL, COMMAND_TIMEOUT_MS);
}

static char *census_url(int port, const char *runtime, const char *module_url, const char *name,
                        const char *arg)
{
    /* The URLs are ours (/modules/..., /ext/N.wasm); the name is the
     * module's argv[0]: characters a query string would misread become '_'. */
    char *n = xstrdup(name);
    for (char *p = n; *p; p++)
        if (*p == '+' || *p == '&' || *p == '#' || *p == ' ' || *p == '%')
            *p = '_';
    size_t len = strlen(runtime) + strlen(module_url) + strlen(n) + strlen(arg) + 128;
    char *url = xmalloc(len);
    snprintf(url, len,
             "http://127.0.0.1:%d/pages/wasi-census.html?runtime=%s&module=%s&name=%s&arg=%s",
             port, runtime, module_url, n, arg);
    free(n);
    return url;
}

int wasi_census_page_run(struct cdp *cdp, struct wasi_census_page *pg, int http_port,
                         const char *runtime, const char *module_url, const char *name,
                         const char *arg, int timeout_ms, struct wasi_census_result *r)
{
    memset(pg, 0, sizeof *pg);
    memset(r, 0, sizeof *r);
    r->calls = json_array();
    pg->r = r;
    int64_t t0 = mono_us();
    char ctx_id[128] = "";
    int rc = open_tab(cdp, pg, http_port, ctx_id, sizeof ctx_id);
    if (rc == CDP_OK) {
        char *url = census_url(http_port, runtime, module_url, name, arg);
        rc = cdp_call(cdp, pg->session_id, "Page.navigate", json_pack("{s:s}", "url", url),
                      NULL, COMMAND_TIMEOUT_MS);
        free(url);
    }
    if (rc == CDP_OK) {
        rc = cdp_wait(cdp, page_done, pg, timeout_ms);
        if (rc == CDP_ETIMEOUT) {
            /* An endless loop holds the main thread: terminateExecution
             * interrupts it; disposing the context then closes the tab. */
            r->timed_out = true;
            int trc = cdp_call(cdp, pg->session_id, "Runtime.terminateExecution", NULL, NULL,
                               5000);
            snprintf(r->reason, sizeof r->reason,
                     "no outcome within %d s: page stopped (Runtime.terminateExecution %s), "
                     "tab closed", timeout_ms / 1000, trc == CDP_OK ? "ok" : cdp_strerror(trc));
            rc = CDP_OK;
        } else if (rc == CDP_OK && !r->done) {
            snprintf(r->reason, sizeof r->reason, "%s", pg->gone);
        }
    }
    if (rc == CDP_OK && !r->done && !r->reason[0] && pg->exception[0])
        snprintf(r->reason, sizeof r->reason, "page exception: %s", pg->exception);
    if (rc != CDP_OK)
        snprintf(r->reason, sizeof r->reason, "browser: %s", cdp_errmsg(cdp));
    if (ctx_id[0] && cdp_is_open(cdp))
        cdp_call(cdp, NULL, "Target.disposeBrowserContext",
                 json_pack("{s:s}", "browserContextId", ctx_id), NULL, COMMAND_TIMEOUT_MS);
    pg->r = NULL;
    r->wall_ms = (double)(mono_us() - t0) / 1000.0;
    return rc == CDP_OK ? 0 : -1;
}

int wasi_census_node_run(const char *pages_dir, const char *vendor_dir, const char *runtime,
                         const char *wasm_path, const char *name, const char *arg,
                         int timeout_ms, struct wasi_census_result *r)
{
    memset(r, 0, sizeof *r);
    r->calls = json_array();
    snprintf(r->host, sizeof r->host, "node");
    char script[4096];
    snprintf(script, sizeof script, "%s/wasi-node.mjs", pages_dir);
    char *argv[] = { "node", "--no-warnings", script, "--runtime", (char *)runtime,
                     "--name", (char *)name, "--wasm", (char *)wasm_path,
                     "--vendor", (char *)vendor_dir, "--arg", (char *)arg, NULL };
    struct spawn_options o = { .file = "node", .argv = argv, .search_path = true,
                               .new_group = true, .die_with_parent = true,
                               .out = SPAWN_IO_CAPTURE, .err = SPAWN_IO_CAPTURE,
                               .out_limit = NODE_OUTPUT_LIMIT, .err_limit = 4096 };
    struct spawn_result sr;
    char err[512] = "";
    int64_t t0 = mono_us();
    int rc = spawn_run(&o, timeout_ms, NULL, &sr, err, sizeof err);
    r->wall_ms = (double)(mono_us() - t0) / 1000.0;
    if (rc < 0 && sr.exec_errno) {
        snprintf(r->reason, sizeof r->reason, "node: %s", err);
        spawn_result_free(&sr);
        return -1;
    }
    char *save = NULL;
    for (char *line = strtok_r(sr.out.data ? sr.out.data : (char *)"", "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *msg = json_loads(line, 0, NULL);
        if (msg)
            take_message(r, msg);
        json_decref(msg);
    }
    if (sr.timed_out) {
        r->timed_out = true;
        snprintf(r->reason, sizeof r->reason, "no outcome within %d s: node killed",
                 timeout_ms / 1000);
    } else if (!r->done) {
        char how[64];
        snprintf(how, sizeof how, "%s", WIFEXITED(sr.status) ? "exited" : "killed");
        snprintf(r->reason, sizeof r->reason, "node %s without an outcome (status %d)%s%.300s",
                 how, sr.status, sr.err.len ? ": " : "", sr.err.data ? sr.err.data : "");
        for (char *p = r->reason; *p; p++)
            if (*p == '\n')
                *p = ' ';
    }
    if (sr.out_truncated && !r->reason[0])
        snprintf(r->reason, sizeof r->reason, "node's output passed %u bytes: cut", NODE_OUTPUT_LIMIT);
    spawn_result_free(&sr);
    return 0;
}

/* ---- from a result to rows ---- */

/* The first (or, with last, the last) probe line in text: `wasi-step STEP
 * RESULT` gives STEP, `wasi-probe FN RESULT` (the raw section) gives
 * "raw:FN"; pending gets 1 when its result is "pending". 0 when none. */
static int step_line(const char *text, bool last, char *step, size_t len, int *pending)
{
    const char *p = text;
    int found = 0;
    while (p && *p) {
        bool raw = strncmp(p, "wasi-probe ", 11) == 0;
        if (raw || strncmp(p, "wasi-step ", 10) == 0) {
            char name[48] = "", result[64] = "";
            if (sscanf(p + (raw ? 11 : 10), "%47s %63s", name, result) >= 1) {
                snprintf(step, len, "%s%s", raw ? "raw:" : "", name);
                *pending = strcmp(result, "pending") == 0;
                found = 1;
                if (!last)
                    return 1;
            }
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return found;
}

/* The calls' steps: the calls since the previous probe line's fd_write, and
 * that fd_write itself, belong to the step the next line names (the
 * protocol's rule; a raw `wasi-probe` line closes a window too, so the raw
 * section's calls are not charged to the last language step). Calls after
 * the last line belong to it only when it said "pending" (proc-exit).
 * steps[i] is "" when no line follows. */
static void attribute_steps(json_t *calls, char (*steps)[64])
{
    size_t n = json_array_size(calls), from = 0;
    char last[64] = "";
    int last_pending = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(calls, i);
        const char *fn = json_string_value(json_object_get(c, "fn"));
        const char *text = json_string_value(json_object_get(c, "text"));
        char step[64];
        int pending = 0;
        steps[i][0] = 0;
        if (fn && strcmp(fn, "fd_write") == 0 && text &&
            step_line(text, false, step, sizeof step, &pending)) {
            for (size_t k = from; k <= i; k++)
                snprintf(steps[k], sizeof steps[k], "%s", step);
            from = i + 1;
            /* several lines in one write: what follows is the last one's */
            step_line(text, true, last, sizeof last, &last_pending);
        }
    }
    for (size_t k = from; k < n && last_pending; k++)
        snprintf(steps[k], sizeof steps[k], "%s", last);
}

/* The probe's `wasi-step STEP RESULT [detail]` lines of its stdout. */
static size_t parse_steps(char *out, struct db_wasi_step *steps, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line && n < max;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "wasi-step ", 10) != 0)
            continue;
        char *step = line + 10;
        char *result = strchr(step, ' ');
        if (!result)
            continue;
        *result++ = 0;
        char *detail = strchr(result, ' ');
        if (detail)
            *detail++ = 0;
        steps[n++] = (struct db_wasi_step){ step, result, detail };
    }
    return n;
}

/* Without an outcome (a crash, a timeout) the stdout the records saw: each
 * fd_write to fd 1 keeps its first 512 bytes, enough for the probe's lines. */
static char *stdout_from_calls(json_t *calls)
{
    struct buf b = { 0 };
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c) {
        const char *fn = json_string_value(json_object_get(c, "fn"));
        const char *args = json_string_value(json_object_get(c, "args"));
        const char *text = json_string_value(json_object_get(c, "text"));
        if (fn && strcmp(fn, "fd_write") == 0 && args && strcmp(args, "fd=1") == 0 && text &&
            b.len < STDOUT_STORED)
            buf_append(&b, text, strlen(text));
    }
    buf_append(&b, "", 1);
    return b.data;
}

/* status and reason of the outcome (db/README.md's wasi_outcomes.status). */
static const char *outcome_status(const struct wasi_census_result *r, int64_t *exit_code,
                                  char *reason, size_t len)
{
    json_t *d = r->done;
    json_t *code = json_object_get(d, "exit_code");
    *exit_code = json_is_integer(code) ? json_integer_value(code) : DB_NULL;
    const char *err = json_string_value(json_object_get(d, "error"));
    snprintf(reason, len, "%s", r->reason);
    if (r->timed_out)
        return "timeout";
    if (!d)
        return r->crashed ? "crashed" : "error";
    if (json_is_string(json_object_get(d, "not_provided"))) {
        snprintf(reason, len, "%s", json_string_value(json_object_get(d, "not_provided")));
        return "not_provided";
    }
    if (json_is_true(json_object_get(d, "trapped"))) {
        snprintf(reason, len, "%s", err ? err : "trapped");
        for (char *p = reason; *p; p++)
            if (*p == '\n')
                *p = ' ';
        return "trapped";
    }
    if (!json_is_true(json_object_get(d, "ok"))) {
        const char *phase = json_string_value(json_object_get(d, "phase"));
        snprintf(reason, len, "%s failed: %s", phase ? phase : "setup", err ? err : "?");
        return "error";
    }
    if (*exit_code != DB_NULL && *exit_code != 0) {
        snprintf(reason, len, "exit code %lld", (long long)*exit_code);
        return "exit";
    }
    return "ok";
}

char *wasi_census_imports(const char *wasm_path)
{
    size_t len = 0;
    uint8_t *data = read_whole_file(wasm_path, &len);
    if (!data)
        return NULL;
    struct wasm_module m;
    struct wasm_error e;
    char *out = NULL;
    if (wasm_parse(data, len, &m, &e) == 0) {
        json_t *a = json_array();
        for (size_t i = 0; i < m.import_count; i++) {
            const struct wasm_import *im = &m.imports[i];
            if (im->kind != WASM_EXTERN_FUNC || im->module.len != 22 ||
                memcmp(im->module.bytes, "wasi_snapshot_preview1", 22) != 0)
                continue;
            json_t *name = json_stringn(im->field.bytes, im->field.len);
            bool seen = false;
            size_t k;
            json_t *v;
            json_array_foreach(a, k, v) seen |= json_equal(v, name);
            if (seen)
                json_decref(name);   /* Go imports some twice */
            else
                json_array_append_new(a, name);
        }
        out = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        wasm_module_free(&m);
    }
    free(data);
    return out;
}

int wasi_census_store(struct db *db, int64_t run_id, const char *runtime, const char *module,
                      const char *language, const char *imports_json,
                      const struct wasi_census_result *r, char *status_out, size_t status_len)
{
    json_t *d = r->done;
    char reason[512];
    int64_t exit_code;
    const char *status = outcome_status(r, &exit_code, reason, sizeof reason);
    snprintf(status_out, status_len, "%s", status);
    char *imports = imports_json ? xstrdup(imports_json)
                  : d ? json_dumps(json_object_get(d, "imports"), JSON_COMPACT) : NULL;
    char *missing = d ? json_dumps(json_object_get(d, "missing"), JSON_COMPACT) : NULL;
    const char *out = json_string_value(json_object_get(d, "stdout"));
    char *stdout_text = out ? xstrdup(out) : stdout_from_calls(r->calls);
    if (strlen(stdout_text) > STDOUT_STORED)
        stdout_text[STDOUT_STORED] = 0;
    const char *err = json_string_value(json_object_get(d, "stderr"));
    char *stderr_text = xstrdup(err ? err : "");
    if (strlen(stderr_text) > STDOUT_STORED)
        stderr_text[STDOUT_STORED] = 0;
    json_t *ebytes = json_object_get(d, "stderr_bytes");
    json_t *dropped = json_object_get(d, "dropped");
    json_t *bytes = json_object_get(d, "stdout_bytes");
    size_t n = json_array_size(r->calls);
    struct db_wasi_outcome o = {
        .host = r->host, .runtime = runtime, .module = module, .language = language,
        .status = status, .reason = reason[0] ? reason : NULL, .exit_code = exit_code,
        .trapped = strcmp(status, "trapped") == 0 || strcmp(status, "not_provided") == 0,
        .timed_out = r->timed_out, .imports_json = imports, .missing_json = missing,
        .stdout_bytes = json_is_integer(bytes) ? json_integer_value(bytes) : DB_NULL,
        .stdout_text = stdout_text, .calls_recorded = (int64_t)n,
        .stderr_bytes = json_is_integer(ebytes) ? json_integer_value(ebytes) : DB_NULL,
        .stderr_text = stderr_text,
        .calls_dropped = (json_is_integer(dropped) ? json_integer_value(dropped) : 0) +
                         r->dropped_here,
        .wall_ms = r->wall_ms,
    };
    char (*steps)[64] = xcalloc(n + 1, sizeof *steps);
    attribute_steps(r->calls, steps);
    struct db_wasi_call *calls = xcalloc(n + 1, sizeof *calls);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(r->calls, i);
        json_t *e = json_object_get(c, "errno");
        json_t *us = json_object_get(c, "us");
        const char *fn = json_string_value(json_object_get(c, "fn"));
        const char *res = json_string_value(json_object_get(c, "result"));
        calls[i] = (struct db_wasi_call){
            .seq = json_integer_value(json_object_get(c, "seq")), .fn = fn ? fn : "?",
            .args = json_string_value(json_object_get(c, "args")), .result = res ? res : "?",
            .step = steps[i][0] ? steps[i] : NULL,
            .errno_value = json_is_integer(e) ? json_integer_value(e) : DB_NULL,
            .us = json_is_number(us) ? json_number_value(us) : 0.0,
        };
        if (calls[i].seq <= 0)
            calls[i].seq = (int64_t)i + 1;
    }
    char *step_text = xstrdup(stdout_text);
    struct db_wasi_step *st = xcalloc(4096, sizeof *st);
    size_t n_steps = parse_steps(step_text, st, 4096);
    int rc = db_wasi_store(db, run_id, &o, calls, n, st, n_steps, NULL);
    free(st);
    free(step_text);
    free(calls);
    free(steps);
    free(stdout_text);
    free(stderr_text);
    free(imports);
    free(missing);
    return rc;
}
