/* module_sizes: see module_sizes.h for the contract. */
#define ZLIB_CONST
#include "collector/wasm/module_sizes.h"

#include <brotli/encode.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/util.h"

/* ---- compressed sizes ---- */

/* deflate level 9, memLevel 8, gzip wrapper (windowBits 15 + 16). Only
 * counts the output, through a fixed buffer. */
int module_gzip_size(const uint8_t *data, size_t len, size_t *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    unsigned char chunk[64 * 1024];
    size_t total = 0, left = len;
    const uint8_t *next = data;
    int rc;
    do {
        if (zs.avail_in == 0 && left > 0) {       /* avail_in is 32-bit */
            uInt n = left > UINT_MAX ? UINT_MAX : (uInt)left;
            zs.next_in = next;
            zs.avail_in = n;
            next += n;
            left -= n;
        }
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = deflate(&zs, left == 0 ? Z_FINISH : Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            deflateEnd(&zs);
            return -1;
        }
        total += sizeof chunk - zs.avail_out;
    } while (rc != Z_STREAM_END);
    deflateEnd(&zs);
    *out = total;
    return 0;
}

/* The brotli CLI (1.0.9) picks the smallest window that covers the file,
 * from 2^10 up to 2^24; a fixed window of 2^22 (the library default)
 * differs by a byte on some files and more on files over 4 MiB. */
int module_brotli_size(const uint8_t *data, size_t len, size_t *out)
{
    int lgwin = BROTLI_MIN_WINDOW_BITS;
    while (lgwin < BROTLI_MAX_WINDOW_BITS && ((size_t)1 << lgwin) - 16 < len)
        lgwin++;
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    if (cap == 0)
        return -1;                       /* too large for one-shot encoding */
    uint8_t *buf = xmalloc(cap);
    size_t n = cap;
    BROTLI_BOOL ok = BrotliEncoderCompress(BROTLI_MAX_QUALITY, lgwin, BROTLI_MODE_GENERIC,
                                           len, data, &n, buf);
    free(buf);
    if (!ok)
        return -1;
    *out = n;
    return 0;
}

/* ---- measuring ---- */

int module_sizes_parse(const uint8_t *data, size_t len, struct module_sizes *ms,
                       char *err, size_t errlen)
{
    memset(ms, 0, sizeof *ms);
    struct wasm_error perr;
    if (wasm_parse(data, len, &ms->module, &perr) < 0) {
        snprintf(err, errlen, "%s", perr.message);
        return -1;
    }
    ms->bytes = len;
    sha256_hex(data, len, ms->sha256);
    return 0;
}

int module_sizes_compress(const uint8_t *data, size_t len, struct module_sizes *ms,
                          char *err, size_t errlen)
{
    if (module_gzip_size(data, len, &ms->gzip_bytes) < 0 ||
        module_brotli_size(data, len, &ms->brotli_bytes) < 0) {
        snprintf(err, errlen, "compression failed (file of %zu bytes)", len);
        return -1;
    }
    ms->compressed = true;
    return 0;
}

void module_sizes_free(struct module_sizes *ms)
{
    wasm_module_free(&ms->module);
}

static bool name_is(struct wasm_name name, const char *s)
{
    size_t n = strlen(s);
    return name.len == n && memcmp(name.bytes, s, n) == 0;
}

void module_breakdown_of(const struct wasm_module *m, struct module_breakdown *out)
{
    memset(out, 0, sizeof *out);
    out->rest = WASM_HEADER_SIZE;
    for (size_t i = 0; i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        size_t size = s->header_size + s->payload_size;
        if (s->id == WASM_SECTION_CODE)
            out->code += size;
        else if (s->id == WASM_SECTION_DATA)
            out->data += size;
        else if (s->id == WASM_SECTION_CUSTOM && name_is(s->name, "name"))
            out->name += size;
        else if (s->id == WASM_SECTION_CUSTOM)
            out->other_custom += size;
        else
            out->rest += size;
    }
}

/* ---- DB ---- */

static int bind_name(sqlite3_stmt *st, int col, struct wasm_name name)
{
    return sqlite3_bind_text64(st, col, name.len ? name.bytes : "", name.len,
                               SQLITE_STATIC, SQLITE_UTF8);
}

/* Runs a prepared statement to completion and resets it; 0 or -1. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int module_sizes_store(sqlite3 *sql, const char *file, const struct module_sizes *ms)
{
    static const char *const deletes[] = {
        "DELETE FROM module_sections WHERE module_sha256 = ?1",
        "DELETE FROM module_imports WHERE module_sha256 = ?1",
        "DELETE FROM module_sizes WHERE module_sha256 = ?1",
    };
    const struct wasm_module *m = &ms->module;
    sqlite3_stmt *st = NULL;
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++) {
        if (sqlite3_prepare_v2(sql, deletes[i], -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_text(st, 1, ms->sha256, -1, SQLITE_STATIC);
        int rc = step_done(st);
        sqlite3_finalize(st);
        if (rc < 0)
            return -1;
    }

    char now[32];
    utc_iso8601(now, sizeof now);
    if (sqlite3_prepare_v2(sql,
            "INSERT INTO module_sizes (module_sha256, file, bytes, gzip_bytes, "
            "brotli_bytes, functions, imported_functions, imports, exports, inspected_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, ms->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)ms->bytes);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)ms->gzip_bytes);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)ms->brotli_bytes);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)m->function_count);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)m->imports_by_kind[WASM_EXTERN_FUNC]);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)m->import_count);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)m->export_count);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    int rc = step_done(st);
    sqlite3_finalize(st);
    if (rc < 0)
        return -1;

    if (sqlite3_prepare_v2(sql,
            "INSERT INTO module_sections (module_sha256, section_index, id, name, offset, "
            "size, payload_offset, payload_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < m->section_count && rc == 0; i++) {
        const struct wasm_section *s = &m->sections[i];
        sqlite3_bind_text(st, 1, ms->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int(st, 3, s->id);
        if (s->id == WASM_SECTION_CUSTOM)
            bind_name(st, 4, s->name);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)s->offset);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)(s->header_size + s->payload_size));
        sqlite3_bind_int64(st, 7, (sqlite3_int64)s->payload_offset);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)s->payload_size);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    if (rc < 0)
        return -1;

    if (sqlite3_prepare_v2(sql,
            "INSERT INTO module_imports (module_sha256, import_index, module, field, kind) "
            "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < m->import_count && rc == 0; i++) {
        const struct wasm_import *imp = &m->imports[i];
        sqlite3_bind_text(st, 1, ms->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_name(st, 3, imp->module);
        bind_name(st, 4, imp->field);
        sqlite3_bind_text(st, 5, wasm_extern_kind_name(imp->kind), -1, SQLITE_STATIC);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    return rc;
}
