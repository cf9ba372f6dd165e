#include "collector/trace/trace_slices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* A slice-related event as it came: an X (dur >= 0), a B or an E. */
struct raw {
    int64_t ts, dur;          /* dur: >= 0 for X, RAW_B, RAW_E */
    uint64_t seq;             /* file order */
    uint32_t name, thread;
};
#define RAW_B (-1)
#define RAW_E (-2)

struct proc_name {
    int64_t pid;
    char name[64];
};

struct slice_builder {
    int64_t pid, from_us, to_us;
    struct raw *raw;
    size_t n_raw, cap_raw;
    struct slice_thread *threads;
    size_t n_threads, cap_threads;
    size_t last_thread;
    struct proc_name *procs;
    size_t n_procs, cap_procs;
    struct string_pool names;   /* slice names; slices hold their index */
    uint64_t events;
};

struct slice_builder *slices_new(int64_t pid, int64_t from_us, int64_t to_us)
{
    struct slice_builder *b = xcalloc(1, sizeof *b);
    b->pid = pid;
    b->from_us = from_us;
    b->to_us = to_us;
    return b;
}

void slices_builder_free(struct slice_builder *b)
{
    if (!b)
        return;
    string_pool_free(&b->names);
    free(b->raw);
    free(b->threads);
    free(b->procs);
    free(b);
}


static uint32_t thread_index(struct slice_builder *b, int64_t pid, int64_t tid)
{
    if (b->last_thread < b->n_threads && b->threads[b->last_thread].pid == pid &&
        b->threads[b->last_thread].tid == tid)
        return (uint32_t)b->last_thread;
    for (size_t i = 0; i < b->n_threads; i++)
        if (b->threads[i].pid == pid && b->threads[i].tid == tid) {
            b->last_thread = i;
            return (uint32_t)i;
        }
    if (b->n_threads == b->cap_threads) {
        b->cap_threads = b->cap_threads ? b->cap_threads * 2 : 32;
        b->threads = xrealloc(b->threads, b->cap_threads * sizeof *b->threads);
    }
    struct slice_thread *t = &b->threads[b->n_threads];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->tid = tid;
    b->last_thread = b->n_threads;
    return (uint32_t)b->n_threads++;
}

static void metadata(struct slice_builder *b, const struct trace_event *ev)
{
    const char *name = trace_event_arg_text(ev, "name");
    if (!name)
        return;
    if (strcmp(ev->name, "thread_name") == 0) {
        if (b->pid >= 0 && ev->pid != b->pid)
            return;
        uint32_t k = thread_index(b, ev->pid, ev->tid);   /* may move b->threads */
        struct slice_thread *t = &b->threads[k];
        snprintf(t->name, sizeof t->name, "%s", name);
    } else if (strcmp(ev->name, "process_name") == 0) {
        if (b->n_procs == b->cap_procs) {
            b->cap_procs = b->cap_procs ? b->cap_procs * 2 : 16;
            b->procs = xrealloc(b->procs, b->cap_procs * sizeof *b->procs);
        }
        b->procs[b->n_procs].pid = ev->pid;
        snprintf(b->procs[b->n_procs].name, sizeof b->procs[b->n_procs].name, "%s", name);
        b->n_procs++;
    }
}

void slices_event(void *arg, const struct trace_event *ev)
{
    struct slice_builder *b = arg;
    uint64_t seq = b->events++;
    if (ev->ph == 'M') {
        metadata(b, ev);
        return;
    }
    if (ev->ph != 'X' && ev->ph != 'B' && ev->ph != 'E')
        return;
    if (ev->ts_us == INT64_MIN || ev->pid < 0 || (b->pid >= 0 && ev->pid != b->pid))
        return;
    if (ev->ph == 'X' && ev->dur_us < 0)
        return;   /* an X without dur has no extent */
    if (b->n_raw == b->cap_raw) {
        b->cap_raw = b->cap_raw ? b->cap_raw * 2 : 4096;
        b->raw = xrealloc(b->raw, b->cap_raw * sizeof *b->raw);
    }
    struct raw *r = &b->raw[b->n_raw++];
    r->ts = ev->ts_us;
    r->dur = ev->ph == 'X' ? ev->dur_us : ev->ph == 'B' ? RAW_B : RAW_E;
    r->seq = seq;
    r->thread = thread_index(b, ev->pid, ev->tid);
    r->name = ev->ph == 'E' ? 0
            : string_pool_add(&b->names, ev->name[0] ? ev->name : "(unnamed)", SIZE_MAX);
}

static int by_thread_ts(const void *a, const void *b)
{
    const struct raw *x = a, *y = b;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A slice before nesting, with its file order for ties. */
struct flat {
    int64_t start, dur;
    uint64_t seq;
    uint32_t name, thread;
};

static int by_thread_start(const void *a, const void *b)
{
    const struct flat *x = a, *y = b;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->dur != y->dur)
        return x->dur > y->dur ? -1 : 1;     /* the longer one is the parent */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char slice_class(const char *name)
{
    if (strncmp(name, "wasm.", 5) == 0 || strncmp(name, "v8.wasm.", 8) == 0)
        return 'w';
    if (strcmp(name, "MinorGC") == 0 || strcmp(name, "MajorGC") == 0 ||
        strncmp(name, "V8.GC", 5) == 0 || strcmp(name, "BlinkGC.AtomicPhase") == 0)
        return 'g';
    if (strncmp(name, "v8.", 3) == 0 || strncmp(name, "V8.", 3) == 0)
        return 'v';
    if (strcmp(name, "RunTask") == 0 || strncmp(name, "ThreadControllerImpl::", 22) == 0 ||
        strncmp(name, "ThreadPool_", 11) == 0)
        return 't';
    return 'b';
}

void slices_finish(struct slice_builder *b, struct slices *out)
{
    memset(out, 0, sizeof *out);
    out->events_seen = b->events;
    qsort(b->raw, b->n_raw, sizeof *b->raw, by_thread_ts);

    /* 1. B/E pairs and X events into flat slices, thread by thread */
    struct flat *flat = xcalloc(b->n_raw ? b->n_raw : 1, sizeof *flat);
    size_t n_flat = 0;
    size_t *open = xcalloc(b->n_raw ? b->n_raw : 1, sizeof *open);
    for (size_t i = 0; i < b->n_raw;) {
        size_t j = i, n_open = 0;
        int64_t last_ts = INT64_MIN;
        for (; j < b->n_raw && b->raw[j].thread == b->raw[i].thread; j++) {
            const struct raw *r = &b->raw[j];
            int64_t end = r->dur >= 0 ? r->ts + r->dur : r->ts;
            if (end > last_ts)
                last_ts = end;
            if (r->dur >= 0) {
                flat[n_flat++] = (struct flat){ r->ts, r->dur, r->seq, r->name, r->thread };
            } else if (r->dur == RAW_B) {
                open[n_open++] = j;
            } else if (n_open > 0) {
                const struct raw *bg = &b->raw[open[--n_open]];
                flat[n_flat++] = (struct flat){ bg->ts, r->ts - bg->ts, bg->seq, bg->name,
                                                bg->thread };
            }
        }
        while (n_open > 0) {   /* never closed: ends with the thread's last event */
            const struct raw *bg = &b->raw[open[--n_open]];
            flat[n_flat++] = (struct flat){ bg->ts, last_ts - bg->ts, bg->seq, bg->name,
                                            bg->thread };
        }
        i = j;
    }
    free(open);
    qsort(flat, n_flat, sizeof *flat, by_thread_start);

    /* 2. nesting: a stack of open slices per thread */
    struct slice *v = xcalloc(n_flat ? n_flat : 1, sizeof *v);
    uint32_t *stack = xcalloc(n_flat ? n_flat : 1, sizeof *stack);
    size_t depth = 0;
    for (size_t i = 0; i < n_flat; i++) {
        if (i == 0 || flat[i].thread != flat[i - 1].thread)
            depth = 0;
        int64_t start = flat[i].start, dur = flat[i].dur;
        /* a slice starting where the open one ends is its sibling */
        while (depth > 0 && v[stack[depth - 1]].start_us + v[stack[depth - 1]].dur_us <= start)
            depth--;
        struct slice *s = &v[i];
        s->start_us = start;
        s->dur_us = dur;
        s->name = flat[i].name;
        s->thread = flat[i].thread;
        s->parent = depth ? stack[depth - 1] : SLICE_NONE;
        s->depth = (int)depth;
        s->cat_class = slice_class(string_pool_get(&b->names, s->name));
        if (depth) {
            struct slice *p = &v[stack[depth - 1]];
            int64_t pend = p->start_us + p->dur_us;
            if (start + dur > pend) {
                s->dur_us = pend - start;
                out->clipped++;
            }
        }
        s->self_us = s->dur_us;
        if (depth)
            v[stack[depth - 1]].self_us -= s->dur_us;
        stack[depth++] = (uint32_t)i;
    }
    free(stack);
    free(flat);

    /* 3. thread totals, then the window: drop slices outside it (a parent
     * always overlaps whatever its children overlap, so parents stay) */
    for (size_t i = 0; i < n_flat; i++) {
        struct slice_thread *t = &b->threads[v[i].thread];
        if (v[i].depth + 1 > t->max_depth)
            t->max_depth = v[i].depth + 1;
        if (v[i].depth == 0)
            t->busy_us += v[i].dur_us;
    }
    uint32_t *remap = xcalloc(n_flat ? n_flat : 1, sizeof *remap);
    size_t n = 0;
    for (size_t i = 0; i < n_flat; i++) {
        int64_t end = v[i].start_us + v[i].dur_us;
        if (end < b->from_us || v[i].start_us > b->to_us) {
            remap[i] = SLICE_NONE;
            continue;
        }
        remap[i] = (uint32_t)n;
        v[n] = v[i];
        if (v[n].parent != SLICE_NONE)
            v[n].parent = remap[v[n].parent];
        n++;
    }
    free(remap);
    out->v = v;
    out->n = n;

    for (size_t i = 0; i < b->n_threads; i++)
        for (size_t k = 0; k < b->n_procs; k++)
            if (b->procs[k].pid == b->threads[i].pid)
                snprintf(b->threads[i].process, sizeof b->threads[i].process, "%s",
                         b->procs[k].name);
    out->threads = b->threads;
    out->n_threads = b->n_threads;
    b->threads = NULL;
    b->n_threads = 0;
    out->names = b->names;
    memset(&b->names, 0, sizeof b->names);
}

void slices_free(struct slices *s)
{
    string_pool_free(&s->names);
    free(s->threads);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- folded stacks ---- */

struct folded_line {
    char *stack;
    int64_t us;
};

static int by_stack(const void *a, const void *b)
{
    return strcmp(((const struct folded_line *)a)->stack, ((const struct folded_line *)b)->stack);
}

/* Frame names may not hold ';' (the separator) or newlines. */
static void append_frame(struct buf *b, const char *name)
{
    for (const char *p = name; *p; p++) {
        char c = *p == ';' ? ',' : (*p == '\n' || *p == '\r') ? ' ' : *p;
        buf_append(b, &c, 1);
    }
}

int64_t slices_write_folded(const struct slices *s, bool with_process, struct buf *out)
{
    struct folded_line *lines = xcalloc(s->n ? s->n : 1, sizeof *lines);
    size_t n = 0;
    struct buf path = { 0 };
    uint32_t *chain = xcalloc((size_t)s->n + 1, sizeof *chain);
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].self_us <= 0)
            continue;
        const struct slice_thread *t = &s->threads[s->v[i].thread];
        buf_reset(&path);
        if (with_process) {
            char proc[96];
            snprintf(proc, sizeof proc, "%s %lld", t->process[0] ? t->process : "pid",
                     (long long)t->pid);
            append_frame(&path, proc);
            buf_append(&path, ";", 1);
        }
        char thread[96];
        if (t->name[0])
            snprintf(thread, sizeof thread, "%s", t->name);
        else
            snprintf(thread, sizeof thread, "tid %lld", (long long)t->tid);
        append_frame(&path, thread);
        size_t depth = 0;
        for (uint32_t k = (uint32_t)i; k != SLICE_NONE; k = s->v[k].parent)
            chain[depth++] = k;
        while (depth > 0) {
            buf_append(&path, ";", 1);
            append_frame(&path, string_pool_get(&s->names, s->v[chain[--depth]].name));
        }
        lines[n].stack = xstrdup(path.data ? path.data : "");
        lines[n].us = s->v[i].self_us;
        n++;
    }
    free(chain);
    buf_free(&path);
    qsort(lines, n, sizeof *lines, by_stack);
    int64_t total = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int64_t us = 0;
        for (; j < n && strcmp(lines[j].stack, lines[i].stack) == 0; j++)
            us += lines[j].us;
        char num[32];
        int len = snprintf(num, sizeof num, " %lld\n", (long long)us);
        buf_append(out, lines[i].stack, strlen(lines[i].stack));
        buf_append(out, num, (size_t)len);
        total += us;
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i].stack);
    free(lines);
    return total;
}
