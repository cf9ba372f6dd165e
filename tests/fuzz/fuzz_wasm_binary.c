/* libFuzzer target for collector/wasm_binary: any input must either parse
 * into sections that tile the file exactly, or fail with an error whose
 * offset lies inside the file and whose message starts "offset N: ".
 * ASan/UBSan (linked in by the fuzz build) catch out-of-bounds reads and
 * undefined behaviour; a broken invariant aborts so libFuzzer keeps the input.
 *
 * Build: cmake -DWASMLAB_FUZZ=ON -DCMAKE_C_COMPILER=clang-16 (see
 * tests/CMakeLists.txt, which also runs it for a bounded time as a test). */
#include "collector/wasm/wasm_binary.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_wasm_binary: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wasm_module m;
    struct wasm_error err;
    if (wasm_parse(data, size, &m, &err) < 0) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "offset %zu: ", err.offset);
        check(err.offset <= size, "error offset inside the file");
        check(strncmp(err.message, prefix, strlen(prefix)) == 0,
              "message starts with its offset");
        check(m.sections == NULL && m.imports == NULL, "failed parse leaves nothing");
        return 0;
    }

    size_t pos = WASM_HEADER_SIZE;
    for (size_t i = 0; i < m.section_count; i++) {
        const struct wasm_section *s = &m.sections[i];
        check(s->offset == pos, "sections are contiguous");
        check(s->payload_offset == s->offset + s->header_size, "payload follows header");
        check(s->header_size >= 2 && s->header_size <= 6, "header is id + 1..5 LEB bytes");
        check(s->payload_size <= size - s->payload_offset, "payload inside the file");
        if (s->name.bytes) {
            const uint8_t *name = (const uint8_t *)s->name.bytes;
            check(s->id == WASM_SECTION_CUSTOM, "only custom sections have names");
            check(name >= data + s->payload_offset
                  && s->name.len <= (size_t)(data + size - name), "name inside its section");
        }
        pos = s->payload_offset + s->payload_size;
    }
    check(pos == size, "header + sections == file size");

    size_t by_kind = 0;
    for (int k = 0; k < WASM_EXTERN_KIND_COUNT; k++)
        by_kind += m.imports_by_kind[k];
    check(by_kind == m.import_count, "imports by kind add up");
    check(m.function_count == m.imports_by_kind[WASM_EXTERN_FUNC] + m.defined_function_count,
          "function count");
    for (size_t i = 0; i < m.import_count; i++) {
        const struct wasm_import *imp = &m.imports[i];
        check((const uint8_t *)imp->module.bytes >= data
              && imp->module.len <= (size_t)(data + size - (const uint8_t *)imp->module.bytes),
              "import module name inside the file");
        check((const uint8_t *)imp->field.bytes >= data
              && imp->field.len <= (size_t)(data + size - (const uint8_t *)imp->field.bytes),
              "import field name inside the file");
    }
    wasm_module_free(&m);
    return 0;
}
