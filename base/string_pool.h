/* string_pool: distinct strings, each stored once, named by a dense index
 * (0, 1, 2, ... in the order first added) or by a pointer that stays valid
 * until the pool is freed. Never shrinks: a pool lives as long as the trace
 * slices or extracted events that point into it.
 *
 * A zeroed struct is an empty pool. */
#ifndef WASMLAB_STRING_POOL_H
#define WASMLAB_STRING_POOL_H

#include <stddef.h>
#include <stdint.h>

struct string_pool {
    char **strings;             /* by index */
    size_t n, cap;
    uint32_t *slots;            /* open addressing: index + 1, 0 = empty */
    size_t n_slots;             /* a power of two, at least twice n */
};

/* The index of s cut to at most max bytes (SIZE_MAX: all of it); NULL is "". */
uint32_t string_pool_add(struct string_pool *p, const char *s, size_t max);
/* The index of s cut to at most max bytes when the pool holds it, else
 * UINT32_MAX; adds nothing. */
uint32_t string_pool_find(const struct string_pool *p, const char *s, size_t max);
/* string_pool_add's string, as the pool's own copy. */
const char *string_pool_intern(struct string_pool *p, const char *s, size_t max);
/* The string at index i (i < p->n). */
static inline const char *string_pool_get(const struct string_pool *p, uint32_t i)
{
    return p->strings[i];
}
void string_pool_free(struct string_pool *p);

#endif
