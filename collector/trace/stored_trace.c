#include "collector/trace/stored_trace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/util.h"

#define BLOB_PIECE (64 * 1024)
#define RAW_PIECE (256 * 1024)

int stored_trace_read(sqlite3 *sq, int64_t load_id, stored_trace_fn fn, void *arg,
                      int64_t *raw_bytes, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq, "SELECT encoding, raw_bytes FROM load_traces WHERE load_id = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "the DB has no load_traces table (%s)", sqlite3_errmsg(sq));
        return STORED_TRACE_MISSING;
    }
    sqlite3_bind_int64(st, 1, load_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "load %lld has no stored trace", (long long)load_id);
        return STORED_TRACE_MISSING;
    }
    char encoding[16];
    snprintf(encoding, sizeof encoding, "%s", (const char *)sqlite3_column_text(st, 0) ?: "");
    if (raw_bytes)
        *raw_bytes = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    bool gzip = strcmp(encoding, "gzip") == 0;
    if (!gzip && strcmp(encoding, "identity") != 0) {
        snprintf(err, errlen, "load %lld: trace encoding '%s' is not gzip", (long long)load_id,
                 encoding);
        return STORED_TRACE_CORRUPT;
    }

    sqlite3_blob *blob = NULL;
    if (sqlite3_blob_open(sq, "main", "load_traces", "data", load_id, 0, &blob) != SQLITE_OK) {
        snprintf(err, errlen, "load %lld: cannot read its trace (%s)", (long long)load_id,
                 sqlite3_errmsg(sq));
        sqlite3_blob_close(blob);
        return STORED_TRACE_CORRUPT;
    }
    int size = sqlite3_blob_bytes(blob);
    unsigned char *in = xmalloc(BLOB_PIECE), *out = xmalloc(RAW_PIECE);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (gzip && inflateInit2(&z, 15 + 32) != Z_OK) {
        sqlite3_blob_close(blob);
        free(in);
        free(out);
        snprintf(err, errlen, "load %lld: zlib: cannot start", (long long)load_id);
        return STORED_TRACE_CORRUPT;
    }
    int rc = STORED_TRACE_OK;
    bool ended = false;
    for (int off = 0; off < size && rc == STORED_TRACE_OK;) {
        int n = size - off < BLOB_PIECE ? size - off : BLOB_PIECE;
        if (sqlite3_blob_read(blob, in, n, off) != SQLITE_OK) {
            snprintf(err, errlen, "load %lld: reading its trace: %s", (long long)load_id,
                     sqlite3_errmsg(sq));
            rc = STORED_TRACE_CORRUPT;
            break;
        }
        off += n;
        if (!gzip) {
            if (fn(arg, in, (size_t)n) < 0)
                rc = STORED_TRACE_STOPPED;
            continue;
        }
        z.next_in = in;
        z.avail_in = (uInt)n;
        /* zlib's usual loop: inflate while it fills the whole output
         * buffer; a gzip member may be followed by another one */
        for (;;) {
            if (ended) {
                if (z.avail_in == 0)
                    break;
                inflateReset(&z);
                ended = false;
            }
            z.next_out = out;
            z.avail_out = RAW_PIECE;
            int zr = inflate(&z, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
                snprintf(err, errlen, "load %lld: stored trace does not inflate (%s)",
                         (long long)load_id, z.msg ? z.msg : "zlib error");
                rc = STORED_TRACE_CORRUPT;
                break;
            }
            size_t got = RAW_PIECE - z.avail_out;
            if (got && fn(arg, out, got) < 0) {
                rc = STORED_TRACE_STOPPED;
                break;
            }
            if (zr == Z_STREAM_END)
                ended = true;
            else if (z.avail_out != 0)
                break;   /* needs more input */
        }
    }
    if (rc == STORED_TRACE_OK && gzip && !ended) {
        snprintf(err, errlen, "load %lld: stored trace is truncated (gzip stream ends early)",
                 (long long)load_id);
        rc = STORED_TRACE_CORRUPT;
    }
    if (gzip)
        inflateEnd(&z);
    sqlite3_blob_close(blob);
    free(in);
    free(out);
    return rc;
}

struct parse_ctx {
    struct trace_parser *tp;
};

static int feed(void *arg, const void *data, size_t len)
{
    struct parse_ctx *c = arg;
    return trace_parser_feed(c->tp, data, len);
}

int stored_trace_parse(sqlite3 *sq, int64_t load_id, trace_event_fn on_event, void *arg,
                       char *err, size_t errlen)
{
    struct parse_ctx c = { .tp = trace_parser_new(on_event, arg) };
    int rc = stored_trace_read(sq, load_id, feed, &c, NULL, err, errlen);
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
