/* load: one measured load of one module, in a new renderer.
 *
 * Sequence: Target.createBrowserContext (off the record: no HTTP or code
 * cache from before) -> createTarget on a blank page -> attachToTarget{flatten}
 * -> Runtime.enable, Runtime.addBinding -> Tracing.start (ReturnAsStream) ->
 * Page.navigate to the harness -> wait for the harness's report over the
 * binding (or a crash, or the timeout) -> Tracing.end -> IO.read the trace
 * straight into the streaming parser and the extractor.
 *
 * The next load reuses the tab (issue 12): it navigates it to the harness,
 * held (?hold=1: the page loads, reports "ready" and waits), on an origin no
 * load of this browser used (http://l<N>.localhost), which a new renderer
 * must serve; once the previous load's renderer has exited (and, unbatched,
 * tracing has started) Runtime.evaluate("__wasmlabGo()") releases it. That
 * starts one renderer per load where a new context's tab starts two
 * (load.c, reuse_page, says why), keeps the page's own loading out of the
 * window, and still gives every load a new renderer, a new HTTP and
 * code-cache key and a new connection; the trace proves it per load. A load whose page failed, that ran in the browser's
 * own context (warm code cache) or under the cdp network shaper is not
 * followed: its context is disposed of and the next load opens its own.
 *
 * Pipelined (issue 12; opt-in, WASMLAB_PIPELINE=1: it measured slower than
 * the serial loop on 2 cores): once a load's trace has been read and its stream
 * closed, the NEXT load's context, tab and renderer are opened while this
 * load is extracted and stored; the next load_run adopts that page (opening
 * it earlier, during the flush, slowed the flush and made Tracing.start
 * stall: bench/README.md). Nothing is created during a measured window, and
 * the next load starts tracing only once the previous renderer has exited.
 * Pipelined loads do not reuse tabs. Without WASMLAB_PIPELINE=1, plan.c sets
 * no_prepare: the serial loop. load_session_close disposes of a page prepared
 * for a load that never came, and of a kept tab.
 *
 * A failed load is an outcome, not an error: it comes back with a status
 * ("timeout", "renderer_crashed", ...) and a one-line error, for the caller to
 * store. browser_lost tells the caller the browser must be restarted. */
#ifndef WASMLAB_LOAD_H
#define WASMLAB_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cdp/cdp.h"
#include "collector/trace/extract.h"
#include "base/zstd_writer.h"
#include "base/host_cpu.h"
#include "collector/trace/isolation.h"
#include "collector/measure/network.h"
#include "collector/measure/renderer_procs.h"
#include "collector/measure/server.h"

struct load_state;
struct load_steps;

#define LOAD_LIVE_MAX 8

struct load_session {
    struct cdp *cdp;
    int http_port;
    int page_timeout_ms;          /* harness report; 0 = 60 s */
    const char *save_trace_path;  /* when set, the raw trace JSON is also
                                     written there (for the next load_run) */
    bool keep_trace;              /* keep the trace gzipped in the outcome */
    int trace_buffer_kb;          /* Chrome's trace buffer; 0 = 256 MiB */
    bool trace_proto;             /* export the trace as protobuf (perfetto_json.h) */
    struct load_state *current;   /* the load in progress, for the events */
    int settle_ms;                /* pause before Tracing.start (load.c says why) */
    struct server *server;        /* NULL: no network conditions, no send log */
    int browser_pgid;             /* the browser's process group (host CPU); 0 = unknown */
    bool no_prepare;              /* do not open the next load's page early */
    struct load_steps *next;      /* the page opened for the next load (pipelined) */
    struct load_steps *kept;      /* the tab the next load reuses (load.c, reuse_page) */
    unsigned origin_seq;          /* the last l<N>.localhost origin used */
    int64_t last_renderer_pid;    /* the previous load's renderer, waited for */
    int64_t trace_closed_us;      /* mono_us() when the previous trace stream closed */
    struct renderer_set seen;     /* every earlier load's renderer */
    /* Batched tracing (issue 12): with batch > 1, load_run leaves tracing on
     * after the load and its trace pending; load_flush ends the one tracing
     * session of up to batch loads and splits it by load. */
    int batch;                    /* loads per tracing session; <= 1: one each */
    bool batch_tracing;           /* a batch's tracing session is on */
};

/* Frees what the session holds (a page prepared for the next load, the
 * renderer pids seen), not the connection; sends nothing to the browser,
 * which is about to close. Safe to call twice. */
void load_session_close(struct load_session *s);

/* The CDP event callback for a connection used with load_run; its arg is the
 * struct load_session. */
void load_on_event(void *arg, const char *session_id, const char *method,
                   json_t *params);

struct load_request {
    const char *module_url;       /* URL path the server serves it at */
    const char *runtime;          /* "wasi" | "gojs" | "none" */
    const char *api;              /* "streaming" | "buffered" */
    const char *stdin_url;        /* NULL for none */
    const char *args_json;        /* NULL for none */
    const char *execjs_url;       /* Go's wasm_exec.js (runtime gojs) */
    int js_churn_mb;              /* > 0: the harness churns the JS heap after */
    const struct net_condition *net;   /* NULL = the default (unshaped) */
    /* code cache (code_cache.h): a warm load runs in the browser's default,
     * disk-backed context instead of an off-the-record one, fetches the
     * module with module_query appended (its own HTTP and code-cache key),
     * and a priming load keeps its page open linger_ms after the report so
     * V8's caching timeout can fire. All zero for a plain (cold) load. */
    bool default_context;
    const char *module_query;          /* "k=v", no '?'; NULL = none */
    int linger_ms;
};

struct load_outcome {
    char status[32];              /* "ok" or a failure kind (db/README.md) */
    char error[512];              /* "" when ok */
    bool have_extract;
    struct extract_result x;
    const char *trace_format;     /* how the trace read came: "json", "proto"; NULL: none */
    double wall_ms;
    int64_t trace_bytes, trace_events;
    int trace_data_loss;          /* 0/1, -1 unknown */
    double trace_buffer_pct;      /* max Tracing.bufferUsage percentFull, NaN unknown */
    double page_compile_ms;       /* harness: compiled - response, NaN unknown */
    json_t *page_report;          /* the harness's report, NULL if none */
    bool have_trace_copy;         /* keep_trace and the whole trace was read */
    struct zstd_writer trace_copy;   /* the raw trace, zstd level 1 in memory */
    bool browser_lost;
    struct server_send *sends;    /* the server's .wasm writes during the load */
    size_t n_sends;
    int64_t encoded_bytes;        /* .wasm body bytes sent (Content-Length) */
    /* issue 12: the load's isolation, as its trace shows it, and the CPU the
     * rest of the host used during its window (Page.navigate to report) */
    bool have_isolation;
    struct isolation_result iso;
    int renderer_pid_new;         /* 1: no earlier load of the session had it; -1 unknown */
    struct renderer_id live[LOAD_LIVE_MAX];   /* the renderers alive as the window opened */
    int n_live;                   /* (the load's own is one of them) */
    struct host_cpu_window host;
    double settle_waited_ms;      /* settle actually waited before Tracing.start */
    /* batched (load_session.batch > 1): the trace is read by load_flush.
     * mono_us() at the harness's Page.navigate (events_from_us), when its
     * window opened (window_from_us: the same moment, or for a harness
     * loaded ahead, held, its release) and when the page finished; the
     * trace's ts is the same clock (CLOCK_MONOTONIC), so the batch's events
     * are split at each load's navigation. */
    bool trace_pending;
    int64_t events_from_us, window_from_us, window_to_us;
    char *module_url;             /* the request's, for the extraction */
    int batch_size, batch_index;  /* the load's batch: how many, which (0-based) */
};

/* Runs one load. Always fills out (release with load_outcome_free); returns
 * 0 when status is "ok", -1 otherwise. */
int load_run(struct load_session *s, const struct load_request *r,
             struct load_outcome *out);
/* Batched: true when load_run should be given this request batched (the
 * session batches, and the load needs nothing a batch cannot give: a
 * default-context code-cache load, a linger, a raw trace file). */
bool load_batchable(const struct load_session *s, const struct load_request *r);
/* Ends the batch's tracing session and fills the trace part of each of the
 * n outcomes load_run left pending (in load order): extraction, isolation
 * within the load's window, trace size. The batch's whole trace, gzipped,
 * goes to outs[0] when the session keeps traces (the others hold none: the
 * caller stores them as sharing outs[0]'s). A batch whose trace cannot be
 * read fails each load that was ok with trace_error (or, with the browser
 * gone, connection_lost). Returns 0, or -1 when the browser was lost. */
int load_flush(struct load_session *s, struct load_outcome **outs, size_t n);
void load_outcome_free(struct load_outcome *out);

/* The trace categories recorded for every load. */
extern const char *const load_trace_categories[];

#endif
