/* zstd_writer: zstd-compresses a stream of chunks into a file descriptor.
 *
 * Why (issue 12): gzip level 6 of a trace ran at ~30 MB/s, the slowest stage
 * of import-trace; zstd level 1 is ~10x faster at a similar ratio on trace
 * JSON, and with a zstd worker thread the compression runs beside the
 * caller's parsing (two cores), in memory bounded by zstd's job size (512
 * KB: each worker holds about two). The
 * frame carries a checksum; readers pick the decoder by the stored encoding
 * ("zstd"; collector/trace/stored_trace.c). */
#ifndef WASMLAB_ZSTD_WRITER_H
#define WASMLAB_ZSTD_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

struct zstd_writer {
    void *cctx;               /* ZSTD_CCtx */
    int fd;                   /* < 0: the frame goes to mem instead */
    struct buf mem;
    unsigned char *out;
    size_t out_cap;
    uint64_t raw_bytes;       /* bytes fed in */
    uint64_t written;         /* compressed bytes written to fd */
    bool failed;
};

/* level: zstd's (1 = fastest); workers: zstd threads (0 = compress in the
 * caller; falls back to 0 when libzstd has no threads). fd < 0 keeps the
 * compressed frame in memory (mem), e.g. a live load's trace until it is
 * stored. Returns 0 or -1. */
int zstd_writer_init(struct zstd_writer *w, int fd, int level, int workers);
int zstd_writer_write(struct zstd_writer *w, const void *data, size_t len);
/* Ends the frame and writes what is left. Returns 0 or -1. */
int zstd_writer_finish(struct zstd_writer *w);
/* Releases the context (the fd stays open: it is the caller's). */
void zstd_writer_free(struct zstd_writer *w);

#endif
