/* gzip_writer: gzip-compresses a stream of chunks into memory (zlib), so a
 * load's trace can be kept while it streams past, without a second copy. */
#ifndef WASMLAB_GZIP_WRITER_H
#define WASMLAB_GZIP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "base/util.h"

struct gzip_writer {
    z_stream z;
    struct buf out;       /* the gzip bytes so far */
    uint64_t raw_bytes;   /* bytes fed in */
    bool open, failed;
};

/* level: zlib's 1..9. Returns 0 or -1. */
int gzip_writer_init(struct gzip_writer *w, int level);
int gzip_writer_write(struct gzip_writer *w, const void *data, size_t len);
/* Flushes the gzip trailer; out then holds a complete .gz. */
int gzip_writer_finish(struct gzip_writer *w);
void gzip_writer_free(struct gzip_writer *w);

#endif
