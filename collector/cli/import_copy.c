#include "collector/cli/import_copy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "base/util.h"
#include "base/zstd_writer.h"

#define PIECE (256 * 1024)

struct import_copy {
    char *file;
    int fd;
    pthread_t thread;
    volatile int cancel;        /* set by the caller, read between pieces */
    /* the thread's results, read after the join */
    int rc;
    bool copy_ok;
    uint64_t bytes;
    unsigned char digest[32];
};

static void *copy_main(void *arg)
{
    struct import_copy *c = arg;
    /* At the caller's priority; pass 1's halves yield to it
     * (import_detect.c, PASS1_NICE). While the measuring pass read the
     * whole file, this thread ran at nice 10 instead and caught up during
     * that pass; once both passes ran on two threads it ran alone at the
     * end (~0.2 s of 0.8 for 100 MB, one core idle): 0.94 -> 0.83 s
     * without the nice (bench/ingest_ab.sh, 8 rounds, interleaved). */
    struct zstd_writer z;
    /* Level 1, on two zstd workers; this thread reads and hashes. While the
     * measuring pass read the whole file, one worker measured slower than
     * compressing here (the passes had both cores). Since it reads only the
     * module load's span, the copy outlasted pass 1 by ~0.1-0.2 s per 100
     * MB with one core idle; two workers: 0.64 -> 0.55 s for 100 MB, 2.78
     * -> 2.66 s for 500 MB (bench/ingest_ab.sh, interleaved), same size. */
    c->copy_ok = c->fd >= 0 && zstd_writer_init(&z, c->fd, 1, 2) == 0;
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha, EVP_sha256(), NULL);
    c->rc = -1;
    gzFile gz = gzopen(c->file, "rb");
    char *buf = xmalloc(PIECE);
    if (gz) {
        gzbuffer(gz, 64 * 1024);   /* PIECE-sized reads then go straight into buf */
        int n;
        while (!__atomic_load_n(&c->cancel, __ATOMIC_RELAXED) &&
               (n = gzread(gz, buf, PIECE)) > 0) {
            c->bytes += (uint64_t)n;
            EVP_DigestUpdate(sha, buf, (size_t)n);
            if (c->copy_ok && zstd_writer_write(&z, buf, (size_t)n) < 0)
                c->copy_ok = false;
        }
        int zerr = Z_OK;
        gzerror(gz, &zerr);
        if (!__atomic_load_n(&c->cancel, __ATOMIC_RELAXED) && zerr == Z_OK)
            c->rc = 0;
        gzclose(gz);
    }
    free(buf);
    if (c->copy_ok && (c->rc < 0 || zstd_writer_finish(&z) < 0))
        c->copy_ok = false;
    if (c->fd >= 0)
        zstd_writer_free(&z);
    unsigned int dlen = 0;
    EVP_DigestFinal_ex(sha, c->digest, &dlen);
    EVP_MD_CTX_free(sha);
    return NULL;
}

struct import_copy *import_copy_start(const char *file, int fd)
{
    struct import_copy *c = xcalloc(1, sizeof *c);
    c->file = xstrdup(file);
    c->fd = fd;
    int err = pthread_create(&c->thread, NULL, copy_main, c);
    if (err != 0) {
        warnf("import-trace: cannot start the copy thread: %s", strerror(err));
        free(c->file);
        free(c);
        return NULL;
    }
    return c;
}

void import_copy_cancel(struct import_copy *c)
{
    if (c)
        __atomic_store_n(&c->cancel, 1, __ATOMIC_RELAXED);
}

int import_copy_finish(struct import_copy *c, char sha[65], uint64_t *bytes, bool *copy_ok)
{
    pthread_join(c->thread, NULL);
    int rc = c->rc;
    for (int i = 0; i < 32; i++)
        sprintf(sha + 2 * i, "%02x", c->digest[i]);
    *bytes = c->bytes;
    *copy_ok = c->copy_ok && rc == 0;
    free(c->file);
    free(c);
    return rc;
}
