/* wasi_census: one module under one WASI runtime, every WASI call recorded.
 *
 * In the browser (runtimes wasmlab, browser_wasi_shim, wasmer): a fresh
 * browser context, a tab on pages/wasi-census.html, the records coming back
 * in batches over the CDP binding __wasmlabReport, then the outcome. A page
 * that does not report within the timeout (an endless loop) is stopped with
 * Runtime.terminateExecution and its context disposed: a recorded outcome,
 * never a hung census. In Node (runtime node, node:wasi): pages/wasi-node.mjs
 * spawned through base/spawn with the same timeout (its group killed), its
 * stdout (the same messages, a JSON object a line) captured and bounded.
 *
 * Either way the result is the same shape, turned into DB rows by
 * wasi_census_store: an outcome (status, exit code, trap, timeout, reason,
 * stdout capped), its calls (each attributed to the probe step whose
 * `wasi-step` line it precedes; docs: /work/prompts protocol, docs/wasi.md)
 * and the probe's steps. */
#ifndef WASMLAB_WASI_CENSUS_H
#define WASMLAB_WASI_CENSUS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cdp/cdp.h"
#include "db/db.h"

/* Runtimes, in the matrix's column order; WASI_CENSUS_DEFAULT_RUNTIMES
 * first ones are the default ("none", no shim at all, only on request). */
extern const char *const wasi_runtimes[];   /* NULL-terminated */
#define WASI_CENSUS_DEFAULT_RUNTIMES 4
bool wasi_runtime_in_browser(const char *runtime);

/* Records kept per outcome on our side too (the page caps its own). */
#define WASI_CENSUS_MAX_CALLS 20000

struct wasi_census_result {
    json_t *calls;          /* array of the wrapper's records */
    json_t *done;           /* the outcome message, NULL when none came */
    bool timed_out;
    bool crashed;           /* the renderer crashed (Inspector.targetCrashed) */
    char reason[512];       /* why there is no outcome, or "" */
    char host[160];         /* browser product or "node vX" */
    int64_t dropped_here;   /* records past WASI_CENSUS_MAX_CALLS */
    double wall_ms;
};
void wasi_census_result_free(struct wasi_census_result *r);

/* The page's state while one module runs; the session's CDP event callback
 * is wasi_census_on_event with a struct wasi_census_page as its arg. */
struct wasi_census_page {
    char session_id[128];
    char target_id[128];
    struct wasi_census_result *r;
    bool crashed;
    char gone[96];          /* why the page went away, when it did */
    char exception[256];
};
void wasi_census_on_event(void *arg, const char *session_id, const char *method,
                          json_t *params);

/* The program's arguments are [name, arg] (the protocol's [name, "--probe"];
 * c/wasi-faults takes the fault's name). name and arg must be plain:
 * [A-Za-z0-9/._+-]. */
/* Runs module_url (served by the harness's server on http_port) under a
 * browser runtime. Returns 0 when an outcome (of any kind, a timeout
 * included) was recorded in r, -1 when the browser itself failed (r->reason
 * says why; the browser cannot be trusted with the next module). */
int wasi_census_page_run(struct cdp *cdp, struct wasi_census_page *pg, int http_port,
                         const char *runtime, const char *module_url, const char *name,
                         const char *arg, int timeout_ms, struct wasi_census_result *r);

/* Runs wasm_path under node:wasi via pages/wasi-node.mjs. Returns 0 when an
 * outcome (a timeout included) was recorded, -1 when Node could not start. */
int wasi_census_node_run(const char *pages_dir, const char *vendor_dir, const char *runtime,
                         const char *wasm_path, const char *name, const char *arg,
                         int timeout_ms, struct wasi_census_result *r);

/* The wasi_snapshot_preview1 functions a module file imports, from its
 * bytes (collector/wasm/wasm_binary.h), as a JSON array text (caller frees),
 * or NULL when the file cannot be read or parsed. */
char *wasi_census_imports(const char *wasm_path);

/* Stores r as one outcome with its calls and steps (one transaction).
 * language may be NULL; imports_json (wasi_census_imports) may be NULL, then
 * the runtime's own list is stored. Returns 0 or -1 (db_errmsg). */
int wasi_census_store(struct db *db, int64_t run_id, const char *runtime, const char *module,
                      const char *language, const char *imports_json,
                      const struct wasi_census_result *r, char *status_out, size_t status_len);

#endif
