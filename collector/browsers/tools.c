/* tools: the outside programs the store runs (npm, apt-cache, apt-get,
 * dpkg-deb), through base/spawn: argv only, never a shell. */
#include <stdio.h>
#include <string.h>

#include "collector/browsers/store_internal.h"

int store_tool_run(const char *const *argv, const char *cwd, int timeout_ms,
                   volatile int *interrupted, struct spawn_result *r, char *err, size_t errlen)
{
    struct spawn_options so = {
        .file = argv[0], .argv = (char *const *)argv, .cwd = cwd, .search_path = true,
        .new_group = true, .die_with_parent = true,
        .out = SPAWN_IO_CAPTURE, .out_limit = 64u << 20,
        .err = SPAWN_IO_CAPTURE, .err_limit = 1u << 20,
    };
    char why[400];
    if (spawn_run(&so, timeout_ms, interrupted, r, why, sizeof why) < 0) {
        if (r->exec_errno)
            snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(r->exec_errno));
        else if (r->timed_out || r->interrupted)
            snprintf(err, errlen, "%s", why);
        else
            snprintf(err, errlen, "cannot run %s: %s", argv[0], why);
        return -1;
    }
    if (r->out_truncated) {
        snprintf(err, errlen, "%s: output larger than %zu bytes", argv[0], r->out.limit);
        return -1;
    }
    return 0;
}

/* The last non-empty stderr line that is not npm's config warning. */
void store_tool_err_tail(const struct spawn_result *c, char *buf, size_t len)
{
    buf[0] = 0;
    if (!c->err.data)
        return;
    const char *s = c->err.data;
    const char *best = NULL;
    size_t best_len = 0;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l > 0 && strncmp(p, "npm warn", 8) != 0 && strncmp(p, "W: ", 3) != 0 &&
            strncmp(p, "npm error A complete log", 24) != 0) {
            best = p;
            best_len = l;
        }
        p += l + (e ? 1 : 0);
    }
    if (best)
        snprintf(buf, len, "%.*s", (int)best_len, best);
}

