#include "base/gzip_writer.h"

#include <string.h>

int gzip_writer_init(struct gzip_writer *w, int level)
{
    memset(w, 0, sizeof w[0]);
    /* windowBits 15 + 16: a gzip header and trailer, not a bare zlib stream */
    if (deflateInit2(&w->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    w->open = true;
    return 0;
}

static int pump(struct gzip_writer *w, int flush)
{
    unsigned char chunk[65536];
    int rc;
    do {
        w->z.next_out = chunk;
        w->z.avail_out = sizeof chunk;
        rc = deflate(&w->z, flush);
        if (rc == Z_STREAM_ERROR) {
            w->failed = true;
            return -1;
        }
        buf_append(&w->out, chunk, sizeof chunk - w->z.avail_out);
    } while (w->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return 0;
}

int gzip_writer_write(struct gzip_writer *w, const void *data, size_t len)
{
    if (!w->open || w->failed)
        return -1;
    const unsigned char *p = data;
    while (len > 0) {
        /* avail_in is a uInt: feed at most 1 GiB at a time */
        size_t n = len > (1u << 30) ? (1u << 30) : len;
        w->z.next_in = (unsigned char *)p;
        w->z.avail_in = (uInt)n;
        if (pump(w, Z_NO_FLUSH) < 0)
            return -1;
        p += n;
        len -= n;
        w->raw_bytes += n;
    }
    return 0;
}

int gzip_writer_finish(struct gzip_writer *w)
{
    if (!w->open || w->failed)
        return -1;
    w->z.next_in = NULL;
    w->z.avail_in = 0;
    int rc = pump(w, Z_FINISH);
    deflateEnd(&w->z);
    w->open = false;
    return rc;
}

void gzip_writer_free(struct gzip_writer *w)
{
    if (w->open)
        deflateEnd(&w->z);
    buf_free(&w->out);
    memset(w, 0, sizeof w[0]);
}
