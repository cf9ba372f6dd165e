#define _GNU_SOURCE
#include "collector/browsers/browser_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <brotli/decode.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "cdp/browser.h"
#include "cdp/cdp.h"
#include "base/util.h"

extern char **environ;

#define NPM_PACKAGE "@sparticuz/chromium"
#define SYSTEM_DEFAULT "/usr/bin/chromium"
#define ENTRY_FILE "browser.json"

/* ---- entries ---- */

void browser_entry_free(struct browser_entry *e)
{
    if (!e)
        return;
    free(e->name);
    free(e->dir);
    free(e->path);
    free(e->source);
    free(e->package);
    free(e->version);
    free(e->kind);
    if (e->flags)
        for (char **f = e->flags; *f; f++)
            free(*f);
    free(e->flags);
    free(e->product);
    free(e->revision);
    free(e->v8_version);
    free(e->user_agent);
    free(e->protocol_version);
    free(e->integrity);
    free(e->added_at);
    memset(e, 0, sizeof *e);
}

static char *jdup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? xstrdup(s) : NULL;
}

static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

/* Reads dir/browser.json into e. */
static int entry_load(const char *dir, const char *name, struct browser_entry *e,
                      char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    char *file = xasprintf("%s/%s", dir, ENTRY_FILE);
    json_error_t je;
    json_t *o = json_load_file(file, 0, &je);
    if (!o || !json_is_object(o)) {
        snprintf(err, errlen, "browser store: %s: %s", file, o ? "not a JSON object" : je.text);
        json_decref(o);
        free(file);
        return -1;
    }
    const char *exe = json_string_value(json_object_get(o, "executable"));
    const char *kind = json_string_value(json_object_get(o, "kind"));
    const char *source = json_string_value(json_object_get(o, "source"));
    if (!exe || !*exe || !kind || !source) {
        snprintf(err, errlen, "browser store: %s: lacks executable, kind or source", file);
        json_decref(o);
        free(file);
        return -1;
    }
    free(file);
    e->name = xstrdup(name);
    e->dir = xstrdup(dir);
    e->path = exe[0] == '/' ? xstrdup(exe) : xasprintf("%s/%s", dir, exe);
    e->source = xstrdup(source);
    e->kind = xstrdup(kind);
    e->package = jdup(o, "package");
    e->version = jdup(o, "version");
    e->product = jdup(o, "product");
    e->revision = jdup(o, "revision");
    e->v8_version = jdup(o, "v8_version");
    e->user_agent = jdup(o, "user_agent");
    e->protocol_version = jdup(o, "protocol_version");
    e->integrity = jdup(o, "integrity");
    e->added_at = jdup(o, "added_at");
    json_t *flags = json_object_get(o, "flags");
    size_t nf = json_is_array(flags) ? json_array_size(flags) : 0;
    e->flags = xcalloc(nf + 1, sizeof *e->flags);
    size_t k = 0;
    for (size_t i = 0; i < nf; i++) {
        const char *f = json_string_value(json_array_get(flags, i));
        if (f)
            e->flags[k++] = xstrdup(f);
    }
    json_decref(o);
    return 0;
}

/* Writes dir/browser.json; exe is relative to dir unless absolute. */
static int entry_save(const char *dir, const struct browser_entry *e, const char *exe,
                      char *err, size_t errlen)
{
    json_t *o = json_object();
    set_str(o, "name", e->name);
    set_str(o, "source", e->source);
    set_str(o, "package", e->package);
    set_str(o, "version", e->version);
    set_str(o, "executable", exe);
    set_str(o, "kind", e->kind);
    json_t *flags = json_array();
    for (char **f = e->flags; f && *f; f++)
        json_array_append_new(flags, json_string(*f));
    json_object_set_new(o, "flags", flags);
    set_str(o, "product", e->product);
    set_str(o, "revision", e->revision);
    set_str(o, "v8_version", e->v8_version);
    set_str(o, "user_agent", e->user_agent);
    set_str(o, "protocol_version", e->protocol_version);
    set_str(o, "integrity", e->integrity);
    set_str(o, "added_at", e->added_at);
    char *file = xasprintf("%s/%s", dir, ENTRY_FILE);
    int rc = json_dump_file(o, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc < 0)
        snprintf(err, errlen, "browser store: cannot write %s: %s", file, strerror(errno));
    free(file);
    json_decref(o);
    return rc < 0 ? -1 : 0;
}

void browser_store_default_dir(char *buf, size_t len)
{
    const char *s = getenv("WASMLAB_BROWSER_STORE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (s && *s)
        snprintf(buf, len, "%s", s);
    else if (xdg && *xdg)
        snprintf(buf, len, "%s/wasmlab/browsers", xdg);
    else
        snprintf(buf, len, "%s/.cache/wasmlab/browsers", home && *home ? home : "/tmp");
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct browser_entry *)a)->name,
                  ((const struct browser_entry *)b)->name);
}

int browser_store_list(const char *store, struct browser_entry **out, size_t *n,
                       char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(store);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "browser store %s: %s", store, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;            /* ".", "..", and adds in progress */
        char *dir = xasprintf("%s/%s", store, de->d_name);
        struct stat st;
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(dir);
            continue;
        }
        struct browser_entry e;
        char why[512];
        if (entry_load(dir, de->d_name, &e, why, sizeof why) < 0) {
            warnf("%s (skipped)", why);
            free(dir);
            continue;
        }
        free(dir);
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = e;
    }
    closedir(d);
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_entry);
    return 0;
}

static void entries_free(struct browser_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        browser_entry_free(&v[i]);
    free(v);
}

/* ---- specs ---- */

enum spec_kind { SPEC_NPM, SPEC_DEBIAN, SPEC_DEBIAN_SHELL, SPEC_SYSTEM, SPEC_NAME };

struct spec {
    enum spec_kind kind;
    const char *version;     /* after '@' (NPM, DEBIAN*) */
    const char *name;        /* SPEC_NAME, SPEC_SYSTEM */
};

static bool version_text_ok(const char *v)
{
    if (!*v || *v == '.')
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '~' || *p == '+' ||
              (*p >= 'a' && *p <= 'z')))
            return false;
    return true;
}

static int parse_spec(const char *s, struct spec *sp, char *err, size_t errlen)
{
    memset(sp, 0, sizeof *sp);
    const char *at = strchr(s, '@');
    if (at) {
        size_t plen = (size_t)(at - s);
        const char *v = at + 1;
        if (!version_text_ok(v)) {
            snprintf(err, errlen, "browser %s: bad version '%s' (e.g. chromium@126)", s, v);
            return -2;
        }
        sp->version = v;
        if (plen == 8 && strncmp(s, "chromium", 8) == 0)
            sp->kind = SPEC_NPM;
        else if (plen == 6 && strncmp(s, "debian", 6) == 0)
            sp->kind = SPEC_DEBIAN;
        else if (plen == 21 && strncmp(s, "debian-headless-shell", 21) == 0)
            sp->kind = SPEC_DEBIAN_SHELL;
        else {
            snprintf(err, errlen, "browser %s: unknown source '%.*s' (chromium@VERSION, "
                     "debian@VERSION, debian-headless-shell@VERSION or system)", s, (int)plen, s);
            return -2;
        }
        return 0;
    }
    if (!*s || strchr(s, '/') || s[0] == '.') {
        snprintf(err, errlen, "browser '%s': not a store name", s);
        return -2;
    }
    sp->kind = strcmp(s, "system") == 0 ? SPEC_SYSTEM : SPEC_NAME;
    sp->name = s;
    return 0;
}

/* Compares dotted numeric versions ("126.0.10" > "126.0.9"); a '-' suffix
 * (prerelease) sorts before the plain version. */
static int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        if ((*a == '-' || !*a) && (*b == '-' || !*b))
            return (*a == '-' ? -1 : 0) - (*b == '-' ? -1 : 0);
        if (*a == '-' || !*a)
            return -1;
        if (*b == '-' || !*b)
            return 1;
        char *ea, *eb;
        unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a = ea;
        b = eb;
        while (*a && *a != '.' && *a != '-')
            a++;
        while (*b && *b != '.' && *b != '-')
            b++;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}

/* "126" matches 126.0.0 and 126.1.2; "126.0.0" matches only itself. Debian
 * versions are compared by their upstream part (before the first '-'). A
 * prerelease ("135.0.0-next.1") matches only when named exactly. */
static bool version_matches(const char *want, const char *have, bool debian)
{
    char up[128];
    snprintf(up, sizeof up, "%s", have);
    if (debian)
        up[strcspn(up, "-")] = 0;
    if (strcmp(want, have) == 0 || strcmp(want, up) == 0)
        return true;
    if (!debian && strchr(have, '-'))
        return false;
    size_t n = strlen(want);
    return strncmp(up, want, n) == 0 && up[n] == '.';
}

static bool entry_matches(const struct browser_entry *e, const struct spec *sp)
{
    switch (sp->kind) {
    case SPEC_NPM:
        return strcmp(e->source, "npm") == 0 && e->version &&
               version_matches(sp->version, e->version, false);
    case SPEC_DEBIAN:
    case SPEC_DEBIAN_SHELL:
        return strcmp(e->source, "debian") == 0 && e->version &&
               strcmp(e->kind, sp->kind == SPEC_DEBIAN ? "chromium" : "headless_shell") == 0 &&
               version_matches(sp->version, e->version, true);
    case SPEC_SYSTEM:
    case SPEC_NAME:
        return strcmp(e->name, sp->name) == 0;
    }
    return false;
}

static int find_parsed(const char *store, const struct spec *sp, struct browser_entry *out,
                       char *err, size_t errlen)
{
    struct browser_entry *v;
    size_t n;
    if (browser_store_list(store, &v, &n, err, errlen) < 0)
        return -1;
    ssize_t best = -1;
    for (size_t i = 0; i < n; i++)
        if (entry_matches(&v[i], sp) &&
            (best < 0 || (v[i].version && v[best].version &&
                          version_cmp(v[i].version, v[best].version) > 0)))
            best = (ssize_t)i;
    if (best >= 0) {
        *out = v[best];
        memset(&v[best], 0, sizeof v[best]);
    }
    entries_free(v, n);
    return best >= 0 ? 1 : 0;
}

int browser_store_find(const char *store, const char *spec, struct browser_entry *out,
                       char *err, size_t errlen)
{
    struct spec sp;
    int prc = parse_spec(spec, &sp, err, errlen);
    if (prc < 0)
        return prc;
    return find_parsed(store, &sp, out, err, errlen);
}

/* ---- child processes (argv only, never a shell) ---- */

struct child {
    struct buf out;          /* stdout */
    struct buf errb;         /* stderr */
    int status;              /* waitpid status */
};

static void child_free(struct child *c)
{
    buf_free(&c->out);
    buf_free(&c->errb);
}

/* The last non-empty stderr line that is not npm's config warning. */
static void child_err_tail(const struct child *c, char *buf, size_t len)
{
    buf[0] = 0;
    if (!c->errb.data)
        return;
    const char *s = c->errb.data;
    const char *best = NULL;
    size_t best_len = 0;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l > 0 && strncmp(p, "npm warn", 8) != 0 && strncmp(p, "W: ", 3) != 0 &&
            strncmp(p, "npm error A complete log", 24) != 0) {
            best = p;
            best_len = l;
        }
        p += l + (e ? 1 : 0);
    }
    if (best)
        snprintf(buf, len, "%.*s", (int)best_len, best);
}

/* Runs argv[0] (found on PATH) in cwd, collecting stdout and stderr, for at
 * most timeout_ms. Returns 0 when it ran to an exit (any status), -1 when it
 * could not start, timed out or was interrupted (err says which). */
static int run_child(const char *const *argv, const char *cwd, int timeout_ms,
                     volatile int *interrupted, struct child *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->out.limit = 64u << 20;
    c->errb.limit = 1u << 20;
    int po[2], pe[2], px[2];
    if (pipe2(po, O_CLOEXEC) < 0)
        goto pipe_fail;
    if (pipe2(pe, O_CLOEXEC) < 0) {
        close(po[0]);
        close(po[1]);
        goto pipe_fail;
    }
    if (pipe2(px, O_CLOEXEC) < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        goto pipe_fail;
    }
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        signal(SIGPIPE, SIG_DFL);
        int e = 0;
        if (cwd && chdir(cwd) < 0)
            e = errno;
        else {
            execvp(argv[0], (char *const *)argv);
            e = errno;
        }
        ssize_t w = write(px[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    close(px[1]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot run %s: fork: %s", argv[0], strerror(errno));
        close(po[0]);
        close(pe[0]);
        close(px[0]);
        return -1;
    }
    setpgid(pid, pid);
    int exec_errno = 0;
    ssize_t r = read(px[0], &exec_errno, sizeof exec_errno);
    close(px[0]);
    if (r == (ssize_t)sizeof exec_errno) {
        snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(exec_errno));
        close(po[0]);
        close(pe[0]);
        waitpid(pid, NULL, 0);
        return -1;
    }
    int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;
    struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
    int open_fds = 2, rc = 0;
    char chunk[65536];
    while (open_fds > 0) {
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "%s: interrupted", argv[0]);
            rc = -1;
            break;
        }
        int64_t left_ms = (deadline - mono_us()) / 1000;
        if (left_ms <= 0) {
            snprintf(err, errlen, "%s did not finish within %d s", argv[0], timeout_ms / 1000);
            rc = -1;
            break;
        }
        int pr = poll(fds, 2, left_ms > 200 ? 200 : (int)left_ms);
        if (pr < 0 && errno != EINTR) {
            snprintf(err, errlen, "%s: poll: %s", argv[0], strerror(errno));
            rc = -1;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
            if (got > 0) {
                struct buf *b = i == 0 ? &c->out : &c->errb;
                if (buf_append(b, chunk, (size_t)got) < 0 && i == 0) {
                    snprintf(err, errlen, "%s: output larger than %zu bytes", argv[0],
                             b->limit);
                    rc = -1;
                }
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
        if (rc < 0)
            break;
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    if (rc < 0)
        kill(-pid, SIGKILL);
    /* Wait for the exit without reaping, so the group id cannot be reused
     * yet, and kill any helpers it left behind in its group; then reap. */
    siginfo_t si;
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
    kill(-pid, SIGKILL);
    while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
        ;
    return rc;
pipe_fail:
    snprintf(err, errlen, "cannot run %s: pipe: %s", argv[0], strerror(errno));
    return -1;
}

static bool child_ok(const struct child *c)
{
    return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

/* ---- digests ---- */

/* Hex or base64 digest of a file with an OpenSSL digest ("sha512"). */
static int file_digest(const char *path, const char *algo, bool b64, char *outs, size_t outlen,
                       volatile int *interrupted, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = EVP_get_digestbyname(algo);
    if (!ctx || !md || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        snprintf(err, errlen, "%s: OpenSSL has no %s", path, algo);
        EVP_MD_CTX_free(ctx);
        close(fd);
        return -1;
    }
    unsigned char *blk = xmalloc(1 << 16);
    ssize_t got;
    int rc = 0;
    while ((got = read(fd, blk, 1 << 16)) != 0) {
        if (got < 0) {
            if (errno == EINTR && !(interrupted && *interrupted))
                continue;
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "interrupted");
            rc = -1;
            break;
        }
        EVP_DigestUpdate(ctx, blk, (size_t)got);
    }
    close(fd);
    free(blk);
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    EVP_DigestFinal_ex(ctx, dg, &dl);
    EVP_MD_CTX_free(ctx);
    if (rc < 0)
        return -1;
    if (b64) {
        if (outlen < 4 * ((dl + 2) / 3) + 1)
            return -1;
        EVP_EncodeBlock((unsigned char *)outs, dg, (int)dl);
    } else {
        if (outlen < 2 * dl + 1)
            return -1;
        for (unsigned i = 0; i < dl; i++)
            snprintf(outs + 2 * i, 3, "%02x", dg[i]);
    }
    return 0;
}

/* ---- npm: @sparticuz/chromium ---- */

/* npm's --json error object, else the last stderr line. */
static void npm_failure(const char *what, const struct child *c, char *err, size_t errlen)
{
    json_t *o = c->out.data ? json_loads(c->out.data, 0, NULL) : NULL;
    json_t *e = json_object_get(o, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *summary = json_string_value(json_object_get(e, "summary"));
    char tail[300];
    child_err_tail(c, tail, sizeof tail);
    if (summary && *summary)
        snprintf(err, errlen, "%s failed: %s%s%s", what, code ? code : "", code ? ": " : "",
                 summary);
    else
        snprintf(err, errlen, "%s failed (%s)%s%s", what,
                 WIFEXITED(c->status) ? "exit status non-zero" : "killed",
                 tail[0] ? ": " : "", tail);
    if (code && (strcmp(code, "ENOTFOUND") == 0 || strcmp(code, "ECONNREFUSED") == 0 ||
                 strcmp(code, "ETIMEDOUT") == 0 || strcmp(code, "EAI_AGAIN") == 0 ||
                 strcmp(code, "ECONNRESET") == 0))
        snprintf(err + strlen(err), errlen - strlen(err), " (is the npm registry reachable?)");
    json_decref(o);
}

/* npm view: JSON value of `npm view pkg[@ver] field --json`. */
static json_t *npm_view(const char *pkgver, const char *field, volatile int *interrupted,
                        char *err, size_t errlen)
{
    const char *argv[] = { "npm", "view", pkgver, field, "--json", NULL };
    struct child c;
    char what[256];
    snprintf(what, sizeof what, "npm view %s %s", pkgver, field);
    if (run_child(argv, NULL, 180000, interrupted, &c, err, errlen) < 0) {
        child_free(&c);
        return NULL;
    }
    if (!child_ok(&c)) {
        npm_failure(what, &c, err, errlen);
        child_free(&c);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loads(c.out.data ? c.out.data : "", JSON_DECODE_ANY, &je);
    if (!v)
        snprintf(err, errlen, "%s: unexpected output (%s)", what, je.text);
    child_free(&c);
    return v;
}

/* Picks the newest published version matching want. */
static int npm_resolve(const char *want, char *version, size_t vlen, volatile int *interrupted,
                       char *err, size_t errlen)
{
    json_t *vs = npm_view(NPM_PACKAGE, "versions", interrupted, err, errlen);
    if (!vs)
        return -1;
    if (json_is_string(vs)) {          /* a package with one version */
        json_t *a = json_array();
        json_array_append(a, vs);
        json_decref(vs);
        vs = a;
    }
    const char *best = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(vs, i, it) {
        const char *v = json_string_value(it);
        if (v && version_matches(want, v, false) && (!best || version_cmp(v, best) > 0))
            best = v;
    }
    int rc = 0;
    if (best) {
        snprintf(version, vlen, "%s", best);
    } else {
        size_t n = json_array_size(vs);
        snprintf(err, errlen, "no %s version matches %s (the registry has %zu, from %s to %s)",
                 NPM_PACKAGE, want, n,
                 n ? json_string_value(json_array_get(vs, 0)) : "-",
                 n ? json_string_value(json_array_get(vs, n - 1)) : "-");
        rc = -2;
    }
    json_decref(vs);
    return rc;
}

/* Does the file's sha512 match an SRI string ("sha512-<base64>", maybe one
 * of several space-separated hashes)? */
static int verify_integrity(const char *file, const char *sri, volatile int *interrupted,
                            char *err, size_t errlen)
{
    char mine[200];
    if (file_digest(file, "sha512", true, mine, sizeof mine, interrupted, err, errlen) < 0)
        return -1;
    bool any = false;
    for (const char *p = sri; *p;) {
        size_t l = strcspn(p, " \t");
        if (l > 7 && strncmp(p, "sha512-", 7) == 0) {
            any = true;
            if (l - 7 == strlen(mine) && strncmp(p + 7, mine, l - 7) == 0)
                return 0;
        }
        p += l;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (!any)
        snprintf(err, errlen, "the registry gives no sha512 integrity (%s)", sri);
    else
        snprintf(err, errlen, "corrupt download: sha512 of %s is sha512-%s, the registry says %s",
                 file, mine, sri);
    return -1;
}

/* A minimal ustar reader over a gzip stream: finds the member whose path,
 * less its first component ("package/"), is `want`, and brotli-decompresses
 * it into out_path (created 0755). */
static uint64_t tar_octal(const char *p, size_t n)
{
    if ((unsigned char)p[0] & 0x80) {     /* GNU base-256 */
        uint64_t v = 0;
        for (size_t i = 1; i < n; i++)
            v = (v << 8) | (unsigned char)p[i];
        return v;
    }
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == 0))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(p[i] - '0');
    return v;
}

static int gz_read_full(gzFile gz, void *p, size_t n)
{
    size_t done = 0;
    while (done < n) {
        int r = gzread(gz, (char *)p + done, (unsigned)(n - done > (1u << 30) ? (1u << 30) : n - done));
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

static int gz_skip(gzFile gz, uint64_t n)
{
    char tmp[65536];
    while (n > 0) {
        size_t k = n > sizeof tmp ? sizeof tmp : (size_t)n;
        if (gz_read_full(gz, tmp, k) < 0)
            return -1;
        n -= k;
    }
    return 0;
}

static int brotli_member(gzFile gz, uint64_t size, const char *out_path,
                         volatile int *interrupted, char *err, size_t errlen)
{
    int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", out_path, strerror(errno));
        return -1;
    }
    BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    enum { IN_SIZE = 1 << 16, OUT_SIZE = 1 << 18 };
    uint8_t *in = xmalloc(IN_SIZE), *outb = xmalloc(OUT_SIZE);
    uint64_t left = size;
    int rc = -1;
    BrotliDecoderResult res = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
    size_t avail_in = 0;
    const uint8_t *next_in = in;
    while (res != BROTLI_DECODER_RESULT_SUCCESS) {
        if (interrupted && *interrupted) {
            snprintf(err, errlen, "interrupted");
            goto out;
        }
        if (res == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            if (left == 0) {
                snprintf(err, errlen, "corrupt download: bin/chromium.br ends early");
                goto out;
            }
            size_t k = left > IN_SIZE ? IN_SIZE : (size_t)left;
            if (gz_read_full(gz, in, k) < 0) {
                snprintf(err, errlen, "corrupt download: the tarball ends early");
                goto out;
            }
            left -= k;
            avail_in = k;
            next_in = in;
        }
        size_t avail_out = OUT_SIZE;
        uint8_t *next_out = outb;
        res = BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (res == BROTLI_DECODER_RESULT_ERROR) {
            snprintf(err, errlen, "corrupt download: bin/chromium.br: brotli: %s",
                     BrotliDecoderErrorString(BrotliDecoderGetErrorCode(st)));
            goto out;
        }
        size_t produced = OUT_SIZE - avail_out;
        for (size_t off = 0; off < produced;) {
            ssize_t w = write(fd, outb + off, produced - off);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
                goto out;
            }
            off += (size_t)w;
        }
    }
    if (left > 0 && gz_skip(gz, left) < 0) {
        snprintf(err, errlen, "corrupt download: the tarball ends early");
        goto out;
    }
    rc = 0;
out:
    BrotliDecoderDestroyInstance(st);
    free(in);
    free(outb);
    if (close(fd) < 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* Value of "key=" in a pax header block ("LEN key=value\n" records). */
static void pax_value(const char *data, size_t len, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (size_t p = 0; p < len;) {
        char *end;
        unsigned long rl = strtoul(data + p, &end, 10);
        if (rl == 0 || p + rl > len || *end != ' ')
            return;
        const char *kv = end + 1;
        size_t kvlen = rl - (size_t)(kv - (data + p));
        if (kvlen > kl + 1 && strncmp(kv, key, kl) == 0 && kv[kl] == '=') {
            size_t vl = kvlen - kl - 2;     /* less '=' and '\n' */
            snprintf(out, outlen, "%.*s", (int)vl, kv + kl + 1);
        }
        p += rl;
    }
}

static int extract_brotli_member(const char *tarball, const char *want, const char *out_path,
                                 volatile int *interrupted, char *err, size_t errlen)
{
    gzFile gz = gzopen(tarball, "rb");
    if (!gz) {
        snprintf(err, errlen, "%s: %s", tarball, strerror(errno));
        return -1;
    }
    gzbuffer(gz, 1 << 17);
    char hdr[512], long_name[4096] = "";
    int rc = -1;
    for (;;) {
        if (gz_read_full(gz, hdr, sizeof hdr) < 0) {
            snprintf(err, errlen, "corrupt download: %s is not a complete gzip tar", tarball);
            break;
        }
        bool zero = true;
        for (size_t i = 0; i < sizeof hdr && zero; i++)
            zero = hdr[i] == 0;
        if (zero) {
            snprintf(err, errlen, "%s has no %s", tarball, want);
            break;
        }
        uint64_t size = tar_octal(hdr + 124, 12);
        char type = hdr[156];
        char name[4096];
        if (long_name[0]) {
            snprintf(name, sizeof name, "%s", long_name);
            long_name[0] = 0;
        } else if (memcmp(hdr + 257, "ustar", 5) == 0 && hdr[345]) {
            snprintf(name, sizeof name, "%.155s/%.100s", hdr + 345, hdr);
        } else {
            snprintf(name, sizeof name, "%.100s", hdr);
        }
        uint64_t padded = (size + 511) / 512 * 512;
        if (type == 'x' || type == 'L') {
            if (size > 65536) {
                snprintf(err, errlen, "corrupt download: %s: oversized header", tarball);
                break;
            }
            char *data = xmalloc((size_t)padded + 1);
            if (gz_read_full(gz, data, (size_t)padded) < 0) {
                free(data);
                snprintf(err, errlen, "corrupt download: %s ends early", tarball);
                break;
            }
            data[size] = 0;
            if (type == 'L')
                snprintf(long_name, sizeof long_name, "%s", data);
            else
                pax_value(data, (size_t)size, "path", long_name, sizeof long_name);
            free(data);
            continue;
        }
        const char *rel = strchr(name, '/');
        rel = rel ? rel + 1 : name;
        if ((type == '0' || type == 0) && strcmp(rel, want) == 0) {
            rc = brotli_member(gz, size, out_path, interrupted, err, errlen);
            break;
        }
        if (gz_skip(gz, padded) < 0) {
            snprintf(err, errlen, "corrupt download: %s ends early", tarball);
            break;
        }
    }
    gzclose(gz);
    return rc;
}

/* ---- starting a browser once ---- */

static void probe_lws_log(int level, const char *line)
{
    if (level == LLL_ERR)
        fprintf(stderr, "wasmlab: libwebsockets: %s", line);
}

/* Starts exe, asks Browser.getVersion and closes it; fills the entry's
 * product, revision, v8_version, user_agent, protocol_version and kind. */
static int probe(const char *exe, char *const *flags, int timeout_ms, struct browser_entry *e,
                 char *err, size_t errlen)
{
    struct browser_options bo = { .path = exe, .extra_args = (const char *const *)flags,
                                  .startup_timeout_ms = timeout_ms };
    char why[512];
    struct browser *b = browser_launch(&bo, why, sizeof why);
    if (!b) {
        snprintf(err, errlen, "it does not start: %s", why);
        return -1;
    }
    lws_set_log_level(LLL_ERR, probe_lws_log);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    struct lws_context *ctx = lws_create_context(&info);
    int rc = -1;
    struct cdp *c = NULL;
    json_t *v = NULL;
    if (!ctx) {
        snprintf(err, errlen, "cannot create the event loop");
        goto out;
    }
    c = cdp_connect(ctx, b->port, b->ws_path, 10000, NULL, NULL, why, sizeof why);
    if (!c) {
        snprintf(err, errlen, "it started but DevTools did not answer: %s", why);
        goto out;
    }
    if (cdp_call(c, NULL, "Browser.getVersion", NULL, &v, 10000) != CDP_OK) {
        snprintf(err, errlen, "it started but Browser.getVersion failed: %s", cdp_errmsg(c));
        goto out;
    }
    e->product = jdup(v, "product");
    e->revision = jdup(v, "revision");
    e->v8_version = jdup(v, "jsVersion");
    e->user_agent = jdup(v, "userAgent");
    e->protocol_version = jdup(v, "protocolVersion");
    /* As run.c: headless_shell builds call themselves HeadlessChrome; full
     * Chromium in --headless=new mode reports Chrome. */
    free(e->kind);
    e->kind = xstrdup(e->product && strncmp(e->product, "HeadlessChrome/", 15) == 0
                          ? "headless_shell" : "chromium");
    rc = 0;
    cdp_send(c, NULL, "Browser.close", NULL);
    browser_wait_exit(b, 5000);
out:
    json_decref(v);
    cdp_close(c);
    if (ctx)
        lws_context_destroy(ctx);
    browser_free(b);
    return rc;
}

/* ---- adding ---- */

/* Removes .tmp-<pid>-* folders whose add process is gone. */
static void clean_stale_tmp(const char *store)
{
    DIR *d = opendir(store);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid;
        char pidtxt[32];
        if (strncmp(de->d_name, ".tmp-", 5) != 0)
            continue;
        snprintf(pidtxt, sizeof pidtxt, "%.*s", (int)strcspn(de->d_name + 5, "-"),
                 de->d_name + 5);
        if (parse_long(pidtxt, 1, INT_MAX, &pid) < 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *p = xasprintf("%s/%s", store, de->d_name);
        remove_tree(p);
        free(p);
    }
    closedir(d);
}

static int mkdir_p(const char *path, bool *created)
{
    char *p = xstrdup(path);
    *created = false;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0755) == 0) {
                if (!c)
                    *created = true;
            } else if (errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/* npm: resolve, pack (or use opt->tarball), verify, decompress into
 * tmp/<name>/chromium. Fills e->version, package, integrity, source, name. */
static int fetch_npm(const char *want, const char *tmp, const struct browser_add_options *opt,
                     struct browser_entry *e, char **entry_dir, char *err, size_t errlen)
{
    volatile int *intr = opt->interrupted;
    char version[64];
    int vrc = npm_resolve(want, version, sizeof version, intr, err, errlen);
    if (vrc < 0)
        return vrc;
    char pkgver[128];
    snprintf(pkgver, sizeof pkgver, "%s@%s", NPM_PACKAGE, version);
    json_t *iv = npm_view(pkgver, "dist.integrity", intr, err, errlen);
    if (!iv)
        return -1;
    if (!json_is_string(iv)) {
        snprintf(err, errlen, "npm view %s dist.integrity: not a string", pkgver);
        json_decref(iv);
        return -1;
    }
    e->integrity = xstrdup(json_string_value(iv));
    json_decref(iv);

    char *tarball = NULL;
    if (opt->tarball) {
        tarball = xstrdup(opt->tarball);
    } else {
        notef("downloading %s (npm pack)", pkgver);
        const char *argv[] = { "npm", "pack", pkgver, "--json", "--pack-destination", tmp, NULL };
        struct child c;
        if (run_child(argv, tmp, 1800000, intr, &c, err, errlen) < 0) {
            child_free(&c);
            return -1;
        }
        if (!child_ok(&c)) {
            char what[200];
            snprintf(what, sizeof what, "npm pack %s", pkgver);
            npm_failure(what, &c, err, errlen);
            child_free(&c);
            return -1;
        }
        json_t *o = json_loads(c.out.data ? c.out.data : "", 0, NULL);
        const char *fn = json_string_value(json_object_get(json_array_get(o, 0), "filename"));
        if (fn && !strchr(fn, '/'))
            tarball = xasprintf("%s/%s", tmp, fn);
        else
            snprintf(err, errlen, "npm pack %s: no filename in its --json output", pkgver);
        json_decref(o);
        child_free(&c);
        if (!tarball)
            return -1;
    }
    int rc = verify_integrity(tarball, e->integrity, intr, err, errlen);
    if (rc == 0) {
        e->name = xasprintf("chromium-%s", version);
        *entry_dir = xasprintf("%s/%s", tmp, e->name);
        if (mkdir(*entry_dir, 0755) < 0) {
            snprintf(err, errlen, "cannot create %s: %s", *entry_dir, strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0) {
        notef("decompressing bin/chromium.br");
        char *exe = xasprintf("%s/chromium", *entry_dir);
        rc = extract_brotli_member(tarball, "bin/chromium.br", exe, intr, err, errlen);
        free(exe);
    }
    if (!opt->tarball)
        unlink(tarball);          /* the temp folder goes anyway; free the space now */
    free(tarball);
    if (rc < 0)
        return -1;
    e->source = xstrdup("npm");
    e->package = xstrdup(NPM_PACKAGE);
    e->version = xstrdup(version);
    return 0;
}

/* Debian: `apt-cache madison PKG` lines "PKG | VERSION | SOURCE". */
static int debian_resolve(const char *pkg, const char *want, char *version, size_t vlen,
                          volatile int *intr, char *err, size_t errlen)
{
    const char *argv[] = { "apt-cache", "madison", pkg, NULL };
    struct child c;
    if (run_child(argv, NULL, 60000, intr, &c, err, errlen) < 0) {
        child_free(&c);
        return -1;
    }
    version[0] = 0;
    char seen[512] = "";
    for (char *line = c.out.data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        char *bar1 = strchr(line, '|');
        char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        if (bar1 && bar2) {
            char v[128];
            char *s = bar1 + 1;
            while (*s == ' ')
                s++;
            size_t l = (size_t)(bar2 - s);
            while (l > 0 && s[l - 1] == ' ')
                l--;
            snprintf(v, sizeof v, "%.*s", (int)l, s);
            if (strlen(seen) + strlen(v) + 3 < sizeof seen && !strstr(seen, v))
                snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s",
                         seen[0] ? ", " : "", v);
            if (version_matches(want, v, true) && (!version[0] || version_cmp(v, version) > 0))
                snprintf(version, vlen, "%s", v);
        }
        line = nl ? nl + 1 : NULL;
    }
    int ok = child_ok(&c);
    child_free(&c);
    if (!version[0]) {
        snprintf(err, errlen, "no Debian %s version matches %s (apt knows %s%s)", pkg, want,
                 seen[0] ? seen : "none", ok ? "; try apt-get update" : "");
        return ok ? -2 : -1;
    }
    return 0;
}

/* The SHA256 field of `apt-cache show PKG=VERSION`. */
static int debian_sha256(const char *pkgver, char *hex, size_t hexlen, volatile int *intr,
                         char *err, size_t errlen)
{
    const char *argv[] = { "apt-cache", "show", "--no-all-versions", pkgver, NULL };
    struct child c;
    if (run_child(argv, NULL, 60000, intr, &c, err, errlen) < 0) {
        child_free(&c);
        return -1;
    }
    hex[0] = 0;
    const char *p = c.out.data ? strstr(c.out.data, "\nSHA256: ") : NULL;
    if (p)
        snprintf(hex, hexlen, "%.64s", p + 9);
    child_free(&c);
    if (strlen(hex) != 64) {
        snprintf(err, errlen, "apt-cache show %s: no SHA256", pkgver);
        return -1;
    }
    return 0;
}

static int fetch_debian(const char *want, bool shell, const char *tmp,
                        const struct browser_add_options *opt, struct browser_entry *e,
                        char **entry_dir, char **exe_rel, char *err, size_t errlen)
{
    volatile int *intr = opt->interrupted;
    const char *pkg = shell ? "chromium-headless-shell" : "chromium";
    char version[128];
    int vrc = debian_resolve(pkg, want, version, sizeof version, intr, err, errlen);
    if (vrc < 0)
        return vrc;
    const char *pkgs[2] = { pkg, "chromium-common" };
    char pv[2][200], sha[2][80];
    for (int i = 0; i < 2; i++) {
        snprintf(pv[i], sizeof pv[i], "%s=%s", pkgs[i], version);
        if (debian_sha256(pv[i], sha[i], sizeof sha[i], intr, err, errlen) < 0)
            return -1;
    }
    notef("downloading %s and %s (apt-get download)", pv[0], pv[1]);
    const char *argv[] = { "apt-get", "download", "-q", pv[0], pv[1], NULL };
    struct child c;
    if (run_child(argv, tmp, 1800000, intr, &c, err, errlen) < 0) {
        child_free(&c);
        return -1;
    }
    if (!child_ok(&c)) {
        char tail[300];
        child_err_tail(&c, tail, sizeof tail);
        snprintf(err, errlen, "apt-get download %s %s failed%s%s", pv[0], pv[1],
                 tail[0] ? ": " : "", tail);
        child_free(&c);
        return -1;
    }
    child_free(&c);

    char upstream[128];
    snprintf(upstream, sizeof upstream, "%s", version);
    upstream[strcspn(upstream, "-")] = 0;
    e->name = xasprintf("%s-%s", shell ? "debian-headless-shell" : "debian", upstream);
    *entry_dir = xasprintf("%s/%s", tmp, e->name);
    char *root = xasprintf("%s/root", *entry_dir);
    int rc = mkdir(*entry_dir, 0755) == 0 && mkdir(root, 0755) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot create %s: %s", root, strerror(errno));
    char integrity[400] = "";
    for (int i = 0; rc == 0 && i < 2; i++) {
        /* apt names the file PKG_VERSION_ARCH.deb (':' escaped): find it. */
        DIR *d = opendir(tmp);
        char *deb = NULL;
        struct dirent *de;
        size_t pl = strlen(pkgs[i]);
        while (d && (de = readdir(d)))
            if (strncmp(de->d_name, pkgs[i], pl) == 0 && de->d_name[pl] == '_' &&
                strstr(de->d_name, ".deb")) {
                free(deb);
                deb = xasprintf("%s/%s", tmp, de->d_name);
            }
        if (d)
            closedir(d);
        if (!deb) {
            snprintf(err, errlen, "apt-get download left no %s .deb", pkgs[i]);
            rc = -1;
            break;
        }
        char mine[80];
        if (file_digest(deb, "sha256", false, mine, sizeof mine, intr, err, errlen) < 0) {
            rc = -1;
        } else if (strcmp(mine, sha[i]) != 0) {
            snprintf(err, errlen, "corrupt download: sha256 of %s is %s, apt says %s", deb, mine,
                     sha[i]);
            rc = -1;
        } else {
            snprintf(integrity + strlen(integrity), sizeof integrity - strlen(integrity),
                     "%s%s sha256:%s", integrity[0] ? " " : "", pv[i], mine);
            const char *xargv[] = { "dpkg-deb", "-x", deb, root, NULL };
            if (run_child(xargv, tmp, 600000, intr, &c, err, errlen) < 0) {
                rc = -1;
            } else if (!child_ok(&c)) {
                char tail[300];
                child_err_tail(&c, tail, sizeof tail);
                snprintf(err, errlen, "dpkg-deb -x %s failed%s%s", deb, tail[0] ? ": " : "",
                         tail);
                rc = -1;
            }
            child_free(&c);
        }
        unlink(deb);
        free(deb);
    }
    free(root);
    if (rc < 0)
        return -1;
    *exe_rel = xstrdup(shell ? "root/usr/lib/chromium/chromium-headless-shell"
                             : "root/usr/lib/chromium/chromium");
    e->source = xstrdup("debian");
    e->package = xstrdup(pkg);
    e->version = xstrdup(version);
    e->integrity = xstrdup(integrity);
    return 0;
}

int browser_store_add(const char *store, const char *spec_text,
                      const struct browser_add_options *opt_in, struct browser_entry *out,
                      char *err, size_t errlen)
{
    struct browser_add_options opt = opt_in ? *opt_in : (struct browser_add_options){ 0 };
    struct spec sp;
    int prc = parse_spec(spec_text, &sp, err, errlen);
    if (prc < 0)
        return prc;
    if (sp.kind == SPEC_NAME) {
        snprintf(err, errlen, "cannot add '%s': say chromium@VERSION, debian@VERSION, "
                 "debian-headless-shell@VERSION or system [PATH]", spec_text);
        return -2;
    }
    if (opt.tarball && sp.kind != SPEC_NPM) {
        snprintf(err, errlen, "a tarball applies only to chromium@VERSION");
        return -2;
    }
    /* The system entry's name. */
    char sys_name[256] = "system";
    const char *sys_path = opt.system_path ? opt.system_path : SYSTEM_DEFAULT;
    if (sp.kind == SPEC_SYSTEM) {
        if (opt.name) {
            snprintf(sys_name, sizeof sys_name, "%s", opt.name);
        } else if (opt.system_path) {
            const char *base = strrchr(sys_path, '/');
            snprintf(sys_name, sizeof sys_name, "system-%s", base ? base + 1 : sys_path);
        }
        if (!sys_name[0] || sys_name[0] == '.' || strchr(sys_name, '/') || strchr(sys_name, '@')) {
            snprintf(err, errlen, "bad entry name '%s' (no '/', '@' or leading '.')", sys_name);
            return -2;
        }
        if (sys_path[0] != '/') {
            snprintf(err, errlen, "system browser %s: give an absolute path", sys_path);
            return -2;
        }
        sp.name = sys_name;
    }

    /* Already there? Nothing to do (and no network needed). */
    struct browser_entry have;
    int f = find_parsed(store, &sp, &have, err, errlen);
    if (f < 0)
        return -1;
    if (f == 1) {
        if (out)
            *out = have;
        else
            browser_entry_free(&have);
        return 0;
    }

    bool created = false;
    if (mkdir_p(store, &created) < 0) {
        snprintf(err, errlen, "browser store %s: cannot create it: %s", store, strerror(errno));
        return -1;
    }
    clean_stale_tmp(store);
    char *tmp = xasprintf("%s/.tmp-%ld-XXXXXX", store, (long)getpid());
    if (!mkdtemp(tmp)) {
        snprintf(err, errlen, "browser store %s: cannot create a temp folder: %s", store,
                 strerror(errno));
        free(tmp);
        if (created)
            rmdir(store);
        return -1;
    }

    struct browser_entry e;
    memset(&e, 0, sizeof e);
    char *entry_dir = NULL, *exe_rel = NULL, *final_dir = NULL;
    int rc = -1;
    switch (sp.kind) {
    case SPEC_NPM:
        rc = fetch_npm(sp.version, tmp, &opt, &e, &entry_dir, err, errlen);
        exe_rel = xstrdup("chromium");
        break;
    case SPEC_DEBIAN:
    case SPEC_DEBIAN_SHELL:
        rc = fetch_debian(sp.version, sp.kind == SPEC_DEBIAN_SHELL, tmp, &opt, &e, &entry_dir,
                          &exe_rel, err, errlen);
        break;
    case SPEC_SYSTEM:
        e.name = xstrdup(sys_name);
        e.source = xstrdup("system");
        entry_dir = xasprintf("%s/%s", tmp, sys_name);
        exe_rel = xstrdup(sys_path);
        rc = mkdir(entry_dir, 0755);
        if (rc < 0)
            snprintf(err, errlen, "cannot create %s: %s", entry_dir, strerror(errno));
        break;
    case SPEC_NAME:
        break;
    }
    if (rc < 0)
        goto fail;

    /* Another add may have finished the same version meanwhile. */
    final_dir = xasprintf("%s/%s", store, e.name);
    struct stat st;
    if (lstat(final_dir, &st) == 0) {
        rc = find_parsed(store, &sp, &have, err, errlen);
        if (rc == 1) {
            remove_tree(tmp);
            if (out)
                *out = have;
            else
                browser_entry_free(&have);
            rc = 0;
            goto done;
        }
        snprintf(err, errlen, "browser store: %s exists but is not a usable entry "
                 "(remove it first)", final_dir);
        rc = -1;
        goto fail;
    }

    e.flags = xcalloc(1, sizeof *e.flags);     /* none needed so far */
    char *exe = exe_rel[0] == '/' ? xstrdup(exe_rel) : xasprintf("%s/%s", entry_dir, exe_rel);
    notef("starting %s once", exe);
    char why[768];
    rc = probe(exe, e.flags, opt.start_timeout_ms > 0 ? opt.start_timeout_ms : 30000, &e,
               why, sizeof why);
    free(exe);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", spec_text, why);
        goto fail;
    }
    char now[40];
    utc_iso8601(now, sizeof now);
    e.added_at = xstrdup(now);
    if (entry_save(entry_dir, &e, exe_rel, err, errlen) < 0) {
        rc = -1;
        goto fail;
    }
    if (rename(entry_dir, final_dir) < 0) {
        snprintf(err, errlen, "browser store: cannot move %s into place: %s", e.name,
                 strerror(errno));
        rc = -1;
        goto fail;
    }
    remove_tree(tmp);
    if (out) {
        rc = entry_load(final_dir, e.name, out, err, errlen) < 0 ? -1 : 1;
    } else {
        rc = 1;
    }
    goto done;
fail:
    remove_tree(tmp);
    if (created)
        rmdir(store);
    if (rc != -2)
        rc = -1;
done:
    browser_entry_free(&e);
    free(tmp);
    free(entry_dir);
    free(exe_rel);
    free(final_dir);
    return rc;
}

int browser_store_remove(const char *store, const char *spec, char *err, size_t errlen)
{
    struct browser_entry e;
    int f = browser_store_find(store, spec, &e, err, errlen);
    if (f < 0)
        return f;
    if (f == 0) {
        snprintf(err, errlen, "browser %s is not in the store %s", spec, store);
        return -2;
    }
    /* Move it aside first, so a half-removed folder is never listed. */
    char *aside = xasprintf("%s/.tmp-%ld-rm-%s", store, (long)getpid(), e.name);
    int rc = 0;
    if (rename(e.dir, aside) < 0 || remove_tree(aside) < 0) {
        snprintf(err, errlen, "browser store: cannot remove %s: %s", e.dir, strerror(errno));
        rc = -1;
    }
    free(aside);
    browser_entry_free(&e);
    return rc;
}

const char *browser_store_resolve_arg(const char *arg)
{
    static char path[4096];
    if (strchr(arg, '/')) {
        snprintf(path, sizeof path, "%s", arg);
        return path;
    }
    char store[4096], err[512];
    browser_store_default_dir(store, sizeof store);
    struct browser_entry e;
    int f = browser_store_find(store, arg, &e, err, sizeof err);
    if (f < 0) {
        warnf("%s", err);
        return NULL;
    }
    if (f == 0) {
        warnf("browser %s is not in the store %s (add it: wasmlab browsers add %s)", arg, store,
              arg);
        return NULL;
    }
    snprintf(path, sizeof path, "%s", e.path);
    browser_entry_free(&e);
    return path;
}
