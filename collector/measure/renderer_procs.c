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

/* pid's state and process group from /proc/PID/stat; false when gone. */
static bool proc_stat(long pid, char *state, long *pgid)
{
    char line[512];
    if (read_proc_file(pid, "stat", line, sizeof line) < 0)
        return false;
    const char *paren = strrchr(line, ')');   /* the name may hold spaces */
    long ppid;
    return paren && sscanf(paren + 1, " %c %ld %ld", state, &ppid, pgid) == 3;
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

size_t renderer_pids(pid_t pgid, int64_t *out, size_t max)
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
        if (*end || pid <= 0 || !proc_stat(pid, &state, &group) || group != pgid ||
            state == 'Z' || state == 'X' || !is_renderer(pid))
            continue;
        out[n++] = pid;
    }
    closedir(d);
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
    char line[1024];
    if (read_proc_file((long)pid, "stat", line, sizeof line) < 0)
        return 0;
    const char *p = strrchr(line, ')');   /* the name may hold spaces */
    if (!p)
        return 0;
    /* after the name: field 3 (state) ... field 22 (starttime) */
    for (int field = 3; field <= 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return 0;
    }
    return strtoull(p + 1, NULL, 10);
}

int renderer_wait_at_most(pid_t pgid, size_t n, int max_ms)
{
    int64_t until = mono_us() + (int64_t)max_ms * 1000;
    int64_t pids[RENDERER_PROCS_MAX];
    while (renderer_pids(pgid, pids, RENDERER_PROCS_MAX) > n) {
        if (mono_us() >= until)
            return -1;
        usleep(5000);
    }
    return 0;
}
