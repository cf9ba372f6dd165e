#include "collector/trace/trace_parser.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Why not YAJL any more (issue 12): a token-by-token callback parser costs
 * the same for the 95% of events nobody looks at as for the few that
 * matter, and its floor (~300 MB/s here) is below the ingest target. This
 * parser cuts the input into units (one event, or one top-level member),
 * each parsed from a contiguous buffer: an event's own fields are read, its
 * "args" only validated and remembered, and decoded only when the filter
 * (or no filter) asks for them. The grammar accepted is YAJL's as the old
 * parser configured it (strict JSON, strings not UTF-8 checked, escapes
 * decoded the way yajl_string_decode does). */

#define MAX_KEY_DEPTH 8           /* levels below an event with dotted keys */
#define MAX_KEY 64
#define ARENA_BYTES (TRACE_MAX_ARGS * 2 * (TRACE_MAX_STRING + 1) + 4096)
#define MAX_NEST 4096             /* containers inside one unit */
#define MAX_UNIT (64u << 20)      /* one event or top-level member, in bytes */
#define MAX_ARGS_SPANS 4          /* "args" keys in one event */
#define MAX_MEMBER_TEXT (1u << 20)

enum { R_OK = 0, R_MORE = 1, R_ERR = -1 };

/* Where the events are: the top-level array, or "traceEvents" in a map. */
enum top_state {
    T_START,        /* before the top-level value */
    T_MAP_FIRST,    /* after '{': a key or '}' */
    T_MAP_KEY,      /* after ',': a key */
    T_MAP_VALUE,
    T_MAP_NEXT,     /* after a member: ',' or '}' */
    T_EV_FIRST,     /* after the events array's '[': an element or ']' */
    T_EV_ELEM,      /* after ',': an element */
    T_EV_NEXT,      /* after an element: ',' or ']' */
    T_DONE,         /* the top-level value is complete */
};

struct pending_arg {
    size_t key_off, text_off;
    bool is_number;
    double number;
};

struct trace_parser {
    trace_event_fn on_event;
    void *cb_arg;
    trace_args_filter_fn filter;
    trace_member_fn on_member;
    void *member_arg;

    char *buf;               /* unconsumed input: buf[0..len) */
    size_t len, cap;
    size_t wait_for;         /* an incomplete unit: retry when len reaches this */
    enum top_state st;
    bool top_is_map, in_events_map;  /* events array of the map form */
    char top_key[MAX_KEY];

    /* the event being read */
    struct trace_event ev;
    struct pending_arg pargs[TRACE_MAX_ARGS];
    char keys[MAX_KEY_DEPTH][MAX_KEY];
    bool truncated;
    char *arena;
    size_t arena_len;
    unsigned char nest[MAX_NEST];
    char scratch[TRACE_MAX_STRING];   /* an arg's decoded text */

    uint64_t events, bytes, truncated_events, base;
    uint64_t unit_from, unit_to;   /* the unit being delivered: trace_parser_event_span */
    char error[256];
};

/* ---- lexing helpers over a contiguous buffer [s, e) ---- */

/* 1: a byte that ends a fast string scan ('"', '\\', control chars);
 * constant, as parsers run on more than one thread (load.c's reader) */
static const unsigned char str_stop[256] = {
    [0x00 ... 0x1f] = 1, ['\\'] = 1, ['"'] = 1,
};

static inline bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

static inline const char *skip_ws(const char *s, const char *e)
{
    while (s < e && is_ws((unsigned char)*s))
        s++;
    return s;
}

static inline int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The first byte in [s, e) that ends a string scan (str_stop), or e. */
static inline const char *find_stop(const char *s, const char *e)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1F);
    while (e - s >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));   /* v <= 0x1F */
        int mask = _mm_movemask_epi8(m);
        if (mask)
            return s + __builtin_ctz((unsigned)mask);
        s += 16;
    }
#endif
    while (s < e && !str_stop[(unsigned char)*s])
        s++;
    return s;
}

struct cursor {
    struct trace_parser *p;
    const char *s, *e;       /* position, end of the data at hand */
    const char *origin;      /* the data's first byte: file offset p->base */
    const char *err_at;
    const char *err;
};

static int lex_err(struct cursor *c, const char *at, const char *msg)
{
    c->err_at = at;
    c->err = msg;
    return R_ERR;
}

/* Scans a string starting at c->s (the opening quote). On R_OK, *body and
 * *blen are the raw bytes between the quotes, *escaped whether any '\\'. */
static int scan_string(struct cursor *c, const char **body, size_t *blen, bool *escaped)
{
    const char *s = c->s + 1, *e = c->e;
    bool esc = false;
    for (;;) {
        s = find_stop(s, e);
        if (s >= e)
            return R_MORE;
        unsigned char ch = (unsigned char)*s;
        if (ch == '"')
            break;
        if (ch < 0x20)
            return lex_err(c, s, "invalid character inside a string");
        /* a backslash */
        esc = true;
        if (s + 1 >= e)
            return R_MORE;
        switch (s[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            s += 2;
            break;
        case 'u':
            if (s + 6 > e)
                return R_MORE;
            for (int i = 2; i < 6; i++)
                if (hexval((unsigned char)s[i]) < 0)
                    return lex_err(c, s, "invalid \\u escape inside a string");
            s += 6;
            break;
        default:
            return lex_err(c, s, "invalid escape inside a string");
        }
    }
    *body = c->s + 1;
    *blen = (size_t)(s - (c->s + 1));
    *escaped = esc;
    c->s = s + 1;
    return R_OK;
}

static size_t utf8_put(unsigned int cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp < 0x200000) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    out[0] = '?';
    return 1;
}

static unsigned int hex4(const char *h)
{
    unsigned int v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 4) | (unsigned int)hexval((unsigned char)h[i]);
    return v;
}

/* Decodes a scanned string body (escapes already checked) into out, at most
 * max bytes (the rest dropped), as yajl_string_decode does: a high surrogate
 * not followed by \u becomes '?'. */
static size_t decode_string(const char *b, size_t n, char *out, size_t max)
{
    size_t o = 0;
    const char *end = b + n;
    char tmp[4];
    while (b < end && o < max) {
        if (*b != '\\') {
            const char *q = memchr(b, '\\', (size_t)(end - b));
            size_t run = (size_t)((q ? q : end) - b);
            if (run > max - o)
                run = max - o;
            memcpy(out + o, b, run);
            o += run;
            b += run;
            continue;
        }
        const char *put = tmp;
        size_t plen = 1;
        char e = b[1];
        b += 2;
        switch (e) {
        case 'b': tmp[0] = '\b'; break;
        case 'f': tmp[0] = '\f'; break;
        case 'n': tmp[0] = '\n'; break;
        case 'r': tmp[0] = '\r'; break;
        case 't': tmp[0] = '\t'; break;
        case 'u': {
            unsigned int cp = hex4(b);
            b += 4;
            if ((cp & 0xFC00) == 0xD800) {
                if (b + 6 <= end && b[0] == '\\' && b[1] == 'u') {
                    unsigned int lo = hex4(b + 2);
                    cp = ((cp & 0x3F) << 10) | ((((cp >> 6) & 0xF) + 1) << 16) | (lo & 0x3FF);
                    b += 6;
                } else {
                    tmp[0] = '?';   /* a lone high surrogate, as yajl */
                    break;
                }
            }
            plen = utf8_put(cp, tmp);
            break;
        }
        default: tmp[0] = e; break;   /* '"', '\\', '/' */
        }
        if (plen > max - o)
            plen = max - o;
        memcpy(out + o, put, plen);
        o += plen;
    }
    return o;
}

/* Scans a number at c->s: JSON's grammar. R_MORE when it may go on. */
static int scan_number(struct cursor *c, const char **text, size_t *tlen)
{
    const char *s = c->s, *e = c->e, *st = s;
    if (s < e && *s == '-')
        s++;
    if (s >= e)
        return R_MORE;
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    } else {
        return lex_err(c, s, "malformed number, a digit is required");
    }
    if (s < e && *s == '.') {
        s++;
        if (s >= e)
            return R_MORE;
        if (*s < '0' || *s > '9')
            return lex_err(c, s, "malformed number, a digit is required after the '.'");
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < e && (*s == '+' || *s == '-'))
            s++;
        if (s >= e)
            return R_MORE;
        if (*s < '0' || *s > '9')
            return lex_err(c, s, "malformed number, a digit is required in the exponent");
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    }
    if (s >= e)
        return R_MORE;   /* the number might continue in the next piece */
    *text = st;
    *tlen = (size_t)(s - st);
    c->s = s;
    return R_OK;
}

static int scan_literal(struct cursor *c, const char **text, size_t *tlen)
{
    static const char *const lits[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if (*c->s != lits[i][0])
            continue;
        size_t have = (size_t)(c->e - c->s);
        if (memcmp(c->s, lits[i], have < n ? have : n) != 0)
            return lex_err(c, c->s, "invalid literal");
        if (have < n)
            return R_MORE;
        *text = lits[i];
        *tlen = n;
        c->s += n;
        return R_OK;
    }
    return lex_err(c, c->s, "invalid character");
}

/* Validates and skips one value of any depth (no recursion). */
static int skip_value(struct cursor *c)
{
    unsigned char *nest = c->p->nest;
    int depth = 0;
    bool want_value = true;   /* else: after a value, want ',' or a closer */
    const char *t;
    size_t tl;
    bool esc;
    int rc;
    for (;;) {
        if (!want_value && depth == 0)
            return R_OK;
        c->s = skip_ws(c->s, c->e);
        if (c->s >= c->e)
            return R_MORE;
        char ch = *c->s;
        if (!want_value) {
            if (ch == ',') {
                c->s++;
                c->s = skip_ws(c->s, c->e);
                if (c->s >= c->e)
                    return R_MORE;
                want_value = true;
                if (nest[depth - 1] == '{') {
                    if (*c->s != '"')
                        return lex_err(c, c->s, "a key (string) is required");
                    goto key;
                }
                continue;
            }
            if ((ch == '}' && nest[depth - 1] == '{') || (ch == ']' && nest[depth - 1] == '[')) {
                c->s++;
                depth--;
                continue;
            }
            return lex_err(c, c->s, "',' or a closing bracket is required after a value");
        }
        switch (ch) {
        case '{':
        case '[':
            if (depth == MAX_NEST)
                return lex_err(c, c->s, "nesting too deep");
            nest[depth++] = (unsigned char)ch;
            c->s = skip_ws(c->s + 1, c->e);
            if (c->s >= c->e)
                return R_MORE;
            if (*c->s == (ch == '{' ? '}' : ']')) {
                c->s++;
                depth--;
                want_value = false;
                continue;
            }
            if (ch == '[')
                continue;
            if (*c->s != '"')
                return lex_err(c, c->s, "a key (string) is required");
        key:
            if ((rc = scan_string(c, &t, &tl, &esc)) != R_OK)
                return rc;
            c->s = skip_ws(c->s, c->e);
            if (c->s >= c->e)
                return R_MORE;
            if (*c->s != ':')
                return lex_err(c, c->s, "':' is required after a key");
            c->s++;
            continue;
        case '"':
            rc = scan_string(c, &t, &tl, &esc);
            break;
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            rc = scan_number(c, &t, &tl);
            break;
        default:
            rc = scan_literal(c, &t, &tl);
            break;
        }
        if (rc != R_OK)
            return rc;
        want_value = false;
    }
}

/* A scalar at c->s: its text (decoded into out for strings, at most max),
 * and whether it is a number. R_MORE/R_ERR as the scanners. */
static int read_scalar(struct cursor *c, char *out, size_t max, size_t *olen, bool *is_number,
                       const char **raw, size_t *rawlen)
{
    const char *t;
    size_t tl;
    bool esc;
    int rc;
    *is_number = false;
    if (*c->s == '"') {
        if ((rc = scan_string(c, &t, &tl, &esc)) != R_OK)
            return rc;
        if (!esc && raw) {
            *raw = t;
            *rawlen = tl > max ? max : tl;
            return R_OK;
        }
        *olen = decode_string(t, tl, out, max);
        if (raw)
            *raw = NULL;
        return R_OK;
    }
    if (*c->s == '-' || (*c->s >= '0' && *c->s <= '9')) {
        rc = scan_number(c, &t, &tl);
        *is_number = true;
    } else {
        rc = scan_literal(c, &t, &tl);
    }
    if (rc != R_OK)
        return rc;
    if (raw) {
        *raw = t;
        *rawlen = tl > max ? max : tl;
    } else {
        *olen = tl > max ? max : tl;
        memcpy(out, t, *olen);
    }
    return R_OK;
}

/* ---- the event ---- */

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

/* A scalar into the arena (decoded, truncated at TRACE_MAX_STRING). */
static int read_scalar_arena(struct cursor *c, size_t *off, bool *is_number)
{
    struct trace_parser *p = c->p;
    const char *raw = NULL;
    size_t rawlen = 0, olen = 0;
    size_t room = ARENA_BYTES - p->arena_len;
    char *out = p->arena + p->arena_len;
    /* decode straight into the arena when it fits, else into a scratch copy */
    char scratch[TRACE_MAX_STRING];
    bool direct = room > TRACE_MAX_STRING;
    int rc = read_scalar(c, direct ? out : scratch, TRACE_MAX_STRING, &olen, is_number, &raw,
                         &rawlen);
    if (rc != R_OK)
        return rc;
    if (raw) {
        *off = arena_put(p, raw, rawlen);
    } else if (direct) {
        out[olen] = 0;
        *off = p->arena_len;
        p->arena_len += olen + 1;
    } else {
        *off = arena_put(p, scratch, olen);
    }
    return R_OK;
}

static double number_of(const char *text, size_t len)
{
    /* plain integers of up to 15 digits are exact as doubles: no strtod */
    const char *s = text;
    bool neg = len && *s == '-';
    size_t i = neg, n = len;
    if (n > i && n - i <= 15) {
        int64_t v = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            v = v * 10 + (s[i] - '0');
        if (i == n)
            return neg ? -(double)v : (double)v;
    }
    char tmp[64];
    size_t k = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, text, k);
    tmp[k] = 0;
    return strtod(tmp, NULL);
}

/* The event's own fields that matter, by key. */
enum field { F_OTHER, F_NAME, F_CAT, F_PH, F_ID, F_TS, F_DUR, F_PID, F_TID, F_ARGS, F_ID2 };

static enum field field_of(const char *k, size_t n)
{
    switch (n) {
    case 2:
        return memcmp(k, "ph", 2) == 0 ? F_PH : memcmp(k, "ts", 2) == 0 ? F_TS
             : memcmp(k, "id", 2) == 0 ? F_ID : F_OTHER;
    case 3:
        return memcmp(k, "cat", 3) == 0 ? F_CAT : memcmp(k, "pid", 3) == 0 ? F_PID
             : memcmp(k, "tid", 3) == 0 ? F_TID : memcmp(k, "dur", 3) == 0 ? F_DUR
             : memcmp(k, "id2", 3) == 0 ? F_ID2 : F_OTHER;
    case 4:
        return memcmp(k, "name", 4) == 0 ? F_NAME : memcmp(k, "args", 4) == 0 ? F_ARGS
             : F_OTHER;
    default:
        return F_OTHER;
    }
}

/* A number field into *out: exact for plain integers (no double on the
 * way), else rounded as round_to_int64 does; dflt when out of limit. */
static void int_field(const char *t, size_t n, int64_t limit, int64_t dflt, int64_t *out)
{
    size_t i = t[0] == '-';
    if (n > i && n - i <= 15) {
        int64_t v = 0;
        size_t j = i;
        for (; j < n && t[j] >= '0' && t[j] <= '9'; j++)
            v = v * 10 + (t[j] - '0');
        if (j == n) {
            *out = v > limit ? dflt : i ? -v : v;
            return;
        }
    }
    if (!round_to_int64(number_of(t, n), limit, out))
        *out = dflt;
}

/* A top-level field of the event (level 1). */
static int event_scalar(struct cursor *c, enum field f)
{
    struct trace_parser *p = c->p;
    struct trace_event *ev = &p->ev;
    bool is_num;
    size_t off;
    const char *t;
    size_t tl;
    int rc;
    if (f == F_NAME || f == F_CAT || f == F_ID || f == F_PH) {
        if ((rc = read_scalar_arena(c, &off, &is_num)) != R_OK)
            return rc;
        const char *v = (const char *)(uintptr_t)(off + 1);   /* resolved in parse_event */
        if (f == F_PH)
            ev->ph = off != (size_t)-1 ? p->arena[off] : 0;   /* the first byte */
        else if (f == F_NAME)
            ev->name = v;
        else if (f == F_CAT)
            ev->cat = v;
        else
            ev->id = v;
        return R_OK;
    }
    if (f == F_OTHER || f == F_ARGS || f == F_ID2 ||
        !(*c->s == '-' || (*c->s >= '0' && *c->s <= '9')))
        return skip_value(c);
    if ((rc = scan_number(c, &t, &tl)) != R_OK)
        return rc;
    switch (f) {
    case F_TS:   /* unplaceable: treated as absent */
        int_field(t, tl, UNTRUSTED_US_LIMIT, INT64_MIN, &ev->ts_us);
        break;
    case F_DUR:
        int_field(t, tl, UNTRUSTED_US_LIMIT, -1, &ev->dur_us);
        break;
    case F_PID:
        int_field(t, tl, UNTRUSTED_COUNT_LIMIT, -1, &ev->pid);
        break;
    default:
        int_field(t, tl, UNTRUSTED_COUNT_LIMIT, -1, &ev->tid);
        break;
    }
    return R_OK;
}

/* An event's key at c->s: which field it is, then past the ':'. */
static int read_field_key(struct cursor *c, enum field *f)
{
    const char *t;
    size_t tl;
    bool esc;
    int rc = scan_string(c, &t, &tl, &esc);
    if (rc != R_OK)
        return rc;
    if (esc) {
        char k[MAX_KEY];
        size_t n = decode_string(t, tl, k, MAX_KEY - 1);
        *f = field_of(k, n);
    } else {
        *f = field_of(t, tl);
    }
    c->s = skip_ws(c->s, c->e);
    if (c->s >= c->e)
        return R_MORE;
    if (*c->s != ':')
        return lex_err(c, c->s, "':' is required after a key");
    c->s = skip_ws(c->s + 1, c->e);
    return c->s >= c->e ? R_MORE : R_OK;
}

/* A key at c->s (a string) decoded into out (at most MAX_KEY - 1 bytes),
 * then the ':' after it. */
static int read_key(struct cursor *c, char *out)
{
    const char *t;
    size_t tl;
    bool esc;
    int rc = scan_string(c, &t, &tl, &esc);
    if (rc != R_OK)
        return rc;
    size_t n;
    if (esc) {
        n = decode_string(t, tl, out, MAX_KEY - 1);
    } else {
        n = tl < MAX_KEY - 1 ? tl : MAX_KEY - 1;
        memcpy(out, t, n);
    }
    out[n] = 0;
    c->s = skip_ws(c->s, c->e);
    if (c->s >= c->e)
        return R_MORE;
    if (*c->s != ':')
        return lex_err(c, c->s, "':' is required after a key");
    c->s = skip_ws(c->s + 1, c->e);
    return c->s >= c->e ? R_MORE : R_OK;
}

/* After a member: ',' (then *more) or the closer. */
static int member_end(struct cursor *c, char closer, bool *more)
{
    c->s = skip_ws(c->s, c->e);
    if (c->s >= c->e)
        return R_MORE;
    if (*c->s == ',') {
        c->s = skip_ws(c->s + 1, c->e);
        if (c->s >= c->e)
            return R_MORE;
        *more = true;
        return R_OK;
    }
    if (*c->s == closer) {
        c->s++;
        *more = false;
        return R_OK;
    }
    return lex_err(c, c->s, closer == '}' ? "',' or '}' is required after a member"
                                          : "',' or ']' is required after an element");
}

/* One arg at level (2 = a direct child of args): its dotted key from keys[1..]. */
static void add_arg(struct trace_parser *p, int level, const char *text, size_t len,
                    bool is_number)
{
    struct trace_event *ev = &p->ev;
    if (ev->n_args >= TRACE_MAX_ARGS) {
        p->truncated = true;
        return;
    }
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
    a->number = is_number ? number_of(text, len) : 0;
}

/* The members of a map at level (its keys go to keys[level - 1]); c->s is
 * just after its '{'. Scalars at levels 2..MAX_KEY_DEPTH become args. The
 * map was validated already (skip_value), so only decoding is left. */
static int args_map(struct cursor *c, int level)
{
    struct trace_parser *p = c->p;
    c->s = skip_ws(c->s, c->e);
    if (*c->s == '}') {
        c->s++;
        return R_OK;
    }
    char *scratch = p->scratch;
    bool more = true;
    while (more) {
        int rc = read_key(c, p->keys[level - 1]);
        if (rc != R_OK)
            return rc;
        char ch = *c->s;
        if (ch == '{' && level < MAX_KEY_DEPTH) {
            c->s++;
            p->keys[level][0] = 0;
            rc = args_map(c, level + 1);
        } else if (ch == '{' || ch == '[') {
            rc = skip_value(c);
        } else {
            const char *raw = NULL;
            size_t rawlen = 0, olen = 0;
            bool is_num;
            rc = read_scalar(c, scratch, TRACE_MAX_STRING, &olen, &is_num, &raw, &rawlen);
            if (rc == R_OK)
                add_arg(p, level, raw ? raw : scratch, raw ? rawlen : olen, is_num);
        }
        if (rc != R_OK)
            return rc;
        if ((rc = member_end(c, '}', &more)) != R_OK)
            return rc;
    }
    return R_OK;
}

/* "id2": {"local": "0x1"}: any scalar directly inside is the id. */
static int id2_map(struct cursor *c)
{
    struct trace_parser *p = c->p;
    c->s = skip_ws(c->s + 1, c->e);
    if (c->s >= c->e)
        return R_MORE;
    if (*c->s == '}') {
        c->s++;
        return R_OK;
    }
    if (*c->s != '"')
        return lex_err(c, c->s, "a key (string) is required");
    bool more = true;
    char key[MAX_KEY];
    while (more) {
        int rc = read_key(c, key);
        if (rc != R_OK)
            return rc;
        if (*c->s == '{' || *c->s == '[') {
            rc = skip_value(c);
        } else {
            bool is_num;
            size_t off;
            rc = read_scalar_arena(c, &off, &is_num);
            if (rc == R_OK)
                p->ev.id = (const char *)(uintptr_t)(off + 1);
        }
        if (rc != R_OK)
            return rc;
        if ((rc = member_end(c, '}', &more)) != R_OK)
            return rc;
        if (more && *c->s != '"')
            return lex_err(c, c->s, "a key (string) is required");
    }
    return R_OK;
}

static void begin_event(struct trace_parser *p)
{
    memset(&p->ev, 0, offsetof(struct trace_event, args));
    p->ev.ts_us = INT64_MIN;
    p->ev.dur_us = -1;
    p->ev.pid = p->ev.tid = -1;
    p->truncated = false;
    p->arena[0] = 0;
    p->arena_len = 1;   /* offset 0 is the empty string */
}

/* Arena offsets (+1, 0 = absent) stored in the string fields become pointers. */
static const char *resolve(struct trace_parser *p, const char *v)
{
    uintptr_t off = (uintptr_t)v;
    if (off == 0 || off - 1 == (size_t)-1)
        return p->arena;
    return p->arena + (off - 1);
}

/* One event map starting at c->s ('{'), complete in [s, e). */
static int parse_event(struct cursor *c)
{
    struct trace_parser *p = c->p;
    const char *args_at[MAX_ARGS_SPANS];
    int n_spans = 0;
    begin_event(p);
    c->s = skip_ws(c->s + 1, c->e);
    if (c->s >= c->e)
        return R_MORE;
    bool more = *c->s != '}';
    if (!more)
        c->s++;
    else if (*c->s != '"')
        return lex_err(c, c->s, "a key (string) is required");
    while (more) {
        enum field f;
        int rc = read_field_key(c, &f);
        if (rc != R_OK)
            return rc;
        char ch = *c->s;
        if (ch == '{' && f == F_ARGS) {
            if (n_spans < MAX_ARGS_SPANS)
                args_at[n_spans++] = c->s;
            rc = skip_value(c);
        } else if (ch == '{' && f == F_ID2) {
            rc = id2_map(c);
        } else if (ch == '{' || ch == '[') {
            rc = skip_value(c);
        } else {
            rc = event_scalar(c, f);
        }
        if (rc != R_OK)
            return rc;
        if ((rc = member_end(c, '}', &more)) != R_OK)
            return rc;
        if (more && *c->s != '"')
            return lex_err(c, c->s, "a key (string) is required");
    }
    const char *after = c->s;
    struct trace_event *ev = &p->ev;
    ev->name = resolve(p, ev->name);
    ev->cat = resolve(p, ev->cat);
    ev->id = resolve(p, ev->id);
    ev->n_args = 0;
    ev->args_skipped = n_spans > 0 && p->filter && !p->filter(p->cb_arg, ev);
    if (!ev->args_skipped) {
        for (int i = 0; i < n_spans; i++) {
            c->s = args_at[i] + 1;
            p->keys[1][0] = 0;
            if (args_map(c, 2) != R_OK)
                return lex_err(c, args_at[i], "args could not be decoded");
        }
        for (size_t i = 0; i < ev->n_args; i++) {
            ev->args[i].key = p->arena + p->pargs[i].key_off;
            ev->args[i].text = p->arena + p->pargs[i].text_off;
            ev->args[i].is_number = p->pargs[i].is_number;
            ev->args[i].number = p->pargs[i].number;
        }
    }
    c->s = after;
    p->unit_to = p->base + (uint64_t)(after - c->origin);
    p->events++;
    if (p->truncated)
        p->truncated_events++;
    p->on_event(p->cb_arg, ev);
    return R_OK;
}

/* ---- the top level ---- */

/* One step of the top-level machine at c->s. */
static int top_step(struct cursor *c)
{
    struct trace_parser *p = c->p;
    c->s = skip_ws(c->s, c->e);
    if (c->s >= c->e)
        return R_MORE;
    char ch = *c->s;
    bool more;
    int rc;
    switch (p->st) {
    case T_START:
        if (ch == '[') {
            c->s++;
            p->st = T_EV_FIRST;
            return R_OK;
        }
        if (ch == '{') {
            c->s++;
            p->top_is_map = true;
            p->st = T_MAP_FIRST;
            return R_OK;
        }
        if ((rc = skip_value(c)) == R_OK)
            p->st = T_DONE;
        return rc;
    case T_MAP_FIRST:
        if (ch == '}') {
            c->s++;
            p->st = T_DONE;
            return R_OK;
        }
        /* fall through */
    case T_MAP_KEY:
        if (ch != '"')
            return lex_err(c, c->s, "a key (string) is required");
        if ((rc = read_key(c, p->top_key)) != R_OK)
            return rc;
        p->st = T_MAP_VALUE;
        return R_OK;
    case T_MAP_VALUE:
        if (ch == '[' && strcmp(p->top_key, "traceEvents") == 0) {
            c->s++;
            p->in_events_map = true;
            p->st = T_EV_FIRST;
            return R_OK;
        }
        {
            const char *from = c->s;
            if ((rc = skip_value(c)) != R_OK)
                return rc;
            if (p->on_member && (size_t)(c->s - from) <= MAX_MEMBER_TEXT)
                p->on_member(p->member_arg, p->top_key, from, (size_t)(c->s - from));
        }
        p->st = T_MAP_NEXT;
        return R_OK;
    case T_MAP_NEXT:
        if ((rc = member_end(c, '}', &more)) != R_OK)
            return rc;
        p->st = more ? T_MAP_KEY : T_DONE;
        return R_OK;
    case T_EV_FIRST:
    case T_EV_ELEM:
        if (ch == ']' && p->st == T_EV_FIRST) {
            c->s++;
        } else {
            rc = ch == '{' ? parse_event(c) : skip_value(c);
            if (rc != R_OK)
                return rc;
            p->st = T_EV_NEXT;
            return R_OK;
        }
        p->st = p->in_events_map ? T_MAP_NEXT : T_DONE;
        p->in_events_map = false;
        return R_OK;
    case T_EV_NEXT:
        if ((rc = member_end(c, ']', &more)) != R_OK)
            return rc;
        if (more) {
            p->st = T_EV_ELEM;
        } else {
            p->st = p->in_events_map ? T_MAP_NEXT : T_DONE;
            p->in_events_map = false;
        }
        return R_OK;
    case T_DONE:
        return lex_err(c, c->s, "trailing garbage after the JSON value");
    }
    return R_ERR;
}

static int fail_at(struct trace_parser *p, uint64_t at, const char *msg)
{
    snprintf(p->error, sizeof p->error, "invalid trace JSON at byte %llu: %s",
             (unsigned long long)at, msg);
    return -1;
}

/* Runs the machine over the complete units in [s, s + n), whose first byte
 * is at file offset p->base. Returns the bytes consumed, or -1 (error set). */
static ptrdiff_t run_units(struct trace_parser *p, const char *s, size_t n)
{
    struct cursor c = { .p = p, .s = s, .e = s + n, .origin = s };
    const char *done = s;
    int rc;
    for (;;) {
        enum top_state before = p->st;
        p->unit_from = p->base + (uint64_t)(c.s - s);
        rc = top_step(&c);
        if (rc != R_OK) {
            p->st = before;   /* a unit is all or nothing: retried whole */
            break;
        }
        done = c.s;
    }
    if (rc == R_ERR)
        return fail_at(p, p->base + (uint64_t)(c.err_at - s), c.err);
    p->base += (uint64_t)(done - s);
    return done - s;
}

static void buf_add(struct trace_parser *p, const char *d, size_t n)
{
    if (p->len + n > p->cap) {
        while (p->len + n > p->cap)
            p->cap *= 2;
        p->buf = xrealloc(p->buf, p->cap);
    }
    memcpy(p->buf + p->len, d, n);
    p->len += n;
}

/* Parses what is pending in buf; keeps the incomplete rest. */
static int run_buf(struct trace_parser *p)
{
    ptrdiff_t used = run_units(p, p->buf, p->len);
    if (used < 0)
        return -1;
    memmove(p->buf, p->buf + used, p->len - (size_t)used);
    p->len -= (size_t)used;
    if (p->len > MAX_UNIT)
        return fail_at(p, p->base, "one event or member is larger than 64 MB");
    /* an incomplete unit is tried again once twice as many bytes are in */
    p->wait_for = p->len > 4096 ? 2 * p->len : 0;
    return 0;
}

struct trace_parser *trace_parser_new(trace_event_fn on_event, void *arg)
{
    struct trace_parser *p = xcalloc(1, sizeof *p);
    p->on_event = on_event;
    p->cb_arg = arg;
    p->arena = xmalloc(ARENA_BYTES);
    p->cap = 1 << 16;
    p->buf = xmalloc(p->cap);
    return p;
}

void trace_parser_set_args_filter(struct trace_parser *p, trace_args_filter_fn filter)
{
    p->filter = filter;
}

void trace_parser_set_member_fn(struct trace_parser *p, trace_member_fn fn, void *arg)
{
    p->on_member = fn;
    p->member_arg = arg;
}

void trace_parser_free(struct trace_parser *p)
{
    if (!p)
        return;
    free(p->buf);
    free(p->arena);
    free(p);
}

/* Units are parsed in the caller's data where they lie whole; only a unit
 * cut by the end of a piece is copied, and the next piece is appended to it
 * in slices (doubling) until it completes, then parsing goes on in place. */
int trace_parser_feed(struct trace_parser *p, const void *data, size_t len)
{
    if (p->error[0])
        return -1;
    p->bytes += len;
    const char *d = data;
    while (len > 0) {
        if (p->len == 0) {
            ptrdiff_t used = run_units(p, d, len);
            if (used < 0)
                return -1;
            d += used;
            len -= (size_t)used;
            if (len > MAX_UNIT)
                return fail_at(p, p->base, "one event or member is larger than 64 MB");
            buf_add(p, d, len);
            p->wait_for = len > 4096 ? 2 * len : 0;
            break;
        }
        size_t k = p->len > 4096 ? p->len : 4096;
        if (k > len)
            k = len;
        buf_add(p, d, k);
        d += k;
        len -= k;
        if (p->len < p->wait_for)
            continue;
        size_t had = p->len;
        if (run_buf(p) < 0)
            return -1;
        if (p->len < had && p->len <= k) {
            /* the pending unit is through: its rest is in the caller's data */
            d -= p->len;
            len += p->len;
            p->len = 0;
            p->wait_for = 0;
        }
    }
    /* a buffer grown for one big unit shrinks back once it is through */
    if (p->cap > (1u << 20) && p->len < p->cap / 8) {
        p->cap = p->len > (1u << 16) ? p->len : (1u << 16);
        p->buf = xrealloc(p->buf, p->cap);
    }
    return 0;
}

int trace_parser_finish(struct trace_parser *p)
{
    if (p->error[0])
        return -1;
    if (p->len && run_buf(p) < 0)
        return -1;
    /* a number at the very end is complete at the end of input */
    if (p->st == T_START && p->len) {
        struct cursor c = { .p = p, .s = p->buf, .e = p->buf + p->len };
        c.s = skip_ws(c.s, c.e);
        const char *t;
        size_t tl;
        if (c.s < c.e && (*c.s == '-' || (*c.s >= '0' && *c.s <= '9'))) {
            char *tmp = xmalloc(p->len + 2);
            memcpy(tmp, p->buf, p->len);
            tmp[p->len] = ' ';
            c.s = tmp + (c.s - p->buf);
            c.e = tmp + p->len + 1;
            int rc = scan_number(&c, &t, &tl);
            bool ok = rc == R_OK && skip_ws(c.s, c.e) == c.e;
            free(tmp);
            if (ok) {
                p->st = T_DONE;
                p->len = 0;
            }
        }
    }
    if (p->st == T_DONE && skip_ws(p->buf, p->buf + p->len) == p->buf + p->len)
        return 0;
    if (p->st == T_DONE)
        return fail_at(p, p->base, "trailing garbage after the JSON value");
    snprintf(p->error, sizeof p->error, "trace JSON ends early after %llu bytes (%s)",
             (unsigned long long)p->bytes, p->len || p->st != T_START ? "premature EOF"
                                                                     : "no JSON value");
    return -1;
}

void trace_parser_start_in_events(struct trace_parser *p, bool map_form, uint64_t at)
{
    p->st = T_EV_ELEM;
    p->top_is_map = map_form;
    p->in_events_map = map_form;
    p->base = at;
    p->bytes = at;
}

bool trace_parser_between_events(const struct trace_parser *p, bool map_form)
{
    return !p->error[0] && p->st == T_EV_NEXT && p->in_events_map == map_form &&
           skip_ws(p->buf, p->buf + p->len) == p->buf + p->len;
}

bool trace_parser_map_form(const struct trace_parser *p) { return p->top_is_map; }

void trace_parser_event_span(const struct trace_parser *p, uint64_t *from, uint64_t *to)
{
    *from = p->unit_from;
    *to = p->unit_to;
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
