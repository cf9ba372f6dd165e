/* base/string_pool: one copy per distinct string, dense indices in order,
 * the max cut, NULL as "", pointers that survive growth (the extractor and
 * the slice builder keep them across thousands of events). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/string_pool.h"
#include "tests/check.h"

static void test_indices_and_copies(void)
{
    struct string_pool p = { 0 };
    CHECK_INT(string_pool_add(&p, "wasm.OnBytesReceived", SIZE_MAX), 0);
    CHECK_INT(string_pool_add(&p, "v8.wasm", SIZE_MAX), 1);
    CHECK_INT(string_pool_add(&p, "wasm.OnBytesReceived", SIZE_MAX), 0);
    const char *a = string_pool_intern(&p, "v8.wasm", SIZE_MAX);
    CHECK(a == string_pool_get(&p, 1));
    CHECK_INT((long)p.n, 2);
    /* cut to max bytes: the cut string is its own entry, equal to a shorter add */
    CHECK_INT(string_pool_add(&p, "v8.wasm.detailed", 7), 1);
    CHECK_STR(string_pool_intern(&p, "abcdef", 3), "abc");
    CHECK_INT(string_pool_add(&p, "abc", SIZE_MAX), 2);
    /* find: the same index, or none; never adds */
    CHECK_INT(string_pool_find(&p, "v8.wasm", SIZE_MAX), 1);
    CHECK_INT(string_pool_find(&p, "v8.wasm.detailed", 7), 1);
    CHECK(string_pool_find(&p, "v8.wasm.detailed", SIZE_MAX) == UINT32_MAX);
    CHECK(string_pool_find(&p, "v8", SIZE_MAX) == UINT32_MAX);
    CHECK_INT((long)p.n, 3);
    struct string_pool empty = { 0 };
    CHECK(string_pool_find(&empty, "x", SIZE_MAX) == UINT32_MAX);
    CHECK(string_pool_find(&empty, NULL, 1) == UINT32_MAX);
    /* NULL and "" are one entry */
    CHECK_INT(string_pool_add(&p, NULL, 10), string_pool_add(&p, "", 10));
    CHECK_STR(string_pool_get(&p, string_pool_add(&p, NULL, 10)), "");
    string_pool_free(&p);
    CHECK(p.n == 0 && p.strings == NULL);
    string_pool_free(&p);      /* twice: still fine */
}

static void test_growth_keeps_pointers(void)
{
    struct string_pool p = { 0 };
    const char *first = string_pool_intern(&p, "name-0", SIZE_MAX);
    char name[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "name-%d", i);
        const char *copy = string_pool_intern(&p, name, SIZE_MAX);   /* grows the pool */
        CHECK_STR(copy, name);
        CHECK(copy == string_pool_get(&p, (uint32_t)i));
    }
    CHECK_INT((long)p.n, 10000);
    CHECK(p.n_slots >= 2 * p.n);
    CHECK(string_pool_intern(&p, "name-0", SIZE_MAX) == first);
    for (int i = 0; i < 10000; i += 997) {
        snprintf(name, sizeof name, "name-%d", i);
        CHECK_STR(string_pool_get(&p, (uint32_t)i), name);
        CHECK_INT(string_pool_add(&p, name, SIZE_MAX), i);
        CHECK_INT(string_pool_find(&p, name, SIZE_MAX), i);
    }
    CHECK(string_pool_find(&p, "name-10000", SIZE_MAX) == UINT32_MAX);
    CHECK_INT((long)p.n, 10000);
    string_pool_free(&p);
}

int main(void)
{
    test_indices_and_copies();
    test_growth_keeps_pointers();
    return check_result();
}
