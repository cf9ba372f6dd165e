#include "collector/trace/perfetto_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"

/* Limits that keep hostile input from taking the memory: no real trace
 * comes near them (Chromium's packets are a few KB, its iids a few hundred,
 * its slices a few dozen deep). */
#define MAX_PACKET_BYTES (64u << 20)
#define MAX_IID (1u << 20)
#define MAX_DEPTH 256
#define MAX_NESTING 32          /* debug annotation dicts in dicts */
#define OUT_FLUSH_BYTES (64u << 10)

/* Field numbers, from Perfetto's protos/perfetto/trace/ (the ones read). */
enum {
    TRACE_PACKET = 1,
    /* TracePacket */
    PKT_TIMESTAMP = 8, PKT_CLOCK_ID = 58, PKT_SEQ_ID = 10, PKT_SEQ_FLAGS = 13,
    PKT_STATE_CLEARED = 41, PKT_TRACK_EVENT = 11, PKT_INTERNED = 12,
    PKT_DEFAULTS = 59, PKT_TRACK_DESCRIPTOR = 60, PKT_CLOCK_SNAPSHOT = 6,
    SEQ_INCREMENTAL_STATE_CLEARED = 1,
    /* ClockSnapshot, and its Clock */
    SNAP_CLOCK = 1, SNAP_PRIMARY = 2,
    CLOCK_ID = 1, CLOCK_TS = 2, CLOCK_INCREMENTAL = 3, CLOCK_UNIT_NS = 4,
    /* TracePacketDefaults, TrackEventDefaults */
    DEF_CLOCK_ID = 58, DEF_TRACK_EVENT = 11, TED_TRACK_UUID = 11,
    /* InternedData, and the {iid, name} entries */
    IN_CATEGORIES = 1, IN_NAMES = 2, IN_ANN_NAMES = 3, IN_ANN_STRINGS = 29,
    ENTRY_IID = 1, ENTRY_NAME = 2,
    /* TrackDescriptor, ProcessDescriptor, ThreadDescriptor */
    TD_UUID = 1, TD_PARENT = 5, TD_PROCESS = 3, TD_THREAD = 4,
    PD_PID = 1, PD_NAME = 6,
    THD_PID = 1, THD_TID = 2, THD_NAME = 5,
    /* TrackEvent */
    TE_CATEGORY_IIDS = 3, TE_CATEGORIES = 22, TE_NAME_IID = 10, TE_NAME = 23,
    TE_TYPE = 9, TE_TRACK_UUID = 11, TE_ANNOTATIONS = 4, TE_LEGACY = 6,
    TYPE_SLICE_BEGIN = 1, TYPE_SLICE_END = 2, TYPE_INSTANT = 3,
    /* TrackEvent.LegacyEvent */
    LE_NAME_IID = 1, LE_PHASE = 2, LE_DURATION_US = 3, LE_UNSCOPED_ID = 6,
    LE_LOCAL_ID = 10, LE_GLOBAL_ID = 11, LE_SCOPE = 14, LE_PID = 15, LE_TID = 16,
    /* DebugAnnotation */
    DA_NAME_IID = 1, DA_NAME = 10, DA_BOOL = 2, DA_UINT = 3, DA_INT = 4,
    DA_DOUBLE = 5, DA_STRING = 6, DA_POINTER = 7, DA_NESTED = 8, DA_JSON = 9,
    DA_DICT = 11, DA_ARRAY = 12, DA_STRING_IID = 17,
    /* DebugAnnotation.NestedValue (older Chromium) */
    NV_TYPE = 1, NV_KEYS = 2, NV_VALUES = 3, NV_ARRAY = 4, NV_INT = 5,
    NV_DOUBLE = 6, NV_BOOL = 7, NV_STRING = 8,
    BUILTIN_MONOTONIC = 3, BUILTIN_BOOTTIME = 6, FIRST_SEQUENCE_CLOCK = 64,
};

/* ---- the wire format ---- */

struct pb {
    const uint8_t *p, *end;
};

struct pb_field {
    uint32_t num;
    int wire;                 /* 0 varint, 1 fixed64, 2 bytes, 5 fixed32 */
    uint64_t v;               /* varint / fixed value */
    const uint8_t *data;      /* wire 2 */
    size_t len;
};

static bool pb_varint(struct pb *r, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* 1: a field, 0: the end, -1: malformed. */
static int pb_next(struct pb *r, struct pb_field *f)
{
    if (r->p >= r->end)
        return 0;
    uint64_t key;
    if (!pb_varint(r, &key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
        return -1;
    f->num = (uint32_t)(key >> 3);
    f->wire = (int)(key & 7);
    f->data = NULL;
    f->len = 0;
    f->v = 0;
    switch (f->wire) {
    case 0:
        return pb_varint(r, &f->v) ? 1 : -1;
    case 1:
    case 5: {                 /* fixed64, fixed32: little-endian */
        int n = f->wire == 1 ? 8 : 4;
        if (r->end - r->p < n)
            return -1;
        for (int i = n - 1; i >= 0; i--)
            f->v = f->v << 8 | r->p[i];
        r->p += n;
        return 1;
    }
    case 2: {
        uint64_t len;
        if (!pb_varint(r, &len) || len > (uint64_t)(r->end - r->p))
            return -1;
        f->data = r->p;
        f->len = (size_t)len;
        r->p += len;
        return 1;
    }
    default:
        return -1;            /* groups (3, 4) are not in these messages */
    }
}

static struct pb pb_of(const struct pb_field *f)
{
    return (struct pb){ f->data, f->data + f->len };
}

/* ---- JSON text, into base/util's growable buffer (no cap: the limits
 * above bound what one event can hold) ---- */

static void text_add(struct buf *t, const void *data, size_t n)
{
    buf_append(t, n ? data : "", n);
}

static void text_str(struct buf *t, const char *s)
{
    text_add(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void text_fmt(struct buf *t, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        text_add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void text_json_string(struct buf *t, const void *data, size_t n)
{
    const unsigned char *s = data ? data : (const void *)"";
    text_add(t, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        text_add(t, s + run, i - run);
        run = i + 1;
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else
            snprintf(esc, sizeof esc, "\\u%04x", c);
        text_str(t, esc);
    }
    text_add(t, s + run, n - run);
    text_add(t, "\"", 1);
}

static void text_double(struct buf *t, double d)
{
    if (!isfinite(d))
        text_str(t, "null");
    else
        text_fmt(t, "%.17g", d);
}

/* Monotonic nanoseconds as whole JSON microseconds, rounded down, as
 * Chrome's JSON export writes them (its incremental clocks count whole
 * microseconds; the snapshot's sub-microsecond offset is not time). */
static int64_t floor_us(int64_t ns)
{
    return ns / 1000 - (ns % 1000 < 0);
}

static void text_us(struct buf *t, int64_t ns)
{
    text_fmt(t, "%" PRId64, floor_us(ns));
}

/* ---- interned strings, per sequence ---- */

struct intern {
    char **by_iid;
    size_t cap;
};

static void intern_clear(struct intern *in)
{
    for (size_t i = 0; i < in->cap; i++)
        free(in->by_iid[i]);
    free(in->by_iid);
    in->by_iid = NULL;
    in->cap = 0;
}

static bool intern_set(struct intern *in, uint64_t iid, const uint8_t *s, size_t n)
{
    if (iid >= MAX_IID)
        return false;
    if (iid >= in->cap) {
        size_t cap = in->cap ? in->cap : 64;
        while (cap <= iid)
            cap *= 2;
        in->by_iid = xrealloc(in->by_iid, cap * sizeof *in->by_iid);
        memset(in->by_iid + in->cap, 0, (cap - in->cap) * sizeof *in->by_iid);
        in->cap = cap;
    }
    free(in->by_iid[iid]);
    char *copy = xmalloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = 0;
    in->by_iid[iid] = copy;
    return true;
}

static const char *intern_get(const struct intern *in, uint64_t iid)
{
    return iid < in->cap ? in->by_iid[iid] : NULL;
}

/* ---- sequences and tracks ---- */

struct seq_clock {
    uint32_t id;
    bool incremental;
    uint64_t unit_ns;
    int64_t last;             /* the clock's value, in its units */
    int64_t anchor;           /* its value at the snapshot ... */
    int64_t anchor_mono_ns;   /* ... and CLOCK_MONOTONIC's then */
};

#define SEQ_CLOCKS 4

struct sequence {
    uint32_t id;
    bool have_clock_default, have_track_default;
    uint32_t clock_default;
    uint64_t track_default;
    struct intern categories, names, ann_names, ann_strings;
    struct seq_clock clocks[SEQ_CLOCKS];
    int n_clocks;
};

enum track_kind { TRACK_UNKNOWN, TRACK_THREAD, TRACK_PROCESS, TRACK_OTHER };

struct open_slice {
    struct buf ev;           /* '{' ... "args":{ ... (still open) */
    bool has_args;
    int64_t ts_ns;
};

struct track {
    uint64_t uuid, parent;
    enum track_kind kind;
    int64_t pid, tid;
    char *thread_name;        /* as last written in a metadata event */
    char *process_name;
    struct open_slice *open;
    size_t depth, cap;
};

/* Open addressing, keys never removed; the table doubles at half full. */
struct table {
    void **slot;
    size_t cap, n;
};

struct perfetto_json {
    perfetto_json_out_fn out;
    void *out_arg;
    struct buf buf;          /* pending output */
    struct buf ev;           /* the event being written */
    struct buf pending;      /* bytes of a packet split across feeds */
    struct table seqs;        /* struct sequence *, by id */
    struct table tracks;      /* struct track *, by uuid */
    int64_t mono_offset_ns[FIRST_SEQUENCE_CLOCK];   /* trace-wide clock - MONOTONIC */
    bool have_offset[FIRST_SEQUENCE_CLOCK];
    uint32_t primary_clock;
    bool started, events_written, failed, finished;
    uint64_t offset, packets, unplaced;
    char error[256];
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

typedef uint64_t (*key_fn)(const void *item);

static uint64_t seq_key(const void *item) { return ((const struct sequence *)item)->id; }
static uint64_t track_key(const void *item) { return ((const struct track *)item)->uuid; }

static void *table_find(const struct table *t, key_fn key, uint64_t k)
{
    if (!t->cap)
        return NULL;
    for (size_t i = mix64(k) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->slot[i])
            return NULL;
        if (key(t->slot[i]) == k)
            return t->slot[i];
    }
}

static void table_put(struct table *t, key_fn key, void *item)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct table bigger = { xcalloc(t->cap ? t->cap * 2 : 64, sizeof(void *)),
                                t->cap ? t->cap * 2 : 64, 0 };
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i])
                table_put(&bigger, key, t->slot[i]);
        free(t->slot);
        *t = bigger;
    }
    size_t i = mix64(key(item)) & (t->cap - 1);
    while (t->slot[i])
        i = (i + 1) & (t->cap - 1);
    t->slot[i] = item;
    t->n++;
}

static void sequence_reset(struct sequence *s)
{
    intern_clear(&s->categories);
    intern_clear(&s->names);
    intern_clear(&s->ann_names);
    intern_clear(&s->ann_strings);
    s->have_clock_default = s->have_track_default = false;
    s->n_clocks = 0;
}

static struct sequence *sequence_of(struct perfetto_json *p, uint32_t id)
{
    struct sequence *s = table_find(&p->seqs, seq_key, id);
    if (!s) {
        s = xcalloc(1, sizeof *s);
        s->id = id;
        table_put(&p->seqs, seq_key, s);
    }
    return s;
}

static struct track *track_of(struct perfetto_json *p, uint64_t uuid)
{
    struct track *t = table_find(&p->tracks, track_key, uuid);
    if (!t) {
        t = xcalloc(1, sizeof *t);
        t->uuid = uuid;
        t->pid = t->tid = -1;
        table_put(&p->tracks, track_key, t);
    }
    return t;
}

/* ---- output ---- */

__attribute__((format(printf, 2, 3)))
static int fail(struct perfetto_json *p, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = true;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->error, sizeof p->error, "protobuf trace: %s (packet at byte %" PRIu64 ")",
             what, p->offset);
    return -1;
}

static int flush_out(struct perfetto_json *p)
{
    if (!p->buf.len)
        return 0;
    int rc = p->out(p->out_arg, p->buf.data, p->buf.len);
    buf_reset(&p->buf);
    return rc < 0 ? fail(p, "the reader stopped") : 0;
}

static int emit(struct perfetto_json *p, const char *json, size_t len)
{
    if (!p->started) {
        text_str(&p->buf, "{\"traceEvents\":[\n");
        p->started = true;
    }
    if (p->events_written)
        text_add(&p->buf, ",\n", 2);
    p->events_written = true;
    text_add(&p->buf, json, len);
    return p->buf.len >= OUT_FLUSH_BYTES ? flush_out(p) : 0;
}

/* A process_name / thread_name metadata event, once per name. */
static int emit_name(struct perfetto_json *p, const char *what, int64_t pid, int64_t tid,
                     const uint8_t *name, size_t n)
{
    struct buf *e = &p->ev;
    buf_reset(e);
    text_fmt(e, "{\"ph\":\"M\",\"cat\":\"__metadata\",\"name\":\"%s\",\"pid\":%" PRId64
                ",\"tid\":%" PRId64 ",\"ts\":0,\"args\":{\"name\":", what, pid, tid);
    text_json_string(e, name, n);
    text_str(e, "}}");
    return emit(p, e->data, e->len);
}

/* ---- clocks ---- */

static void read_clock_snapshot(struct perfetto_json *p, struct sequence *s,
                                const struct pb_field *snapf)
{
    struct { uint32_t id; uint64_t ts; bool incremental; uint64_t unit_ns; } c[16];
    int n = 0;
    struct pb r = pb_of(snapf);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        if (f.num == SNAP_PRIMARY && f.wire == 0) {
            p->primary_clock = (uint32_t)f.v;
        } else if (f.num == SNAP_CLOCK && f.wire == 2 && n < 16) {
            struct pb cr = pb_of(&f);
            struct pb_field g;
            memset(&c[n], 0, sizeof c[n]);
            c[n].unit_ns = 1;
            while (pb_next(&cr, &g) == 1) {
                if (g.num == CLOCK_ID && g.wire == 0)
                    c[n].id = (uint32_t)g.v;
                else if (g.num == CLOCK_TS && g.wire == 0)
                    c[n].ts = g.v;
                else if (g.num == CLOCK_INCREMENTAL && g.wire == 0)
                    c[n].incremental = g.v != 0;
                else if (g.num == CLOCK_UNIT_NS && g.wire == 0 && g.v)
                    c[n].unit_ns = g.v;
            }
            n++;
        }
    }
    /* CLOCK_MONOTONIC in this snapshot: every other clock is tied to it */
    int mono = -1;
    for (int i = 0; i < n; i++)
        if (c[i].id == BUILTIN_MONOTONIC)
            mono = i;
    if (mono < 0)
        return;
    /* each trace-wide clock's offset from MONOTONIC, as of its latest
     * snapshot (sequences' snapshots name a few of them too) */
    for (int i = 0; i < n; i++) {
        if (c[i].id >= FIRST_SEQUENCE_CLOCK)
            continue;
        p->mono_offset_ns[c[i].id] = (int64_t)(c[i].ts * c[i].unit_ns - c[mono].ts);   /* wraps */
        p->have_offset[c[i].id] = true;
    }
    for (int i = 0; s && i < n; i++) {
        if (c[i].id < FIRST_SEQUENCE_CLOCK)
            continue;
        struct seq_clock *sc = NULL;
        for (int j = 0; j < s->n_clocks; j++)
            if (s->clocks[j].id == c[i].id)
                sc = &s->clocks[j];
        if (!sc && s->n_clocks < SEQ_CLOCKS)
            sc = &s->clocks[s->n_clocks++];
        if (!sc)
            continue;
        *sc = (struct seq_clock){ .id = c[i].id, .incremental = c[i].incremental,
                                  .unit_ns = c[i].unit_ns, .last = (int64_t)c[i].ts,
                                  .anchor = (int64_t)c[i].ts,
                                  .anchor_mono_ns = (int64_t)c[mono].ts };
    }
}

/* The packet's timestamp in CLOCK_MONOTONIC ns; false when no snapshot
 * places it. Advances an incremental clock either way. */
static bool place_timestamp(struct perfetto_json *p, struct sequence *s, uint32_t clock,
                            uint64_t ts, int64_t *mono_ns)
{
    if (clock >= FIRST_SEQUENCE_CLOCK) {
        for (int j = 0; j < s->n_clocks; j++) {
            struct seq_clock *sc = &s->clocks[j];
            if (sc->id != clock)
                continue;
            /* hostile values must not overflow: such an event is unplaced */
            int64_t v = (int64_t)ts, since, ns;
            if (sc->incremental && __builtin_add_overflow(sc->last, (int64_t)ts, &v))
                return false;
            sc->last = v;
            return !__builtin_sub_overflow(v, sc->anchor, &since) &&
                   !__builtin_mul_overflow(since, (int64_t)sc->unit_ns, &ns) &&
                   !__builtin_add_overflow(sc->anchor_mono_ns, ns, mono_ns);
        }
        return false;
    }
    if (clock == BUILTIN_MONOTONIC) {
        *mono_ns = (int64_t)ts;
        return true;
    }
    if (!p->have_offset[clock])
        return false;
    return !__builtin_sub_overflow((int64_t)ts, p->mono_offset_ns[clock], mono_ns);
}

/* ---- incremental state ---- */

static bool read_interned(struct sequence *s, const struct pb_field *in)
{
    struct pb r = pb_of(in);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        struct intern *table = f.num == IN_CATEGORIES ? &s->categories
                             : f.num == IN_NAMES ? &s->names
                             : f.num == IN_ANN_NAMES ? &s->ann_names
                             : f.num == IN_ANN_STRINGS ? &s->ann_strings : NULL;
        if (!table || f.wire != 2)
            continue;
        struct pb er = pb_of(&f);
        struct pb_field g;
        uint64_t iid = 0;
        const uint8_t *name = (const uint8_t *)"";
        size_t len = 0;
        while (pb_next(&er, &g) == 1) {
            if (g.num == ENTRY_IID && g.wire == 0)
                iid = g.v;
            else if (g.num == ENTRY_NAME && g.wire == 2) {
                name = g.data;
                len = g.len;
            }
        }
        if (!intern_set(table, iid, name, len))
            return false;
    }
    return true;
}

static void read_defaults(struct sequence *s, const struct pb_field *d)
{
    struct pb r = pb_of(d);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        if (f.num == DEF_CLOCK_ID && f.wire == 0) {
            s->have_clock_default = true;
            s->clock_default = (uint32_t)f.v;
        } else if (f.num == DEF_TRACK_EVENT && f.wire == 2) {
            struct pb tr = pb_of(&f);
            struct pb_field g;
            while (pb_next(&tr, &g) == 1)
                if (g.num == TED_TRACK_UUID && g.wire == 0) {
                    s->have_track_default = true;
                    s->track_default = g.v;
                }
        }
    }
}

static bool same_name(const char *had, const uint8_t *name, size_t n)
{
    return had && strlen(had) == n && memcmp(had, name, n) == 0;
}

static char *dup_name(char *old, const uint8_t *name, size_t n)
{
    free(old);
    char *s = xmalloc(n + 1);
    memcpy(s, name, n);
    s[n] = 0;
    return s;
}

static int read_track_descriptor(struct perfetto_json *p, const struct pb_field *d)
{
    struct pb r = pb_of(d);
    struct pb_field f;
    uint64_t uuid = 0, parent = 0;
    struct pb_field proc = { 0 }, thread = { 0 };
    while (pb_next(&r, &f) == 1) {
        if (f.num == TD_UUID && f.wire == 0)
            uuid = f.v;
        else if (f.num == TD_PARENT && f.wire == 0)
            parent = f.v;
        else if (f.num == TD_PROCESS && f.wire == 2)
            proc = f;
        else if (f.num == TD_THREAD && f.wire == 2)
            thread = f;
    }
    if (!uuid)
        return 0;
    struct track *t = track_of(p, uuid);
    t->parent = parent;
    const uint8_t *name = NULL;
    size_t name_len = 0;
    if (thread.data) {
        struct pb tr = pb_of(&thread);
        struct pb_field g;
        t->kind = TRACK_THREAD;
        while (pb_next(&tr, &g) == 1) {
            if (g.num == THD_PID && g.wire == 0)
                t->pid = (int32_t)g.v;
            else if (g.num == THD_TID && g.wire == 0)
                t->tid = (int32_t)g.v;
            else if (g.num == THD_NAME && g.wire == 2) {
                name = g.data;
                name_len = g.len;
            }
        }
        if (name && !same_name(t->thread_name, name, name_len)) {
            t->thread_name = dup_name(t->thread_name, name, name_len);
            return emit_name(p, "thread_name", t->pid, t->tid, name, name_len);
        }
    } else if (proc.data) {
        struct pb pr = pb_of(&proc);
        struct pb_field g;
        t->kind = TRACK_PROCESS;
        while (pb_next(&pr, &g) == 1) {
            if (g.num == PD_PID && g.wire == 0)
                t->pid = (int32_t)g.v;
            else if (g.num == PD_NAME && g.wire == 2) {
                name = g.data;
                name_len = g.len;
            }
        }
        t->tid = 0;
        if (name && !same_name(t->process_name, name, name_len)) {
            t->process_name = dup_name(t->process_name, name, name_len);
            return emit_name(p, "process_name", t->pid, 0, name, name_len);
        }
    } else if (t->kind == TRACK_UNKNOWN) {
        t->kind = TRACK_OTHER;
    }
    return 0;
}

/* ---- debug annotations ---- */

static void write_annotation_value(struct buf *e, const struct sequence *s,
                                   const struct pb_field *da, int depth);

static void write_nested_value(struct buf *e, const struct pb_field *nv, int depth)
{
    struct pb r = pb_of(nv);
    struct pb_field f;
    uint64_t type = 0;
    bool have = false;
    while (pb_next(&r, &f) == 1)
        if (f.num == NV_TYPE && f.wire == 0)
            type = f.v;
    if (type == 1 || type == 2) {           /* DICT, ARRAY */
        if (depth >= MAX_NESTING) {
            text_str(e, "null");
            return;
        }
        /* keys and values are parallel repeated fields */
        struct pb keys = pb_of(nv), vals = pb_of(nv);
        text_str(e, type == 1 ? "{" : "[");
        bool first = true;
        for (;;) {
            struct pb_field k = { 0 }, v = { 0 };
            int kr = 1;
            if (type == 1)
                while ((kr = pb_next(&keys, &k)) == 1 && (k.num != NV_KEYS || k.wire != 2))
                    ;
            int vr;
            uint32_t want = type == 1 ? NV_VALUES : NV_ARRAY;
            while ((vr = pb_next(&vals, &v)) == 1 && v.num != want)
                ;
            if (kr != 1 || vr != 1 || v.wire != 2)
                break;
            if (!first)
                text_str(e, ",");
            first = false;
            if (type == 1) {
                text_json_string(e, k.data, k.len);
                text_str(e, ":");
            }
            write_nested_value(e, &v, depth + 1);
        }
        text_str(e, type == 1 ? "}" : "]");
        return;
    }
    r = pb_of(nv);
    while (pb_next(&r, &f) == 1) {
        if (f.num == NV_INT && f.wire == 0)
            text_fmt(e, "%" PRId64, (int64_t)f.v);
        else if (f.num == NV_DOUBLE && f.wire == 1) {
            double d;
            memcpy(&d, &f.v, sizeof d);
            text_double(e, d);
        } else if (f.num == NV_BOOL && f.wire == 0)
            text_str(e, f.v ? "true" : "false");
        else if (f.num == NV_STRING && f.wire == 2)
            text_json_string(e, f.data, f.len);
        else
            continue;
        have = true;
        break;
    }
    if (!have)
        text_str(e, "null");
}

/* The annotation's name: inline, or interned on the sequence. */
static bool annotation_name(const struct sequence *s, const struct pb_field *da,
                            const uint8_t **name, size_t *len)
{
    struct pb r = pb_of(da);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        if (f.num == DA_NAME && f.wire == 2) {
            *name = f.data;
            *len = f.len;
            return true;
        }
        if (f.num == DA_NAME_IID && f.wire == 0) {
            const char *n = intern_get(&s->ann_names, f.v);
            if (n) {
                *name = (const uint8_t *)n;
                *len = strlen(n);
                return true;
            }
        }
    }
    return false;
}

static void write_annotation_value(struct buf *e, const struct sequence *s,
                                   const struct pb_field *da, int depth)
{
    struct pb r = pb_of(da);
    struct pb_field f;
    bool dict = false, array = false;
    while (pb_next(&r, &f) == 1) {
        dict |= f.num == DA_DICT && f.wire == 2;
        array |= f.num == DA_ARRAY && f.wire == 2;
    }
    if (dict || array) {
        if (depth >= MAX_NESTING) {
            text_str(e, "null");
            return;
        }
        text_str(e, dict ? "{" : "[");
        bool first = true;
        r = pb_of(da);
        while (pb_next(&r, &f) == 1) {
            if (f.wire != 2 || f.num != (dict ? DA_DICT : DA_ARRAY))
                continue;
            const uint8_t *name = NULL;
            size_t len = 0;
            if (dict && !annotation_name(s, &f, &name, &len))
                continue;
            if (!first)
                text_str(e, ",");
            first = false;
            if (dict) {
                text_json_string(e, name, len);
                text_str(e, ":");
            }
            write_annotation_value(e, s, &f, depth + 1);
        }
        text_str(e, dict ? "}" : "]");
        return;
    }
    r = pb_of(da);
    while (pb_next(&r, &f) == 1) {
        double d;
        switch (f.num) {
        case DA_BOOL:
            text_str(e, f.v ? "true" : "false");
            return;
        case DA_UINT:
            text_fmt(e, "%" PRIu64, f.v);
            return;
        case DA_INT:
            text_fmt(e, "%" PRId64, (int64_t)f.v);
            return;
        case DA_DOUBLE:
            memcpy(&d, &f.v, sizeof d);
            text_double(e, d);
            return;
        case DA_STRING:
            text_json_string(e, f.data, f.len);
            return;
        case DA_STRING_IID: {
            const char *v = intern_get(&s->ann_strings, f.v);
            text_json_string(e, v ? v : "", v ? strlen(v) : 0);
            return;
        }
        case DA_POINTER:
            text_fmt(e, "\"0x%" PRIx64 "\"", f.v);
            return;
        case DA_NESTED:
            if (f.wire == 2) {
                write_nested_value(e, &f, depth);
                return;
            }
            break;
        case DA_JSON:
            if (f.wire == 2) {
                /* already JSON, as Chromium's older TracedValue wrote it;
                 * checked, since one bad value would spoil the document */
                json_t *v = json_loadb((const char *)f.data, f.len, JSON_DECODE_ANY, NULL);
                if (v)
                    text_add(e, f.data, f.len);
                else
                    text_str(e, "null");
                json_decref(v);
                return;
            }
            break;
        default:
            break;
        }
    }
    text_str(e, "null");
}

/* Appends the event's annotations to an args object left open; true if any. */
static bool write_annotations(struct buf *e, const struct sequence *s,
                              const struct pb_field *te, bool has_args)
{
    struct pb r = pb_of(te);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        if (f.num != TE_ANNOTATIONS || f.wire != 2)
            continue;
        const uint8_t *name;
        size_t len;
        if (!annotation_name(s, &f, &name, &len))
            continue;
        if (has_args)
            text_str(e, ",");
        has_args = true;
        text_json_string(e, name, len);
        text_str(e, ":");
        write_annotation_value(e, s, &f, 1);
    }
    return has_args;
}

/* ---- track events ---- */

struct event_fields {
    uint64_t type;
    bool have_type, have_track;
    uint64_t track;
    const char *name, *cat;
    size_t name_len, cat_len;
    struct buf cats;         /* several categories, joined by ',' */
    char phase;               /* legacy */
    bool have_duration;
    int64_t duration_us;
    bool have_id;
    const char *id_key;
    uint64_t id;
    int scope;                /* legacy instant scope: 1 global, 2 process, 3 thread */
    int64_t pid_override, tid_override;
};

static void read_legacy(const struct sequence *s, const struct pb_field *lf,
                        struct event_fields *ev)
{
    struct pb r = pb_of(lf);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        if (f.wire != 0)
            continue;
        switch (f.num) {
        case LE_NAME_IID:
            if (!ev->name && (ev->name = intern_get(&s->names, f.v)))
                ev->name_len = strlen(ev->name);
            break;
        case LE_PHASE:
            ev->phase = f.v > 0 && f.v < 128 ? (char)f.v : 0;
            break;
        case LE_DURATION_US:
            ev->have_duration = true;
            ev->duration_us = (int64_t)f.v;
            break;
        case LE_UNSCOPED_ID:
            ev->have_id = true, ev->id_key = "id", ev->id = f.v;
            break;
        case LE_LOCAL_ID:
            ev->have_id = true, ev->id_key = "local", ev->id = f.v;
            break;
        case LE_GLOBAL_ID:
            ev->have_id = true, ev->id_key = "global", ev->id = f.v;
            break;
        case LE_SCOPE:
            ev->scope = (int)f.v;
            break;
        case LE_PID:
            ev->pid_override = (int32_t)f.v;
            break;
        case LE_TID:
            ev->tid_override = (int32_t)f.v;
            break;
        default:
            break;
        }
    }
}

static void read_event_fields(const struct sequence *s, const struct pb_field *te,
                              struct event_fields *ev)
{
    struct pb r = pb_of(te);
    struct pb_field f;
    while (pb_next(&r, &f) == 1) {
        switch (f.num) {
        case TE_TYPE:
            ev->have_type = f.wire == 0;
            ev->type = f.v;
            break;
        case TE_TRACK_UUID:
            ev->have_track = f.wire == 0;
            ev->track = f.v;
            break;
        case TE_NAME:
            if (f.wire == 2)
                ev->name = (const char *)f.data, ev->name_len = f.len;
            break;
        case TE_NAME_IID:
            if (f.wire == 0 && (ev->name = intern_get(&s->names, f.v)))
                ev->name_len = strlen(ev->name);
            break;
        case TE_CATEGORY_IIDS:
        case TE_CATEGORIES: {
            const char *c = NULL;
            size_t n = 0;
            if (f.num == TE_CATEGORIES && f.wire == 2)
                c = (const char *)f.data, n = f.len;
            else if (f.num == TE_CATEGORY_IIDS && f.wire == 0 &&
                     (c = intern_get(&s->categories, f.v)))
                n = strlen(c);
            if (!c)
                break;
            if (ev->cats.len)
                text_add(&ev->cats, ",", 1);
            text_add(&ev->cats, c, n);
            break;
        }
        case TE_LEGACY:
            if (f.wire == 2)
                read_legacy(s, &f, ev);
            break;
        default:
            break;
        }
    }
    ev->cat = ev->cats.data ? ev->cats.data : "";
    ev->cat_len = ev->cats.len;
}

/* The track's process and thread, walking up to a process for a track of
 * neither (an async track's parent). */
static void track_owner(struct perfetto_json *p, struct track *t, int64_t *pid, int64_t *tid)
{
    *pid = *tid = -1;
    for (int hops = 0; t && hops < 8; hops++) {
        if (t->kind == TRACK_THREAD || t->kind == TRACK_PROCESS) {
            *pid = t->pid;
            *tid = hops == 0 ? t->tid : 0;
            return;
        }
        t = t->parent ? table_find(&p->tracks, track_key, t->parent) : NULL;
    }
}

static void event_names(struct buf *e, const struct event_fields *ev)
{
    text_str(e, "{\"cat\":");
    text_json_string(e, ev->cat, ev->cat_len);
    text_str(e, ",\"name\":");
    text_json_string(e, ev->name ? ev->name : "", ev->name ? ev->name_len : 0);
}

static void event_place(struct buf *e, int64_t pid, int64_t tid, int64_t ts_ns)
{
    text_fmt(e, ",\"pid\":%" PRId64 ",\"tid\":%" PRId64 ",\"ts\":", pid, tid);
    text_us(e, ts_ns);
}

static struct open_slice *push_slice(struct perfetto_json *p, struct track *t)
{
    if (t->depth == MAX_DEPTH) {
        fail(p, "slices nested deeper than %d on track %" PRIu64, MAX_DEPTH, t->uuid);
        return NULL;
    }
    if (t->depth == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->open = xrealloc(t->open, t->cap * sizeof *t->open);
        memset(t->open + t->depth, 0, (t->cap - t->depth) * sizeof *t->open);
    }
    struct open_slice *o = &t->open[t->depth++];
    buf_reset(&o->ev);
    return o;
}

static int slice_begin(struct perfetto_json *p, const struct sequence *s, struct track *t,
                       const struct pb_field *te, const struct event_fields *ev,
                       int64_t pid, int64_t tid, int64_t ts_ns)
{
    struct open_slice *o = push_slice(p, t);
    if (!o)
        return -1;
    o->ts_ns = ts_ns;
    event_names(&o->ev, ev);
    event_place(&o->ev, pid, tid, ts_ns);
    text_str(&o->ev, ",\"args\":{");
    o->has_args = write_annotations(&o->ev, s, te, false);
    return 0;
}

static int slice_end(struct perfetto_json *p, const struct sequence *s, struct track *t,
                     const struct pb_field *te, int64_t ts_ns)
{
    if (!t->depth)
        return 0;             /* its begin came before the trace did */
    struct open_slice *o = &t->open[--t->depth];
    write_annotations(&o->ev, s, te, o->has_args);
    text_fmt(&o->ev, "},\"ph\":\"X\",\"dur\":%" PRId64 "}", floor_us(ts_ns) - floor_us(o->ts_ns));
    return emit(p, o->ev.data, o->ev.len);
}

static int read_track_event(struct perfetto_json *p, struct sequence *s,
                            const struct pb_field *te, bool placed, int64_t ts_ns)
{
    struct event_fields ev = { .pid_override = -1, .tid_override = -1 };
    read_event_fields(s, te, &ev);
    int rc = 0;
    if (!placed) {
        p->unplaced++;
        goto out;
    }
    uint64_t uuid = ev.have_track ? ev.track : s->have_track_default ? s->track_default : 0;
    struct track *t = uuid ? table_find(&p->tracks, track_key, uuid) : NULL;
    if (uuid && !t)
        t = track_of(p, uuid);        /* described later, or never */
    int64_t pid = -1, tid = -1;
    if (t) {
        track_owner(p, t, &pid, &tid);
    } else if (s->have_track_default) {
        struct track *def = table_find(&p->tracks, track_key, s->track_default);
        if (def)
            track_owner(p, def, &pid, &tid);
    }
    if (ev.pid_override >= 0)
        pid = ev.pid_override;
    if (ev.tid_override >= 0)
        tid = ev.tid_override;
    bool on_thread = t && t->kind == TRACK_THREAD;

    if (ev.have_type && ev.type == TYPE_SLICE_BEGIN && t && on_thread) {
        rc = slice_begin(p, s, t, te, &ev, pid, tid, ts_ns);
        goto out;
    }
    if (ev.have_type && ev.type == TYPE_SLICE_END && t && on_thread) {
        rc = slice_end(p, s, t, te, ts_ns);
        goto out;
    }
    if (ev.have_type && ev.type != TYPE_SLICE_BEGIN && ev.type != TYPE_SLICE_END &&
        ev.type != TYPE_INSTANT)
        goto out;                     /* counters: not kept */

    /* instants, slices on async tracks (b/e, as Chrome's JSON has them),
     * legacy phases */
    struct buf *e = &p->ev;
    buf_reset(e);
    char ph;
    const char *scope = NULL;
    if (ev.have_type) {
        ph = ev.type == TYPE_INSTANT ? (on_thread || !t ? 'I' : 'n')
           : ev.type == TYPE_SLICE_BEGIN ? 'b' : 'e';
        if (ph == 'I')
            scope = !t ? "g" : "t";
        if (ph != 'I' && !ev.have_id) {
            ev.have_id = true;
            ev.id_key = "local";
            ev.id = uuid;
        }
    } else {
        ph = ev.phase ? ev.phase : 'I';
        if (ph == 'I' || ph == 'i')
            scope = ev.scope == 1 ? "g" : ev.scope == 2 ? "p" : "t";
    }
    /* a typed async slice's end carries no name: its begin's (a track that
     * is no thread's holds only these; legacy b/e name themselves) */
    bool async_track = ev.have_type && t && !on_thread;
    if (ph == 'e' && async_track && t->depth) {
        struct open_slice *o = &t->open[--t->depth];
        text_add(e, o->ev.data, o->ev.len);
    } else {
        event_names(e, &ev);
        if (ph == 'b' && async_track) {
            struct open_slice *o = push_slice(p, t);
            if (!o) {
                rc = -1;
                goto out;
            }
            text_add(&o->ev, e->data, e->len);
            o->ts_ns = ts_ns;
        }
    }
    event_place(e, pid, tid, ts_ns);
    text_str(e, ",\"ph\":");
    text_json_string(e, &ph, 1);
    if (scope)
        text_fmt(e, ",\"s\":\"%s\"", scope);
    if (ph == 'X' && ev.have_duration)
        text_fmt(e, ",\"dur\":%" PRId64, ev.duration_us);
    if (ev.have_id) {
        if (strcmp(ev.id_key, "id") == 0)
            text_fmt(e, ",\"id\":\"0x%" PRIx64 "\"", ev.id);
        else
            text_fmt(e, ",\"id2\":{\"%s\":\"0x%" PRIx64 "\"}", ev.id_key, ev.id);
    }
    text_str(e, ",\"args\":{");
    write_annotations(e, s, te, false);
    text_str(e, "}}");
    rc = emit(p, e->data, e->len);
out:
    buf_free(&ev.cats);
    return rc;
}

/* ---- packets ---- */

static int read_packet(struct perfetto_json *p, const uint8_t *data, size_t len)
{
    p->packets++;
    /* Fields come in any order (Chromium writes a packet's interned data
     * after its event): collect first, then apply in the order they
     * depend on each other. */
    struct pb r = { data, data + len };
    struct pb_field f;
    uint32_t seq_id = 0, flags = 0, clock = 0;
    bool have_ts = false, have_clock = false, cleared = false;
    uint64_t ts = 0;
    struct pb_field te = { 0 }, interned = { 0 }, defaults = { 0 }, desc = { 0 }, snap = { 0 };
    int rc;
    while ((rc = pb_next(&r, &f)) == 1) {
        switch (f.num) {
        case PKT_SEQ_ID:
            seq_id = (uint32_t)f.v;
            break;
        case PKT_SEQ_FLAGS:
            flags = (uint32_t)f.v;
            break;
        case PKT_STATE_CLEARED:
            cleared = f.v != 0;
            break;
        case PKT_TIMESTAMP:
            have_ts = f.wire == 0;
            ts = f.v;
            break;
        case PKT_CLOCK_ID:
            have_clock = f.wire == 0;
            clock = (uint32_t)f.v;
            break;
        case PKT_TRACK_EVENT:
            te = f;
            break;
        case PKT_INTERNED:
            interned = f;
            break;
        case PKT_DEFAULTS:
            defaults = f;
            break;
        case PKT_TRACK_DESCRIPTOR:
            desc = f;
            break;
        case PKT_CLOCK_SNAPSHOT:
            snap = f;
            break;
        default:
            break;
        }
    }
    if (rc < 0)
        return fail(p, "malformed packet");
    struct sequence *s = sequence_of(p, seq_id);
    if (cleared || (flags & SEQ_INCREMENTAL_STATE_CLEARED))
        sequence_reset(s);
    if (snap.data)
        read_clock_snapshot(p, s, &snap);
    if (defaults.data)
        read_defaults(s, &defaults);
    if (interned.data && !read_interned(s, &interned))
        return fail(p, "interned id over %u", MAX_IID);
    bool placed = false;
    int64_t mono_ns = 0;
    if (have_ts) {
        uint32_t c = have_clock ? clock
                   : s->have_clock_default ? s->clock_default
                   : p->primary_clock ? p->primary_clock : BUILTIN_BOOTTIME;
        placed = place_timestamp(p, s, c, ts, &mono_ns);
    }
    if (desc.data && read_track_descriptor(p, &desc) < 0)
        return -1;
    if (te.data)
        return read_track_event(p, s, &te, placed, mono_ns);
    return 0;
}

/* ---- the stream ---- */

struct perfetto_json *perfetto_json_new(perfetto_json_out_fn out, void *arg)
{
    struct perfetto_json *p = xcalloc(1, sizeof *p);
    p->out = out;
    p->out_arg = arg;
    return p;
}

void perfetto_json_free(struct perfetto_json *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->seqs.cap; i++) {
        struct sequence *s = p->seqs.slot[i];
        if (s) {
            sequence_reset(s);
            free(s);
        }
    }
    for (size_t i = 0; i < p->tracks.cap; i++) {
        struct track *t = p->tracks.slot[i];
        if (!t)
            continue;
        for (size_t j = 0; j < t->cap; j++)
            buf_free(&t->open[j].ev);
        free(t->open);
        free(t->thread_name);
        free(t->process_name);
        free(t);
    }
    free(p->seqs.slot);
    free(p->tracks.slot);
    buf_free(&p->buf);
    buf_free(&p->ev);
    buf_free(&p->pending);
    free(p);
}

/* Reads whole packets from data; returns the bytes used (a partial packet
 * left for more input), or -1. */
static long read_packets(struct perfetto_json *p, const uint8_t *data, size_t len)
{
    size_t used = 0;
    while (used < len) {
        struct pb r = { data + used, data + len };
        uint64_t key, plen;
        if (!pb_varint(&r, &key))
            break;                    /* the key continues in the next read */
        uint32_t num = (uint32_t)(key >> 3);
        int wire = (int)(key & 7);
        if (wire != 2 || num == 0)
            return fail(p, "not a Perfetto trace (field %u, wire type %d at the top level)",
                        num, wire);
        if (!pb_varint(&r, &plen))
            break;
        if (plen > MAX_PACKET_BYTES)
            return fail(p, "a packet of %" PRIu64 " bytes (over %u MB)", plen,
                        MAX_PACKET_BYTES >> 20);
        if (plen > (uint64_t)(r.end - r.p))
            break;
        size_t head = (size_t)(r.p - (data + used));
        if (num == TRACE_PACKET && read_packet(p, r.p, (size_t)plen) < 0)
            return -1;
        used += head + (size_t)plen;
        p->offset += head + (size_t)plen;
    }
    return (long)used;
}

int perfetto_json_feed(struct perfetto_json *p, const void *data, size_t len)
{
    if (p->failed)
        return -1;
    if (p->finished)
        return fail(p, "fed after its end");
    const uint8_t *in = data;
    if (p->pending.len) {
        /* complete the split packet first, a slice at a time, so a large
         * chunk is not copied whole */
        while (len) {
            size_t take = len < (64u << 10) ? len : (64u << 10);
            text_add(&p->pending, in, take);
            in += take;
            len -= take;
            long used = read_packets(p, (const uint8_t *)p->pending.data, p->pending.len);
            if (used < 0)
                return -1;
            if (used > 0) {
                size_t rest = p->pending.len - (size_t)used;
                memmove(p->pending.data, p->pending.data + used, rest);
                p->pending.len = rest;
                if (!rest)
                    break;
            }
        }
        if (p->pending.len)
            return 0;
    }
    long used = read_packets(p, in, len);
    if (used < 0)
        return -1;
    text_add(&p->pending, in + used, len - (size_t)used);
    return 0;
}

int perfetto_json_finish(struct perfetto_json *p)
{
    if (p->failed)
        return -1;
    if (p->finished)
        return 0;
    p->finished = true;
    if (p->pending.len)
        return fail(p, "the trace ends inside a packet (%zu bytes left)", p->pending.len);
    /* slices still open: "B", as Chrome's JSON writes them (an async
     * slice's "b" is out already) */
    for (size_t i = 0; i < p->tracks.cap; i++) {
        struct track *t = p->tracks.slot[i];
        while (t && t->kind == TRACK_THREAD && t->depth) {
            struct open_slice *o = &t->open[--t->depth];
            text_str(&o->ev, "},\"ph\":\"B\"}");
            if (emit(p, o->ev.data, o->ev.len) < 0)
                return -1;
        }
    }
    if (!p->started)
        text_str(&p->buf, "{\"traceEvents\":[");
    text_str(&p->buf, "\n],\n\"metadata\":{\"clock-domain\":\"LINUX_CLOCK_MONOTONIC\","
                      "\"trace-format\":\"proto, converted by wasmlab\"}}\n");
    p->started = true;
    return flush_out(p);
}

const char *perfetto_json_error(const struct perfetto_json *p)
{
    return p->error[0] ? p->error : "no error";
}

uint64_t perfetto_json_packets(const struct perfetto_json *p)
{
    return p->packets;
}

uint64_t perfetto_json_unplaced(const struct perfetto_json *p)
{
    return p->unplaced;
}
