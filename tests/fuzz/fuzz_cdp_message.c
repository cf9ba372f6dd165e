/* libFuzzer target for cdp/cdp_message: arbitrary bytes as websocket
 * fragments (split where the input says) and as whole messages, with
 * commands outstanding. Replies may fill only reserved slots; nothing may
 * crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdp/cdp_message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *arg, const char *session_id, const char *method, json_t *params)
{
    (void)session_id;
    size_t *n = arg;
    if (!method || !json_is_object(params)) {
        fprintf(stderr, "fuzz_cdp_message: event without method or object params\n");
        abort();
    }
    (*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t events = 0;
    struct cdp_dispatch d;
    cdp_dispatch_init(&d, 1 << 20, on_event, &events);
    for (int i = 0; i < 3; i++)
        cdp_dispatch_reserve(&d);
    cdp_dispatch_message(&d, (const char *)data, size);
    size_t off = 0;
    while (off < size) {
        size_t n = 1 + data[off] % 64;
        if (n > size - off)
            n = size - off;
        cdp_dispatch_fragment(&d, data + off, n, off + n == size || data[off] == '\n');
        off += n;
    }
    for (int64_t id = 1; id <= 3; id++) {
        struct cdp_pending *p = cdp_dispatch_slot(&d, id);
        if (!p || (p->done && !p->result == !p->error)) {
            fprintf(stderr, "fuzz_cdp_message: slot %lld inconsistent\n", (long long)id);
            abort();
        }
    }
    if (events != d.events) {
        fprintf(stderr, "fuzz_cdp_message: events counted %zu vs %llu\n", events,
                (unsigned long long)d.events);
        abort();
    }
    cdp_dispatch_free(&d);
    return 0;
}
