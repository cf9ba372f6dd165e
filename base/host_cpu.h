/* host_cpu: how much CPU the rest of the host took during a time window.
 *
 * A sample reads the host's non-idle CPU time (/proc/stat, all CPUs) and the
 * CPU time (utime + stime, all threads) of the processes of one process group
 * plus this process (/proc/[pid]/stat). Two samples around a window give the
 * CPU time used by everything else: other = host busy - own. That is the
 * interference a load's measured window suffered from other processes
 * (issue 12): a load with much of it is flagged, not dropped.
 *
 * Resolution is the kernel's USER_HZ tick (10 ms at 100 Hz), so a short
 * window's figures are coarse; they are meant for flagging, not for
 * accounting. The group's time is summed process by process: one started
 * inside the window counts all of its time. A process that exits inside it
 * counts through its parent: when the parent (in the group: Chrome's zygote
 * reaps the renderers) has reaped it, the parent's cutime+cstime gained its
 * whole life, of which the window's part is what it had beyond the first
 * sample. Not reaped by one in the group, its time in the window lands in
 * "other", an overestimate, never an underestimate of the noise. Summing
 * the group's totals instead counted an exiting process's whole lifetime
 * as other: with batched loads, whose windows follow each other closely,
 * that flagged most loads noisy (docs/batched-tracing.md). A sample costs
 * one scan of /proc (a few ms with a few hundred processes). */
#ifndef WASMLAB_HOST_CPU_H
#define WASMLAB_HOST_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HOST_CPU_MAX_PROCS 512

struct host_cpu_sample {
    bool ok;                 /* false: /proc could not be read */
    int64_t t_us;            /* mono_us() when taken */
    int64_t busy_ticks;      /* all CPUs: user+nice+system+irq+softirq+steal */
    int64_t own_ticks;       /* the group's processes + this process */
    int64_t self_ticks;      /* this process */
    struct host_cpu_proc {
        int64_t pid, ticks;
        int64_t cticks;      /* its reaped children's: cutime + cstime */
    } procs[HOST_CPU_MAX_PROCS];   /* the group's */
    size_t n_procs;
};

/* Takes a sample for process group pgid (<= 0: this process only). */
void host_cpu_sample(pid_t pgid, struct host_cpu_sample *s);

/* The window between two samples. All NaN when either sample failed. */
struct host_cpu_window {
    double window_ms;        /* wall time between the samples */
    int cpus;                /* online CPUs */
    double busy_ms;          /* host CPU time used, all CPUs */
    double own_ms;           /* by the group and this process */
    double other_ms;         /* busy - own, at least 0 */
    double other_share;      /* other_ms / (window_ms * cpus): 0..1 */
};
void host_cpu_window(const struct host_cpu_sample *a, const struct host_cpu_sample *b,
                     struct host_cpu_window *w);

/* A window is noisy when other processes used more than this share of the
 * host's CPU capacity (a quarter: half a core on two cores). */
#define HOST_CPU_NOISY_SHARE 0.25

#endif
