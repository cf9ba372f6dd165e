/* libFuzzer target for the trace path: collector/trace_parser (streaming
 * JSON) feeding collector/extract (matching). Any bytes, split at a point the
 * input chooses, must parse or fail cleanly; extraction must never read out of
 * bounds, and a computed metric must equal its definition. The first events'
 * spans (trace_parser_event_span, import-trace's measuring pass reads only a
 * load's span) must hold each event alone: parsed on their own, from a
 * parser started in the events array, they give that one event. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/trace/extract.h"
#include "collector/trace/trace_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct spans_seen {
    struct trace_parser *tp;
    struct extractor *x;
    const uint8_t *data;
    size_t size;
    int checked;
};

static void count_one(void *arg, const struct trace_event *ev)
{
    (void)ev;
    (*(int *)arg)++;
}

static void check_span(void *arg, const struct trace_event *ev)
{
    struct spans_seen *s = arg;
    extract_event(s->x, ev);
    if (s->checked >= 16)
        return;
    s->checked++;
    uint64_t from, to;
    trace_parser_event_span(s->tp, &from, &to);
    if (!(from < to && to <= s->size && s->data[to - 1] == '}')) {
        fprintf(stderr, "fuzz_trace: span [%llu, %llu) is no event\n",
                (unsigned long long)from, (unsigned long long)to);
        abort();
    }
    bool map_form = trace_parser_map_form(s->tp);
    int n = 0;
    struct trace_parser *alone = trace_parser_new(count_one, &n);
    trace_parser_start_in_events(alone, map_form, from);
    if (trace_parser_feed(alone, s->data + from, (size_t)(to - from)) < 0 || n != 1 ||
        !trace_parser_between_events(alone, map_form)) {
        fprintf(stderr, "fuzz_trace: span [%llu, %llu) does not parse alone\n",
                (unsigned long long)from, (unsigned long long)to);
        abort();
    }
    trace_parser_free(alone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct extractor *x = extractor_new("/modules/c/hello.wasm");
    struct spans_seen seen = { .x = x, .data = data, .size = size };
    struct trace_parser *tp = trace_parser_new(check_span, &seen);
    seen.tp = tp;
    size_t cut = size ? data[0] % (size + 1) : 0;
    int rc = trace_parser_feed(tp, data, cut);
    if (rc == 0)
        rc = trace_parser_feed(tp, data + cut, size - cut);
    if (rc == 0)
        rc = trace_parser_finish(tp);
    struct extract_result r;
    if (extract_finish(x, &r) == 0) {
        if (r.first_byte_to_compile_us != r.compile_finished_us - r.response_received_us ||
            r.first_byte_to_compile_us < 0) {
            fprintf(stderr, "fuzz_trace: metric does not match its definition\n");
            abort();
        }
    }
    extract_result_free(&r);
    trace_parser_free(tp);
    extractor_free(x);
    return 0;
}
