/* wasm_binary: a parser for the WebAssembly binary format, enough to list a
 * module's sections and count its functions, imports and exports.
 *
 * It decodes (per the core spec, binary format 1, plus the tag section and
 * the table/memory/global/tag import kinds of later proposals):
 *   - the 8-byte header (magic "\0asm", version 1);
 *   - every section's id and length, checking order and uniqueness of the
 *     non-custom sections;
 *   - custom section names;
 *   - the import, function and export sections in full, and the code
 *     section's body count and body sizes.
 * Other sections are skipped by length; nothing is validated beyond decoding
 * (type indices are not checked against the type section, for example).
 *
 * It is pure: it reads only the buffer it is given, does no I/O, and never
 * reads outside [data, data + len) whatever the input. Every malformed input
 * gets an error with the byte offset of the first byte of the item in error:
 * the LEB128 or name that is bad, the id byte of a section that runs past
 * the end of the file or is out of order, the file size when a required
 * section (code, for declared functions) is missing. Errors are reported in
 * file order; the first one stops the parse.
 *
 * Memory: wasm_parse allocates the sections and imports arrays with malloc;
 * the caller releases them with wasm_module_free. Names (custom section
 * names, import module and field names) are NOT copied: they point into the
 * caller's buffer, which must outlive the module struct. Names are valid
 * UTF-8 (checked) but not NUL-terminated, and may contain U+0000. */
#ifndef WASMLAB_WASM_BINARY_H
#define WASMLAB_WASM_BINARY_H

#include <stddef.h>
#include <stdint.h>

/* The 8-byte module header: magic + version. */
#define WASM_HEADER_SIZE 8

enum wasm_section_id {
    WASM_SECTION_CUSTOM = 0,
    WASM_SECTION_TYPE = 1,
    WASM_SECTION_IMPORT = 2,
    WASM_SECTION_FUNCTION = 3,
    WASM_SECTION_TABLE = 4,
    WASM_SECTION_MEMORY = 5,
    WASM_SECTION_GLOBAL = 6,
    WASM_SECTION_EXPORT = 7,
    WASM_SECTION_START = 8,
    WASM_SECTION_ELEMENT = 9,
    WASM_SECTION_CODE = 10,
    WASM_SECTION_DATA = 11,
    WASM_SECTION_DATACOUNT = 12,
    WASM_SECTION_TAG = 13,          /* exception handling proposal */
};

/* What an import (or export) names: the spec's externtype kinds. */
enum wasm_extern_kind {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
    WASM_EXTERN_TAG = 4,
};
#define WASM_EXTERN_KIND_COUNT 5

/* A byte string borrowed from the parsed buffer: valid UTF-8, not
 * NUL-terminated (print it with its length). */
struct wasm_name {
    const char *bytes;
    size_t len;
};

struct wasm_section {
    uint8_t id;                 /* enum wasm_section_id */
    size_t offset;              /* file offset of the id byte */
    size_t header_size;         /* id byte + LEB128 length (may be padded) */
    size_t payload_offset;      /* offset + header_size */
    size_t payload_size;        /* the section's declared length */
    struct wasm_name name;      /* custom sections only; else {NULL, 0} */
};
/* offset + header_size + payload_size is where the next section starts, so
 * WASM_HEADER_SIZE + the sum of (header_size + payload_size) over all
 * sections equals the file size for every module wasm_parse accepts. */

struct wasm_import {
    struct wasm_name module;    /* e.g. "wasi_snapshot_preview1", "gojs", "env" */
    struct wasm_name field;
    enum wasm_extern_kind kind;
};

struct wasm_module {
    uint32_t version;
    struct wasm_section *sections;      /* in file order; malloc'd */
    size_t section_count;
    struct wasm_import *imports;        /* in file order; malloc'd */
    size_t import_count;
    /* Imports by kind, indexed by enum wasm_extern_kind. */
    size_t imports_by_kind[WASM_EXTERN_KIND_COUNT];
    size_t defined_function_count;      /* entries in the function section */
    size_t function_count;              /* imported funcs + defined funcs */
    size_t export_count;
};

/* The message holds the whole line, starting "offset N: ". */
struct wasm_error {
    size_t offset;
    char message[256];
};

/* Parses len bytes at data into *module (which it initializes; on failure
 * it is left empty, with nothing to free). Returns 0 on success, or -1 with
 * *err filled in. Out of memory is reported as an error too. */
int wasm_parse(const uint8_t *data, size_t len, struct wasm_module *module,
               struct wasm_error *err);

/* Frees what wasm_parse allocated and empties *module. Safe on an empty or
 * zeroed module, and twice. */
void wasm_module_free(struct wasm_module *module);

/* Spec name of a section id ("type", "import", ..., "datacount", "tag");
 * "unknown" for other values. Static string. */
const char *wasm_section_name(unsigned id);

/* "func", "table", "memory", "global", "tag"; "unknown" otherwise. Static. */
const char *wasm_extern_kind_name(unsigned kind);

#endif
