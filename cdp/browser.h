/* browser: one headless Chromium process that wasmlab launched and owns.
 *
 * Launched with base/spawn (never a shell) in its own process group, with a
 * fresh private user-data-dir (mkdtemp, 0700) and --remote-debugging-port=0;
 * the real port comes from the DevToolsActivePort file Chromium writes into
 * the profile. browser_free always leaves nothing behind: the process group
 * is killed if still alive, the main process reaped, the profile removed. */
#ifndef WASMLAB_BROWSER_H
#define WASMLAB_BROWSER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/spawn.h"

struct browser_options {
    const char *path;               /* executable */
    const char *const *extra_args;  /* NULL-terminated, may be NULL */
    int startup_timeout_ms;         /* 0 = 20 s */
};

struct browser {
    struct spawn_child proc;  /* the main process and its group (base/spawn.h) */
    char *path;
    char *profile_dir;        /* removed by browser_free */
    char *log_path;           /* the browser's stderr+stdout: profile_dir + ".log" */
    char *owner_path;         /* profile_dir + ".owner": wasmlab's pid */
    int port;                 /* DevTools port on 127.0.0.1 */
    char ws_path[256];        /* /devtools/browser/<uuid> */
};

/* Launches the browser and waits for its DevTools endpoint. On failure
 * returns NULL and writes a one-line reason (naming the path, and quoting the
 * browser's last stderr line when it has one) into err. */
struct browser *browser_launch(const struct browser_options *opt,
                               char *err, size_t errlen);
/* True while the main process runs (reaps it, without blocking, when not). */
bool browser_alive(struct browser *b);
/* Waits up to timeout_ms for the main process to exit by itself. */
bool browser_wait_exit(struct browser *b, int timeout_ms);
/* SIGKILLs the whole process group and reaps the main process. */
void browser_kill(struct browser *b);
/* Kills what is left, reaps, removes the profile and frees b. NULL is fine. */
void browser_free(struct browser *b);
/* Describes how the process ended ("killed by signal 9", "exit status 1"). */
void browser_describe_exit(const struct browser *b, char *buf, size_t len);
/* The last non-empty line the browser wrote to stderr ("" if none). */
void browser_log_tail(const struct browser *b, char *buf, size_t len);

/* Makes wasmlab a child subreaper, so a browser's helpers orphaned by its
 * death are reparented to us rather than lost; browser_reap_orphans reaps any
 * exited children. Call it only when no browser is tracked (it would steal a
 * tracked browser's exit status). */
void browser_become_subreaper(void);
void browser_reap_orphans(void);
/* Removes profiles (and their .log/.owner files) left in $TMPDIR by a
 * wasmlab that no longer runs (it was SIGKILLed). Returns how many. */
int browser_cleanup_stale(void);

#endif
