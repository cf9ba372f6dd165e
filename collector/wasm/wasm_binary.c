/* wasm_binary: see wasm_binary.h for the contract.
 *
 * All reads go through struct cursor, which knows where the current item
 * must end (the file, or the section being decoded) and refuses to read past
 * it, so no input can make the parser touch memory outside the buffer. The
 * first error stops the parse; its message names the offset, what was being
 * read and where the data ran out. */
#include "collector/wasm/wasm_binary.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t wasm_magic[4] = { 0x00, 0x61, 0x73, 0x6d };   /* "\0asm" */
static const uint32_t wasm_version = 1;

/* Where reads stop and how to describe that place in messages. */
struct cursor {
    const uint8_t *data;        /* the whole file */
    size_t pos;                 /* next byte to read */
    size_t end;                 /* reads stop here */
    size_t file_size;
    char limit[64];             /* "end of file (file is N bytes)" or
                                 * "end of section 2 (import) at offset N" */
    struct wasm_error *err;
};

const char *wasm_section_name(unsigned id)
{
    static const char *const names[] = {
        "custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "datacount", "tag",
    };
    return id < sizeof names / sizeof names[0] ? names[id] : "unknown";
}

const char *wasm_extern_kind_name(unsigned kind)
{
    static const char *const names[] = { "func", "table", "memory", "global", "tag" };
    return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

static int fail(struct wasm_error *err, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct wasm_error *err, size_t offset, const char *fmt, ...)
{
    err->offset = offset;
    int n = snprintf(err->message, sizeof err->message, "offset %zu: ", offset);
    if (n < 0 || (size_t)n >= sizeof err->message)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static void cursor_init_file(struct cursor *c, const uint8_t *data, size_t len,
                             size_t pos, struct wasm_error *err)
{
    c->data = data;
    c->pos = pos;
    c->end = len;
    c->file_size = len;
    c->err = err;
    snprintf(c->limit, sizeof c->limit, "end of file (file is %zu bytes)", len);
}

static void cursor_init_section(struct cursor *c, const uint8_t *data, size_t len,
                                const struct wasm_section *s, struct wasm_error *err)
{
    c->data = data;
    c->pos = s->payload_offset;
    c->end = s->payload_offset + s->payload_size;
    c->file_size = len;
    c->err = err;
    snprintf(c->limit, sizeof c->limit, "end of section %u (%s) at offset %zu",
             s->id, wasm_section_name(s->id), c->end);
}

static size_t cursor_left(const struct cursor *c)
{
    return c->end - c->pos;
}

static int read_byte(struct cursor *c, const char *what, uint8_t *out)
{
    if (c->pos >= c->end)
        return fail(c->err, c->pos, "%s: unexpected %s", what, c->limit);
    *out = c->data[c->pos++];
    return 0;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64), as the spec decodes it:
 * at most ceil(bits/7) bytes, and the bits of the last byte beyond `bits`
 * must be zero. Padding with 0x80 bytes within that length is allowed. */
static int read_uleb(struct cursor *c, unsigned bits, const char *what, uint64_t *out)
{
    size_t start = c->pos;
    unsigned max_bytes = (bits + 6) / 7;
    uint64_t value = 0;
    for (unsigned i = 0;; i++) {
        if (c->pos >= c->end)
            return fail(c->err, start, "%s: LEB128 runs into the %s", what, c->limit);
        uint8_t b = c->data[c->pos++];
        if (i == max_bytes - 1) {
            unsigned used = bits - 7 * i;             /* payload bits in this byte */
            if (b & 0x80)
                return fail(c->err, start, "%s: LEB128 longer than %u bytes for a u%u",
                            what, max_bytes, bits);
            if (b >> used)
                return fail(c->err, start, "%s: LEB128 value does not fit in %u bits "
                            "(unused bits set in byte %u)", what, bits, max_bytes);
        }
        value |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            break;
    }
    *out = value;
    return 0;
}

static int read_u32(struct cursor *c, const char *what, uint32_t *out)
{
    uint64_t v = 0;
    if (read_uleb(c, 32, what, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Signed LEB128 of 33 bits (a heap type): at most 5 bytes, and the unused
 * bits of the last byte must all equal the sign bit. */
static int read_s33(struct cursor *c, const char *what, int64_t *out)
{
    size_t start = c->pos;
    uint64_t value = 0;
    unsigned shift = 0;
    for (unsigned i = 0;; i++) {
        if (c->pos >= c->end)
            return fail(c->err, start, "%s: LEB128 runs into the %s", what, c->limit);
        uint8_t b = c->data[c->pos++];
        if (i == 4) {
            /* Byte 5 carries bits 28..34; bit 32 (0x10 here) is the sign and
             * 0x20, 0x40 must repeat it. */
            uint8_t high = b & 0x70;
            if (b & 0x80)
                return fail(c->err, start, "%s: LEB128 longer than 5 bytes for an s33", what);
            if (high != 0 && high != 0x70)
                return fail(c->err, start, "%s: LEB128 value does not fit in 33 bits "
                            "(unused bits of byte 5 differ from the sign bit)", what);
        }
        value |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                value |= ~(uint64_t)0 << shift;      /* sign-extend */
            break;
        }
    }
    *out = (int64_t)value;
    return 0;
}

/* Returns the index of the first byte of s that is not part of a valid UTF-8
 * sequence (overlong forms, surrogates and code points past U+10FFFF are
 * invalid, as in the spec), or n if all of s is valid. */
static size_t utf8_invalid_at(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t follow;
        uint8_t lo = 0x80, hi = 0xbf;        /* range of the first continuation byte */
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            follow = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
            follow = 2;
            if (b == 0xe0)
                lo = 0xa0;                   /* overlong */
            else if (b == 0xed)
                hi = 0x9f;                   /* surrogates */
        } else if (b >= 0xf0 && b <= 0xf4) {
            follow = 3;
            if (b == 0xf0)
                lo = 0x90;                   /* overlong */
            else if (b == 0xf4)
                hi = 0x8f;                   /* past U+10FFFF */
        } else {
            return i;
        }
        if (n - i - 1 < follow)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= follow; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        i += follow + 1;
    }
    return n;
}

/* A name: u32 byte length, then that many bytes of UTF-8. */
static int read_name(struct cursor *c, const char *what, struct wasm_name *out)
{
    char what_len[96];
    snprintf(what_len, sizeof what_len, "%s length", what);
    size_t start = c->pos;
    uint32_t n = 0;
    if (read_u32(c, what_len, &n) < 0)
        return -1;
    if (n > cursor_left(c))
        return fail(c->err, start, "%s length %u runs past the %s (%zu bytes left)",
                    what, n, c->limit, cursor_left(c));
    const uint8_t *bytes = c->data + c->pos;
    size_t bad = utf8_invalid_at(bytes, n);
    if (bad < n)
        return fail(c->err, c->pos + bad, "%s is not valid UTF-8 (byte 0x%02x)",
                    what, bytes[bad]);
    out->bytes = (const char *)bytes;
    out->len = n;
    c->pos += n;
    return 0;
}

/* Reference types: the one-byte shorthands (funcref, externref and those of
 * the GC and exception-handling proposals, 0x69..0x74), or 0x63/0x64
 * followed by a heap type. */
static bool is_reftype_shorthand(uint8_t b)
{
    return b >= 0x69 && b <= 0x74;
}

/* The rest of a reference type whose first byte b (at start) was read. */
static int finish_reftype(struct cursor *c, const char *what, uint8_t b, size_t start)
{
    if (is_reftype_shorthand(b))
        return 0;
    if (b == 0x63 || b == 0x64) {
        int64_t heap_type = 0;
        return read_s33(c, what, &heap_type);
    }
    return fail(c->err, start, "%s: unknown reference type 0x%02x", what, b);
}

static int read_reftype(struct cursor *c, const char *what)
{
    size_t start = c->pos;
    uint8_t b = 0;
    if (read_byte(c, what, &b) < 0)
        return -1;
    return finish_reftype(c, what, b, start);
}

static int read_valtype(struct cursor *c, const char *what)
{
    size_t start = c->pos;
    uint8_t b = 0;
    if (read_byte(c, what, &b) < 0)
        return -1;
    if (b >= 0x7b && b <= 0x7f)              /* v128, f64, f32, i64, i32 */
        return 0;
    if (is_reftype_shorthand(b) || b == 0x63 || b == 0x64)
        return finish_reftype(c, what, b, start);
    return fail(c->err, start, "%s: unknown value type 0x%02x", what, b);
}

/* Limits: a flags byte (bit 0: has max; bit 1: shared, memories only;
 * bit 2: 64-bit, with u64 bounds), then min and, if flagged, max. */
static int read_limits(struct cursor *c, const char *what, uint8_t allowed_flags)
{
    size_t start = c->pos;
    uint8_t flags = 0;
    if (read_byte(c, what, &flags) < 0)
        return -1;
    if (flags & ~allowed_flags)
        return fail(c->err, start, "%s: invalid limits flags 0x%02x", what, flags);
    unsigned bits = (flags & 0x04) ? 64 : 32;
    uint64_t bound = 0;
    if (read_uleb(c, bits, what, &bound) < 0)
        return -1;
    if ((flags & 0x01) && read_uleb(c, bits, what, &bound) < 0)
        return -1;
    return 0;
}

/* Checks that the decoder used up exactly the section's declared length. */
static int expect_section_end(const struct cursor *c, const struct wasm_section *s)
{
    if (c->pos == c->end)
        return 0;
    return fail(c->err, c->pos, "section %u (%s) has %zu bytes left over after its "
                "contents (section ends at offset %zu)", s->id,
                wasm_section_name(s->id), cursor_left(c), c->end);
}

static int grow(void **array, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 16;
    if (new_cap > SIZE_MAX / elem_size)
        return -1;
    void *p = realloc(*array, new_cap * elem_size);
    if (!p)
        return -1;
    *array = p;
    *cap = new_cap;
    return 0;
}

static int parse_import_section(struct cursor *c, const struct wasm_section *s,
                                struct wasm_module *m)
{
    uint32_t count = 0;
    size_t cap = 0;
    if (read_u32(c, "import count", &count) < 0)
        return -1;
    /* Each import takes at least 4 bytes, so a lying count runs into the
     * section end long before it can make us allocate much. */
    for (uint32_t i = 0; i < count; i++) {
        char what[64];
        struct wasm_import imp = { 0 };
        snprintf(what, sizeof what, "import %u module name", i);
        if (read_name(c, what, &imp.module) < 0)
            return -1;
        snprintf(what, sizeof what, "import %u field name", i);
        if (read_name(c, what, &imp.field) < 0)
            return -1;
        snprintf(what, sizeof what, "import %u kind", i);
        size_t kind_offset = c->pos;
        uint8_t kind = 0;
        if (read_byte(c, what, &kind) < 0)
            return -1;
        snprintf(what, sizeof what, "import %u (%s)", i, wasm_extern_kind_name(kind));
        uint32_t index = 0;
        uint8_t byte = 0;
        switch (kind) {
        case WASM_EXTERN_FUNC:
            if (read_u32(c, what, &index) < 0)
                return -1;
            break;
        case WASM_EXTERN_TABLE:
            if (read_reftype(c, what) < 0 || read_limits(c, what, 0x05) < 0)
                return -1;
            break;
        case WASM_EXTERN_MEMORY:
            if (read_limits(c, what, 0x07) < 0)
                return -1;
            break;
        case WASM_EXTERN_GLOBAL: {
            if (read_valtype(c, what) < 0)
                return -1;
            size_t mut_offset = c->pos;
            if (read_byte(c, what, &byte) < 0)
                return -1;
            if (byte > 1)
                return fail(c->err, mut_offset, "%s: invalid mutability 0x%02x",
                            what, byte);
            break;
        }
        case WASM_EXTERN_TAG: {
            size_t attr_offset = c->pos;
            if (read_byte(c, what, &byte) < 0)
                return -1;
            if (byte != 0)
                return fail(c->err, attr_offset, "%s: invalid tag attribute 0x%02x",
                            what, byte);
            if (read_u32(c, what, &index) < 0)
                return -1;
            break;
        }
        default:
            return fail(c->err, kind_offset, "import %u: unknown import kind 0x%02x",
                        i, kind);
        }
        imp.kind = (enum wasm_extern_kind)kind;
        if (grow((void **)&m->imports, &cap, m->import_count, sizeof *m->imports) < 0)
            return fail(c->err, kind_offset, "out of memory");
        m->imports[m->import_count++] = imp;
        m->imports_by_kind[kind]++;
    }
    return expect_section_end(c, s);
}

static int parse_function_section(struct cursor *c, const struct wasm_section *s,
                                  struct wasm_module *m)
{
    uint32_t count = 0, type_index = 0;
    if (read_u32(c, "function count", &count) < 0)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        char what[48];
        snprintf(what, sizeof what, "function %u type index", i);
        if (read_u32(c, what, &type_index) < 0)
            return -1;
    }
    m->defined_function_count = count;
    return expect_section_end(c, s);
}

static int parse_export_section(struct cursor *c, const struct wasm_section *s,
                                struct wasm_module *m)
{
    uint32_t count = 0, index = 0;
    if (read_u32(c, "export count", &count) < 0)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        char what[48];
        struct wasm_name name;
        snprintf(what, sizeof what, "export %u name", i);
        if (read_name(c, what, &name) < 0)
            return -1;
        snprintf(what, sizeof what, "export %u kind", i);
        size_t kind_offset = c->pos;
        uint8_t kind = 0;
        if (read_byte(c, what, &kind) < 0)
            return -1;
        if (kind >= WASM_EXTERN_KIND_COUNT)
            return fail(c->err, kind_offset, "export %u: unknown export kind 0x%02x",
                        i, kind);
        snprintf(what, sizeof what, "export %u index", i);
        if (read_u32(c, what, &index) < 0)
            return -1;
    }
    m->export_count = count;
    return expect_section_end(c, s);
}

/* The code section must have one body per function section entry. */
static int parse_code_section(struct cursor *c, const struct wasm_section *s,
                              struct wasm_module *m)
{
    uint32_t count = 0, body_size = 0;
    size_t count_offset = c->pos;
    if (read_u32(c, "code body count", &count) < 0)
        return -1;
    if (count != m->defined_function_count)
        return fail(c->err, count_offset, "code section has %u function bodies but the "
                    "function section declares %zu functions", count,
                    m->defined_function_count);
    for (uint32_t i = 0; i < count; i++) {
        char what[48];
        snprintf(what, sizeof what, "code body %u size", i);
        size_t size_offset = c->pos;
        if (read_u32(c, what, &body_size) < 0)
            return -1;
        if (body_size > cursor_left(c))
            return fail(c->err, size_offset, "code body %u size %u runs past the %s "
                        "(%zu bytes left)", i, body_size, c->limit, cursor_left(c));
        c->pos += body_size;
    }
    return expect_section_end(c, s);
}

/* The spec's order of non-custom sections (tag and datacount sit out of
 * numeric order). Returns 1.. for known ids. */
static int section_rank(uint8_t id)
{
    static const int rank[] = {
        [WASM_SECTION_TYPE] = 1, [WASM_SECTION_IMPORT] = 2,
        [WASM_SECTION_FUNCTION] = 3, [WASM_SECTION_TABLE] = 4,
        [WASM_SECTION_MEMORY] = 5, [WASM_SECTION_TAG] = 6,
        [WASM_SECTION_GLOBAL] = 7, [WASM_SECTION_EXPORT] = 8,
        [WASM_SECTION_START] = 9, [WASM_SECTION_ELEMENT] = 10,
        [WASM_SECTION_DATACOUNT] = 11, [WASM_SECTION_CODE] = 12,
        [WASM_SECTION_DATA] = 13,
    };
    return rank[id];
}

static int parse_header(const uint8_t *data, size_t len, struct wasm_module *m,
                        struct wasm_error *err)
{
    if (len < 4)
        return fail(err, 0, "file too short for the magic number: %zu bytes, "
                    "a module starts with 8 (\\0asm + version)", len);
    if (memcmp(data, wasm_magic, sizeof wasm_magic) != 0)
        return fail(err, 0, "bad magic number %02x %02x %02x %02x "
                    "(a module starts with 00 61 73 6d, \"\\0asm\")",
                    data[0], data[1], data[2], data[3]);
    if (len < WASM_HEADER_SIZE)
        return fail(err, 4, "file ends inside the version: %zu bytes, "
                    "the header is 8", len);
    m->version = (uint32_t)data[4] | (uint32_t)data[5] << 8
               | (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24;
    if (m->version != wasm_version)
        return fail(err, 4, "unsupported version %u (bytes %02x %02x %02x %02x; "
                    "expected 1)", m->version, data[4], data[5], data[6], data[7]);
    return 0;
}

static int parse_sections(const uint8_t *data, size_t len, struct wasm_module *m,
                          struct wasm_error *err)
{
    size_t cap = 0, pos = WASM_HEADER_SIZE;
    size_t last_offset = 0;            /* of the last non-custom section */
    uint8_t last_id = 0;
    int last_rank = 0;
    bool saw_code = false;

    while (pos < len) {
        struct wasm_section s = { .id = data[pos], .offset = pos };
        if (s.id > WASM_SECTION_TAG)
            return fail(err, pos, "unknown section id %u", s.id);

        struct cursor c;
        char what[48];
        uint32_t size = 0;
        cursor_init_file(&c, data, len, pos + 1, err);
        snprintf(what, sizeof what, "section %u (%s) length", s.id,
                 wasm_section_name(s.id));
        if (read_u32(&c, what, &size) < 0)
            return -1;
        if (size > len - c.pos)
            return fail(err, pos, "section %u (%s) length %u runs past end of file "
                        "(payload would end at offset %llu, file is %zu bytes)",
                        s.id, wasm_section_name(s.id), size,
                        (unsigned long long)c.pos + size, len);
        s.header_size = c.pos - pos;
        s.payload_offset = c.pos;
        s.payload_size = size;

        if (s.id != WASM_SECTION_CUSTOM) {
            int rank = section_rank(s.id);
            if (rank == last_rank)
                return fail(err, pos, "duplicate section %u (%s) (first at offset %zu)",
                            s.id, wasm_section_name(s.id), last_offset);
            if (rank < last_rank)
                return fail(err, pos, "section %u (%s) out of order: it must come "
                            "before section %u (%s) at offset %zu", s.id,
                            wasm_section_name(s.id), last_id,
                            wasm_section_name(last_id), last_offset);
            last_rank = rank;
            last_id = s.id;
            last_offset = pos;
        }

        cursor_init_section(&c, data, len, &s, err);
        int rc = 0;
        switch (s.id) {
        case WASM_SECTION_CUSTOM:
            rc = read_name(&c, "custom section name", &s.name);
            break;
        case WASM_SECTION_IMPORT:
            rc = parse_import_section(&c, &s, m);
            break;
        case WASM_SECTION_FUNCTION:
            rc = parse_function_section(&c, &s, m);
            break;
        case WASM_SECTION_EXPORT:
            rc = parse_export_section(&c, &s, m);
            break;
        case WASM_SECTION_CODE:
            rc = parse_code_section(&c, &s, m);
            saw_code = true;
            break;
        default:
            break;                     /* skipped by length */
        }
        if (rc < 0)
            return -1;

        if (grow((void **)&m->sections, &cap, m->section_count, sizeof *m->sections) < 0)
            return fail(err, pos, "out of memory");
        m->sections[m->section_count++] = s;
        pos = s.payload_offset + s.payload_size;
    }

    if (!saw_code && m->defined_function_count > 0)
        return fail(err, len, "function section declares %zu functions but there is "
                    "no code section", m->defined_function_count);
    return 0;
}

int wasm_parse(const uint8_t *data, size_t len, struct wasm_module *module,
               struct wasm_error *err)
{
    memset(module, 0, sizeof *module);
    memset(err, 0, sizeof *err);
    if (!data)
        len = 0;
    if (parse_header(data, len, module, err) < 0
        || parse_sections(data, len, module, err) < 0) {
        wasm_module_free(module);
        return -1;
    }
    module->function_count = module->imports_by_kind[WASM_EXTERN_FUNC]
                           + module->defined_function_count;
    return 0;
}

void wasm_module_free(struct wasm_module *module)
{
    free(module->sections);
    free(module->imports);
    memset(module, 0, sizeof *module);
}
