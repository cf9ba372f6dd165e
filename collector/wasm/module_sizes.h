/* module_sizes: how big a module is, where its bytes are, and how small it
 * compresses. The one place wasmlab computes a module's gzip and brotli
 * sizes and splits it into sections (`wasmlab inspect` and `wasmlab report
 * sizes` both use it), the one place that turns them into rows of the
 * module_sizes, module_sections and module_imports tables (the SQL is
 * db/sizes.c's), and a cache file of compressed sizes by content.
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

#include "collector/wasm/wasm_binary.h"
#include "db/db.h"

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

/* Stores one module's sizes, sections and imports through db/sizes.h,
 * replacing any earlier rows for the same content (sha256); file goes in
 * module_sizes.file. The sizes must be compressed. Runs no transaction of
 * its own: call it inside the caller's. Returns 0, or -1 with SQLite's
 * reason in err. */
int module_sizes_store(struct db *db, const char *file, const struct module_sizes *ms,
                       char *err, size_t errlen);

/* A cache of compressed sizes by content (sha256 and size), in a text file:
 * a header line naming the format and the zlib and brotli versions (a cache
 * written with other versions is ignored), then "SHA256 BYTES GZIP BROTLI"
 * per line. Brotli -q 11 takes ~1.3 s per MB, so `report sizes` keeps what
 * it computed here and a second run compresses nothing.
 * Not thread-safe: get and put from one thread. */
struct sizes_cache_entry {
    char sha256[65];
    size_t bytes, gzip_bytes, brotli_bytes;
};
struct sizes_cache {
    char *path;                 /* owned */
    struct sizes_cache_entry *v;
    size_t n, cap;
    bool dirty;                 /* entries added since load or save */
};
/* Reads path (a missing, unreadable or outdated file is an empty cache). */
void sizes_cache_load(struct sizes_cache *c, const char *path);
/* True and the two sizes when the content is in the cache. */
bool sizes_cache_get(const struct sizes_cache *c, const char *sha256, size_t bytes,
                     size_t *gzip_bytes, size_t *brotli_bytes);
void sizes_cache_put(struct sizes_cache *c, const char *sha256, size_t bytes, size_t gzip_bytes,
                     size_t brotli_bytes);
/* Writes the cache when entries were added (making its folder; a temp
 * file renamed over the old one). Returns 0, or -1 with the reason in err. */
int sizes_cache_save(struct sizes_cache *c, char *err, size_t errlen);
void sizes_cache_free(struct sizes_cache *c);

#endif
