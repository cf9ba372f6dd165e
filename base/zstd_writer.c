#include "base/zstd_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "base/util.h"

int zstd_writer_init(struct zstd_writer *w, int fd, int level, int workers)
{
    memset(w, 0, sizeof *w);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!cc)
        return -1;
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    if (workers > 0) {   /* an error here means no threads in this libzstd: fine */
        ZSTD_CCtx_setParameter(cc, ZSTD_c_nbWorkers, workers);
        /* zstd's smallest jobs: its default (2 MB at level 1) cost import-trace
         * 8 MB more peak RSS with two workers, for the same speed and size */
        ZSTD_CCtx_setParameter(cc, ZSTD_c_jobSize, 512 * 1024);
    }
    w->cctx = cc;
    w->fd = fd;
    w->out_cap = ZSTD_CStreamOutSize();
    w->out = xmalloc(w->out_cap);
    return 0;
}

static int write_all(struct zstd_writer *w, const unsigned char *p, size_t n)
{
    if (w->fd < 0) {
        buf_append(&w->mem, p, n);
        w->written += n;
        return 0;
    }
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
        w->written += (uint64_t)k;
    }
    return 0;
}

/* Compresses in (all of it) with directive end, writing output as it comes. */
static int pump(struct zstd_writer *w, const void *data, size_t len, ZSTD_EndDirective end)
{
    ZSTD_inBuffer in = { data, len, 0 };
    for (;;) {
        ZSTD_outBuffer out = { w->out, w->out_cap, 0 };
        size_t left = ZSTD_compressStream2(w->cctx, &out, &in, end);
        if (ZSTD_isError(left) || write_all(w, w->out, out.pos) < 0) {
            w->failed = true;
            return -1;
        }
        /* continue: until the input is taken; end: until the frame is out */
        if (end == ZSTD_e_end ? left == 0 : in.pos == in.size)
            return 0;
    }
}

int zstd_writer_write(struct zstd_writer *w, const void *data, size_t len)
{
    if (!w->cctx || w->failed)
        return -1;
    w->raw_bytes += len;
    return pump(w, data, len, ZSTD_e_continue);
}

int zstd_writer_finish(struct zstd_writer *w)
{
    if (!w->cctx || w->failed)
        return -1;
    return pump(w, NULL, 0, ZSTD_e_end);
}

void zstd_writer_free(struct zstd_writer *w)
{
    ZSTD_freeCCtx(w->cctx);
    free(w->out);
    free(w->mem.data);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}
