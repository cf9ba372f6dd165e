/* sizes: the module_sizes, module_sections and module_imports tables
 * (db/migrations/002_module_sections.sql): what `inspect --db` and `report
 * sizes --db` store about a module's bytes, keyed by its sha256, and the
 * lookup that makes the DB a cache of compressed sizes.
 *
 * Plain C types only (db/ knows nothing of the wasm parser): the caller
 * flattens its parsed module into these rows. Names are byte ranges (not
 * NUL-terminated; a custom section's or an import's name may hold any UTF-8).
 * Every pointer is borrowed for the duration of the call. */
#ifndef WASMLAB_DB_SIZES_H
#define WASMLAB_DB_SIZES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_bytes {
    const char *bytes;          /* may be NULL when len is 0 */
    size_t len;
};

struct db_section_row {
    int id;                     /* section id (0 custom, 1 type, ...) */
    struct db_bytes name;       /* custom sections: the name; else stored NULL */
    int64_t offset;             /* of the id byte */
    int64_t size;               /* id byte + LEB128 length + payload */
    int64_t payload_offset, payload_size;
};

struct db_import_row {
    struct db_bytes module, field;
    const char *kind;           /* "func", "table", "memory", "global", "tag" */
};

struct db_module_sizes {
    const char *sha256;         /* lowercase hex, 64 chars */
    const char *file;           /* the path given */
    int64_t bytes, gzip_bytes, brotli_bytes;
    int64_t functions, imported_functions, imports, exports;
    const struct db_section_row *sections;
    size_t n_sections;
    const struct db_import_row *import_rows;
    size_t n_import_rows;
};

/* Stores one module's sizes, sections and imports, replacing any earlier
 * rows for the same sha256. Runs no transaction of its own: call it inside
 * the caller's (db_begin/db_commit). Returns 0, or -1 with SQLite's reason
 * in err. */
int db_sizes_store(struct db *db, const struct db_module_sizes *m, char *err, size_t errlen);

/* The cache: the stored gzip and brotli sizes of the content with this
 * sha256 and size. Returns 1 and sets *gzip_bytes, *brotli_bytes when a row
 * exists, 0 when none does, -1 on an SQL error (reason in err). */
int db_sizes_lookup(struct db *db, const char *sha256, int64_t bytes, int64_t *gzip_bytes,
                    int64_t *brotli_bytes, char *err, size_t errlen);

#endif
