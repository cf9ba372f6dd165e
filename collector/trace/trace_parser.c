#include "collector/trace/trace_parser.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "base/util.h"

/* Nesting below an event that we still track keys for (args.data.x.y). */
#define MAX_KEY_DEPTH 8
#define MAX_KEY 64
#define ARENA_BYTES (TRACE_MAX_ARGS * 2 * (TRACE_MAX_STRING + 1) + 4096)

struct pending_arg {
    size_t key_off, text_off;
    bool is_number;
    double number;
};

struct trace_parser {
    yajl_handle yajl;
    trace_event_fn on_event;
    void *cb_arg;

    int depth;              /* current nesting (maps + arrays) */
    int events_depth;       /* depth of the maps that are events; 0 = unknown */
    bool top_is_map;
    char top_key[MAX_KEY];  /* key at depth 1 when the top level is a map */

    /* the event being read */
    bool in_event;
    int array_nest;         /* arrays inside the event: values there are skipped */
    char keys[MAX_KEY_DEPTH][MAX_KEY];   /* keys[i] = key at event depth + i */
    struct trace_event ev;
    struct pending_arg pargs[TRACE_MAX_ARGS];
    size_t name_off, cat_off, id_off;
    bool has_name, has_cat, has_id, truncated;
    char *arena;
    size_t arena_len;

    uint64_t events, bytes, truncated_events;
    char error[256];
};

static size_t arena_put(struct trace_parser *p, const char *s, size_t n)
{
    if (n > TRACE_MAX_STRING)
        n = TRACE_MAX_STRING;
    if (p->arena_len + n + 1 > ARENA_BYTES) {
        p->truncated = true;
        return (size_t)-1;
    }
    size_t off = p->arena_len;
    memcpy(p->arena + off, s, n);
    p->arena[off + n] = 0;
    p->arena_len += n + 1;
    return off;
}

static void begin_event(struct trace_parser *p)
{
    p->in_event = true;
    p->array_nest = 0;
    memset(&p->ev, 0, sizeof p->ev);
    p->ev.ts_us = INT64_MIN;
    p->ev.dur_us = -1;
    p->ev.pid = p->ev.tid = -1;
    p->has_name = p->has_cat = p->has_id = p->truncated = false;
    p->arena_len = 0;
    p->arena[0] = 0;
    p->arena_len = 1;   /* offset 0 is the empty string */
}

static void end_event(struct trace_parser *p)
{
    struct trace_event *ev = &p->ev;
    ev->name = p->arena + (p->has_name ? p->name_off : 0);
    ev->cat = p->arena + (p->has_cat ? p->cat_off : 0);
    ev->id = p->arena + (p->has_id ? p->id_off : 0);
    for (size_t i = 0; i < ev->n_args; i++) {
        ev->args[i].key = p->arena + p->pargs[i].key_off;
        ev->args[i].text = p->arena + p->pargs[i].text_off;
        ev->args[i].is_number = p->pargs[i].is_number;
        ev->args[i].number = p->pargs[i].number;
    }
    p->events++;
    if (p->truncated)
        p->truncated_events++;
    p->on_event(p->cb_arg, ev);
    p->in_event = false;
}

/* Level of the current value relative to the event map: 1 = a field of the
 * event, 2 = inside args, ... */
static int event_level(const struct trace_parser *p)
{
    return p->depth - p->events_depth + 1;
}

static void event_field(struct trace_parser *p, const char *text, size_t len,
                        bool is_number)
{
    struct trace_event *ev = &p->ev;
    int level = event_level(p);
    if (p->array_nest)
        return;
    double num = 0;
    if (is_number) {
        char tmp[64];
        size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
        memcpy(tmp, text, n);
        tmp[n] = 0;
        num = strtod(tmp, NULL);
    }
    if (level == 1) {
        const char *key = p->keys[0];
        if (strcmp(key, "name") == 0) {
            p->name_off = arena_put(p, text, len);
            p->has_name = p->name_off != (size_t)-1;
        } else if (strcmp(key, "cat") == 0) {
            p->cat_off = arena_put(p, text, len);
            p->has_cat = p->cat_off != (size_t)-1;
        } else if (strcmp(key, "ph") == 0) {
            ev->ph = len ? text[0] : 0;
        } else if (strcmp(key, "ts") == 0 && is_number) {
            if (!round_to_int64(num, UNTRUSTED_US_LIMIT, &ev->ts_us))
                ev->ts_us = INT64_MIN;   /* unplaceable: treated as absent */
        } else if (strcmp(key, "dur") == 0 && is_number) {
            if (!round_to_int64(num, UNTRUSTED_US_LIMIT, &ev->dur_us))
                ev->dur_us = -1;
        } else if (strcmp(key, "pid") == 0 && is_number) {
            if (!round_to_int64(num, UNTRUSTED_COUNT_LIMIT, &ev->pid))
                ev->pid = -1;
        } else if (strcmp(key, "tid") == 0 && is_number) {
            if (!round_to_int64(num, UNTRUSTED_COUNT_LIMIT, &ev->tid))
                ev->tid = -1;
        } else if (strcmp(key, "id") == 0) {
            p->id_off = arena_put(p, text, len);
            p->has_id = p->id_off != (size_t)-1;
        }
        return;
    }
    if (level == 2 && strcmp(p->keys[0], "id2") == 0) {
        p->id_off = arena_put(p, text, len);
        p->has_id = p->id_off != (size_t)-1;
        return;
    }
    if (level < 2 || level > MAX_KEY_DEPTH || strcmp(p->keys[0], "args") != 0)
        return;
    if (ev->n_args >= TRACE_MAX_ARGS) {
        p->truncated = true;
        return;
    }
    /* dotted key from keys[1..level-1] */
    char key[MAX_KEY * MAX_KEY_DEPTH];
    size_t kl = 0;
    for (int i = 1; i < level; i++) {
        size_t n = strlen(p->keys[i]);
        if (kl + n + 2 > sizeof key)
            break;
        if (i > 1)
            key[kl++] = '.';
        memcpy(key + kl, p->keys[i], n);
        kl += n;
    }
    size_t koff = arena_put(p, key, kl);
    size_t toff = koff == (size_t)-1 ? koff : arena_put(p, text, len);
    if (toff == (size_t)-1)
        return;
    struct pending_arg *a = &p->pargs[ev->n_args++];
    a->key_off = koff;
    a->text_off = toff;
    a->is_number = is_number;
    a->number = num;
}

static int on_scalar(struct trace_parser *p, const char *text, size_t len, bool is_number)
{
    if (p->in_event)
        event_field(p, text, len, is_number);
    return 1;
}

static int cb_null(void *ctx) { return on_scalar(ctx, "null", 4, false); }
static int cb_boolean(void *ctx, int v) { return on_scalar(ctx, v ? "true" : "false", v ? 4 : 5, false); }
static int cb_number(void *ctx, const char *s, size_t len) { return on_scalar(ctx, s, len, true); }
static int cb_string(void *ctx, const unsigned char *s, size_t len) { return on_scalar(ctx, (const char *)s, len, false); }

static int cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct trace_parser *p = ctx;
    size_t n = len < MAX_KEY - 1 ? len : MAX_KEY - 1;
    if (p->in_event) {
        int level = event_level(p);
        if (level >= 1 && level <= MAX_KEY_DEPTH) {
            memcpy(p->keys[level - 1], key, n);
            p->keys[level - 1][n] = 0;
        }
    } else if (p->depth == 1 && p->top_is_map) {
        memcpy(p->top_key, key, n);
        p->top_key[n] = 0;
    }
    return 1;
}

static int cb_start_map(void *ctx)
{
    struct trace_parser *p = ctx;
    p->depth++;
    if (p->depth == 1) {
        p->top_is_map = true;
        return 1;
    }
    if (!p->in_event && p->events_depth && p->depth == p->events_depth)
        begin_event(p);
    else if (p->in_event && p->array_nest == 0) {
        int level = event_level(p);
        if (level >= 1 && level <= MAX_KEY_DEPTH)
            p->keys[level - 1][0] = 0;
    }
    return 1;
}

static int cb_end_map(void *ctx)
{
    struct trace_parser *p = ctx;
    if (p->in_event && p->depth == p->events_depth)
        end_event(p);
    p->depth--;
    return 1;
}

static int cb_start_array(void *ctx)
{
    struct trace_parser *p = ctx;
    p->depth++;
    if (p->in_event) {
        p->array_nest++;
        return 1;
    }
    if (p->depth == 1 && !p->top_is_map)
        p->events_depth = 2;                        /* [ {event}, ... ] */
    else if (p->depth == 2 && p->top_is_map && strcmp(p->top_key, "traceEvents") == 0)
        p->events_depth = 3;                        /* {"traceEvents":[ {event} ]} */
    return 1;
}

static int cb_end_array(void *ctx)
{
    struct trace_parser *p = ctx;
    if (p->in_event && p->array_nest)
        p->array_nest--;
    else if (!p->in_event && p->events_depth && p->depth == p->events_depth - 1)
        p->events_depth = 0;                        /* events array closed */
    p->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

struct trace_parser *trace_parser_new(trace_event_fn on_event, void *arg)
{
    struct trace_parser *p = xcalloc(1, sizeof *p);
    p->on_event = on_event;
    p->cb_arg = arg;
    p->arena = xmalloc(ARENA_BYTES);
    p->yajl = yajl_alloc(&callbacks, NULL, p);
    if (!p->yajl) {
        fprintf(stderr, "wasmlab: out of memory creating the trace parser\n");
        abort();
    }
    /* Chrome traces can hold invalid UTF-8 in strings (truncated names):
     * take them as bytes rather than reject the whole trace. */
    yajl_config(p->yajl, yajl_dont_validate_strings, 1);
    return p;
}

void trace_parser_free(struct trace_parser *p)
{
    if (!p)
        return;
    yajl_free(p->yajl);
    free(p->arena);
    free(p);
}

static int fail(struct trace_parser *p, const unsigned char *data, size_t len)
{
    unsigned char *msg = yajl_get_error(p->yajl, 0, data, len);
    size_t consumed = data ? yajl_get_bytes_consumed(p->yajl) : 0;
    char *nl = msg ? strchr((char *)msg, '\n') : NULL;
    if (nl)
        *nl = 0;
    snprintf(p->error, sizeof p->error, "invalid trace JSON at byte %llu: %s",
             (unsigned long long)(p->bytes + consumed), msg ? (char *)msg : "parse error");
    if (msg)
        yajl_free_error(p->yajl, msg);
    return -1;
}

int trace_parser_feed(struct trace_parser *p, const void *data, size_t len)
{
    if (p->error[0])
        return -1;
    yajl_status st = yajl_parse(p->yajl, data, len);
    if (st != yajl_status_ok)
        return fail(p, data, len);
    p->bytes += len;
    return 0;
}

int trace_parser_finish(struct trace_parser *p)
{
    if (p->error[0])
        return -1;
    yajl_status st = yajl_complete_parse(p->yajl);
    if (st != yajl_status_ok) {
        unsigned char *msg = yajl_get_error(p->yajl, 0, NULL, 0);
        char *nl = msg ? strchr((char *)msg, '\n') : NULL;
        if (nl)
            *nl = 0;
        snprintf(p->error, sizeof p->error, "trace JSON ends early after %llu bytes (%s)",
                 (unsigned long long)p->bytes, msg ? (char *)msg : "incomplete");
        if (msg)
            yajl_free_error(p->yajl, msg);
        return -1;
    }
    return 0;
}

const char *trace_parser_error(const struct trace_parser *p) { return p->error; }
uint64_t trace_parser_events(const struct trace_parser *p) { return p->events; }
uint64_t trace_parser_bytes(const struct trace_parser *p) { return p->bytes; }
uint64_t trace_parser_truncated_events(const struct trace_parser *p) { return p->truncated_events; }

const struct trace_arg *trace_event_arg(const struct trace_event *ev, const char *key)
{
    for (size_t i = 0; i < ev->n_args; i++)
        if (strcmp(ev->args[i].key, key) == 0)
            return &ev->args[i];
    return NULL;
}

const char *trace_event_arg_text(const struct trace_event *ev, const char *key)
{
    const struct trace_arg *a = trace_event_arg(ev, key);
    return a ? a->text : NULL;
}

bool trace_event_arg_number(const struct trace_event *ev, const char *key, double *out)
{
    const struct trace_arg *a = trace_event_arg(ev, key);
    if (!a)
        return false;
    if (a->is_number) {
        *out = a->number;
        return true;
    }
    char *end = NULL;
    double v = strtod(a->text, &end);
    if (end == a->text || *end)
        return false;
    *out = v;
    return true;
}
