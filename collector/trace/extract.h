/* extract: one load's measurements from its trace events.
 *
 * A pure function of the events (events in, records out): live runs and
 * recorded fixtures go through the same code. Feed every event with
 * extract_event (it matches trace_event_fn), then call extract_finish.
 * Events may arrive in any order (Chrome's trace is not sorted across
 * processes); only the few relevant ones are kept, then matched at the end.
 *
 * Definitions (the one place they live; README and db/README.md quote them):
 *   request      the ResourceSendRequest whose URL *path* equals the module's
 *                path (not a substring: the page URL names the module in its
 *                query), earliest first; its requestId ties the rest.
 *   first byte   ts of ResourceReceiveResponse for that requestId (headers in
 *                the renderer).
 *   chunks       wasm.OnBytesReceived events on the page's renderer, from the
 *                streaming start on (streamed bodies emit no
 *                ResourceReceivedData); else ResourceReceivedData of the
 *                request (buffered API).
 *   last byte    ts of the last chunk (ResourceFinish can come after the
 *                compile has finished); ResourceFinish when there are none.
 *   stream start wasm.StartStreamingCompilation on the renderer, the first at
 *                or after the harness's "wasmlab:compile-start" mark.
 *   compile finished  wasm.OnCompilationSucceeded (wraps the resolution of
 *                the compile promise), else wasm.FinishAsyncCompile; the
 *                first on the renderer at or after the compile start.
 *                For worker-sync (no async compile job) the end of
 *                wasm.SyncCompile on the worker's thread.
 *   first_byte_to_compile_us = compile finished - first byte
 *   last_byte_to_compile_us  = compile finished - last byte
 *
 * The load's phases (issue 11; checked against traces of Chromium 126):
 *   main thread  the thread of the harness's "wasmlab:start" mark (the
 *                page's JS thread); the request's thread when absent.
 *   compile start  the first wasm.StartStreamingCompilation (streaming,
 *                instantiate-streaming), wasm.AsyncCompile (buffered) or
 *                wasm.SyncCompile (worker-sync, on the Worker's thread) on
 *                the renderer at or after "wasmlab:compile-start".
 *   download end = last byte (above).
 *   compile end  = compile finished (above).
 *   instantiate end  the end (ts + dur) of the first wasm.SyncInstantiate on
 *                the renderer at or after the compile start (every API
 *                instantiates through it); else the "wasmlab:instantiated"
 *                mark; none for a compile-only load.
 *   first output the "wasmlab:first-output" mark (the program's first write
 *                to stdout/stderr; the trace has no event for it). When the
 *                trace lacks the mark, the store places the page's own
 *                performance.now() on the trace clock (page_clock.h).
 *   startup_us   = first output - instantiate end (Go: wasm_exec.js's run and
 *                the Go runtime's start; C: the WASI shim and wasi-libc's
 *                start), none unless both exist.
 *   compile work the wasm.* complete (X) slices on the renderer's threads
 *                other than the main thread (V8's compile workers, and the
 *                Worker running SyncCompile), clipped to [compile start,
 *                compile end], nested and overlapping slices merged per
 *                thread, summed over threads: compile_work_us. (Open B
 *                slices at the trace's end are ignored.)
 *   overlap_us   the part of compile work that lies before the last byte:
 *                compilation done while bytes were still arriving (0 when
 *                compilation starts after the download, as buffered does).
 *   compile_before_last_byte_pct = 100 * overlap_us / compile_work_us
 *                (NaN when there was no compile work).
 *
 * Code cache (Blink's v8_wasm_response_extensions.cc; docs/code-cache.md),
 * counted over the page's renderer, whole trace:
 *   cache_compiled  v8.wasm.compiledModule events: V8 said more functions
 *                can be serialized (the caching callback ran).
 *   cache_produced  v8.wasm.cachedModule events: a serialized module was
 *                handed to the code cache; cache_produced_bytes is the
 *                largest producedCacheSize, cache_produced_us the ts of the
 *                first.
 *   cache_hit    v8.wasm.moduleCacheHit events: a code-cache entry was found
 *                for the response and given to V8; cache_consumed_bytes its
 *                consumedCacheSize.
 *   cache_invalid  v8.wasm.moduleCacheInvalid / moduleCacheInvalidDigest:
 *                the entry was rejected (V8 could not use it, or the bytes'
 *                digest differed) and cleared.
 * All times are µs on the trace clock. */
#ifndef WASMLAB_EXTRACT_H
#define WASMLAB_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/string_pool.h"
#include "collector/trace/trace_parser.h"

#define EXTRACT_NONE INT64_MIN

struct extract_chunk {
    int64_t ts_us;
    int64_t bytes;
};

/* The strings of a result's events are kept once each, in the result
 * (valid until extract_result_free): a Go module's load has ~1,700 compile
 * events, and a batch holds its loads' results until they are stored. */

struct extract_compile_event {
    const char *name;         /* at most 63 bytes */
    const char *cat;          /* 79 */
    char ph;
    int64_t ts_us, dur_us;    /* dur_us -1 when the event has none */
    int64_t pid, tid;
    const char *compile_id;   /* args.id where present, else ""; 23 bytes */
};

struct extract_mark {
    char name[64];
    int64_t ts_us;
};

/* A V8 garbage-collection event on the page's renderer. The kinds come from
 * one table in extract.c (extract_gc_kinds); is_pause marks the observable
 * main-thread pauses (MinorGC/MajorGC and incremental marking steps run as
 * their own tasks), which report totals count; phases nested inside a pause
 * are kept for timelines but never double-counted. */
struct extract_gc_event {
    const char *name;         /* in the result's strings, as above */
    const char *cat;
    const char *kind;         /* static: "minor", "major", "incremental_step", ... */
    bool is_pause;
    int64_t ts_us, dur_us;
    int64_t tid;
    int64_t heap_before, heap_after;   /* bytes, -1 when the event has none */
};

struct extract_gc_kind {
    const char *name;         /* trace event name */
    const char *kind;
    bool is_pause;
};
/* NULL-name-terminated. */
extern const struct extract_gc_kind extract_gc_kinds[];

struct extract_result {
    char request_id[64];
    int64_t renderer_pid, main_tid;
    int status_code;
    char mime_type[64];

    /* moments, EXTRACT_NONE when not found */
    int64_t request_sent_us, response_received_us, last_byte_us,
            stream_start_us, compile_finished_us, resource_finish_us, load_end_us;
    const char *compile_finished_event;   /* static string or NULL */

    int64_t decoded_body_length;          /* from ResourceFinish, -1 unknown */
    int64_t encoded_data_length;

    struct extract_chunk *chunks;
    size_t n_chunks;
    const char *chunk_source;             /* "wasm.OnBytesReceived" | "ResourceReceivedData" */
    int64_t chunk_bytes;                  /* sum over chunks */

    struct extract_compile_event *compile_events;  /* wasm.* / v8.wasm.* on the renderer */
    size_t n_compile_events;

    struct extract_mark *marks;           /* "wasmlab:*" user timing marks */
    size_t n_marks;

    struct extract_gc_event *gc_events;   /* V8 GC on the renderer, by time */
    size_t n_gc_events;

    struct string_pool strings;           /* the events' names, categories, ids */

    /* phases (see above), EXTRACT_NONE when not found */
    int64_t compile_start_us, instantiate_end_us, first_output_us, startup_us;
    const char *compile_start_event;      /* static string or NULL */
    const char *instantiate_end_source;   /* "wasm.SyncInstantiate" | "mark" | NULL */
    int64_t compile_work_us, overlap_us;  /* EXTRACT_NONE without compile start and end */
    double compile_before_last_byte_pct;  /* NaN when unknown */

    /* code cache (see above): counts, and bytes/ts (-1 / EXTRACT_NONE none) */
    int cache_compiled, cache_produced, cache_hit, cache_invalid;
    int64_t cache_produced_bytes, cache_consumed_bytes, cache_produced_us;

    int64_t first_byte_to_compile_us;     /* EXTRACT_NONE unless ok */
    int64_t last_byte_to_compile_us;
    uint64_t events_seen;
    char error[256];                      /* why not ok ("" when ok) */
};

struct extractor;

/* module_path: the URL path the module is served at ("/m/0/hello.wasm"). */
struct extractor *extractor_new(const char *module_path);
void extractor_free(struct extractor *x);
/* A trace_event_fn: arg is the extractor. */
void extract_event(void *arg, const struct trace_event *ev);
/* A trace_args_filter_fn for the parser feeding extract_event: only the
 * events the extractor may keep need their args decoded. */
bool extract_wants_args(void *arg, const struct trace_event *ev);
/* Keeps only the load of the request request_id sent by renderer pid (its
 * renderer's events, the request's own): what extract_finish would pick
 * when that request is the module's earliest. Bounds memory for traces of
 * many loads (import-trace finds the request in a first pass). */
void extractor_focus(struct extractor *x, int64_t pid, const char *request_id);
/* What a focused extractor matches an event by: its pid (the renderer's
 * events), its data.requestId (the request's response, data and finish), or
 * nothing (it never keeps the event). A first pass that records where each
 * pid's and each request's events lie can then hand the measuring pass only
 * that part of a file. */
enum extract_focus_key { EXTRACT_FOCUS_NONE, EXTRACT_FOCUS_PID, EXTRACT_FOCUS_REQUEST };
enum extract_focus_key extract_focus_key(const struct trace_event *ev);
/* Adds later's kept events after x's, as one extractor fed x's events and
 * then later's would hold them (import-trace's two halves of a file, read
 * by two extractors with the same module path and focus). later keeps
 * nothing after; it must still be freed. */
void extractor_merge(struct extractor *x, struct extractor *later);
/* Matches what was kept. Returns 0 when the metric was computed, else -1 with
 * res->error set (the other fields hold what was found). res must be released
 * with extract_result_free. */
int extract_finish(struct extractor *x, struct extract_result *res);
void extract_result_free(struct extract_result *res);

/* The path of a URL: "http://h:1/a/b.wasm?x#y" -> "/a/b.wasm" into out. */
void extract_url_path(const char *url, char *out, size_t len);

#endif
