/* perfetto_json: Chrome's protobuf trace in, Chrome's JSON trace text out,
 * streamed, in memory bounded by the trace's names and tracks, not its size.
 *
 * Why: Chromium records in Perfetto's protobuf format, and Tracing.end with
 * streamFormat "json" converts it in the browser, after the load, on the
 * load loop's critical path. Exporting "proto" skips that conversion
 * (bench/README.md: the proto export of 10 go/hello loads took 0.32-0.39 s,
 * the JSON one 0.93-1.08 s). This decoder writes the same JSON events that
 * the rest of wasmlab (trace_parser, the extractor, the stored trace,
 * import-trace, the charts) already reads, so only the export changes.
 *
 * What it decodes (Perfetto's trace_packet.proto and track_event.proto,
 * the subset Chromium's TrackEvent writes; docs/trace-formats.md):
 * - TracePackets of each trusted sequence, with their incremental state:
 *   interned categories, event names, debug annotation names and string
 *   values, and packet defaults (clock, track);
 * - timestamps on any clock the trace's clock snapshots tie to
 *   CLOCK_MONOTONIC, including the sequence-scoped incremental clocks
 *   (ids >= 64): events come out in monotonic microseconds, the clock of
 *   Chrome's JSON export;
 * - track descriptors: a thread track gives the event its pid and tid, a
 *   process track its pid; each process and thread name becomes a
 *   process_name / thread_name metadata event ("M"), as in Chrome's JSON;
 * - track events: a slice's begin and end become one "X" event with its
 *   dur (begin's and end's args merged), a slice still open at the end a
 *   "B" event; instants "I" (scope t, p or g); legacy phases as written;
 *   debug annotations become args, dicts and arrays nested.
 * Counters, flows and Chromium's typed protobuf fields are skipped.
 *
 * Not a protobuf library: the schema is fixed and small, and a generated
 * decoder (protobuf-c) would unpack each packet whole and need Perfetto's
 * ~400 .proto files at build time. The reader here is Perfetto's own
 * approach (protozero): walk the wire format, keep only the fields named. */
#ifndef WASMLAB_PERFETTO_JSON_H
#define WASMLAB_PERFETTO_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Receives JSON text in pieces (a whole {"traceEvents":[...]} document over
 * all calls); returns 0 to go on, -1 to stop (the feed then fails). */
typedef int (*perfetto_json_out_fn)(void *arg, const char *json, size_t len);

struct perfetto_json;

struct perfetto_json *perfetto_json_new(perfetto_json_out_fn out, void *arg);
void perfetto_json_free(struct perfetto_json *p);

/* Feeds the next bytes of the protobuf trace (any split). Returns 0, or -1
 * on malformed input or when out stopped (see error). */
int perfetto_json_feed(struct perfetto_json *p, const void *data, size_t len);
/* Ends the input: writes the slices still open and closes the document.
 * Returns 0, or -1 when the trace ended inside a packet. */
int perfetto_json_finish(struct perfetto_json *p);

/* One line: what went wrong and at which byte of the protobuf trace. */
const char *perfetto_json_error(const struct perfetto_json *p);
uint64_t perfetto_json_packets(const struct perfetto_json *p);
/* Track events whose timestamp no clock snapshot could place (skipped). */
uint64_t perfetto_json_unplaced(const struct perfetto_json *p);

#endif
