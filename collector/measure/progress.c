#define _GNU_SOURCE
#include "collector/measure/progress.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool active;            /* progress_begin turned it on */
static bool shown;             /* a progress line is on the terminal */
static FILE *real_stderr;      /* stderr before the wrapper */

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;   /* a terminal that went away: nothing to do */
        p += w;
        n -= (size_t)w;
    }
}

static const char clear_line[] = "\r\033[K";

void progress_clear(void)
{
    if (shown) {
        write_all(clear_line, sizeof clear_line - 1);
        shown = false;
    }
}

/* The wrapper's write: whoever writes to stderr first clears the line. */
static ssize_t wrapped_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    progress_clear();
    write_all(buf, size);
    return (ssize_t)size;
}

bool progress_begin(bool enabled)
{
    if (active || !enabled || !isatty(STDERR_FILENO))
        return active;
    fflush(stderr);
    cookie_io_functions_t io = { .write = wrapped_write };
    FILE *wrapped = fopencookie(NULL, "w", io);
    if (!wrapped)
        return false;
    setvbuf(wrapped, NULL, _IONBF, 0);   /* stderr is unbuffered: keep it so */
    real_stderr = stderr;
    stderr = wrapped;
    active = true;
    return true;
}

void progress_show(const char *fmt, ...)
{
    if (!active)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    write_all(clear_line, sizeof clear_line - 1);
    write_all(line, strlen(line));
    shown = true;
}

void progress_end(void)
{
    if (!active)
        return;
    progress_clear();
    FILE *wrapped = stderr;
    stderr = real_stderr;
    fclose(wrapped);
    active = false;
}
