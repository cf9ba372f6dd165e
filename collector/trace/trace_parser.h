/* trace_parser: Chrome trace JSON in, one event at a time out, in constant
 * memory.
 *
 * Trace data is never parsed as one document (a 100 MB trace would take a GB
 * of RAM with a DOM parser); the parser is fed chunks as they arrive
 * (IO.read from Tracing's stream, or a file) and keeps only the event (or
 * top-level member) being read: memory is bounded by the largest event, not
 * the trace (one event or member over 64 MB is refused). Both forms Chrome
 * writes are accepted: a bare array of events, or {"traceEvents":[...], ...}.
 * Strict JSON (YAJL's grammar; strings are not checked for UTF-8).
 *
 * Each event is handed to the callback as a struct whose strings are valid
 * only during the call. args are flattened to dotted keys below "args"
 * ("data.requestId", "bytes"); nested arrays inside args are skipped. Strings
 * longer than TRACE_MAX_STRING are truncated; beyond TRACE_MAX_ARGS args the
 * rest are dropped (counted in truncated_events). */
#ifndef WASMLAB_TRACE_PARSER_H
#define WASMLAB_TRACE_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_ARGS 48
#define TRACE_MAX_STRING 4096

struct trace_arg {
    const char *key;        /* dotted path below args */
    const char *text;       /* the value as text (numbers as written) */
    bool is_number;
    double number;          /* when is_number */
};

struct trace_event {
    const char *name;       /* "" when absent */
    const char *cat;
    char ph;                /* phase: 'X', 'B', 'E', 'I', 'R', 'b', 'M', ... 0 if absent */
    int64_t ts_us;          /* rounded to whole µs; INT64_MIN if absent */
    int64_t dur_us;         /* -1 if absent */
    int64_t pid, tid;       /* -1 if absent */
    const char *id;         /* "id" (or "id2.local"/"id2.global") as text, "" if absent */
    bool args_skipped;      /* the args filter declined them: n_args is 0 */
    size_t n_args;
    struct trace_arg args[TRACE_MAX_ARGS];
};

typedef void (*trace_event_fn)(void *arg, const struct trace_event *ev);

struct trace_parser;

struct trace_parser *trace_parser_new(trace_event_fn on_event, void *arg);

/* Optional. Called (with the on_event arg) once an event's own fields are
 * read and before its args are decoded (n_args is 0 then): false delivers
 * the event without args (args_skipped). Decoding args is most of a parse's
 * work, and most events' args are never looked at. */
typedef bool (*trace_args_filter_fn)(void *arg, const struct trace_event *ev);
void trace_parser_set_args_filter(struct trace_parser *p, trace_args_filter_fn filter);

/* Optional. When the top level is a map, each member other than the events
 * array ("metadata", ...) is handed over as its JSON text (at most 1 MB;
 * larger ones are validated and skipped), valid only during the call. */
typedef void (*trace_member_fn)(void *arg, const char *key, const char *json, size_t len);
void trace_parser_set_member_fn(struct trace_parser *p, trace_member_fn fn, void *arg);
void trace_parser_free(struct trace_parser *p);
/* Feeds the next chunk. Returns 0, or -1 on malformed JSON (see error). */
int trace_parser_feed(struct trace_parser *p, const void *data, size_t len);
/* Ends the input. Returns 0, or -1 when the JSON is incomplete/malformed. */
int trace_parser_finish(struct trace_parser *p);
/* One line: what went wrong and at which byte offset. */
const char *trace_parser_error(const struct trace_parser *p);
uint64_t trace_parser_events(const struct trace_parser *p);
uint64_t trace_parser_bytes(const struct trace_parser *p);
uint64_t trace_parser_truncated_events(const struct trace_parser *p);

/* Splitting one trace between two parsers (import-trace's first pass reads
 * a file's two halves on two threads). map_form: the {"traceEvents":[...]}
 * form, else a bare array of events.
 * trace_parser_start_in_events: a new parser continues a trace just after a
 * ',' between two elements of its events array, at file offset at (its
 * error offsets and byte count then count from the file's start).
 * trace_parser_between_events: the bytes fed so far end right after a
 * complete element of the events array of that form (only whitespace
 * pending). When true, and the next byte is a ',', a parser started in the
 * events array after that ',' reads the rest exactly as this one would. */
void trace_parser_start_in_events(struct trace_parser *p, bool map_form, uint64_t at);
bool trace_parser_between_events(const struct trace_parser *p, bool map_form);
/* Whether the input's top level is the {"traceEvents":[...]} form (once its
 * first byte is read, or as trace_parser_start_in_events said). */
bool trace_parser_map_form(const struct trace_parser *p);
/* During on_event: the event's bytes, [*from, *to) in file offsets, from
 * just after the ',' or '[' before it to just after its '}'. A parser
 * started in the events array at *from and fed those bytes delivers the
 * same event and is then between events: import-trace's measuring pass
 * reads only the span of the file that holds its load. */
void trace_parser_event_span(const struct trace_parser *p, uint64_t *from, uint64_t *to);

/* Looks up an arg by dotted key. NULL when absent. */
const struct trace_arg *trace_event_arg(const struct trace_event *ev, const char *key);
/* The arg as text, or NULL. */
const char *trace_event_arg_text(const struct trace_event *ev, const char *key);
/* The arg as a number (numbers, or strings holding one). */
bool trace_event_arg_number(const struct trace_event *ev, const char *key, double *out);

#endif
