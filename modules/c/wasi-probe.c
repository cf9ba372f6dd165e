/* wasi-probe: what WASI gives a C program (clang-16 + wasi-libc), for the
 * WASI census. It runs in three parts, every line flushed before the next
 * call (so a call that traps or never returns leaves all earlier lines):
 *
 * 1. Language steps, each done through libc's normal API, then one line
 *      wasi-step <step> <result> [detail]
 *    <result>: "ok", or the errno symbol libc set ("ENOTCAPABLE", "EBADF",
 *    ...) with detail msg="<strerror text>". Steps in order: args environ
 *    clock-realtime clock-monotonic clock-res stdout stderr stdin prestat open
 *    read seek readdir stat mkdir unlink poll-timeout random yield sock-accept.
 *    A step runs even when an earlier one failed (read then reads fd -1 and
 *    says EBADF), so every run has every line.
 * 2. Raw calls straight through the imports (not through libc), one line each
 *      wasi-probe <function> <result> [key=value ...]
 *    <result>: "ok" or the WASI errno name in lower case as the spec spells
 *    it ("badf", "notcapable", ...; "errno-<n>" if unnamed).
 * 3. "wasi-probe proc_exit pending code=3", "wasi-step proc-exit pending
 *    code=3", then exit(3): exit code 3 shows that proc_exit worked.
 *
 * The WASI calls a runtime logs between two lines' fd_write belong to the
 * second line (calls made before main(), such as libc's args_get, fall to
 * the first step, args). The environment the census gives it: /sandbox
 * preopened holding hello.txt ("hello from wasmlab\n", 19 bytes) and an empty
 * sub/; stdin "ping\n"; args [name, "--probe"]; env WASMLAB=1. It writes only
 * inside /sandbox and leaves it as it found it (newdir and tmp.txt, rawdir and
 * raw.txt are created and removed). modules/go/wasi-probe is its Go twin. */
#define _DEFAULT_SOURCE     /* getentropy, clock_getres under -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasi/libc-find-relpath.h>

#define SANDBOX "/sandbox"
#define SANDBOX_FD 3            /* the first preopen: raw calls use it */
#define PROBE_CLOSE_FD 99       /* an fd nobody opened */
#define EXIT_CODE 3

static const char *const errno_names[] = {
    [__WASI_ERRNO_SUCCESS] = "ok", [__WASI_ERRNO_2BIG] = "2big",
    [__WASI_ERRNO_ACCES] = "acces", [__WASI_ERRNO_ADDRINUSE] = "addrinuse",
    [__WASI_ERRNO_ADDRNOTAVAIL] = "addrnotavail", [__WASI_ERRNO_AFNOSUPPORT] = "afnosupport",
    [__WASI_ERRNO_AGAIN] = "again", [__WASI_ERRNO_ALREADY] = "already",
    [__WASI_ERRNO_BADF] = "badf", [__WASI_ERRNO_BADMSG] = "badmsg",
    [__WASI_ERRNO_BUSY] = "busy", [__WASI_ERRNO_CANCELED] = "canceled",
    [__WASI_ERRNO_CHILD] = "child", [__WASI_ERRNO_CONNABORTED] = "connaborted",
    [__WASI_ERRNO_CONNREFUSED] = "connrefused", [__WASI_ERRNO_CONNRESET] = "connreset",
    [__WASI_ERRNO_DEADLK] = "deadlk", [__WASI_ERRNO_DESTADDRREQ] = "destaddrreq",
    [__WASI_ERRNO_DOM] = "dom", [__WASI_ERRNO_DQUOT] = "dquot",
    [__WASI_ERRNO_EXIST] = "exist", [__WASI_ERRNO_FAULT] = "fault",
    [__WASI_ERRNO_FBIG] = "fbig", [__WASI_ERRNO_HOSTUNREACH] = "hostunreach",
    [__WASI_ERRNO_IDRM] = "idrm", [__WASI_ERRNO_ILSEQ] = "ilseq",
    [__WASI_ERRNO_INPROGRESS] = "inprogress", [__WASI_ERRNO_INTR] = "intr",
    [__WASI_ERRNO_INVAL] = "inval", [__WASI_ERRNO_IO] = "io",
    [__WASI_ERRNO_ISCONN] = "isconn", [__WASI_ERRNO_ISDIR] = "isdir",
    [__WASI_ERRNO_LOOP] = "loop", [__WASI_ERRNO_MFILE] = "mfile",
    [__WASI_ERRNO_MLINK] = "mlink", [__WASI_ERRNO_MSGSIZE] = "msgsize",
    [__WASI_ERRNO_MULTIHOP] = "multihop", [__WASI_ERRNO_NAMETOOLONG] = "nametoolong",
    [__WASI_ERRNO_NETDOWN] = "netdown", [__WASI_ERRNO_NETRESET] = "netreset",
    [__WASI_ERRNO_NETUNREACH] = "netunreach", [__WASI_ERRNO_NFILE] = "nfile",
    [__WASI_ERRNO_NOBUFS] = "nobufs", [__WASI_ERRNO_NODEV] = "nodev",
    [__WASI_ERRNO_NOENT] = "noent", [__WASI_ERRNO_NOEXEC] = "noexec",
    [__WASI_ERRNO_NOLCK] = "nolck", [__WASI_ERRNO_NOLINK] = "nolink",
    [__WASI_ERRNO_NOMEM] = "nomem", [__WASI_ERRNO_NOMSG] = "nomsg",
    [__WASI_ERRNO_NOPROTOOPT] = "noprotoopt", [__WASI_ERRNO_NOSPC] = "nospc",
    [__WASI_ERRNO_NOSYS] = "nosys", [__WASI_ERRNO_NOTCONN] = "notconn",
    [__WASI_ERRNO_NOTDIR] = "notdir", [__WASI_ERRNO_NOTEMPTY] = "notempty",
    [__WASI_ERRNO_NOTRECOVERABLE] = "notrecoverable", [__WASI_ERRNO_NOTSOCK] = "notsock",
    [__WASI_ERRNO_NOTSUP] = "notsup", [__WASI_ERRNO_NOTTY] = "notty",
    [__WASI_ERRNO_NXIO] = "nxio", [__WASI_ERRNO_OVERFLOW] = "overflow",
    [__WASI_ERRNO_OWNERDEAD] = "ownerdead", [__WASI_ERRNO_PERM] = "perm",
    [__WASI_ERRNO_PIPE] = "pipe", [__WASI_ERRNO_PROTO] = "proto",
    [__WASI_ERRNO_PROTONOSUPPORT] = "protonosupport", [__WASI_ERRNO_PROTOTYPE] = "prototype",
    [__WASI_ERRNO_RANGE] = "range", [__WASI_ERRNO_ROFS] = "rofs",
    [__WASI_ERRNO_SPIPE] = "spipe", [__WASI_ERRNO_SRCH] = "srch",
    [__WASI_ERRNO_STALE] = "stale", [__WASI_ERRNO_TIMEDOUT] = "timedout",
    [__WASI_ERRNO_TXTBSY] = "txtbsy", [__WASI_ERRNO_XDEV] = "xdev",
    [__WASI_ERRNO_NOTCAPABLE] = "notcapable",
};

/* libc's errno values by symbol (EOPNOTSUPP and EWOULDBLOCK are aliases). */
#define SYM(e) { e, #e }
static const struct { int value; const char *name; } errno_syms[] = {
    SYM(E2BIG), SYM(EACCES), SYM(EADDRINUSE), SYM(EADDRNOTAVAIL), SYM(EAFNOSUPPORT),
    SYM(EAGAIN), SYM(EALREADY), SYM(EBADF), SYM(EBADMSG), SYM(EBUSY), SYM(ECANCELED),
    SYM(ECHILD), SYM(ECONNABORTED), SYM(ECONNREFUSED), SYM(ECONNRESET), SYM(EDEADLK),
    SYM(EDESTADDRREQ), SYM(EDOM), SYM(EDQUOT), SYM(EEXIST), SYM(EFAULT), SYM(EFBIG),
    SYM(EHOSTUNREACH), SYM(EIDRM), SYM(EILSEQ), SYM(EINPROGRESS), SYM(EINTR), SYM(EINVAL),
    SYM(EIO), SYM(EISCONN), SYM(EISDIR), SYM(ELOOP), SYM(EMFILE), SYM(EMLINK),
    SYM(EMSGSIZE), SYM(EMULTIHOP), SYM(ENAMETOOLONG), SYM(ENETDOWN), SYM(ENETRESET),
    SYM(ENETUNREACH), SYM(ENFILE), SYM(ENOBUFS), SYM(ENODEV), SYM(ENOENT), SYM(ENOEXEC),
    SYM(ENOLCK), SYM(ENOLINK), SYM(ENOMEM), SYM(ENOMSG), SYM(ENOPROTOOPT), SYM(ENOSPC),
    SYM(ENOSYS), SYM(ENOTCONN), SYM(ENOTDIR), SYM(ENOTEMPTY), SYM(ENOTRECOVERABLE),
    SYM(ENOTSOCK), SYM(ENOTSUP), SYM(ENOTTY), SYM(ENXIO), SYM(EOVERFLOW), SYM(EOWNERDEAD),
    SYM(EPERM), SYM(EPIPE), SYM(EPROTO), SYM(EPROTONOSUPPORT), SYM(EPROTOTYPE), SYM(ERANGE),
    SYM(EROFS), SYM(ESPIPE), SYM(ESRCH), SYM(ESTALE), SYM(ETIMEDOUT), SYM(ETXTBSY),
    SYM(EXDEV), SYM(ENOTCAPABLE),
};
#undef SYM

/* ---- part 1: language steps ---- */

static const char *errno_symbol(int e, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof errno_syms / sizeof errno_syms[0]; i++)
        if (errno_syms[i].value == e)
            return errno_syms[i].name;
    snprintf(buf, len, "errno-%d", e);
    return buf;
}

static void step_ok(const char *step, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void step_ok(const char *step, const char *fmt, ...)
{
    char d[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d, sizeof d, fmt, ap);
    va_end(ap);
    printf("wasi-step %s ok%s%s\n", step, d[0] ? " " : "", d);
    fflush(stdout);
}

/* A failed step: e is the errno the libc call left; extra (may be "") goes
 * before the message. */
static void step_fail(const char *step, int e, const char *extra)
{
    char buf[24];
    printf("wasi-step %s %s %s%smsg=\"%s\"\n", step, errno_symbol(e, buf, sizeof buf), extra,
           extra[0] ? " " : "", strerror(e));
    fflush(stdout);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* readdir step: the entries of /sandbox except . and .., sorted. */
static void step_readdir(void)
{
    errno = 0;
    DIR *dir = opendir(SANDBOX);
    if (!dir) {
        step_fail("readdir", errno, "at=opendir");
        return;
    }
    char *names[16];
    size_t n = 0, more = 0;
    struct dirent *ent;
    errno = 0;
    while ((ent = readdir(dir)) != NULL) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        if (n < sizeof names / sizeof names[0])
            names[n++] = strdup(ent->d_name);
        else
            more++;
    }
    int e = errno;
    closedir(dir);
    qsort(names, n, sizeof names[0], compare_names);
    char list[192] = "";
    for (size_t i = 0; i < n; i++) {
        if (names[i] && strlen(list) + strlen(names[i]) + 2 < sizeof list) {
            strcat(list, i ? "," : "");
            strcat(list, names[i]);
        }
        free(names[i]);
    }
    if (e != 0)
        step_fail("readdir", e, "at=readdir");
    else
        step_ok("readdir", "count=%zu entries=%s", n + more, n ? list : "-");
}

/* stdin step: everything on fd 0 (at most 4 KB), through stdio. */
static void step_stdin(void)
{
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, stdin);
    if (ferror(stdin)) {
        step_fail("stdin", errno, "");
        return;
    }
    size_t show = n;
    while (show > 0 && (buf[show - 1] == '\n' || buf[show - 1] == '\r'))
        show--;
    for (size_t i = 0; i < show; i++)
        if (buf[i] <= ' ' || buf[i] == '"' || buf[i] > '~')
            buf[i] = '.';
    step_ok("stdin", "bytes=%zu text=%.*s", n, (int)(show < 32 ? show : 32), show ? buf : "-");
}

static void steps_clock(void)
{
    struct timespec a, b;
    if (clock_gettime(CLOCK_REALTIME, &a) == 0)
        step_ok("clock-realtime", "after_2020=%s", a.tv_sec > 1577836800 ? "yes" : "no");
    else
        step_fail("clock-realtime", errno, "");

    if (clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0)
        step_ok("clock-monotonic", "nondecreasing=%s",
                (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec))
                    ? "yes" : "no");
    else
        step_fail("clock-monotonic", errno, "");

    if (clock_getres(CLOCK_MONOTONIC, &a) == 0)
        step_ok("clock-res", "clock=monotonic res_ns=%lld",
                (long long)a.tv_sec * 1000000000LL + a.tv_nsec);
    else
        step_fail("clock-res", errno, "clock=monotonic");
}

/* prestat .. seek: the preopen as libc sees it, then hello.txt in it. */
static void steps_file(void)
{
    char relbuf[64];
    char *rel = relbuf;
    const char *prefix = NULL;
    errno = 0;
    int dirfd = __wasilibc_find_relpath(SANDBOX "/hello.txt", &prefix, &rel, sizeof relbuf);
    if (dirfd >= 0)
        step_ok("prestat", "dirfd=%d prefix=%s rel=%s", dirfd, prefix ? prefix : "-", rel);
    else
        step_fail("prestat", errno, "path=" SANDBOX "/hello.txt");

    int fd = open(SANDBOX "/hello.txt", O_RDONLY);
    if (fd >= 0)
        step_ok("open", "path=" SANDBOX "/hello.txt");
    else
        step_fail("open", errno, "path=" SANDBOX "/hello.txt");

    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n >= 0)
        step_ok("read", "bytes=%zd match=%s", n,
                n >= 18 && memcmp(buf, "hello from wasmlab", 18) == 0 ? "yes" : "no");
    else
        step_fail("read", errno, "");

    off_t off = lseek(fd, 6, SEEK_SET);
    if (off >= 0) {
        n = read(fd, buf, 4);
        step_ok("seek", "offset=%lld then=%.*s", (long long)off, n == 4 ? 4 : 1,
                n == 4 ? buf : "-");
    } else {
        step_fail("seek", errno, "offset=6");
    }
    if (fd >= 0)
        close(fd);      /* in seek's window */
}

/* stat, mkdir, unlink: metadata and writes inside /sandbox. */
static void steps_write(void)
{
    struct stat st;
    if (stat(SANDBOX "/hello.txt", &st) == 0)
        step_ok("stat", "size=%lld type=%s", (long long)st.st_size,
                S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : "other");
    else
        step_fail("stat", errno, "path=" SANDBOX "/hello.txt");

    char buf[24];
    if (mkdir(SANDBOX "/newdir", 0755) == 0) {
        int r = rmdir(SANDBOX "/newdir");
        step_ok("mkdir", "path=" SANDBOX "/newdir rmdir=%s",
                r == 0 ? "ok" : errno_symbol(errno, buf, sizeof buf));
    } else {
        step_fail("mkdir", errno, "path=" SANDBOX "/newdir");
    }

    int fd = open(SANDBOX "/tmp.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
        step_fail("unlink", errno, "at=create path=" SANDBOX "/tmp.txt");
        return;
    }
    ssize_t w = write(fd, "probe", 5);
    close(fd);
    if (unlink(SANDBOX "/tmp.txt") == 0)
        step_ok("unlink", "path=" SANDBOX "/tmp.txt written=%zd", w);
    else
        step_fail("unlink", errno, "path=" SANDBOX "/tmp.txt");
}

static void language_steps(int argc, char **argv)
{
    step_ok("args", "argc=%d argv1=%s", argc, argc > 1 ? argv[1] : "-");

    errno = 0;
    const char *v = getenv("WASMLAB");
    step_ok("environ", "WASMLAB=%s", v ? v : "unset");

    steps_clock();

    if (fputs("stdout: hello from wasi-probe\n", stdout) >= 0 && fflush(stdout) == 0)
        step_ok("stdout", "bytes=30");
    else
        step_fail("stdout", errno, "");
    if (fputs("stderr: hello from wasi-probe\n", stderr) >= 0 && fflush(stderr) == 0)
        step_ok("stderr", "bytes=30");
    else
        step_fail("stderr", errno, "");

    step_stdin();
    steps_file();
    step_readdir();
    steps_write();

    if (poll(NULL, 0, 1) >= 0)
        step_ok("poll-timeout", "timeout_ms=1");
    else
        step_fail("poll-timeout", errno, "timeout_ms=1");

    unsigned char rnd[16];
    if (getentropy(rnd, sizeof rnd) == 0)
        step_ok("random", "bytes=16");
    else
        step_fail("random", errno, "bytes=16");

    if (sched_yield() == 0)
        step_ok("yield", "%s", "");
    else
        step_fail("yield", errno, "");

    /* No runtime here hands the program a socket: accept() on the preopened
     * directory's fd shows what the runtime answers (notsock, nosys, ...). */
    int s = accept(SANDBOX_FD, NULL, NULL);
    if (s >= 0) {
        step_ok("sock-accept", "fd=%d", s);
        close(s);
    } else {
        step_fail("sock-accept", errno, "fd=3");
    }
}

/* ---- part 2: raw calls ---- */

static void report(const char *fn, __wasi_errno_t e, const char *detail)
{
    char unknown[24];
    const char *res;
    if (e < sizeof errno_names / sizeof errno_names[0] && errno_names[e] != NULL) {
        res = errno_names[e];
    } else {
        snprintf(unknown, sizeof unknown, "errno-%u", (unsigned)e);
        res = unknown;
    }
    printf("wasi-probe %s %s%s%s\n", fn, res, detail[0] ? " " : "", detail);
    fflush(stdout);
}

static const char *clock_name(__wasi_clockid_t id)
{
    return id == __WASI_CLOCKID_REALTIME ? "realtime" : "monotonic";
}

static void raw_args_env(void)
{
    char d[160];
    __wasi_size_t argc = 0, argv_len = 0;
    __wasi_errno_t e = __wasi_args_sizes_get(&argc, &argv_len);
    snprintf(d, sizeof d, "argc=%lu bytes=%lu", (unsigned long)argc, (unsigned long)argv_len);
    report("args_sizes_get", e, e == 0 ? d : "");
    if (e == 0) {
        uint8_t **argv = calloc(argc + 1, sizeof *argv);
        uint8_t *buf = malloc(argv_len + 1);
        e = argv && buf ? __wasi_args_get(argv, buf) : __WASI_ERRNO_NOMEM;
        report("args_get", e, "");
        free(argv);
        free(buf);
    }

    __wasi_size_t envc = 0, env_len = 0;
    e = __wasi_environ_sizes_get(&envc, &env_len);
    snprintf(d, sizeof d, "count=%lu bytes=%lu", (unsigned long)envc, (unsigned long)env_len);
    report("environ_sizes_get", e, e == 0 ? d : "");
    if (e == 0) {
        uint8_t **env = calloc(envc + 1, sizeof *env);
        uint8_t *buf = malloc(env_len + 1);
        e = env && buf ? __wasi_environ_get(env, buf) : __WASI_ERRNO_NOMEM;
        report("environ_get", e, "");
        free(env);
        free(buf);
    }
}

static void raw_clocks_random(void)
{
    char d[160];
    static const __wasi_clockid_t clocks[] = { __WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC };
    for (size_t i = 0; i < 2; i++) {
        __wasi_timestamp_t res = 0;
        __wasi_errno_t e = __wasi_clock_res_get(clocks[i], &res);
        snprintf(d, sizeof d, "clock=%s res_ns=%" PRIu64, clock_name(clocks[i]), res);
        report("clock_res_get", e, d);
    }
    for (size_t i = 0; i < 2; i++) {
        __wasi_timestamp_t t = 0;
        __wasi_errno_t e = __wasi_clock_time_get(clocks[i], 1, &t);
        snprintf(d, sizeof d, "clock=%s", clock_name(clocks[i]));
        report("clock_time_get", e, d);
    }
    uint8_t rnd[16];
    report("random_get", __wasi_random_get(rnd, sizeof rnd), "bytes=16");
}

/* fd_write to 1 (the line reports itself) and 2, then fd 0 and 1 metadata. */
static void raw_stdio(void)
{
    char d[160];
    static const char line[] = "wasi-probe fd_write ok fd=1\n";
    __wasi_ciovec_t ciov = { .buf = (const uint8_t *)line, .buf_len = sizeof line - 1 };
    __wasi_size_t written = 0;
    __wasi_errno_t e = __wasi_fd_write(1, &ciov, 1, &written);
    if (e != 0)
        report("fd_write", e, "fd=1");
    else if (written != sizeof line - 1)
        report("fd_write", __WASI_ERRNO_IO, "fd=1 short-write");

    static const char err_line[] = "stderr: raw fd_write from wasi-probe\n";
    ciov = (__wasi_ciovec_t){ .buf = (const uint8_t *)err_line, .buf_len = sizeof err_line - 1 };
    written = 0;
    e = __wasi_fd_write(2, &ciov, 1, &written);
    snprintf(d, sizeof d, "fd=2 bytes=%lu", (unsigned long)written);
    report("fd_write", e, d);

    __wasi_fdstat_t st;
    e = __wasi_fd_fdstat_get(1, &st);
    snprintf(d, sizeof d, "fd=1 filetype=%u", (unsigned)st.fs_filetype);
    report("fd_fdstat_get", e, e == 0 ? d : "fd=1");

    /* part 1 read stdin to its end: this read sees EOF (bytes=0) */
    uint8_t in[64];
    __wasi_iovec_t iov = { .buf = in, .buf_len = sizeof in };
    __wasi_size_t nread = 0;
    e = __wasi_fd_read(0, &iov, 1, &nread);
    snprintf(d, sizeof d, "fd=0 bytes=%lu", (unsigned long)nread);
    report("fd_read", e, e == 0 ? d : "fd=0");

    __wasi_filesize_t off = 0;
    report("fd_seek", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &off), "fd=1");
    __wasi_filestat_t fst;
    report("fd_filestat_get", __wasi_fd_filestat_get(1, &fst), "fd=1");
}

/* fd_readdir on the preopen: the entries other than . and .. in one buffer. */
static void raw_readdir(void)
{
    static uint8_t buf[1024];
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(SANDBOX_FD, buf, sizeof buf, 0, &used);
    size_t entries = 0;
    for (size_t p = 0; e == 0 && p + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t de;
        memcpy(&de, buf + p, sizeof de);
        p += sizeof de;
        size_t len = de.d_namlen <= used - p ? de.d_namlen : used - p;
        bool dot = (len == 1 && buf[p] == '.') || (len == 2 && !memcmp(buf + p, "..", 2));
        entries += !dot;
        p += len;
    }
    char d[64];
    snprintf(d, sizeof d, "fd=3 entries=%zu", entries);
    report("fd_readdir", e, e == 0 ? d : "fd=3");
}

/* The preopen (fd 3): its name, hello.txt in it, a directory and a file
 * created and removed. */
static void raw_preopen(void)
{
    char d[160];
    __wasi_prestat_t pre;
    __wasi_errno_t e = __wasi_fd_prestat_get(SANDBOX_FD, &pre);
    size_t name_len = e == 0 ? pre.u.dir.pr_name_len : 0;
    snprintf(d, sizeof d, "fd=3 name_len=%zu", name_len);
    report("fd_prestat_get", e, e == 0 ? d : "fd=3");

    uint8_t name[64] = { 0 };
    e = __wasi_fd_prestat_dir_name(SANDBOX_FD, name, name_len < sizeof name ? name_len : 0);
    snprintf(d, sizeof d, "fd=3 name=%.*s", (int)(name_len < sizeof name ? name_len : 0),
             (const char *)name);
    report("fd_prestat_dir_name", e, e == 0 ? d : "fd=3");

    __wasi_fd_t fd = 0;
    e = __wasi_path_open(SANDBOX_FD, 0, "hello.txt", 0,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &fd);
    report("path_open", e, "dirfd=3 path=hello.txt");
    if (e == 0) {
        uint8_t in[64];
        __wasi_iovec_t iov = { .buf = in, .buf_len = sizeof in };
        __wasi_size_t nread = 0;
        e = __wasi_fd_read(fd, &iov, 1, &nread);
        snprintf(d, sizeof d, "fd=file bytes=%lu", (unsigned long)nread);
        report("fd_read", e, e == 0 ? d : "fd=file");
        __wasi_filesize_t off = 0;
        e = __wasi_fd_seek(fd, 6, __WASI_WHENCE_SET, &off);
        snprintf(d, sizeof d, "fd=file offset=%llu", (unsigned long long)off);
        report("fd_seek", e, e == 0 ? d : "fd=file");
        report("fd_close", __wasi_fd_close(fd), "fd=file");
    }

    raw_readdir();

    __wasi_filestat_t fst;
    e = __wasi_path_filestat_get(SANDBOX_FD, 0, "hello.txt", &fst);
    snprintf(d, sizeof d, "dirfd=3 path=hello.txt size=%llu", (unsigned long long)fst.size);
    report("path_filestat_get", e, e == 0 ? d : "dirfd=3 path=hello.txt");

    report("path_create_directory", __wasi_path_create_directory(SANDBOX_FD, "rawdir"),
           "dirfd=3 path=rawdir");
    report("path_remove_directory", __wasi_path_remove_directory(SANDBOX_FD, "rawdir"),
           "dirfd=3 path=rawdir");
    e = __wasi_path_open(SANDBOX_FD, 0, "raw.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                         __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
    report("path_open", e, "dirfd=3 path=raw.txt create");
    if (e == 0)
        report("fd_close", __wasi_fd_close(fd), "fd=created");
    report("path_unlink_file", __wasi_path_unlink_file(SANDBOX_FD, "raw.txt"),
           "dirfd=3 path=raw.txt");
}

static void raw_misc(void)
{
    char d[160];
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.userdata = 42;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 1000000;     /* 1 ms, relative */
    sub.u.u.clock.precision = 1000;
    __wasi_event_t ev;
    __wasi_size_t nev = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &nev);
    snprintf(d, sizeof d, "clock_ms=1 events=%lu", (unsigned long)nev);
    report("poll_oneoff", e, e == 0 ? d : "clock_ms=1");

    report("sched_yield", __wasi_sched_yield(), "");

    __wasi_fd_t conn = 0;
    e = __wasi_sock_accept(SANDBOX_FD, 0, &conn);
    report("sock_accept", e, "fd=3");
    if (e == 0)
        (void)!__wasi_fd_close(conn);

    report("fd_close", __wasi_fd_close(PROBE_CLOSE_FD), "fd=99");
}

int main(int argc, char **argv)
{
    language_steps(argc, argv);

    raw_args_env();
    raw_clocks_random();
    raw_stdio();
    raw_preopen();
    raw_misc();

    printf("wasi-probe proc_exit pending code=%d\n", EXIT_CODE);
    printf("wasi-step proc-exit pending code=%d\n", EXIT_CODE);
    fflush(stdout);
    exit(EXIT_CODE);
}
