#define _GNU_SOURCE
#include "collector/measure/renderer_procs.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

/* /proc/PID/NAME into buf, NUL-terminated; its length, or -1 when gone. */
static long read_proc_file(long pid, const char *name, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", pid, name);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = 0;
    return (long)n;
}

/* pid's state, process group and start time (field 22, clock ticks after
 * boot) from /proc/PID/stat; false when gone. start may be NULL. */
static bool proc_stat_start(long pid, char *state, long *pgid, uint64_t *start)
{
    char line[1024];
    if (read_proc_file(pid, "stat", line, sizeof line) < 0)
        return false;
    const char *p = strrchr(line, ')');   /* the name may hold spaces */
    long ppid;
    if (!p || sscanf(p + 1, " %c %ld %ld", state, &ppid, pgid) != 3)
        return false;
    if (!start)
        return true;
    /* after the name: field 3 (state) ... field 22 (starttime) */
    for (int field = 3; field <= 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return false;
    }
    *start = strtoull(p + 1, NULL, 10);
    return true;
}

static bool proc_stat(long pid, char *state, long *pgid)
{
    return proc_stat_start(pid, state, pgid, NULL);
}

static bool is_renderer(long pid)
{
    char cmd[4096];
    long n = read_proc_file(pid, "cmdline", cmd, sizeof cmd);
    for (long i = 0; i < n; i++)   /* arguments are NUL-separated */
        if (!cmd[i])
            cmd[i] = ' ';
    return n > 0 && strstr(cmd, "--type=renderer") != NULL;
}

void renderer_wait_gone(int64_t pid, int max_ms)
{
    int64_t until = mono_us() + (int64_t)max_ms * 1000;
    char state;
    long group;
    while (proc_stat((long)pid, &state, &group) && state != 'Z' && state != 'X' &&
           mono_us() < until)
        usleep(2000);
}

size_t renderer_ids(pid_t pgid, struct renderer_id *out, size_t max)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        char state;
        long group;
        uint64_t start = 0;
        if (*end || pid <= 0 || !proc_stat_start(pid, &state, &group, &start) ||
            group != pgid || state == 'Z' || state == 'X' || !is_renderer(pid))
            continue;
        out[n++] = (struct renderer_id){ pid, start };
    }
    closedir(d);
    return n;
}

size_t renderer_count(pid_t pgid)
{
    struct renderer_id ids[RENDERER_PROCS_MAX];
    return renderer_ids(pgid, ids, RENDERER_PROCS_MAX);
}

size_t renderer_pids(pid_t pgid, int64_t *out, size_t max)
{
    struct renderer_id ids[RENDERER_PROCS_MAX];
    size_t n = renderer_ids(pgid, ids, max < RENDERER_PROCS_MAX ? max : RENDERER_PROCS_MAX);
    for (size_t i = 0; i < n; i++)
        out[i] = ids[i].pid;
    return n;
}

int renderer_wait_one_gone(pid_t pgid, const int64_t *before, size_t n, int max_ms)
{
    int64_t until = mono_us() + (int64_t)max_ms * 1000;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            char state;
            long group;
            if (!proc_stat((long)before[i], &state, &group) || group != pgid ||
                state == 'Z' || state == 'X')
                return 0;
        }
        if (n == 0 || mono_us() >= until)
            return n == 0 ? 0 : -1;
        usleep(3000);
    }
}

uint64_t renderer_start_ticks(int64_t pid)
{
    char state;
    long group;
    uint64_t start = 0;
    return proc_stat_start((long)pid, &state, &group, &start) ? start : 0;
}

/* Open addressing on the pid, linear probing: every id with the same pid
 * lies in one run of full slots from its home slot. */
static size_t slot_of(int64_t pid, size_t cap)
{
    return (size_t)((uint64_t)pid * 0x9E3779B97F4A7C15u >> 32) & (cap - 1);
}

bool renderer_set_has(const struct renderer_set *set, struct renderer_id id)
{
    if (!set->cap)
        return false;
    for (size_t i = slot_of(id.pid, set->cap); set->slots[i].pid; i = (i + 1) & (set->cap - 1)) {
        const struct renderer_id *s = &set->slots[i];
        if (s->pid == id.pid && (s->start == id.start || !s->start || !id.start))
            return true;
    }
    return false;
}

static void set_put(struct renderer_set *set, struct renderer_id id)
{
    size_t i = slot_of(id.pid, set->cap);
    while (set->slots[i].pid)
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = id;
    set->n++;
}

void renderer_set_add(struct renderer_set *set, struct renderer_id id)
{
    if (id.pid <= 0)
        return;
    if (2 * (set->n + 1) > set->cap) {   /* at most half full */
        struct renderer_set grown = { xcalloc(set->cap ? set->cap * 2 : 64, sizeof *grown.slots),
                                      0, set->cap ? set->cap * 2 : 64 };
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i].pid)
                set_put(&grown, set->slots[i]);
        free(set->slots);
        *set = grown;
    }
    set_put(set, id);
}

void renderer_set_free(struct renderer_set *set)
{
    free(set->slots);
    *set = (struct renderer_set){ 0 };
}

int renderer_wait_at_most(pid_t pgid, size_t n, int max_ms)
{
    int64_t until = mono_us() + (int64_t)max_ms * 1000;
    while (renderer_count(pgid) > n) {
        if (mono_us() >= until)
            return -1;
        usleep(5000);
    }
    return 0;
}
