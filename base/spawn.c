#define _GNU_SOURCE
#include "base/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { STAGE_CHDIR = 1, STAGE_EXEC = 2 };

/* Opens what one of stdout/stderr goes to, in the parent (so the error names
 * the file). Returns the fd to dup2 onto it, -2 for "as stdout", or -1. */
static int io_open(enum spawn_io how, const char *path, int pipe_fds[2], char *err,
                   size_t errlen)
{
    switch (how) {
    case SPAWN_IO_NULL:
        return open("/dev/null", O_WRONLY | O_CLOEXEC);
    case SPAWN_IO_INHERIT:
        return -3;
    case SPAWN_IO_FILE: {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return fd;
    }
    case SPAWN_IO_CAPTURE:
        if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
            snprintf(err, errlen, "pipe: %s", strerror(errno));
            return -1;
        }
        return pipe_fds[1];
    case SPAWN_IO_STDOUT:
        return -2;
    }
    return -1;
}

/* The child, between fork and exec: only async-signal-safe calls. */
static void child_exec(const struct spawn_options *o, pid_t parent, int in_fd, int out_fd,
                       int err_fd, int errno_fd)
{
    if (o->new_group)
        setpgid(0, 0);
    if (o->die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent)     /* wasmlab died before prctl */
            _exit(127);
    }
    static const int reset[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (in_fd >= 0)
        dup2(in_fd, 0);
    if (out_fd >= 0)
        dup2(out_fd, 1);
    if (err_fd == -2)
        dup2(1, 2);
    else if (err_fd >= 0)
        dup2(err_fd, 2);
    int report[2] = { STAGE_CHDIR, 0 };
    if (!o->cwd || chdir(o->cwd) == 0) {
        report[0] = STAGE_EXEC;
        char *const *envp = o->envp ? o->envp : environ;
        if (o->search_path)
            execvpe(o->file, o->argv, envp);
        else
            execve(o->file, o->argv, envp);
    }
    report[1] = errno;
    ssize_t w = write(errno_fd, report, sizeof report);
    (void)w;
    _exit(127);
}

static void close_if(int fd)
{
    if (fd >= 0)
        close(fd);
}

int spawn_start(struct spawn_child *c, const struct spawn_options *o, char *err,
                size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->pid = -1;
    c->out_fd = c->err_fd = -1;
    int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, px[2] = { -1, -1 };
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out_fd = io_open(o->out == SPAWN_IO_STDOUT ? SPAWN_IO_NULL : o->out, o->out_path, po,
                         err, errlen);
    int err_fd = out_fd == -1 ? -1 : io_open(o->err, o->err_path, pe, err, errlen);
    int rc = -1;
    if (in_fd < 0 || out_fd == -1 || err_fd == -1) {
        if (in_fd < 0)
            snprintf(err, errlen, "/dev/null: %s", strerror(errno));
        goto out;
    }
    if (pipe2(px, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto out;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(o, parent, in_fd, out_fd, err_fd, px[1]);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        goto out;
    }
    c->pid = pid;
    c->group = o->new_group;
    if (o->new_group)
        setpgid(pid, pid);   /* also from the parent: no race with kill(-pid) */
    close(px[1]);
    px[1] = -1;
    int report[2];
    ssize_t r;
    while ((r = read(px[0], report, sizeof report)) < 0 && errno == EINTR)
        ;
    if (r == (ssize_t)sizeof report) {
        c->exec_errno = report[1];
        if (report[0] == STAGE_CHDIR)
            snprintf(err, errlen, "cannot change to %s: %s", o->cwd, strerror(report[1]));
        else
            snprintf(err, errlen, "cannot execute %s: %s", o->file, strerror(report[1]));
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        c->pid = -1;
        goto out;
    }
    c->out_fd = po[0];
    c->err_fd = pe[0];
    po[0] = pe[0] = -1;
    rc = 0;
out:
    close_if(in_fd);
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    if (rc < 0) {
        close_if(po[0]);
        close_if(pe[0]);
    }
    close_if(px[0]);
    close_if(px[1]);
    return rc;
}

bool spawn_alive(struct spawn_child *c)
{
    if (!c || c->pid <= 0 || c->exited)
        return false;
    int status;
    pid_t r = waitpid(c->pid, &status, WNOHANG);
    if (r == c->pid || (r < 0 && errno == ECHILD)) {
        c->exited = true;
        c->status = r == c->pid ? status : 0;
        return false;
    }
    return true;
}

bool spawn_wait(struct spawn_child *c, int timeout_ms)
{
    int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;
    while (spawn_alive(c)) {
        if (mono_us() > deadline)
            return false;
        usleep(5000);
    }
    return true;
}

void spawn_kill(struct spawn_child *c)
{
    if (!c || c->pid <= 0)
        return;
    if (c->exited) {
        if (c->group)
            kill(-c->pid, SIGKILL);   /* helpers the leader left behind */
        return;
    }
    if (c->group) {
        /* Wait for the exit without reaping first, so the group id cannot
         * be reused by the time the group is killed. */
        kill(-c->pid, SIGKILL);
        siginfo_t si;
        while (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
            ;
        kill(-c->pid, SIGKILL);
    } else {
        kill(c->pid, SIGKILL);
    }
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    c->exited = true;
    c->status = status;
}

void spawn_describe(const struct spawn_child *c, char *buf, size_t len)
{
    if (!c->exited)
        snprintf(buf, len, "still running");
    else if (WIFSIGNALED(c->status))
        snprintf(buf, len, "killed by signal %d", WTERMSIG(c->status));
    else
        snprintf(buf, len, "exit status %d", WEXITSTATUS(c->status));
}

void spawn_result_free(struct spawn_result *r)
{
    buf_free(&r->out);
    buf_free(&r->err);
}

bool spawn_result_ok(const struct spawn_result *r)
{
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* Reads what is there from one capture pipe; closes it at EOF. The first
 * `limit` bytes are kept; the rest is read and dropped, so the child never
 * blocks on a full pipe. */
static void drain(int *fd, struct buf *b, bool *truncated)
{
    char chunk[65536];
    ssize_t got = read(*fd, chunk, sizeof chunk);
    if (got > 0) {
        size_t room = b->limit > b->len ? b->limit - b->len : 0;
        size_t keep = (size_t)got < room ? (size_t)got : room;
        if (keep > 0)
            buf_append(b, chunk, keep);
        if (keep < (size_t)got)
            *truncated = true;
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

/* True once the child has exited, without reaping it. */
static bool has_exited(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

int spawn_run(const struct spawn_options *o, int timeout_ms, volatile int *interrupted,
              struct spawn_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->out.limit = o->out_limit ? o->out_limit : 1u << 20;
    r->err.limit = o->err_limit ? o->err_limit : 1u << 20;
    struct spawn_child c;
    if (spawn_start(&c, o, err, errlen) < 0) {
        r->exec_errno = c.exec_errno;
        return -1;
    }
    int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;
    int rc = 0;
    for (;;) {
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "%s: interrupted", o->file);
            r->interrupted = true;
            rc = -1;
            break;
        }
        int64_t left_ms = timeout_ms > 0 ? (deadline - mono_us()) / 1000 : 200;
        if (left_ms <= 0) {
            snprintf(err, errlen, "%s did not finish within %d s", o->file,
                     (timeout_ms + 999) / 1000);
            r->timed_out = true;
            rc = -1;
            break;
        }
        bool exited = has_exited(c.pid);
        struct pollfd fds[2] = { { c.out_fd, POLLIN, 0 }, { c.err_fd, POLLIN, 0 } };
        if (c.out_fd < 0 && c.err_fd < 0) {
            if (exited)
                break;
            usleep(left_ms > 10 ? 10000 : (useconds_t)left_ms * 1000);
            continue;
        }
        /* Once it has exited, take what its pipes hold and stop: a helper
         * that inherited them must not keep us waiting. */
        int pr = poll(fds, 2, exited ? 0 : (left_ms > 200 ? 200 : (int)left_ms));
        if (pr < 0 && errno != EINTR) {
            snprintf(err, errlen, "%s: poll: %s", o->file, strerror(errno));
            rc = -1;
            break;
        }
        if (pr > 0 && c.out_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(&c.out_fd, &r->out, &r->out_truncated);
        if (pr > 0 && c.err_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(&c.err_fd, &r->err, &r->err_truncated);
        if (exited && pr == 0)
            break;
    }
    close_if(c.out_fd);
    close_if(c.err_fd);
    if (rc == 0 && !c.group) {
        while (waitpid(c.pid, &c.status, 0) < 0 && errno == EINTR)
            ;
        c.exited = true;
    } else {
        spawn_kill(&c);
    }
    r->status = c.status;
    return rc;
}
