/* wasm_pad: add one custom section to a wasm module (host tool, built
 * for the machine running the build, not for wasm).
 *
 *   wasm_pad <in.wasm> <out.wasm> <section-name> <payload-bytes> [end|before-code|after-code]
 *
 * By default (end) the section goes after every existing section (where
 * wasm-ld puts the name and .debug_* sections); before-code puts it right
 * before the code section (id 10), after-code right after it (custom
 * sections may sit between any two sections: core spec 5.5.2). A streaming
 * compiler meets a before-code section before any function body, an
 * after-code one only once every body has arrived. Encoded as the spec says: id 0, LEB128
 * section size, LEB128 name length, name, payload. The payload is
 * deterministic pseudo-random bytes (splitmix64, seed 0x7061640a), so it does
 * not shrink under gzip or brotli the way zeros would. A payload of 0 bytes
 * still adds the section header and name. The output is written to
 * <out.wasm>.tmp and renamed, so an interrupted run leaves no half file.
 * Exit codes: 0 done, 1 I/O or format error, 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD_MAX_BYTES (UINT64_C(1) << 30)
#define PAD_SEED UINT64_C(0x7061640a)

static int usage(void)
{
    fprintf(stderr, "usage: wasm_pad <in.wasm> <out.wasm> <section-name> <payload-bytes (0..%" PRIu64
            ")> [end|before-code|after-code]\n", PAD_MAX_BYTES);
    return 2;
}

static size_t leb128(uint64_t v, unsigned char out[10])
{
    size_t n = 0;
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        out[n++] = (unsigned char)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Copies in to out and checks the 8-byte wasm header; returns 0 or -1. */
static int copy_module(FILE *in, FILE *out, const char *in_path)
{
    static const unsigned char header[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
    unsigned char buf[65536];
    size_t n, total = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (total < sizeof header) {
            size_t cmp = n < sizeof header - total ? n : sizeof header - total;
            if (memcmp(buf, header + total, cmp) != 0) {
                fprintf(stderr, "wasm_pad: %s is not a wasm module (bad header)\n", in_path);
                return -1;
            }
        }
        total += n;
        if (fwrite(buf, 1, n, out) != n)
            return -1;
    }
    if (ferror(in)) {
        fprintf(stderr, "wasm_pad: reading %s: %s\n", in_path, strerror(errno));
        return -1;
    }
    if (total < sizeof header) {
        fprintf(stderr, "wasm_pad: %s is not a wasm module (too short)\n", in_path);
        return -1;
    }
    return 0;
}

/* Reads an unsigned LEB128 at *pos (< len); -1 when malformed. */
static int read_leb(const unsigned char *b, size_t len, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *pos < len; shift += 7) {
        unsigned char c = b[(*pos)++];
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* The offset where the custom section goes: before or after the code
 * section (id 10) of the module in b. Returns 0, or -1 (message printed) when
 * the module is malformed or has no code section. */
static int code_offset(const unsigned char *b, size_t len, bool after, const char *path,
                       size_t *at)
{
    size_t pos = 8;
    while (pos < len) {
        size_t start = pos;
        unsigned char id = b[pos++];
        uint64_t size;
        if (read_leb(b, len, &pos, &size) < 0 || size > len - pos) {
            fprintf(stderr, "wasm_pad: %s: malformed section at byte %zu\n", path, start);
            return -1;
        }
        pos += (size_t)size;
        if (id == 10) {
            *at = after ? pos : start;
            return 0;
        }
    }
    fprintf(stderr, "wasm_pad: %s: no code section\n", path);
    return -1;
}

static int write_section(FILE *out, const char *name, uint64_t payload)
{
    unsigned char leb[10];
    size_t name_len = strlen(name);
    size_t name_leb = leb128(name_len, leb);
    uint64_t size = name_leb + name_len + payload;

    if (fputc(0, out) == EOF)
        return -1;
    size_t n = leb128(size, leb);
    if (fwrite(leb, 1, n, out) != n)
        return -1;
    n = leb128(name_len, leb);
    if (fwrite(leb, 1, n, out) != n || fwrite(name, 1, name_len, out) != name_len)
        return -1;

    uint64_t state = PAD_SEED;
    unsigned char buf[65536];
    while (payload > 0) {
        size_t chunk = payload < sizeof buf ? (size_t)payload : sizeof buf;
        for (size_t i = 0; i < chunk; i += 8) {
            uint64_t v = splitmix64(&state);
            for (size_t b = 0; b < 8 && i + b < chunk; b++)
                buf[i + b] = (unsigned char)(v >> (8 * b));
        }
        if (fwrite(buf, 1, chunk, out) != chunk)
            return -1;
        payload -= chunk;
    }
    return 0;
}

/* before-code / after-code: the module with the section inserted at the
 * code section. Returns 0 or -1. */
static int insert_at_code(const char *in_path, FILE *out, const char *name, uint64_t payload,
                          bool after)
{
    FILE *in = fopen(in_path, "rb");
    if (in == NULL) {
        fprintf(stderr, "wasm_pad: %s: %s\n", in_path, strerror(errno));
        return -1;
    }
    static const unsigned char header[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
    unsigned char *b = NULL;
    size_t len = 0, cap = 0, n;
    int rc = -1;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            unsigned char *nb = realloc(b, cap);
            if (nb == NULL)
                goto done;
            b = nb;
        }
        n = fread(b + len, 1, cap - len, in);
        len += n;
    } while (n > 0);
    size_t at;
    if (ferror(in) || len < 8 || memcmp(b, header, 8) != 0) {
        fprintf(stderr, "wasm_pad: %s is not a readable wasm module\n", in_path);
        goto done;
    }
    if (code_offset(b, len, after, in_path, &at) < 0)
        goto done;
    if (fwrite(b, 1, at, out) != at || write_section(out, name, payload) != 0 ||
        fwrite(b + at, 1, len - at, out) != len - at)
        goto done;
    rc = 0;
done:
    free(b);
    fclose(in);
    return rc;
}

int main(int argc, char **argv)
{
    if ((argc != 5 && argc != 6) || argv[3][0] == '\0')
        return usage();
    const char *where = argc == 6 ? argv[5] : "end";
    if (strcmp(where, "end") && strcmp(where, "before-code") && strcmp(where, "after-code"))
        return usage();
    const char *in_path = argv[1], *out_path = argv[2], *name = argv[3];

    char *end;
    errno = 0;
    unsigned long long payload = strtoull(argv[4], &end, 10);
    if (argv[4][0] < '0' || argv[4][0] > '9' || *end != '\0' || errno != 0 || payload > PAD_MAX_BYTES)
        return usage();

    size_t tmp_len = strlen(out_path) + sizeof ".tmp";
    char *tmp_path = malloc(tmp_len);
    if (tmp_path == NULL) {
        fprintf(stderr, "wasm_pad: out of memory\n");
        return 1;
    }
    snprintf(tmp_path, tmp_len, "%s.tmp", out_path);

    int rc = 1;
    FILE *in = NULL, *out = NULL;
    in = fopen(in_path, "rb");
    if (in == NULL) {
        fprintf(stderr, "wasm_pad: %s: %s\n", in_path, strerror(errno));
        goto err;
    }
    out = fopen(tmp_path, "wb");
    if (out == NULL) {
        fprintf(stderr, "wasm_pad: %s: %s\n", tmp_path, strerror(errno));
        goto err;
    }
    if (strcmp(where, "end") != 0) {
        if (insert_at_code(in_path, out, name, payload, strcmp(where, "after-code") == 0) != 0)
            goto err;
    } else if (copy_module(in, out, in_path) != 0) {
        goto err;
    } else if (write_section(out, name, payload) != 0) {
        fprintf(stderr, "wasm_pad: writing %s: %s\n", tmp_path, strerror(errno));
        goto err;
    }
    if (fflush(out) != 0) {
        fprintf(stderr, "wasm_pad: writing %s: %s\n", tmp_path, strerror(errno));
        goto err;
    }
    if (fclose(out) != 0) {
        out = NULL;
        fprintf(stderr, "wasm_pad: writing %s: %s\n", tmp_path, strerror(errno));
        goto err;
    }
    out = NULL;
    if (rename(tmp_path, out_path) != 0) {
        fprintf(stderr, "wasm_pad: rename to %s: %s\n", out_path, strerror(errno));
        goto err;
    }
    rc = 0;
err:
    if (out != NULL) {
        fclose(out);
    }
    if (rc != 0)
        remove(tmp_path);
    if (in != NULL)
        fclose(in);
    free(tmp_path);
    return rc;
}
