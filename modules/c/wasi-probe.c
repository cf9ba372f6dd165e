/* wasi-probe: call WASI preview1 functions one by one, straight through the
 * imports (not through libc), and print one line per call:
 *
 *   wasi-probe <function> <result> [key=value ...]
 *
 * <result> is "ok" or the WASI errno name in lower case as the spec spells it
 * ("badf", "nosys", ...; "errno-<n>" for a number the spec does not name).
 * The key=value details are informational. The fd_write line is written by
 * the fd_write call it reports. proc_exit comes last: its line says "pending",
 * then proc_exit(0) ends the program; exit code 0 shows that it worked.
 *
 * The module therefore imports every function below from
 * wasi_snapshot_preview1; a host that lacks one cannot instantiate it.
 * modules/go/wasi-probe does the same from Go (GOOS=wasip1). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define PROBE_PATH "wasmlab-probe.txt"
#define PROBE_CLOSE_FD 99       /* an fd nobody opened */

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
    /* Every line leaves before the next call, so a call that traps or never
     * returns still has all earlier lines on record. */
    fflush(stdout);
}

static const char *clock_name(__wasi_clockid_t id)
{
    return id == __WASI_CLOCKID_REALTIME ? "realtime" : "monotonic";
}

int main(void)
{
    char d[160];
    __wasi_errno_t e;

    __wasi_size_t argc = 0, argv_len = 0;
    e = __wasi_args_sizes_get(&argc, &argv_len);
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

    static const __wasi_clockid_t clocks[] = { __WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC };
    for (size_t i = 0; i < 2; i++) {
        __wasi_timestamp_t res = 0;
        e = __wasi_clock_res_get(clocks[i], &res);
        snprintf(d, sizeof d, "clock=%s res_ns=%" PRIu64, clock_name(clocks[i]), res);
        report("clock_res_get", e, d);
    }
    for (size_t i = 0; i < 2; i++) {
        __wasi_timestamp_t t = 0;
        e = __wasi_clock_time_get(clocks[i], 1, &t);
        snprintf(d, sizeof d, "clock=%s", clock_name(clocks[i]));
        report("clock_time_get", e, d);
    }

    uint8_t rnd[16];
    e = __wasi_random_get(rnd, sizeof rnd);
    report("random_get", e, "bytes=16");

    static const char line[] = "wasi-probe fd_write ok fd=1\n";
    __wasi_ciovec_t ciov = { .buf = (const uint8_t *)line, .buf_len = sizeof line - 1 };
    __wasi_size_t written = 0;
    e = __wasi_fd_write(1, &ciov, 1, &written);
    if (e != 0)
        report("fd_write", e, "fd=1");
    else if (written != sizeof line - 1)
        report("fd_write", __WASI_ERRNO_IO, "fd=1 short-write");

    __wasi_fdstat_t st;
    e = __wasi_fd_fdstat_get(1, &st);
    snprintf(d, sizeof d, "fd=1 filetype=%u", (unsigned)st.fs_filetype);
    report("fd_fdstat_get", e, e == 0 ? d : "fd=1");

    uint8_t in[64];
    __wasi_iovec_t iov = { .buf = in, .buf_len = sizeof in };
    __wasi_size_t nread = 0;
    e = __wasi_fd_read(0, &iov, 1, &nread);
    snprintf(d, sizeof d, "fd=0 bytes=%lu", (unsigned long)nread);
    report("fd_read", e, e == 0 ? d : "fd=0");

    __wasi_filesize_t off = 0;
    e = __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &off);
    report("fd_seek", e, "fd=1");

    __wasi_filestat_t fst;
    e = __wasi_fd_filestat_get(1, &fst);
    report("fd_filestat_get", e, "fd=1");

    __wasi_prestat_t pre;
    e = __wasi_fd_prestat_get(3, &pre);
    snprintf(d, sizeof d, "fd=3 name_len=%lu", e == 0 ? (unsigned long)pre.u.dir.pr_name_len : 0ul);
    report("fd_prestat_get", e, e == 0 ? d : "fd=3");

    __wasi_fd_t fd = 0;
    e = __wasi_path_open(3, 0, PROBE_PATH, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    report("path_open", e, "dirfd=3 path=" PROBE_PATH);
    if (e == 0) {
        e = __wasi_fd_close(fd);
        report("fd_close", e, "fd=opened");
    }

    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.userdata = 42;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 1000000;     /* 1 ms, relative */
    sub.u.u.clock.precision = 1000;
    __wasi_event_t ev;
    __wasi_size_t nev = 0;
    e = __wasi_poll_oneoff(&sub, &ev, 1, &nev);
    snprintf(d, sizeof d, "clock_ms=1 events=%lu", (unsigned long)nev);
    report("poll_oneoff", e, e == 0 ? d : "clock_ms=1");

    e = __wasi_sched_yield();
    report("sched_yield", e, "");

    e = __wasi_fd_close(PROBE_CLOSE_FD);
    report("fd_close", e, "fd=99");

    printf("wasi-probe proc_exit pending code=0\n");
    fflush(stdout);
    __wasi_proc_exit(0);
}
