/* libFuzzer target for the trace path: collector/trace_parser (streaming
 * JSON) feeding collector/extract (matching). Any bytes, split at a point the
 * input chooses, must parse or fail cleanly; extraction must never read out of
 * bounds, and a computed metric must equal its definition. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "collector/trace/extract.h"
#include "collector/trace/trace_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct extractor *x = extractor_new("/modules/c/hello.wasm");
    struct trace_parser *tp = trace_parser_new(extract_event, x);
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
