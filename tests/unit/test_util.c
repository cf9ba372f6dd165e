/* base/util: strict number parsing, the untrusted-number rounding limits,
 * bounded buffers, SHA-256, UUIDs, the stored command line, remove_tree. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "tests/check.h"

static void test_parse_long(void)
{
    long v = 42;
    CHECK_INT(parse_long("10", 1, 10, &v), 0);
    CHECK_INT(v, 10);
    CHECK_INT(parse_long("1", 1, 10, &v), 0);
    CHECK_INT(v, 1);
    CHECK_INT(parse_long("-5", -5, 5, &v), 0);
    CHECK_INT(v, -5);
    v = 42;
    CHECK_INT(parse_long("11", 1, 10, &v), -1);      /* above max */
    CHECK_INT(parse_long("0", 1, 10, &v), -1);       /* below min */
    CHECK_INT(parse_long("", 0, 10, &v), -1);
    CHECK_INT(parse_long(NULL, 0, 10, &v), -1);
    CHECK_INT(parse_long("5x", 0, 10, &v), -1);      /* trailing junk */
    CHECK_INT(parse_long("5 ", 0, 10, &v), -1);
    CHECK_INT(parse_long("0x5", 0, 10, &v), -1);     /* decimal only */
    CHECK_INT(parse_long("99999999999999999999", 0, LONG_MAX, &v), -1);   /* overflow */
    CHECK_INT(v, 42);                                /* untouched on error */
    CHECK_INT(parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
    CHECK(v == LONG_MAX);
}

static void test_round_to_int64(void)
{
    int64_t out = 7;
    CHECK(round_to_int64(2.5, 10, &out));
    CHECK_INT(out, 3);                               /* llround: half away from zero */
    CHECK(round_to_int64(-2.5, 10, &out));
    CHECK_INT(out, -3);
    CHECK(round_to_int64(10.0, 10, &out));
    CHECK_INT(out, 10);
    out = 7;
    CHECK(!round_to_int64(10.5, 10, &out));
    CHECK(!round_to_int64(-10.5, 10, &out));
    CHECK(!round_to_int64(NAN, 10, &out));
    CHECK(!round_to_int64(INFINITY, INT64_MAX, &out));
    CHECK(!round_to_int64(-INFINITY, INT64_MAX, &out));
    CHECK(!round_to_int64(0x1p63, INT64_MAX, &out));  /* (double)INT64_MAX rounds to 2^63 */
    CHECK(!round_to_int64(-0x1p63, INT64_MAX, &out));
    CHECK_INT(out, 7);
    CHECK(round_to_int64(0x1p62, INT64_MAX, &out));
    CHECK(out == ((int64_t)1 << 62));
    CHECK(round_to_int64((double)UNTRUSTED_US_LIMIT, UNTRUSTED_US_LIMIT, &out));
    CHECK(out == UNTRUSTED_US_LIMIT);
    CHECK(!round_to_int64((double)UNTRUSTED_US_LIMIT * 2, UNTRUSTED_US_LIMIT, &out));
    CHECK(!round_to_int64(1e13, UNTRUSTED_COUNT_LIMIT, &out));
}

static void test_buf(void)
{
    struct buf b = { .limit = 10 };
    CHECK_INT(buf_append(&b, "hello", 5), 0);
    CHECK_INT(buf_append(&b, "world", 5), 0);
    CHECK_INT(b.len, 10);
    CHECK_STR(b.data, "helloworld");                 /* NUL-terminated */
    CHECK_INT(buf_append(&b, "!", 1), -1);           /* past the limit: nothing added */
    CHECK_INT(b.len, 10);
    CHECK_STR(b.data, "helloworld");
    buf_reset(&b);
    CHECK_INT(b.len, 0);
    CHECK_STR(b.data, "");
    CHECK_INT(buf_append(&b, "0123456789abc", 13), -1);   /* one append over the limit */
    CHECK_INT(b.len, 0);
    buf_free(&b);

    struct buf big = { 0 };                          /* no limit: grows */
    char chunk[1000];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 100; i++)
        CHECK_INT(buf_append(&big, chunk, sizeof chunk), 0);
    CHECK_INT(big.len, 100000);
    CHECK(big.cap > big.len);
    CHECK_INT(big.data[big.len], 0);
    buf_free(&big);
}

static void test_sha256(void)
{
    char hex[65];
    sha256_hex((const uint8_t *)"abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex((const uint8_t *)"", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex((const uint8_t *)two, strlen(two), hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_uuid4(void)
{
    char a[37], b[37];
    uuid4(a);
    uuid4(b);
    CHECK_INT(strlen(a), 36);
    CHECK(strcmp(a, b) != 0);
    bool shape = true;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? a[i] != '-' : !strchr("0123456789abcdef", a[i]))
            shape = false;
    }
    CHECK(shape);
    CHECK(a[14] == '4');                             /* version 4 */
    CHECK(strchr("89ab", a[19]) != NULL);            /* RFC 4122 variant */
}

static void test_join_command_line(void)
{
    char *argv[] = { "run", "--db", "x y.db", NULL };
    char *s = join_command_line(3, argv);
    CHECK_STR(s, "wasmlab run --db x y.db");
    free(s);
    s = join_command_line(0, argv);
    CHECK_STR(s, "wasmlab");
    free(s);
}

static void test_remove_tree(void)
{
    char dir[] = "/tmp/wasmlab-test-util-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char outside[] = "/tmp/wasmlab-test-util-keep-XXXXXX";
    CHECK(mkdtemp(outside) != NULL);
    char *keep = xasprintf("%s/keep.txt", outside);
    FILE *f = fopen(keep, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    char *sub = xasprintf("%s/a/b/c", dir);
    char *mid = xasprintf("%s/a/b", dir);
    char *top = xasprintf("%s/a", dir);
    CHECK(mkdir(top, 0755) == 0 && mkdir(mid, 0755) == 0 && mkdir(sub, 0700) == 0);
    char *file = xasprintf("%s/file", sub);
    f = fopen(file, "w");
    if (f) {
        fputs("data", f);
        fclose(f);
    }
    char *link = xasprintf("%s/link", top);
    CHECK(symlink(outside, link) == 0);              /* must not be followed */
    CHECK_INT(remove_tree(dir), 0);
    struct stat st;
    CHECK(lstat(dir, &st) < 0 && errno == ENOENT);
    CHECK(stat(keep, &st) == 0);                     /* the symlink's target survives */
    CHECK_INT(remove_tree("/tmp/wasmlab-test-util-no-such-dir"), 0);   /* already gone: done */
    unlink(keep);
    rmdir(outside);
    free(keep);
    free(sub);
    free(mid);
    free(top);
    free(file);
    free(link);
}

int main(void)
{
    test_parse_long();
    test_round_to_int64();
    test_buf();
    test_sha256();
    test_uuid4();
    test_join_command_line();
    test_remove_tree();
    return check_result();
}
