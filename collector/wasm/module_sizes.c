/* module_sizes: see module_sizes.h for the contract. */
#define ZLIB_CONST
#include "collector/wasm/module_sizes.h"

#include <brotli/encode.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/util.h"
#include "db/sizes.h"

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

static struct db_bytes db_name(struct wasm_name name)
{
    return (struct db_bytes){ name.bytes, name.len };
}

int module_sizes_store(struct db *db, const char *file, const struct module_sizes *ms,
                       char *err, size_t errlen)
{
    const struct wasm_module *m = &ms->module;
    struct db_section_row *sections = xcalloc(m->section_count + 1, sizeof *sections);
    struct db_import_row *imports = xcalloc(m->import_count + 1, sizeof *imports);
    for (size_t i = 0; i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        sections[i] = (struct db_section_row){
            .id = s->id,
            .name = s->id == WASM_SECTION_CUSTOM ? db_name(s->name) : (struct db_bytes){ 0 },
            .offset = (int64_t)s->offset,
            .size = (int64_t)(s->header_size + s->payload_size),
            .payload_offset = (int64_t)s->payload_offset,
            .payload_size = (int64_t)s->payload_size,
        };
    }
    for (size_t i = 0; i < m->import_count; i++) {
        const struct wasm_import *imp = &m->imports[i];
        imports[i] = (struct db_import_row){ db_name(imp->module), db_name(imp->field),
                                             wasm_extern_kind_name(imp->kind) };
    }
    struct db_module_sizes row = {
        .sha256 = ms->sha256, .file = file,
        .bytes = (int64_t)ms->bytes, .gzip_bytes = (int64_t)ms->gzip_bytes,
        .brotli_bytes = (int64_t)ms->brotli_bytes,
        .functions = (int64_t)m->function_count,
        .imported_functions = (int64_t)m->imports_by_kind[WASM_EXTERN_FUNC],
        .imports = (int64_t)m->import_count, .exports = (int64_t)m->export_count,
        .sections = sections, .n_sections = m->section_count,
        .import_rows = imports, .n_import_rows = m->import_count,
    };
    int rc = db_sizes_store(db, &row, err, errlen);
    free(sections);
    free(imports);
    return rc;
}

/* ---- the cache file ---- */

/* The first line: the format and the compressors' versions, since another
 * zlib or brotli may compress to other sizes. */
static void cache_header(char *buf, size_t len)
{
    uint32_t v = BrotliEncoderVersion();
    snprintf(buf, len, "wasmlab sizes cache 1 zlib %s brotli %u.%u.%u", zlibVersion(),
             v >> 24, (v >> 12) & 0xfff, v & 0xfff);
}

void sizes_cache_load(struct sizes_cache *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = xstrdup(path);
    FILE *f = fopen(path, "re");
    if (!f)
        return;     /* no cache yet */
    char want[128], line[256];
    cache_header(want, sizeof want);
    if (fgets(line, sizeof line, f) && strncmp(line, want, strlen(want)) == 0 &&
        line[strlen(want)] == '\n') {
        struct sizes_cache_entry e;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "%64s %zu %zu %zu", e.sha256, &e.bytes, &e.gzip_bytes,
                       &e.brotli_bytes) == 4 && strlen(e.sha256) == 64)
                sizes_cache_put(c, e.sha256, e.bytes, e.gzip_bytes, e.brotli_bytes);
    }
    c->dirty = false;       /* what was read needs no writing back */
    fclose(f);
}

bool sizes_cache_get(const struct sizes_cache *c, const char *sha256, size_t bytes,
                     size_t *gzip_bytes, size_t *brotli_bytes)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].bytes == bytes && strcmp(c->v[i].sha256, sha256) == 0) {
            *gzip_bytes = c->v[i].gzip_bytes;
            *brotli_bytes = c->v[i].brotli_bytes;
            return true;
        }
    return false;
}

void sizes_cache_put(struct sizes_cache *c, const char *sha256, size_t bytes, size_t gzip_bytes,
                     size_t brotli_bytes)
{
    size_t g, b;
    if (sizes_cache_get(c, sha256, bytes, &g, &b))
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    struct sizes_cache_entry *e = &c->v[c->n++];
    snprintf(e->sha256, sizeof e->sha256, "%s", sha256);
    e->bytes = bytes;
    e->gzip_bytes = gzip_bytes;
    e->brotli_bytes = brotli_bytes;
    c->dirty = true;
}

/* mkdir -p of path's folder. */
static int make_parent(const char *path)
{
    char *dir = xstrdup(path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

int sizes_cache_save(struct sizes_cache *c, char *err, size_t errlen)
{
    if (!c->dirty)
        return 0;
    /* A temp file renamed over the cache: a reader sees the old or the new
     * file, never half of one, and two writers lose at most entries. */
    char *tmp = xasprintf("%s.%ld.tmp", c->path, (long)getpid());
    char header[128];
    cache_header(header, sizeof header);
    FILE *f = make_parent(c->path) == 0 ? fopen(tmp, "we") : NULL;
    int rc = f ? 0 : -1;
    if (f) {
        fprintf(f, "%s\n", header);
        for (size_t i = 0; i < c->n; i++)
            fprintf(f, "%s %zu %zu %zu\n", c->v[i].sha256, c->v[i].bytes, c->v[i].gzip_bytes,
                    c->v[i].brotli_bytes);
        rc = fclose(f) == 0 && rename(tmp, c->path) == 0 ? 0 : -1;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
        unlink(tmp);
    } else {
        c->dirty = false;
    }
    free(tmp);
    return rc;
}

void sizes_cache_free(struct sizes_cache *c)
{
    free(c->path);
    free(c->v);
    memset(c, 0, sizeof *c);
}
