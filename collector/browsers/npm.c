#define _GNU_SOURCE
/* npm: @sparticuz/chromium, a headless_shell build published on npm as a
 * brotli-compressed binary (bin/chromium.br) inside a gzip tarball. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <brotli/decode.h>
#include <jansson.h>

#include "base/util.h"
#include "collector/browsers/store_internal.h"

/* npm's --json error object, else the last stderr line. */
static void npm_failure(const char *what, const struct spawn_result *c, char *err, size_t errlen)
{
    json_t *o = c->out.data ? json_loads(c->out.data, 0, NULL) : NULL;
    json_t *e = json_object_get(o, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *summary = json_string_value(json_object_get(e, "summary"));
    char tail[300];
    store_tool_err_tail(c, tail, sizeof tail);
    if (summary && *summary)
        snprintf(err, errlen, "%s failed: %s%s%s", what, code ? code : "", code ? ": " : "",
                 summary);
    else
        snprintf(err, errlen, "%s failed (%s)%s%s", what,
                 WIFEXITED(c->status) ? "exit status non-zero" : "killed",
                 tail[0] ? ": " : "", tail);
    if (code && (strcmp(code, "ENOTFOUND") == 0 || strcmp(code, "ECONNREFUSED") == 0 ||
                 strcmp(code, "ETIMEDOUT") == 0 || strcmp(code, "EAI_AGAIN") == 0 ||
                 strcmp(code, "ECONNRESET") == 0))
        snprintf(err + strlen(err), errlen - strlen(err), " (is the npm registry reachable?)");
    json_decref(o);
}

/* npm view: JSON value of `npm view pkg[@ver] field --json`. */
static json_t *npm_view(const char *pkgver, const char *field, volatile int *interrupted,
                        char *err, size_t errlen)
{
    const char *argv[] = { "npm", "view", pkgver, field, "--json", NULL };
    struct spawn_result c;
    char what[256];
    snprintf(what, sizeof what, "npm view %s %s", pkgver, field);
    if (store_tool_run(argv, NULL, 180000, interrupted, &c, err, errlen) < 0) {
        spawn_result_free(&c);
        return NULL;
    }
    if (!spawn_result_ok(&c)) {
        npm_failure(what, &c, err, errlen);
        spawn_result_free(&c);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loads(c.out.data ? c.out.data : "", JSON_DECODE_ANY, &je);
    if (!v)
        snprintf(err, errlen, "%s: unexpected output (%s)", what, je.text);
    spawn_result_free(&c);
    return v;
}

/* Picks the newest published version matching want. */
static int npm_resolve(const char *want, char *version, size_t vlen, volatile int *interrupted,
                       char *err, size_t errlen)
{
    json_t *vs = npm_view(NPM_PACKAGE, "versions", interrupted, err, errlen);
    if (!vs)
        return -1;
    if (json_is_string(vs)) {          /* a package with one version */
        json_t *a = json_array();
        json_array_append(a, vs);
        json_decref(vs);
        vs = a;
    }
    const char *best = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(vs, i, it) {
        const char *v = json_string_value(it);
        if (v && store_version_matches(want, v, false) && (!best || store_version_cmp(v, best) > 0))
            best = v;
    }
    int rc = 0;
    if (best) {
        snprintf(version, vlen, "%s", best);
    } else {
        size_t n = json_array_size(vs);
        snprintf(err, errlen, "no %s version matches %s (the registry has %zu, from %s to %s)",
                 NPM_PACKAGE, want, n,
                 n ? json_string_value(json_array_get(vs, 0)) : "-",
                 n ? json_string_value(json_array_get(vs, n - 1)) : "-");
        rc = -2;
    }
    json_decref(vs);
    return rc;
}

/* Brotli-decompresses the archive's current entry (libarchive hands out its
 * data in blocks) into out_path, created 0755. */
static int brotli_entry(struct archive *a, const char *out_path, volatile int *interrupted,
                        char *err, size_t errlen)
{
    int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", out_path, strerror(errno));
        return -1;
    }
    BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    enum { OUT_SIZE = 1 << 18 };
    uint8_t *outb = xmalloc(OUT_SIZE);
    int rc = -1;
    BrotliDecoderResult res = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
    size_t avail_in = 0;
    const uint8_t *next_in = NULL;
    while (res != BROTLI_DECODER_RESULT_SUCCESS) {
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "interrupted");
            goto out;
        }
        if (res == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            const void *block;
            size_t size;
            la_int64_t offset;
            int ar = archive_read_data_block(a, &block, &size, &offset);
            if (ar == ARCHIVE_EOF) {
                snprintf(err, errlen, "corrupt download: bin/chromium.br ends early");
                goto out;
            }
            if (ar < ARCHIVE_WARN) {
                snprintf(err, errlen, "corrupt download: the tarball: %s", archive_error_string(a));
                goto out;
            }
            avail_in = size;
            next_in = block;
        }
        size_t avail_out = OUT_SIZE;
        uint8_t *next_out = outb;
        res = BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (res == BROTLI_DECODER_RESULT_ERROR) {
            snprintf(err, errlen, "corrupt download: bin/chromium.br: brotli: %s",
                     BrotliDecoderErrorString(BrotliDecoderGetErrorCode(st)));
            goto out;
        }
        size_t produced = OUT_SIZE - avail_out;
        for (size_t off = 0; off < produced;) {
            ssize_t w = write(fd, outb + off, produced - off);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
                goto out;
            }
            off += (size_t)w;
        }
    }
    rc = 0;
out:
    BrotliDecoderDestroyInstance(st);
    free(outb);
    if (close(fd) < 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int store_extract_brotli_member(const char *tarball, const char *want, const char *out_path,
                                volatile int *interrupted, char *err, size_t errlen)
{
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    int rc = -1;
    if (archive_read_open_filename(a, tarball, 1 << 17) != ARCHIVE_OK) {
        snprintf(err, errlen, "corrupt download: %s: %s", tarball, archive_error_string(a));
        goto out;
    }
    for (;;) {
        struct archive_entry *ent;
        int ar = archive_read_next_header(a, &ent);
        if (ar == ARCHIVE_EOF) {
            snprintf(err, errlen, "%s has no %s", tarball, want);
            break;
        }
        if (ar < ARCHIVE_WARN) {
            snprintf(err, errlen, "corrupt download: %s: %s", tarball, archive_error_string(a));
            break;
        }
        /* npm tarballs put everything under "package/". */
        const char *name = archive_entry_pathname(ent);
        const char *rel = name ? strchr(name, '/') : NULL;
        rel = rel ? rel + 1 : name;
        if (rel && archive_entry_filetype(ent) == AE_IFREG && strcmp(rel, want) == 0) {
            rc = brotli_entry(a, out_path, interrupted, err, errlen);
            break;
        }
    }
out:
    archive_read_free(a);
    return rc;
}

/* npm: resolve, pack (or use opt->tarball), verify, decompress into
 * tmp/<name>/chromium. Fills e->version, package, integrity, source, name. */
int store_fetch_npm(const char *want, const char *tmp, const struct browser_add_options *opt,
                    struct browser_entry *e, char **entry_dir, char *err, size_t errlen)
{
    volatile int *intr = opt->interrupted;
    char version[64];
    int vrc = npm_resolve(want, version, sizeof version, intr, err, errlen);
    if (vrc < 0)
        return vrc;
    char pkgver[128];
    snprintf(pkgver, sizeof pkgver, "%s@%s", NPM_PACKAGE, version);
    json_t *iv = npm_view(pkgver, "dist.integrity", intr, err, errlen);
    if (!iv)
        return -1;
    if (!json_is_string(iv)) {
        snprintf(err, errlen, "npm view %s dist.integrity: not a string", pkgver);
        json_decref(iv);
        return -1;
    }
    e->integrity = xstrdup(json_string_value(iv));
    json_decref(iv);

    char *tarball = NULL;
    if (opt->tarball) {
        tarball = xstrdup(opt->tarball);
    } else {
        notef("downloading %s (npm pack)", pkgver);
        const char *argv[] = { "npm", "pack", pkgver, "--json", "--pack-destination", tmp, NULL };
        struct spawn_result c;
        if (store_tool_run(argv, tmp, 1800000, intr, &c, err, errlen) < 0) {
            spawn_result_free(&c);
            return -1;
        }
        if (!spawn_result_ok(&c)) {
            char what[200];
            snprintf(what, sizeof what, "npm pack %s", pkgver);
            npm_failure(what, &c, err, errlen);
            spawn_result_free(&c);
            return -1;
        }
        json_t *o = json_loads(c.out.data ? c.out.data : "", 0, NULL);
        const char *fn = json_string_value(json_object_get(json_array_get(o, 0), "filename"));
        if (fn && !strchr(fn, '/'))
            tarball = xasprintf("%s/%s", tmp, fn);
        else
            snprintf(err, errlen, "npm pack %s: no filename in its --json output", pkgver);
        json_decref(o);
        spawn_result_free(&c);
        if (!tarball)
            return -1;
    }
    int rc = store_verify_sri(tarball, e->integrity, intr, err, errlen);
    if (rc == 0) {
        e->name = xasprintf("chromium-%s", version);
        *entry_dir = xasprintf("%s/%s", tmp, e->name);
        if (mkdir(*entry_dir, 0755) < 0) {
            snprintf(err, errlen, "cannot create %s: %s", *entry_dir, strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0) {
        notef("decompressing bin/chromium.br");
        char *exe = xasprintf("%s/chromium", *entry_dir);
        rc = store_extract_brotli_member(tarball, "bin/chromium.br", exe, intr, err, errlen);
        free(exe);
    }
    if (!opt->tarball)
        unlink(tarball);          /* the temp folder goes anyway; free the space now */
    free(tarball);
    if (rc < 0)
        return -1;
    e->source = xstrdup("npm");
    e->package = xstrdup(NPM_PACKAGE);
    e->version = xstrdup(version);
    return 0;
}

