/* module_sizes: how big a module is, where its bytes are, and how small it
 * compresses. The one place wasmlab computes a module's gzip and brotli
 * sizes and splits it into sections (`wasmlab inspect` and `wasmlab report
 * sizes` both use it), and the one place that writes the module_sizes,
 * module_sections and module_imports tables
 * (db/migrations/002_module_sections.sql).
 *
 * The sizes, exactly:
 *   - bytes: the file size;
 *   - gzip: zlib deflate level 9, memLevel 8, in a gzip wrapper without a
 *     file name (10-byte header, 8-byte trailer): what a web server's gzip
 *     sends; GNU `gzip -9 -n` has its own deflate and lands within ~1%;
 *   - brotli: quality 11, window from the file size as the brotli CLI picks
 *     it: exactly the size of `brotli -q 11 FILE`;
 *   - sections: id byte + LEB128 length + payload, so the 8-byte header plus
 *     every section's size is the file size.
 *
 * Memory: the struct module_sizes holds a parsed wasm_module whose names
 * point into the caller's buffer (see wasm_binary.h): keep the buffer alive
 * as long as the struct, and release it with module_sizes_free. */
#ifndef WASMLAB_MODULE_SIZES_H
#define WASMLAB_MODULE_SIZES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "collector/wasm/wasm_binary.h"

struct module_sizes {
    size_t bytes;               /* file size */
    char sha256[65];            /* lowercase hex */
    bool compressed;            /* gzip_bytes and brotli_bytes are set */
    size_t gzip_bytes;
    size_t brotli_bytes;
    struct wasm_module module;  /* sections, imports, counts */
};

/* Parses len bytes at data and hashes them: fills bytes, sha256 and module,
 * leaves the compressed sizes unset. Returns 0, or -1 with the parser's
 * one-line reason ("offset N: ...") in err; on failure *ms holds nothing to
 * free. */
int module_sizes_parse(const uint8_t *data, size_t len, struct module_sizes *ms,
                       char *err, size_t errlen);

/* Sets gzip_bytes and brotli_bytes (and compressed) from the same buffer.
 * CPU-bound (brotli -q 11 takes ~1.3 s per MB) and touches nothing but its
 * arguments, so separate modules may be compressed on separate threads.
 * Returns 0, or -1 if the compressor failed (reason in err). */
int module_sizes_compress(const uint8_t *data, size_t len, struct module_sizes *ms,
                          char *err, size_t errlen);

/* Frees the parsed module; safe twice and on a zeroed struct. */
void module_sizes_free(struct module_sizes *ms);

/* The two compressed sizes on their own (definitions above). 0 or -1. */
int module_gzip_size(const uint8_t *data, size_t len, size_t *out);
int module_brotli_size(const uint8_t *data, size_t len, size_t *out);

/* Where a module's bytes go: five parts that add up to the file size.
 * Section sizes include the id byte and the length. */
struct module_breakdown {
    size_t code;            /* the code section (function bodies) */
    size_t data;            /* the data section (initial memory contents) */
    size_t name;            /* custom sections named "name" (function and
                               other names, for stack traces and profilers) */
    size_t other_custom;    /* every other custom section ("go:buildid",
                               "producers", "target_features", ".debug_*") */
    size_t rest;            /* the 8-byte header and every other section
                               (type, import, function, table, memory,
                               global, export, start, element, ...) */
};
void module_breakdown_of(const struct wasm_module *m, struct module_breakdown *out);

/* Stores one module's sizes, sections and imports, replacing any earlier
 * rows for the same content (sha256); file goes in module_sizes.file. The
 * sizes must be compressed. Runs no transaction of its own: call it inside
 * the caller's. Returns 0, or -1 with the reason on the sqlite3 handle. */
int module_sizes_store(sqlite3 *sql, const char *file, const struct module_sizes *ms);

#endif
