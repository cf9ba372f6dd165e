#include "collector/trace/trace_meta.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

/* YAJL's reading of {"metadata": {...}}: the string fields at depth 2. */
struct meta_reader {
    struct trace_meta *m;
    int depth;
    bool in_meta;
    char key[64];
};

static int meta_string(void *ctx, const unsigned char *s, size_t len)
{
    struct meta_reader *r = ctx;
    if (!r->in_meta || r->depth != 2)
        return 1;
    char *dst = NULL;
    size_t cap = 0;
    if (strcmp(r->key, "user-agent") == 0)
        dst = r->m->user_agent, cap = sizeof r->m->user_agent;
    else if (strcmp(r->key, "revision") == 0)
        dst = r->m->revision, cap = sizeof r->m->revision;
    else if (strcmp(r->key, "command_line") == 0)
        dst = r->m->command_line, cap = sizeof r->m->command_line;
    else if (strcmp(r->key, "v8-version") == 0)
        dst = r->m->v8, cap = sizeof r->m->v8;
    else if (strcmp(r->key, "product-version") == 0)
        dst = r->m->product, cap = sizeof r->m->product;
    if (dst)
        snprintf(dst, cap, "%.*s", (int)(len < cap ? len : cap - 1), (const char *)s);
    return 1;
}

static int meta_key(void *ctx, const unsigned char *key, size_t len)
{
    struct meta_reader *r = ctx;
    if (r->depth == 1)
        r->in_meta = len == 8 && memcmp(key, "metadata", 8) == 0;
    if (r->depth == 2 && r->in_meta)
        snprintf(r->key, sizeof r->key, "%.*s", (int)(len < 63 ? len : 63), (const char *)key);
    return 1;
}

static int meta_open(void *ctx)
{
    ((struct meta_reader *)ctx)->depth++;
    return 1;
}

static int meta_close(void *ctx)
{
    struct meta_reader *r = ctx;
    if (--r->depth <= 1)
        r->key[0] = 0;
    return 1;
}

static const yajl_callbacks meta_callbacks = {
    NULL, NULL, NULL, NULL, NULL, meta_string, meta_open, meta_key, meta_close, meta_open,
    meta_close
};

void trace_meta_member(void *arg, const char *key, const char *json, size_t len)
{
    if (strcmp(key, "metadata") != 0)
        return;
    struct meta_reader r = { .m = arg };
    yajl_handle y = yajl_alloc(&meta_callbacks, NULL, &r);
    yajl_config(y, yajl_dont_validate_strings, 1);
    static const char open_[] = "{\"metadata\":";
    if (yajl_parse(y, (const unsigned char *)open_, sizeof open_ - 1) == yajl_status_ok &&
        yajl_parse(y, (const unsigned char *)json, len) == yajl_status_ok)
        (void)(yajl_parse(y, (const unsigned char *)"}", 1) == yajl_status_ok &&
               yajl_complete_parse(y) == yajl_status_ok);
    yajl_free(y);
}

#define TAKE(field)                                                \
    do {                                                           \
        if (later->field[0])                                       \
            memcpy(m->field, later->field, sizeof m->field);       \
    } while (0)

void trace_meta_merge(struct trace_meta *m, const struct trace_meta *later)
{
    TAKE(user_agent);
    TAKE(revision);
    TAKE(command_line);
    TAKE(v8);
    TAKE(product);
}
