/* isolation: what one load's trace says about its isolation (issue 12).
 *
 * A measured load must run in a renderer no earlier load used (so no
 * in-renderer NativeModuleCache), get the module from the network (no HTTP
 * cache, no service worker, bytes on the wire), hit no wasm code cache, and
 * have the browser to itself during its window (no other page doing work).
 * This observer is fed the same events as the extractor (a trace_event_fn)
 * and, given the load's renderer pid and module request id (from
 * extract.h), says what it saw. It judges nothing: a load of a warm
 * code-cache condition shows its cache hit here and stays a good load.
 *
 * Definitions (from Chromium 156 traces here):
 *   from_cache, from_service_worker  args.data of the module request's
 *                ResourceReceiveResponse (-1 when absent).
 *   encoded_data_length  ResourceFinish's, already in extract_result.
 *   code_cache_events  v8.wasm.moduleCacheHit and wasm.Deserialize events
 *                on the load's renderer (a code-cache hit deserializes).
 *   other_renderers  processes named "Renderer" (process_name metadata)
 *                (with a window: only those with an event in it)
 *                other than the load's; Chrome keeps an idle spare renderer,
 *                so 1 is usual.
 *   other_renderer_events  events on those processes other than metadata
 *                and the scheduler's RunTask slices: a spare renderer emits
 *                only those, a page at work emits parse, script, network,
 *                paint events.
 *   documents    ResourceSendRequest events with resourceType Document in
 *                the whole trace (or the load's span): the harness
 *                navigation is the only one expected, and it is not in a
 *                trace started after a held harness loaded (0 then). */
#ifndef WASMLAB_ISOLATION_H
#define WASMLAB_ISOLATION_H

#include <stdint.h>

#include "collector/trace/trace_parser.h"

struct isolation_result {
    int from_cache, from_service_worker;   /* 0/1, -1 unknown */
    int64_t code_cache_events;
    int64_t other_renderers, other_renderer_events;
    int64_t documents;
};

struct isolation;

struct isolation *isolation_new(void);
void isolation_free(struct isolation *iso);
/* Batched loads (one trace holds several), trace clock: other renderers'
 * work counts against the load in its window [from_us, to_us]; documents
 * and code-cache events in its span [span_from_us, to_us], from its
 * navigation (a harness loaded ahead of its window navigated before it;
 * else span_from_us = from_us). Responses are looked up by request id
 * whenever they came. Without a window, the whole trace is the load's. */
void isolation_set_window(struct isolation *iso, int64_t span_from_us, int64_t from_us,
                          int64_t to_us);
/* A trace_event_fn: arg is the isolation observer. */
void isolation_event(void *arg, const struct trace_event *ev);
/* renderer_pid and request_id: the load's (extract_result); request_id ""
 * leaves from_cache and from_service_worker unknown. */
void isolation_finish(struct isolation *iso, int64_t renderer_pid, const char *request_id,
                      struct isolation_result *out);

/* "isolated", or what the load shared, comma-separated in this order:
 * pid_reused (renderer_pid_new 0), from_cache, from_service_worker,
 * no_wire_bytes (encoded_data_length 0), code_cache_hit, other_renderer_busy,
 * extra_document. Unknown values (-1) are not counted against the load. */
void isolation_describe(const struct isolation_result *r, int renderer_pid_new,
                        int64_t encoded_data_length, char *out, size_t len);

#endif
