/* libFuzzer target for Chrome's protobuf trace (collector/trace/perfetto_json)
 * feeding wasmlab's JSON path (trace_parser, the extractor), as
 * --trace-format proto does. Any bytes, split at a point the input chooses,
 * must convert or fail cleanly; what a successful conversion writes must be
 * JSON the trace parser accepts whole. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "collector/trace/extract.h"
#include "collector/trace/perfetto_json.h"
#include "collector/trace/trace_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int to_parser(void *arg, const char *json, size_t len)
{
    return trace_parser_feed(arg, json, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct extractor *x = extractor_new("/modules/go/hello.wasm");
    struct trace_parser *tp = trace_parser_new(extract_event, x);
    struct perfetto_json *pj = perfetto_json_new(to_parser, tp);
    size_t cut = size ? data[0] % (size + 1) : 0;
    int rc = perfetto_json_feed(pj, data, cut);
    if (rc == 0)
        rc = perfetto_json_feed(pj, data + cut, size - cut);
    if (rc == 0)
        rc = perfetto_json_finish(pj);
    if (rc == 0 && trace_parser_finish(tp) < 0) {
        fprintf(stderr, "fuzz_perfetto: converted, but not JSON: %s\n", trace_parser_error(tp));
        abort();
    }
    struct extract_result r;
    extract_finish(x, &r);
    extract_result_free(&r);
    perfetto_json_free(pj);
    trace_parser_free(tp);
    extractor_free(x);
    return 0;
}
