/* Unit tests of collector/wasm_binary: every malformed-input case with its
 * expected offset and message, the valid fixtures in tests/fixtures/wasm
 * (offsets cross-checked by hand against `wasm-objdump -h`), and every
 * truncation and single-byte change of those fixtures (no crash, an error
 * offset inside the file). */
#include "collector/wasm/wasm_binary.h"
#include "tests/check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define HEADER "\x00\x61\x73\x6d\x01\x00\x00\x00"
/* A valid body: one type () -> i32, one function, its code. */
#define TYPE_SEC "\x01\x05\x01\x60\x00\x01\x7f"
#define FUNC_SEC "\x03\x02\x01\x00"
#define CODE_SEC "\x0a\x06\x01\x04\x00\x41\x07\x0b"

/* Parses a string literal (sizeof - 1 keeps embedded NULs). */
#define PARSE(lit, m, e) wasm_parse((const uint8_t *)(lit), sizeof(lit) - 1, (m), (e))

struct bad_case {
    const char *label;
    const char *bytes;
    size_t len;
    size_t offset;
    const char *message;
};

#define BAD(label, lit, offset, message) { label, lit, sizeof(lit) - 1, offset, message }

static const struct bad_case bad_cases[] = {
    BAD("empty file", "", 0,
        "offset 0: file too short for the magic number: 0 bytes, a module starts "
        "with 8 (\\0asm + version)"),
    BAD("3 bytes", "\x00\x61\x73", 0,
        "offset 0: file too short for the magic number: 3 bytes, a module starts "
        "with 8 (\\0asm + version)"),
    BAD("bad magic", "\x7f" "ELF\x01\x00\x00\x00", 0,
        "offset 0: bad magic number 7f 45 4c 46 (a module starts with 00 61 73 6d, "
        "\"\\0asm\")"),
    BAD("truncated version", "\x00\x61\x73\x6d\x01\x00", 4,
        "offset 4: file ends inside the version: 6 bytes, the header is 8"),
    BAD("bad version", "\x00\x61\x73\x6d\x02\x00\x00\x00", 4,
        "offset 4: unsupported version 2 (bytes 02 00 00 00; expected 1)"),
    BAD("component-model layer", "\x00\x61\x73\x6d\x0d\x00\x01\x00", 4,
        "offset 4: unsupported version 65549 (bytes 0d 00 01 00; expected 1)"),
    BAD("section length past end", HEADER "\x0a\xff\x01\x00", 8,
        "offset 8: section 10 (code) length 255 runs past end of file (payload would "
        "end at offset 266, file is 12 bytes)"),
    BAD("largest u32 section length", HEADER "\x01\xff\xff\xff\xff\x0f", 8,
        "offset 8: section 1 (type) length 4294967295 runs past end of file (payload "
        "would end at offset 4294967309, file is 14 bytes)"),
    BAD("truncated section length", HEADER "\x01\x80", 9,
        "offset 9: section 1 (type) length: LEB128 runs into the end of file (file "
        "is 10 bytes)"),
    BAD("section id without length", HEADER "\x01", 9,
        "offset 9: section 1 (type) length: LEB128 runs into the end of file (file "
        "is 9 bytes)"),
    BAD("truncated code section", HEADER TYPE_SEC FUNC_SEC "\x0a\x06\x01\x04\x00", 19,
        "offset 19: section 10 (code) length 6 runs past end of file (payload would "
        "end at offset 27, file is 24 bytes)"),
    BAD("overlong LEB128 (6 bytes)", HEADER "\x01\x80\x80\x80\x80\x80\x00", 9,
        "offset 9: section 1 (type) length: LEB128 longer than 5 bytes for a u32"),
    BAD("LEB128 unused bits set", HEADER "\x01\x80\x80\x80\x80\x10", 9,
        "offset 9: section 1 (type) length: LEB128 value does not fit in 32 bits "
        "(unused bits set in byte 5)"),
    BAD("custom name longer than section", HEADER "\x00\x05\x09" "abcd", 10,
        "offset 10: custom section name length 9 runs past the end of section 0 "
        "(custom) at offset 15 (4 bytes left)"),
    BAD("custom section without name", HEADER "\x00\x00", 10,
        "offset 10: custom section name length: LEB128 runs into the end of section "
        "0 (custom) at offset 10"),
    BAD("custom name with bad UTF-8", HEADER "\x00\x03\x02\xc0\xaf", 11,
        "offset 11: custom section name is not valid UTF-8 (byte 0xc0)"),
    BAD("custom name with a surrogate", HEADER "\x00\x04\x03\xed\xa0\x80", 11,
        "offset 11: custom section name is not valid UTF-8 (byte 0xed)"),
    BAD("custom name with an overlong 3-byte form", HEADER "\x00\x05\x04" "a" "\xe0\x80\x80", 12,
        "offset 12: custom section name is not valid UTF-8 (byte 0xe0)"),
    BAD("custom name past U+10FFFF", HEADER "\x00\x05\x04\xf4\x90\x80\x80", 11,
        "offset 11: custom section name is not valid UTF-8 (byte 0xf4)"),
    BAD("custom name ending inside a sequence", HEADER "\x00\x03\x02" "a" "\xc3", 12,
        "offset 12: custom section name is not valid UTF-8 (byte 0xc3)"),
    BAD("custom name with a bad continuation byte", HEADER "\x00\x04\x03\xe2\x82\x28", 11,
        "offset 11: custom section name is not valid UTF-8 (byte 0xe2)"),
    BAD("unknown section id", HEADER "\x0e\x00", 8,
        "offset 8: unknown section id 14"),
    BAD("section out of order", HEADER FUNC_SEC TYPE_SEC CODE_SEC, 12,
        "offset 12: section 1 (type) out of order: it must come before section 3 "
        "(function) at offset 8"),
    BAD("duplicate section", HEADER TYPE_SEC TYPE_SEC, 15,
        "offset 15: duplicate section 1 (type) (first at offset 8)"),
    BAD("datacount after code", HEADER "\x0a\x01\x00\x0c\x01\x00", 11,
        "offset 11: section 12 (datacount) out of order: it must come before "
        "section 10 (code) at offset 8"),
    BAD("import kind missing", HEADER "\x02\x03\x01\x00\x00", 13,
        "offset 13: import 0 kind: unexpected end of section 2 (import) at offset 13"),
    BAD("heap type truncated", HEADER "\x02\x06\x01\x00\x00\x03\x63\x80", 15,
        "offset 15: import 0 (global): LEB128 runs into the end of section 2 (import) "
        "at offset 16"),
    BAD("unknown import kind", HEADER "\x02\x09\x01\x03" "env" "\x01" "x" "\x07\x00", 17,
        "offset 17: import 0: unknown import kind 0x07"),
    BAD("import field name missing", HEADER "\x02\x05\x01\x03" "env", 15,
        "offset 15: import 0 field name length: LEB128 runs into the end of section "
        "2 (import) at offset 15"),
    BAD("import name past section end", HEADER "\x02\x04\x01\x03" "env", 11,
        "offset 11: import 0 module name length 3 runs past the end of section 2 "
        "(import) at offset 14 (2 bytes left)"),
    BAD("import count larger than contents", HEADER "\x02\x02\xff\x01", 12,
        "offset 12: import 0 module name length: LEB128 runs into the end of section "
        "2 (import) at offset 12"),
    BAD("import module name with bad UTF-8", HEADER "\x02\x06\x01\x01\xff\x00\x00\x00", 12,
        "offset 12: import 0 module name is not valid UTF-8 (byte 0xff)"),
    BAD("global import mutability 2", HEADER "\x02\x07\x01\x00\x00\x03\x7f\x02\x00", 15,
        "offset 15: import 0 (global): invalid mutability 0x02"),
    BAD("global import unknown type", HEADER "\x02\x06\x01\x00\x00\x03\x40\x00", 14,
        "offset 14: import 0 (global): unknown value type 0x40"),
    BAD("table import unknown reftype", HEADER "\x02\x07\x01\x00\x00\x01\x7f\x00\x01", 14,
        "offset 14: import 0 (table): unknown reference type 0x7f"),
    BAD("table import shared flag", HEADER "\x02\x08\x01\x00\x00\x01\x70\x03\x01\x01", 15,
        "offset 15: import 0 (table): invalid limits flags 0x03"),
    BAD("memory import flags 0x08", HEADER "\x02\x06\x01\x00\x00\x02\x08\x01", 14,
        "offset 14: import 0 (memory): invalid limits flags 0x08"),
    BAD("memory import limits truncated", HEADER "\x02\x06\x01\x00\x00\x02\x01\x01", 16,
        "offset 16: import 0 (memory): LEB128 runs into the end of section 2 (import) "
        "at offset 16"),
    BAD("memory64 bound overlong", HEADER "\x02\x10\x01\x00\x00\x02\x04"
        "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 15,
        "offset 15: import 0 (memory): LEB128 longer than 10 bytes for a u64"),
    BAD("memory64 bound too big", HEADER "\x02\x0f\x01\x00\x00\x02\x04"
        "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 15,
        "offset 15: import 0 (memory): LEB128 value does not fit in 64 bits "
        "(unused bits set in byte 10)"),
    BAD("tag import attribute 1", HEADER "\x02\x06\x01\x00\x00\x04\x01\x00", 14,
        "offset 14: import 0 (tag): invalid tag attribute 0x01"),
    BAD("heap type s33 overlong", HEADER "\x02\x0c\x01\x00\x00\x03\x63"
        "\x80\x80\x80\x80\x80\x00\x00", 15,
        "offset 15: import 0 (global): LEB128 longer than 5 bytes for an s33"),
    BAD("heap type s33 bad sign bits", HEADER "\x02\x0b\x01\x00\x00\x03\x64"
        "\xff\xff\xff\xff\x3f\x00", 15,
        "offset 15: import 0 (global): LEB128 value does not fit in 33 bits (unused "
        "bits of byte 5 differ from the sign bit)"),
    BAD("unknown export kind", HEADER "\x07\x05\x01\x01" "f" "\x05\x00", 13,
        "offset 13: export 0: unknown export kind 0x05"),
    BAD("export index truncated", HEADER "\x07\x04\x01\x01" "f" "\x00", 14,
        "offset 14: export 0 index: LEB128 runs into the end of section 7 (export) at "
        "offset 14"),
    BAD("function section with leftover bytes", HEADER TYPE_SEC "\x03\x03\x01\x00\x00", 19,
        "offset 19: section 3 (function) has 1 bytes left over after its contents "
        "(section ends at offset 20)"),
    BAD("code count differs from function count", HEADER TYPE_SEC FUNC_SEC
        "\x0a\x01\x00", 21,
        "offset 21: code section has 0 function bodies but the function section "
        "declares 1 functions"),
    BAD("function section without code section", HEADER TYPE_SEC FUNC_SEC, 19,
        "offset 19: function section declares 1 functions but there is no code "
        "section"),
    BAD("code body past section end", HEADER TYPE_SEC FUNC_SEC "\x0a\x03\x01\x09\x00", 22,
        "offset 22: code body 0 size 9 runs past the end of section 10 (code) at "
        "offset 24 (1 bytes left)"),
};

static void test_bad_cases(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *bc = &bad_cases[i];
        struct wasm_module m;
        struct wasm_error err;
        int rc = wasm_parse((const uint8_t *)bc->bytes, bc->len, &m, &err);
        if (rc == 0 || err.offset != bc->offset || strcmp(err.message, bc->message) != 0)
            fprintf(stderr, "case \"%s\": rc %d, got: %s\n", bc->label, rc, err.message);
        CHECK_INT(rc, -1);
        CHECK_INT(err.offset, bc->offset);
        CHECK_STR(err.message, bc->message);
        CHECK(m.sections == NULL && m.section_count == 0 && m.imports == NULL);
        wasm_module_free(&m);
    }
}

static void test_null_buffer(void)
{
    struct wasm_module m;
    struct wasm_error err;
    CHECK_INT(wasm_parse(NULL, 0, &m, &err), -1);
    CHECK_INT(err.offset, 0);
}

/* Valid in-memory modules the fixtures do not cover. */
static void test_good_in_memory(void)
{
    struct wasm_module m;
    struct wasm_error err;

    /* Header only. */
    CHECK_INT(PARSE(HEADER, &m, &err), 0);
    CHECK_INT(m.section_count, 0);
    CHECK_INT(m.version, 1);
    wasm_module_free(&m);

    /* Largest 5-byte LEB128 whose top bits are clear is fine as a length
     * when padded: 0x84 0x80 0x80 0x80 0x00 is 4. */
    CHECK_INT(PARSE(HEADER "\x00\x84\x80\x80\x80\x00\x03" "abc", &m, &err), 0);
    CHECK_INT(m.section_count, 1);
    CHECK_INT(m.sections[0].header_size, 6);
    CHECK_INT(m.sections[0].payload_size, 4);
    CHECK_INT(m.sections[0].name.len, 3);
    wasm_module_free(&m);

    /* Global imports of typed references: (ref null 0), (ref func) with a
     * one-byte negative s33, (ref 5) padded to 5 bytes, and exnref. */
    CHECK_INT(PARSE(HEADER "\x02\x1c\x04"
                    "\x00\x00\x03\x63\x00\x00"
                    "\x00\x00\x03\x64\x70\x01"
                    "\x00\x00\x03\x64\x85\x80\x80\x80\x00\x00"
                    "\x00\x00\x03\x69\x00",
                    &m, &err), 0);
    if (m.section_count == 0)
        fprintf(stderr, "typed refs: %s\n", err.message);
    CHECK_INT(m.import_count, 4);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_GLOBAL], 4);
    if (m.import_count == 4)
        CHECK_INT(m.imports[3].field.len, 0);
    wasm_module_free(&m);

    /* A name holding U+0000 and a 4-byte character (U+1F600). */
    CHECK_INT(PARSE(HEADER "\x00\x07\x06" "a" "\x00" "\xf0\x9f\x98\x80", &m, &err), 0);
    wasm_module_free(&m);
}

static uint8_t *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/wasm/%s", FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    uint8_t *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            if (!data)
                abort();
        }
        size_t n = fread(data + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return data;
}

static size_t sections_total(const struct wasm_module *m)
{
    size_t total = WASM_HEADER_SIZE;
    for (size_t i = 0; i < m->section_count; i++)
        total += m->sections[i].header_size + m->sections[i].payload_size;
    return total;
}

static int name_is(struct wasm_name n, const char *s)
{
    return n.len == strlen(s) && memcmp(n.bytes, s, n.len) == 0;
}

/* Every prefix and every single-byte change of a valid module either parses
 * or fails with an offset inside the file; under ASan this also proves no
 * out-of-bounds read. A prefix that ends on a section boundary is valid. */
static void torture(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    for (size_t cut = 0; cut < len; cut++) {
        memcpy(copy, data, cut);        /* a fresh block end for ASan */
        uint8_t *exact = malloc(cut ? cut : 1);
        if (!exact)
            abort();
        memcpy(exact, data, cut);
        struct wasm_module m;
        struct wasm_error err;
        if (wasm_parse(exact, cut, &m, &err) < 0) {
            CHECK(err.offset <= cut);
            CHECK(strncmp(err.message, "offset ", 7) == 0);
        } else {
            CHECK_INT(sections_total(&m), cut);
        }
        wasm_module_free(&m);
        free(exact);
    }
    static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
    for (size_t at = 0; at < len; at++) {
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(copy, data, len);
            copy[at] = values[v];
            struct wasm_module m;
            struct wasm_error err;
            if (wasm_parse(copy, len, &m, &err) < 0) {
                CHECK(err.offset <= len);
            } else {
                CHECK_INT(sections_total(&m), len);
            }
            wasm_module_free(&m);
        }
    }
    free(copy);
}

struct expected_section {
    uint8_t id;
    size_t payload_offset;   /* wasm-objdump -h start= */
    size_t payload_size;     /* wasm-objdump -h size= */
    const char *name;
};

static void check_sections(const char *fixture, const struct wasm_module *m,
                           const struct expected_section *want, size_t n)
{
    CHECK_INT(m->section_count, n);
    for (size_t i = 0; i < n && i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        if (s->id != want[i].id || s->payload_offset != want[i].payload_offset
            || s->payload_size != want[i].payload_size)
            fprintf(stderr, "%s section %zu differs\n", fixture, i);
        CHECK_INT(s->id, want[i].id);
        CHECK_INT(s->payload_offset, want[i].payload_offset);
        CHECK_INT(s->payload_size, want[i].payload_size);
        CHECK_INT(s->offset + s->header_size, s->payload_offset);
        if (want[i].name)
            CHECK(name_is(s->name, want[i].name));
        else
            CHECK(s->name.bytes == NULL);
    }
}

static void test_fixture_imports(void)
{
    size_t len;
    uint8_t *data = read_fixture("imports.wasm", &len);
    CHECK(data != NULL);
    if (!data)
        return;
    struct wasm_module m;
    struct wasm_error err;
    CHECK_INT(wasm_parse(data, len, &m, &err), 0);
    static const struct expected_section want[] = {
        { 1, 0x0a, 0x1a, NULL }, { 2, 0x27, 0xca, NULL }, { 3, 0xf3, 0x04, NULL },
        { 6, 0xf9, 0x06, NULL }, { 7, 0x101, 0x29, NULL }, { 8, 0x12c, 0x01, NULL },
        { 10, 0x12f, 0x11, NULL }, { 11, 0x142, 0x11, NULL }, { 0, 0x155, 0x7f, "name" },
    };
    check_sections("imports.wasm", &m, want, sizeof want / sizeof want[0]);
    CHECK_INT(m.sections[1].header_size, 3);     /* 0xca needs 2 LEB bytes */
    CHECK_INT(sections_total(&m), len);
    CHECK_INT(m.import_count, 8);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_FUNC], 4);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_TABLE], 1);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_MEMORY], 1);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_GLOBAL], 1);
    CHECK_INT(m.imports_by_kind[WASM_EXTERN_TAG], 1);
    CHECK_INT(m.defined_function_count, 3);
    CHECK_INT(m.function_count, 7);
    CHECK_INT(m.export_count, 4);
    if (m.import_count == 8) {
        CHECK(name_is(m.imports[0].module, "wasi_snapshot_preview1"));
        CHECK(name_is(m.imports[0].field, "fd_write"));
        CHECK_INT(m.imports[0].kind, WASM_EXTERN_FUNC);
        CHECK(name_is(m.imports[2].module, "gojs"));
        CHECK(name_is(m.imports[2].field, "runtime.wasmExit"));
        CHECK(name_is(m.imports[3].module, "env"));
        CHECK_INT(m.imports[3].kind, WASM_EXTERN_MEMORY);
        CHECK_INT(m.imports[4].kind, WASM_EXTERN_TABLE);
        CHECK_INT(m.imports[5].kind, WASM_EXTERN_GLOBAL);
        CHECK_INT(m.imports[6].kind, WASM_EXTERN_TAG);
        CHECK(name_is(m.imports[7].field, "runtime.nanotime1"));
    }
    wasm_module_free(&m);
    torture(data, len);
    free(data);
}

static void test_fixture_all_sections(void)
{
    size_t len;
    uint8_t *data = read_fixture("all_sections.wasm", &len);
    CHECK(data != NULL);
    if (!data)
        return;
    struct wasm_module m;
    struct wasm_error err;
    CHECK_INT(wasm_parse(data, len, &m, &err), 0);
    static const struct expected_section want[] = {
        { 1, 0x0a, 0x08, NULL }, { 2, 0x14, 0x0b, NULL }, { 3, 0x21, 0x03, NULL },
        { 4, 0x26, 0x04, NULL }, { 5, 0x2c, 0x03, NULL }, { 13, 0x31, 0x03, NULL },
        { 6, 0x36, 0x06, NULL }, { 7, 0x3e, 0x08, NULL }, { 8, 0x48, 0x01, NULL },
        { 9, 0x4b, 0x07, NULL }, { 12, 0x54, 0x01, NULL }, { 10, 0x57, 0x18, NULL },
        { 11, 0x71, 0x07, NULL },
    };
    check_sections("all_sections.wasm", &m, want, sizeof want / sizeof want[0]);
    CHECK_INT(sections_total(&m), len);
    CHECK_INT(m.function_count, 3);
    CHECK_INT(m.import_count, 1);
    CHECK_INT(m.export_count, 1);
    wasm_module_free(&m);
    torture(data, len);
    free(data);
}

static void test_fixture_custom(void)
{
    size_t len;
    uint8_t *data = read_fixture("custom.wasm", &len);
    CHECK(data != NULL);
    if (!data)
        return;
    struct wasm_module m;
    struct wasm_error err;
    CHECK_INT(wasm_parse(data, len, &m, &err), 0);
    static const struct expected_section want[] = {
        { 0, 0x0a, 0x0f, "before-type" }, { 1, 0x1b, 0x05, NULL },
        { 0, 0x22, 0x01, "" }, { 3, 0x25, 0x02, NULL },
        { 0, 0x29, 0x07, "caf\xc3\xa9" }, { 10, 0x32, 0x06, NULL },
        { 0, 0x3a, 0x0b, "producers" },
    };
    check_sections("custom.wasm", &m, want, sizeof want / sizeof want[0]);
    CHECK_INT(sections_total(&m), len);
    CHECK_INT(m.function_count, 1);
    wasm_module_free(&m);
    torture(data, len);
    free(data);
}

static void test_fixture_padded_leb(void)
{
    size_t len;
    uint8_t *data = read_fixture("padded_leb.wasm", &len);
    CHECK(data != NULL);
    if (!data)
        return;
    struct wasm_module m;
    struct wasm_error err;
    CHECK_INT(wasm_parse(data, len, &m, &err), 0);
    static const struct expected_section want[] = {
        { 1, 0x0e, 0x09, NULL }, { 3, 0x1d, 0x02, NULL },
        { 10, 0x23, 0x08, NULL }, { 0, 0x30, 0x09, "pads" },
    };
    check_sections("padded_leb.wasm", &m, want, sizeof want / sizeof want[0]);
    CHECK_INT(m.sections[0].header_size, 6);
    CHECK_INT(m.sections[3].header_size, 5);
    CHECK_INT(sections_total(&m), len);
    CHECK_INT(m.function_count, 1);
    wasm_module_free(&m);
    torture(data, len);
    free(data);
}

static void test_fixture_small(void)
{
    size_t len;
    struct wasm_module m;
    struct wasm_error err;

    uint8_t *data = read_fixture("empty.wasm", &len);
    CHECK(data != NULL && len == 8);
    if (data) {
        CHECK_INT(wasm_parse(data, len, &m, &err), 0);
        CHECK_INT(m.section_count, 0);
        CHECK_INT(m.function_count, 0);
        wasm_module_free(&m);
        free(data);
    }

    data = read_fixture("memory64.wasm", &len);
    CHECK(data != NULL);
    if (data) {
        CHECK_INT(wasm_parse(data, len, &m, &err), 0);
        CHECK_INT(m.imports_by_kind[WASM_EXTERN_MEMORY], 2);
        CHECK_INT(sections_total(&m), len);
        wasm_module_free(&m);
        torture(data, len);
        free(data);
    }
}

static void test_names(void)
{
    CHECK_STR(wasm_section_name(0), "custom");
    CHECK_STR(wasm_section_name(10), "code");
    CHECK_STR(wasm_section_name(12), "datacount");
    CHECK_STR(wasm_section_name(13), "tag");
    CHECK_STR(wasm_section_name(14), "unknown");
    CHECK_STR(wasm_extern_kind_name(WASM_EXTERN_TAG), "tag");
    CHECK_STR(wasm_extern_kind_name(5), "unknown");
}

int main(void)
{
    test_bad_cases();
    test_null_buffer();
    test_good_in_memory();
    test_fixture_imports();
    test_fixture_all_sections();
    test_fixture_custom();
    test_fixture_padded_leb();
    test_fixture_small();
    test_names();
    return check_result();
}
