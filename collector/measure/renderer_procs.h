/* renderer_procs: a browser's renderer processes, from /proc.
 *
 * A load traced alone knows its renderer's pid from its trace and waits for
 * that process to exit before the next load's window (load.c). A batched
 * load's trace is read only at the end of its batch, so its renderer is not
 * known by pid when the next load starts; what is known is the set of
 * renderer processes alive before its context was disposed of (or before its
 * reused tab was navigated to a new origin), and that one of them (its own)
 * must go. Renderers are the browser's process group's
 * processes whose command line has --type=renderer (Chromium's zygote forks
 * them in the browser's group). */
#ifndef WASMLAB_RENDERER_PROCS_H
#define WASMLAB_RENDERER_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RENDERER_PROCS_MAX 256

/* One process for the machine's uptime: a pid and its start time
 * (renderer_start_ticks; pids alone wrap). start 0: unknown. */
struct renderer_id {
    int64_t pid;
    uint64_t start;
};

/* The pids of pgid's live renderer processes (at most max; zombies are
 * gone). Returns how many. */
size_t renderer_pids(pid_t pgid, int64_t *out, size_t max);

/* The same, with each one's start time, from the same read of /proc. */
size_t renderer_ids(pid_t pgid, struct renderer_id *out, size_t max);

/* How many live renderer processes pgid has (at most RENDERER_PROCS_MAX):
 * the count renderer_wait_at_most waits down to. */
size_t renderer_count(pid_t pgid);

/* Waits until one of the n pids in before is no longer a live renderer of
 * pgid, or max_ms passed. Returns 0 when one went, -1 on the time limit. */
int renderer_wait_one_gone(pid_t pgid, const int64_t *before, size_t n, int max_ms);

/* Waits until pid has exited (a zombie counts as gone), or max_ms passed:
 * a load traced alone knows its renderer's pid from its trace. */
void renderer_wait_gone(int64_t pid, int max_ms);

/* Waits until pgid has at most n live renderers, or max_ms passed. Returns
 * 0, or -1 on the time limit. */
int renderer_wait_at_most(pid_t pgid, size_t n, int max_ms);

/* A live process's start time (/proc/PID/stat field 22, clock ticks after
 * boot), or 0 when it is gone. A pid with its start time names one process
 * for the machine's uptime: pids alone wrap (pid_max, 32768 by default) and
 * came back to a new renderer within ~1000 loads here. */
uint64_t renderer_start_ticks(int64_t pid);

/* A set of renderer ids: every renderer a browser's loads have used, so a
 * load can tell whether its renderer is new. A pid matches an id of the set
 * with the same start time, or when either start time is unknown (0).
 * Lookups do not grow with the loads (a hash on the pid). */
struct renderer_set {
    struct renderer_id *slots;   /* pid 0: empty */
    size_t n, cap;
};
bool renderer_set_has(const struct renderer_set *set, struct renderer_id id);
void renderer_set_add(struct renderer_set *set, struct renderer_id id);
void renderer_set_free(struct renderer_set *set);

#endif
