#include "collector/trace/stored_trace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "base/util.h"
#include "db/read_traces.h"

#define BLOB_PIECE (64 * 1024)
#define RAW_PIECE (256 * 1024)

/* The inflater between the DB's pieces and the caller's callback. */
struct inflater {
    int64_t load_id;
    bool gzip, zstd, ended;
    z_stream z;
    ZSTD_DStream *zd;
    size_t zstd_left;            /* ZSTD_decompressStream's hint: 0 = frame done */
    unsigned char *out;
    stored_trace_fn fn;
    void *arg;
    int status;                  /* STORED_TRACE_* once something went wrong */
    char *err;
    size_t errlen;
};

/* zstd (import-trace's copies): frames until the input ends. */
static int unzstd_piece(struct inflater *in, const void *data, size_t len)
{
    ZSTD_inBuffer src = { data, len, 0 };
    for (;;) {
        ZSTD_outBuffer dst = { in->out, RAW_PIECE, 0 };
        size_t r = ZSTD_decompressStream(in->zd, &dst, &src);
        if (ZSTD_isError(r)) {
            snprintf(in->err, in->errlen, "load %lld: stored trace does not decompress (%s)",
                     (long long)in->load_id, ZSTD_getErrorName(r));
            in->status = STORED_TRACE_CORRUPT;
            return -1;
        }
        in->zstd_left = r;
        if (dst.pos && in->fn(in->arg, in->out, dst.pos) < 0) {
            in->status = STORED_TRACE_STOPPED;
            return -1;
        }
        if (dst.pos < RAW_PIECE && src.pos == src.size)
            break;   /* needs more input */
    }
    return 0;
}

static int inflate_piece(void *arg, const void *data, size_t len)
{
    struct inflater *in = arg;
    if (in->zstd)
        return unzstd_piece(in, data, len);
    if (!in->gzip) {
        if (in->fn(in->arg, data, len) < 0) {
            in->status = STORED_TRACE_STOPPED;
            return -1;
        }
        return 0;
    }
    z_stream *z = &in->z;
    z->next_in = (unsigned char *)data;
    z->avail_in = (uInt)len;
    /* zlib's usual loop: inflate while it fills the whole output buffer; a
     * gzip member may be followed by another one */
    for (;;) {
        if (in->ended) {
            if (z->avail_in == 0)
                break;
            inflateReset(z);
            in->ended = false;
        }
        z->next_out = in->out;
        z->avail_out = RAW_PIECE;
        int zr = inflate(z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            snprintf(in->err, in->errlen, "load %lld: stored trace does not inflate (%s)",
                     (long long)in->load_id, z->msg ? z->msg : "zlib error");
            in->status = STORED_TRACE_CORRUPT;
            return -1;
        }
        size_t got = RAW_PIECE - z->avail_out;
        if (got && in->fn(in->arg, in->out, got) < 0) {
            in->status = STORED_TRACE_STOPPED;
            return -1;
        }
        if (zr == Z_STREAM_END)
            in->ended = true;
        else if (z->avail_out != 0)
            break;   /* needs more input */
    }
    return 0;
}

int stored_trace_read(struct db *db, int64_t load_id, stored_trace_fn fn, void *arg,
                      int64_t *raw_bytes, char *err, size_t errlen)
{
    char encoding[16];
    int rc = db_read_trace_info(db, load_id, encoding, sizeof encoding, raw_bytes, err, errlen);
    if (rc != DB_TRACE_OK)
        return STORED_TRACE_MISSING;
    struct inflater in = { .load_id = load_id, .gzip = strcmp(encoding, "gzip") == 0,
                           .zstd = strcmp(encoding, "zstd") == 0, .zstd_left = 1,
                           .fn = fn, .arg = arg, .status = STORED_TRACE_OK, .err = err,
                           .errlen = errlen };
    if (!in.gzip && !in.zstd && strcmp(encoding, "identity") != 0) {
        snprintf(err, errlen, "load %lld: trace encoding '%s' is not gzip or zstd",
                 (long long)load_id, encoding);
        return STORED_TRACE_CORRUPT;
    }
    if (in.zstd && !(in.zd = ZSTD_createDStream())) {
        snprintf(err, errlen, "load %lld: zstd: cannot start", (long long)load_id);
        return STORED_TRACE_CORRUPT;
    }
    if (in.gzip && inflateInit2(&in.z, 15 + 32) != Z_OK) {
        snprintf(err, errlen, "load %lld: zlib: cannot start", (long long)load_id);
        return STORED_TRACE_CORRUPT;
    }
    in.out = xmalloc(RAW_PIECE);
    rc = db_read_trace_data(db, load_id, BLOB_PIECE, inflate_piece, &in, err, errlen);
    if (rc == DB_TRACE_UNREADABLE)
        in.status = STORED_TRACE_CORRUPT;
    if (in.status == STORED_TRACE_OK && in.gzip && !in.ended) {
        snprintf(err, errlen, "load %lld: stored trace is truncated (gzip stream ends early)",
                 (long long)load_id);
        in.status = STORED_TRACE_CORRUPT;
    }
    if (in.status == STORED_TRACE_OK && in.zstd && in.zstd_left != 0) {
        snprintf(err, errlen, "load %lld: stored trace is truncated (zstd frame ends early)",
                 (long long)load_id);
        in.status = STORED_TRACE_CORRUPT;
    }
    if (in.gzip)
        inflateEnd(&in.z);
    ZSTD_freeDStream(in.zd);
    free(in.out);
    return in.status;
}

struct parse_ctx {
    struct trace_parser *tp;
};

static int feed(void *arg, const void *data, size_t len)
{
    struct parse_ctx *c = arg;
    return trace_parser_feed(c->tp, data, len);
}

int stored_trace_parse(struct db *db, int64_t load_id, trace_event_fn on_event, void *arg,
                       char *err, size_t errlen)
{
    struct parse_ctx c = { .tp = trace_parser_new(on_event, arg) };
    int rc = stored_trace_read(db, load_id, feed, &c, NULL, err, errlen);
    if (rc == STORED_TRACE_OK && trace_parser_finish(c.tp) < 0)
        rc = STORED_TRACE_STOPPED;
    if (rc == STORED_TRACE_STOPPED) {
        snprintf(err, errlen, "load %lld: stored trace: %s", (long long)load_id,
                 trace_parser_error(c.tp));
        rc = STORED_TRACE_CORRUPT;
    }
    trace_parser_free(c.tp);
    return rc;
}
