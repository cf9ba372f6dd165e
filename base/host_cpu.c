#define _GNU_SOURCE
#include "base/host_cpu.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

/* Reads a small /proc file into buf (NUL-terminated); -1 when unreadable. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return n;
}

/* The "cpu " line of /proc/stat: every field but idle and iowait. */
static int read_busy(int64_t *busy)
{
    char buf[512];
    if (read_small("/proc/stat", buf, sizeof buf) < 0 || strncmp(buf, "cpu ", 4) != 0)
        return -1;
    long long v[8] = { 0 };
    if (sscanf(buf + 4, "%lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7]) < 7)
        return -1;
    /* user nice system idle iowait irq softirq steal */
    *busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return 0;
}

/* pgrp, utime+stime and cutime+cstime (its reaped children's) of
 * /proc/PID/stat; -1 when gone or unreadable. */
static int read_proc(const char *pid, long long *pgrp, long long *ticks, long long *cticks)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    if (read_small(path, buf, sizeof buf) < 0)
        return -1;
    /* the command name may hold spaces and parentheses: fields start after
     * the last ')' with field 3 (state) */
    const char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    char state;
    long long ppid, grp, utime, stime, cutime, cstime;
    if (sscanf(p + 1, " %c %lld %lld %*s %*s %*s %*s %*s %*s %*s %*s %lld %lld %lld %lld", &state,
               &ppid, &grp, &utime, &stime, &cutime, &cstime) != 7)
        return -1;
    *pgrp = grp;
    *ticks = utime + stime;
    *cticks = cutime + cstime;
    return 0;
}

void host_cpu_sample(pid_t pgid, struct host_cpu_sample *s)
{
    memset(s, 0, sizeof *s);
    s->t_us = mono_us();
    if (read_busy(&s->busy_ticks) < 0)
        return;
    long long grp, ticks, cticks;
    char self[24];
    snprintf(self, sizeof self, "%ld", (long)getpid());
    if (read_proc(self, &grp, &ticks, &cticks) < 0)
        return;
    s->own_ticks = s->self_ticks = ticks;
    if (pgid > 0) {
        DIR *d = opendir("/proc");
        if (!d)
            return;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!isdigit((unsigned char)e->d_name[0]) || strcmp(e->d_name, self) == 0)
                continue;
            if (read_proc(e->d_name, &grp, &ticks, &cticks) < 0 || grp != (long long)pgid)
                continue;
            s->own_ticks += ticks;
            if (s->n_procs < HOST_CPU_MAX_PROCS) {
                s->procs[s->n_procs].pid = strtoll(e->d_name, NULL, 10);
                s->procs[s->n_procs].ticks = ticks;
                s->procs[s->n_procs++].cticks = cticks;
            }
        }
        closedir(d);
    }
    s->ok = true;
}

static const struct host_cpu_proc *find_proc(const struct host_cpu_sample *s, int64_t pid)
{
    for (size_t i = 0; i < s->n_procs; i++)
        if (s->procs[i].pid == pid)
            return &s->procs[i];
    return NULL;
}

/* The group's and this process's ticks between a and b, process by process
 * (host_cpu.h: a new process counts all its time; one that exited counts
 * what its reaper in the group gained beyond the time it had at a). */
static int64_t own_ticks_between(const struct host_cpu_sample *a, const struct host_cpu_sample *b)
{
    if (a->n_procs == HOST_CPU_MAX_PROCS || b->n_procs == HOST_CPU_MAX_PROCS)
        return b->own_ticks - a->own_ticks;   /* lists cut short: the totals */
    int64_t own = b->self_ticks - a->self_ticks;
    int64_t reaped = 0;                       /* group's children's time gained */
    for (size_t i = 0; i < b->n_procs; i++) {
        const struct host_cpu_proc *was = find_proc(a, b->procs[i].pid);
        int64_t before = was ? was->ticks : 0, cbefore = was ? was->cticks : 0;
        if (b->procs[i].ticks > before)
            own += b->procs[i].ticks - before;
        if (b->procs[i].cticks > cbefore)
            reaped += b->procs[i].cticks - cbefore;
    }
    /* a reaped process's whole life reaches its parent's cutime: only what
     * it used after a is the window's */
    int64_t known = 0;
    for (size_t j = 0; j < a->n_procs; j++)
        if (!find_proc(b, a->procs[j].pid))
            known += a->procs[j].ticks + a->procs[j].cticks;
    if (reaped > known)
        own += reaped - known;
    return own;
}

void host_cpu_window(const struct host_cpu_sample *a, const struct host_cpu_sample *b,
                     struct host_cpu_window *w)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    w->cpus = cpus > 0 ? (int)cpus : 1;
    if (!a->ok || !b->ok) {
        w->window_ms = w->busy_ms = w->own_ms = w->other_ms = w->other_share = NAN;
        return;
    }
    long hz = sysconf(_SC_CLK_TCK);
    double ms_per_tick = 1000.0 / (double)(hz > 0 ? hz : 100);
    w->window_ms = (double)(b->t_us - a->t_us) / 1000.0;
    w->busy_ms = (double)(b->busy_ticks - a->busy_ticks) * ms_per_tick;
    w->own_ms = (double)own_ticks_between(a, b) * ms_per_tick;
    w->other_ms = w->busy_ms > w->own_ms ? w->busy_ms - w->own_ms : 0.0;
    double capacity = w->window_ms * (double)w->cpus;
    w->other_share = capacity > 0 ? w->other_ms / capacity : NAN;
    if (w->other_share > 1.0)
        w->other_share = 1.0;   /* tick rounding on a short window */
}
