#include "base/string_pool.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;      /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void grow_slots(struct string_pool *p)
{
    size_t cap = p->n_slots ? p->n_slots * 2 : 64;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < p->n; i++) {
        size_t j = hash_bytes(p->strings[i], strlen(p->strings[i])) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)i + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = cap;
}

/* The slot of s (len bytes): the one holding it, or the empty one where it
 * goes. p->n_slots must be non-zero. */
static size_t slot_of(const struct string_pool *p, const char *s, size_t len)
{
    size_t j = hash_bytes(s, len) & (p->n_slots - 1);
    for (; p->slots[j]; j = (j + 1) & (p->n_slots - 1)) {
        const char *have = p->strings[p->slots[j] - 1];
        if (strncmp(have, s, len) == 0 && have[len] == 0)
            break;
    }
    return j;
}

uint32_t string_pool_find(const struct string_pool *p, const char *s, size_t max)
{
    if (!s)
        s = "";
    if (!p->n_slots)
        return UINT32_MAX;
    size_t j = slot_of(p, s, strnlen(s, max));
    return p->slots[j] ? p->slots[j] - 1 : UINT32_MAX;
}

uint32_t string_pool_add(struct string_pool *p, const char *s, size_t max)
{
    if (!s)
        s = "";
    size_t len = strnlen(s, max);
    if ((p->n + 1) * 2 > p->n_slots)
        grow_slots(p);
    size_t j = slot_of(p, s, len);
    if (p->slots[j])
        return p->slots[j] - 1;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->strings = xrealloc(p->strings, p->cap * sizeof *p->strings);
    }
    char *copy = xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = 0;
    p->strings[p->n] = copy;
    p->slots[j] = (uint32_t)p->n + 1;
    return (uint32_t)p->n++;
}

const char *string_pool_intern(struct string_pool *p, const char *s, size_t max)
{
    uint32_t i = string_pool_add(p, s, max);   /* first: it may move p->strings */
    return p->strings[i];
}

void string_pool_free(struct string_pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->strings[i]);
    free(p->strings);
    free(p->slots);
    memset(p, 0, sizeof *p);
}
