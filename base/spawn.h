/* spawn: the one way wasmlab starts a child process (browsers, npm, apt,
 * dpkg-deb, gnuplot), after libuv's uv_spawn: one options struct, one policy.
 *
 * Never a shell: argv goes to execve (or execvpe with search_path). The child
 * always gets stdin from /dev/null and the default disposition of SIGPIPE,
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT (whatever wasmlab ignores or handles),
 * with no signal blocked. Optional: its own process group (so a kill reaches
 * the helpers it starts), PR_SET_PDEATHSIG SIGKILL (it dies with wasmlab even
 * when wasmlab is SIGKILLed), a working directory. A failed chdir or exec is
 * reported through a CLOEXEC errno pipe, so "cannot execute" is told apart
 * from "ran and failed". Every child is reaped by the functions below; with
 * new_group the whole group is SIGKILLed before the reap (no stray helpers).
 *
 * Errors: functions that can fail return -1 and write one line into err. */
#ifndef WASMLAB_SPAWN_H
#define WASMLAB_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/util.h"

/* Where the child's stdout or stderr goes. */
enum spawn_io {
    SPAWN_IO_NULL = 0,   /* /dev/null */
    SPAWN_IO_INHERIT,    /* wasmlab's own */
    SPAWN_IO_FILE,       /* a file (created 0600 or truncated) */
    SPAWN_IO_CAPTURE,    /* a pipe read into a bounded buffer (spawn_run only) */
    SPAWN_IO_STDOUT,     /* stderr only: wherever stdout goes */
};

struct spawn_options {
    const char *file;          /* the executable; a bare name needs search_path */
    char *const *argv;         /* NULL-terminated; argv[0] is what the child sees */
    char *const *envp;         /* NULL = wasmlab's environment */
    const char *cwd;           /* NULL = wasmlab's */
    bool search_path;          /* look file up on $PATH (execvpe) */
    bool new_group;            /* own process group: pgid = pid */
    bool die_with_parent;      /* PR_SET_PDEATHSIG SIGKILL */
    enum spawn_io out, err;
    const char *out_path, *err_path;   /* for SPAWN_IO_FILE */
    size_t out_limit, err_limit;       /* SPAWN_IO_CAPTURE: bytes kept, 0 = 1 MiB */
};

/* A started child. Caller-allocated; spawn_start fills it. */
struct spawn_child {
    pid_t pid;                 /* -1 when not started */
    bool group;                /* pid is also its process group id */
    bool exited;               /* reaped */
    int status;                /* waitpid status once exited */
    int exec_errno;            /* set when spawn_start failed in chdir/exec */
    int out_fd, err_fd;        /* read ends of SPAWN_IO_CAPTURE pipes, or -1 */
};

/* Starts the child. Returns 0, or -1 with err saying why: the chdir or exec
 * failure (c->exec_errno set; nothing left to reap) or a pipe/fork/open
 * failure. SPAWN_IO_CAPTURE leaves the read ends in c->out_fd/err_fd
 * (CLOEXEC) for the caller to read and close. */
int spawn_start(struct spawn_child *c, const struct spawn_options *o, char *err,
                size_t errlen);
/* True while the child runs; reaps it (without blocking) once it has exited. */
bool spawn_alive(struct spawn_child *c);
/* Waits up to timeout_ms for the child to exit by itself; true once reaped. */
bool spawn_wait(struct spawn_child *c, int timeout_ms);
/* SIGKILLs the child (its whole group with new_group), then reaps it. Also
 * kills what is left of the group after an exit. Safe to call twice. */
void spawn_kill(struct spawn_child *c);
/* "exit status 1", "killed by signal 9", "still running". */
void spawn_describe(const struct spawn_child *c, char *buf, size_t len);

/* What spawn_run collected. */
struct spawn_result {
    int status;                        /* waitpid status */
    struct buf out, err;               /* SPAWN_IO_CAPTURE output, NUL-terminated */
    bool out_truncated, err_truncated; /* more came than the limit kept */
    bool timed_out, interrupted;
    int exec_errno;                    /* why chdir/exec failed, else 0 */
};
void spawn_result_free(struct spawn_result *r);
/* Exited with status 0. */
bool spawn_result_ok(const struct spawn_result *r);

/* Starts the child, reads its captured output, and waits for it for at most
 * timeout_ms (0 = no limit) or until *interrupted becomes non-zero (may be
 * NULL); then SIGKILLs it (its group with new_group) and reaps it. Returns 0
 * when it ran to an exit (any status: see spawn_result_ok), -1 when it could
 * not start, timed out or was interrupted (err says which; r is still filled
 * and must be freed). */
int spawn_run(const struct spawn_options *o, int timeout_ms, volatile int *interrupted,
              struct spawn_result *r, char *err, size_t errlen);

#endif
