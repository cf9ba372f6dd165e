/* The ingest bench's second peer (issue 12): YAJL's event parser alone over
 * a trace file, no callbacks, strings not checked for UTF-8 (import-trace's
 * parser checks none either), read in 256 KB pieces as import-trace reads.
 * It keeps nothing and stores nothing: a floor for "parse every byte", the
 * yardstick issue 12 quotes (296 MB/s on its machine) to scale its 200 MB/s
 * target to this one.
 * usage: yajl-parse FILE.json   (prints the bytes parsed) */
#include <stdio.h>
#include <stdlib.h>

#include <yajl/yajl_parse.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: yajl-parse FILE.json\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static const yajl_callbacks none;
    yajl_handle y = yajl_alloc(&none, NULL, NULL);
    yajl_config(y, yajl_dont_validate_strings, 1);
    static unsigned char buf[256 * 1024];
    size_t n, total = 0;
    yajl_status st = yajl_status_ok;
    while (st == yajl_status_ok && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        st = yajl_parse(y, buf, n);
        total += n;
    }
    if (st == yajl_status_ok)
        st = yajl_complete_parse(y);
    int rc = 0;
    if (st != yajl_status_ok || ferror(f)) {
        unsigned char *err = yajl_get_error(y, 0, NULL, 0);
        fprintf(stderr, "yajl-parse: %s: %s\n", argv[1], (const char *)err);
        yajl_free_error(y, err);
        rc = 1;
    } else {
        printf("%zu\n", total);
    }
    yajl_free(y);
    fclose(f);
    return rc;
}
