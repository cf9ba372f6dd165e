/* util: the few helpers every part of wasmlab shares.
 *
 * Out of memory is decided once, here: the x* allocators print one line and
 * abort, so callers never check for NULL from them. */
#ifndef WASMLAB_UTIL_H
#define WASMLAB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Returns a new string (caller frees), printf-style. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock (CLOCK_MONOTONIC), microseconds. For durations only. */
int64_t mono_us(void);
/* Current UTC time as ISO 8601 with milliseconds into buf (>= 32 bytes). */
void utc_iso8601(char *buf, size_t len);

/* Reads a whole file. Returns a new buffer (caller frees; NUL-terminated for
 * convenience, the NUL not counted in *len) or NULL with errno set. */
uint8_t *read_whole_file(const char *path, size_t *len);
/* SHA-256 of a buffer as 64 hex chars + NUL into hex (>= 65 bytes). */
void sha256_hex(const uint8_t *data, size_t len, char *hex);
/* A random (version 4) UUID as 36 chars + NUL into out (>= 37 bytes). */
void uuid4(char *out);
/* Removes a directory tree (no symlink following). Returns 0 or -1. */
int remove_tree(const char *path);

/* Strict number parsing for user input: the whole string must be a number in
 * [min, max]. Returns 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);

/* "wasmlab ARG..." as one string (caller frees), for the runs table. Call it
 * before getopt_long, which reorders argv. */
char *join_command_line(int argc, char **argv);

/* Numbers read from untrusted input (a trace, a page's report) are doubles;
 * converting one outside int64's range to an integer is undefined behaviour.
 * round_to_int64 rounds v to the nearest integer when it is finite and
 * |v| <= limit, else returns false and leaves *out alone. */
bool round_to_int64(double v, int64_t limit, int64_t *out);
/* The limit for timestamps and durations in microseconds: 2^50 us is 35
 * years, so sums and differences of such values can never overflow. */
#define UNTRUSTED_US_LIMIT ((int64_t)1 << 50)
/* The limit for counts and sizes (bytes, heap sizes, pids): 2^40 (1 TiB), so
 * a sum over a million of them still fits. */
#define UNTRUSTED_COUNT_LIMIT ((int64_t)1 << 40)

/* Growable byte buffer with a size cap (so a hostile peer cannot make us
 * allocate without bound). */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit;      /* 0 = no cap */
};
/* Appends n bytes; returns -1 (and appends nothing) past the limit. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Keeps data NUL-terminated after len (not counted). */
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* Diagnostics to stderr, one line each, prefixed "wasmlab: ". */
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set by -q/--quiet: notef prints only when not quiet. */
extern bool util_quiet;
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a speaker: "wasmlab WHO: ..." ("wasmlab: ..." when who is
 * NULL). The cli layer (collector/cli/options.h) passes the command name. */
void vwarnf(const char *who, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void vnotef(const char *who, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
