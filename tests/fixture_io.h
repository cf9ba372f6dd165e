/* fixture_io: reads gzipped fixtures (zlib) for the unit tests. */
#ifndef WASMLAB_TEST_FIXTURE_IO_H
#define WASMLAB_TEST_FIXTURE_IO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Returns the whole decompressed file (NUL-terminated, caller frees), or
 * NULL. name is relative to FIXTURES_DIR. */
static char *fixture_read_gz(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *data = malloc(cap);
    for (;;) {
        if (n + 65536 + 1 > cap)
            data = realloc(data, cap *= 2);
        int r = gzread(f, data + n, 65536);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    gzclose(f);
    data[n] = 0;
    *len = n;
    return data;
}

#endif
