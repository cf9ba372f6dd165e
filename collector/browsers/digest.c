/* digest: file digests (OpenSSL EVP) and npm's SRI integrity strings. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/util.h"
#include "collector/browsers/store_internal.h"

/* Hex or base64 digest of a file with an OpenSSL digest ("sha512"). */
int store_file_digest(const char *path, const char *algo, bool b64, char *outs, size_t outlen,
                      volatile int *interrupted, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = EVP_get_digestbyname(algo);
    if (!ctx || !md || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        snprintf(err, errlen, "%s: OpenSSL has no %s", path, algo);
        EVP_MD_CTX_free(ctx);
        close(fd);
        return -1;
    }
    unsigned char *blk = xmalloc(1 << 16);
    ssize_t got;
    int rc = 0;
    while ((got = read(fd, blk, 1 << 16)) != 0) {
        if (got < 0) {
            if (errno == EINTR && !(interrupted && *interrupted))
                continue;
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "interrupted");
            rc = -1;
            break;
        }
        EVP_DigestUpdate(ctx, blk, (size_t)got);
    }
    close(fd);
    free(blk);
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    EVP_DigestFinal_ex(ctx, dg, &dl);
    EVP_MD_CTX_free(ctx);
    if (rc < 0)
        return -1;
    if (b64) {
        if (outlen < 4 * ((dl + 2) / 3) + 1)
            return -1;
        EVP_EncodeBlock((unsigned char *)outs, dg, (int)dl);
    } else {
        if (outlen < 2 * dl + 1)
            return -1;
        for (unsigned i = 0; i < dl; i++)
            snprintf(outs + 2 * i, 3, "%02x", dg[i]);
    }
    return 0;
}

/* Does the file's sha512 match an SRI string ("sha512-<base64>", maybe one
 * of several space-separated hashes)? */
int store_verify_sri(const char *file, const char *sri, volatile int *interrupted,
                     char *err, size_t errlen)
{
    char mine[200];
    if (store_file_digest(file, "sha512", true, mine, sizeof mine, interrupted, err, errlen) < 0)
        return -1;
    bool any = false;
    for (const char *p = sri; *p;) {
        size_t l = strcspn(p, " \t");
        if (l > 7 && strncmp(p, "sha512-", 7) == 0) {
            any = true;
            if (l - 7 == strlen(mine) && strncmp(p + 7, mine, l - 7) == 0)
                return 0;
        }
        p += l;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (!any)
        snprintf(err, errlen, "the registry gives no sha512 integrity (%s)", sri);
    else
        snprintf(err, errlen, "corrupt download: sha512 of %s is sha512-%s, the registry says %s",
                 file, mine, sri);
    return -1;
}

