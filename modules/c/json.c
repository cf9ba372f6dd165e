/* json: parse a JSON document from stdin into a tree, re-serialise it and
 * print a checksum of the result (C twin of go/json, which uses encoding/json).
 *
 *   json < document.json
 *
 * Output on success (exit 0):
 *
 *   values: <number of JSON values, containers included, member names not>
 *   bytes: <length of the compact re-serialisation>
 *   checksum: <FNV-1a 64 of the compact re-serialisation, 16 hex digits>
 *
 * The compact form is what both twins agree on byte for byte:
 *   - no whitespace; members keep document order (duplicates kept);
 *   - numbers are written as their original text (no float formatting);
 *   - strings are decoded, then written with only '"', '\\' and bytes below
 *     0x20 escaped (\b \f \n \r \t short forms, others as \u00xx), all other
 *     bytes raw UTF-8;
 *   - decoding follows encoding/json: an invalid UTF-8 byte becomes U+FFFD,
 *     and a \u escape of a surrogate that is not part of a valid pair becomes
 *     U+FFFD (the next escape is then read on its own).
 * Nesting deeper than JSON_MAX_DEPTH is rejected (both twins).
 * Invalid input: a message on stderr and exit 1. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_MAX_DEPTH 256

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x100000001b3)

enum jtype { JT_NULL, JT_FALSE, JT_TRUE, JT_NUMBER, JT_STRING, JT_ARRAY, JT_OBJECT };

/* One value. Children form a singly linked list in document order. */
struct jnode {
    enum jtype type;
    char *key;               /* decoded member name (owned), when the parent is an object */
    size_t key_len;
    const char *text;        /* JT_NUMBER: original text, borrowed from the input buffer;
                                JT_STRING: decoded bytes, owned */
    size_t text_len;
    struct jnode *child, *last, *next;
};

struct parser {
    const char *begin, *p, *end;
    size_t values;
    const char *err;         /* static message; NULL while no error */
    size_t err_off;
};

/* Growable byte buffer; aborts on out of memory (the only sane reaction here). */
struct dbuf {
    char *data;
    size_t len, cap;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "json: out of memory\n");
        exit(1);
    }
    return p;
}

static void dbuf_reserve(struct dbuf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (d == NULL) {
        fprintf(stderr, "json: out of memory\n");
        exit(1);
    }
    b->data = d;
    b->cap = cap;
}

static void dbuf_put(struct dbuf *b, const void *p, size_t n)
{
    dbuf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void dbuf_putc(struct dbuf *b, char c)
{
    dbuf_reserve(b, 1);
    b->data[b->len++] = c;
}

static int fail(struct parser *ps, const char *msg)
{
    if (ps->err == NULL) {
        ps->err = msg;
        ps->err_off = (size_t)(ps->p - ps->begin);
    }
    return -1;
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0 when
 * the byte at s does not start one; the same rules as Go's utf8.DecodeRune. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        len = 2;
    } else if (c < 0xF0) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

static void utf8_put(struct dbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    dbuf_put(b, u, n);
}

/* Four hex digits at s (which must have 4 bytes) -> 0..0xFFFF, or -1. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* Parses the string at ps->p (which is '"') into a new owned buffer. */
static int parse_string(struct parser *ps, char **out, size_t *out_len)
{
    struct dbuf b = { 0 };
    ps->p++;
    for (;;) {
        if (ps->p >= ps->end) {
            free(b.data);
            return fail(ps, "unterminated string");
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            free(b.data);
            return fail(ps, "control character in string");
        }
        if (c == '\\') {
            if (ps->end - ps->p < 2) {
                free(b.data);
                return fail(ps, "unterminated escape");
            }
            char e = ps->p[1];
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e != '\0' && simple != NULL) {
                static const char decoded[] = "\"\\/\b\f\n\r\t";
                dbuf_putc(&b, decoded[simple - "\"\\/bfnrt"]);
                ps->p += 2;
                continue;
            }
            long cp;
            if (e != 'u' || ps->end - ps->p < 6 || (cp = hex4(ps->p + 2)) < 0) {
                free(b.data);
                return fail(ps, "invalid escape");
            }
            ps->p += 6;
            if (cp >= 0xD800 && cp < 0xE000) {
                long lo;
                if (cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                    ps->p[1] == 'u' && (lo = hex4(ps->p + 2)) >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    ps->p += 6;
                } else {
                    cp = 0xFFFD;
                }
            }
            utf8_put(&b, (uint32_t)cp);
            continue;
        }
        size_t n = utf8_seq_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
        if (n == 0) {
            utf8_put(&b, 0xFFFD);
            ps->p++;
        } else {
            dbuf_put(&b, ps->p, n);
            ps->p += n;
        }
    }
    *out = b.data ? b.data : xmalloc(1);
    *out_len = b.len;
    return 0;
}

static int is_digit(const struct parser *ps)
{
    return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static int parse_number(struct parser *ps, struct jnode *n)
{
    const char *start = ps->p;
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (!is_digit(ps))
        return fail(ps, "invalid number");
    if (*ps->p == '0')
        ps->p++;
    else
        while (is_digit(ps))
            ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "invalid number");
        while (is_digit(ps))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "invalid number");
        while (is_digit(ps))
            ps->p++;
    }
    n->type = JT_NUMBER;
    n->text = start;
    n->text_len = (size_t)(ps->p - start);
    return 0;
}

static int parse_literal(struct parser *ps, const char *word, enum jtype type, struct jnode *n)
{
    size_t len = strlen(word);
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
        return fail(ps, "invalid literal");
    ps->p += len;
    n->type = type;
    return 0;
}

static void append_child(struct jnode *parent, struct jnode *child)
{
    if (parent->last != NULL)
        parent->last->next = child;
    else
        parent->child = child;
    parent->last = child;
}

static struct jnode *node_new(void)
{
    struct jnode *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    return n;
}

/* Parses one value at ps->p (whitespace skipped) into n. */
static int parse_value(struct parser *ps, struct jnode *n, int depth)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of input");
    ps->values++;
    switch (*ps->p) {
    case '{':
    case '[': {
        int is_obj = *ps->p == '{';
        char close = is_obj ? '}' : ']';
        if (depth >= JSON_MAX_DEPTH)
            return fail(ps, "nesting too deep");
        n->type = is_obj ? JT_OBJECT : JT_ARRAY;
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        for (;;) {
            struct jnode *c = node_new();
            append_child(n, c);
            if (is_obj) {
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != '"')
                    return fail(ps, "expected member name");
                if (parse_string(ps, &c->key, &c->key_len) != 0)
                    return -1;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':')
                    return fail(ps, "expected ':'");
                ps->p++;
            }
            if (parse_value(ps, c, depth + 1) != 0)
                return -1;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
                return 0;
            }
            return fail(ps, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    case '"': {
        char *s;
        if (parse_string(ps, &s, &n->text_len) != 0)
            return -1;
        n->type = JT_STRING;
        n->text = s;
        return 0;
    }
    case 't':
        return parse_literal(ps, "true", JT_TRUE, n);
    case 'f':
        return parse_literal(ps, "false", JT_FALSE, n);
    case 'n':
        return parse_literal(ps, "null", JT_NULL, n);
    default:
        return parse_number(ps, n);
    }
}

static void node_free(struct jnode *n)
{
    struct jnode *c = n->child;
    while (c != NULL) {
        struct jnode *next = c->next;
        node_free(c);
        c = next;
    }
    free(n->key);
    if (n->type == JT_STRING)
        free((char *)n->text);
    free(n);
}

static void write_string(struct dbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    dbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  dbuf_put(b, "\\\"", 2); break;
        case '\\': dbuf_put(b, "\\\\", 2); break;
        case '\b': dbuf_put(b, "\\b", 2); break;
        case '\f': dbuf_put(b, "\\f", 2); break;
        case '\n': dbuf_put(b, "\\n", 2); break;
        case '\r': dbuf_put(b, "\\r", 2); break;
        case '\t': dbuf_put(b, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
                dbuf_put(b, u, 6);
            } else {
                dbuf_putc(b, (char)c);
            }
        }
    }
    dbuf_putc(b, '"');
}

static void write_value(struct dbuf *b, const struct jnode *n)
{
    switch (n->type) {
    case JT_NULL:   dbuf_put(b, "null", 4); break;
    case JT_FALSE:  dbuf_put(b, "false", 5); break;
    case JT_TRUE:   dbuf_put(b, "true", 4); break;
    case JT_NUMBER: dbuf_put(b, n->text, n->text_len); break;
    case JT_STRING: write_string(b, n->text, n->text_len); break;
    case JT_ARRAY:
    case JT_OBJECT:
        dbuf_putc(b, n->type == JT_OBJECT ? '{' : '[');
        for (const struct jnode *c = n->child; c != NULL; c = c->next) {
            if (c != n->child)
                dbuf_putc(b, ',');
            if (n->type == JT_OBJECT) {
                write_string(b, c->key, c->key_len);
                dbuf_putc(b, ':');
            }
            write_value(b, c);
        }
        dbuf_putc(b, n->type == JT_OBJECT ? '}' : ']');
        break;
    }
}

/* Reads all of fd 0; returns 0, or -1 with errno set. */
static int read_stdin(struct dbuf *in)
{
    for (;;) {
        dbuf_reserve(in, 65536);
        ssize_t r = read(0, in->data + in->len, in->cap - in->len);
        if (r == 0)
            return 0;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        in->len += (size_t)r;
    }
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "usage: json < document.json (%s: no arguments taken)\n", argv[1]);
        return 2;
    }

    struct dbuf in = { 0 };
    if (read_stdin(&in) != 0) {
        fprintf(stderr, "json: reading stdin: %s\n", strerror(errno));
        free(in.data);
        return 1;
    }

    struct parser ps = { .begin = in.data, .p = in.data, .end = in.data + in.len };
    struct jnode *root = node_new();
    int rc = parse_value(&ps, root, 0);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            rc = fail(&ps, "data after the top-level value");
    }
    if (rc != 0) {
        fprintf(stderr, "json: invalid JSON at byte %zu: %s\n", ps.err_off, ps.err);
        node_free(root);
        free(in.data);
        return 1;
    }

    struct dbuf out = { 0 };
    write_value(&out, root);
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < out.len; i++)
        h = (h ^ (unsigned char)out.data[i]) * FNV64_PRIME;
    printf("values: %zu\nbytes: %zu\nchecksum: %016" PRIx64 "\n", ps.values, out.len, h);

    free(out.data);
    node_free(root);
    free(in.data);
    return 0;
}
