#define _GNU_SOURCE
#include "cdp/browser.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "base/util.h"

/* Flags that make a root, offline, GPU-less machine quiet and deterministic.
 * --headless=new is ignored by headless_shell builds and needed by full ones. */
static const char *const base_flags[] = {
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-quic",
    "--mute-audio",
    "--disable-features=SpareRendererForSitePerProcess,BackForwardCache",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
};

static const char *tmp_root(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

void browser_become_subreaper(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int browser_cleanup_stale(void)
{
    const char *root = tmp_root();
    DIR *d = opendir(root);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "wasmlab-profile-", 16) != 0 || n < 6 ||
            strcmp(e->d_name + n - 6, ".owner") != 0)
            continue;
        char *owner = xasprintf("%s/%s", root, e->d_name);
        size_t len = 0;
        uint8_t *text = read_whole_file(owner, &len);
        long pid = 0;
        if (text) {
            text[strcspn((char *)text, "\n")] = 0;
            parse_long((char *)text, 1, 1L << 30, &pid);
        }
        free(text);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) {
            free(owner);
            continue;   /* its wasmlab still runs */
        }
        char *dir = xstrdup(owner);
        dir[strlen(dir) - 6] = 0;
        char *log = xasprintf("%s.log", dir);
        remove_tree(dir);
        unlink(log);
        unlink(owner);
        removed++;
        free(dir);
        free(log);
        free(owner);
    }
    closedir(d);
    return removed;
}

void browser_reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static bool exe_ok(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "browser %s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
        snprintf(err, errlen, "browser %s: not an executable file", path);
        return false;
    }
    return true;
}

/* Reads DevToolsActivePort: "<port>\n/devtools/browser/<uuid>" (no final
 * newline). Returns true once both lines are there. */
static bool read_active_port(struct browser *b)
{
    char *file = xasprintf("%s/DevToolsActivePort", b->profile_dir);
    size_t len = 0;
    uint8_t *text = read_whole_file(file, &len);
    free(file);
    if (!text)
        return false;
    bool ok = false;
    char *nl = strchr((char *)text, '\n');
    if (nl) {
        *nl = 0;
        char *path = nl + 1;
        path[strcspn(path, "\r\n")] = 0;
        long port;
        /* "/devtools/browser/" + a 36-char UUID: a partly written file fails. */
        if (parse_long((char *)text, 1, 65535, &port) == 0 &&
            strncmp(path, "/devtools/browser/", 18) == 0 && strlen(path) >= 18 + 36 &&
            strlen(path) < sizeof b->ws_path) {
            b->port = (int)port;
            snprintf(b->ws_path, sizeof b->ws_path, "%s", path);
            ok = true;
        }
    }
    free(text);
    return ok;
}

struct browser *browser_launch(const struct browser_options *opt,
                               char *err, size_t errlen)
{
    if (!exe_ok(opt->path, err, errlen))
        return NULL;

    struct browser *b = xcalloc(1, sizeof *b);
    b->proc.pid = -1;
    b->path = xstrdup(opt->path);
    char *tmpl = xasprintf("%s/wasmlab-profile-XXXXXX", tmp_root());
    if (!mkdtemp(tmpl)) {
        snprintf(err, errlen, "cannot create a browser profile in %s: %s",
                 tmp_root(), strerror(errno));
        free(tmpl);
        browser_free(b);
        return NULL;
    }
    b->profile_dir = tmpl;   /* mkdtemp makes it 0700 */
    b->log_path = xasprintf("%s.log", b->profile_dir);
    b->owner_path = xasprintf("%s.owner", b->profile_dir);
    /* Who made it: if wasmlab is SIGKILLed, the next one removes the profile
     * (browser_cleanup_stale) once this pid is gone. */
    FILE *owner = fopen(b->owner_path, "we");
    if (owner) {
        fprintf(owner, "%ld\n", (long)getpid());
        fclose(owner);
    }

    /* argv: path, base flags, extra args, user-data-dir, about:blank */
    size_t n_extra = 0;
    while (opt->extra_args && opt->extra_args[n_extra])
        n_extra++;
    size_t n_base = sizeof base_flags / sizeof base_flags[0];
    char **argv = xcalloc(n_base + n_extra + 4, sizeof *argv);
    size_t k = 0;
    argv[k++] = b->path;
    for (size_t i = 0; i < n_base; i++)
        argv[k++] = (char *)base_flags[i];
    for (size_t i = 0; i < n_extra; i++)
        argv[k++] = (char *)opt->extra_args[i];
    char *udd = xasprintf("--user-data-dir=%s", b->profile_dir);
    argv[k++] = udd;
    argv[k++] = "about:blank";
    argv[k] = NULL;

    /* Its own group (the zygote and renderers die with it), dying with
     * wasmlab even if wasmlab is SIGKILLed: no orphaned browsers. */
    struct spawn_options so = {
        .file = b->path, .argv = argv, .new_group = true, .die_with_parent = true,
        .out = SPAWN_IO_FILE, .out_path = b->log_path, .err = SPAWN_IO_STDOUT,
    };
    char why[300];
    int src = spawn_start(&b->proc, &so, why, sizeof why);
    free(argv);
    free(udd);
    if (src < 0) {
        if (b->proc.exec_errno)
            snprintf(err, errlen, "browser %s: cannot execute: %s", opt->path,
                     strerror(b->proc.exec_errno));
        else
            snprintf(err, errlen, "cannot start browser %s: %s", opt->path, why);
        browser_free(b);
        return NULL;
    }

    int timeout_ms = opt->startup_timeout_ms > 0 ? opt->startup_timeout_ms : 20000;
    int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;
    while (!read_active_port(b)) {
        if (!browser_alive(b)) {
            char how[64], tail[256];
            browser_describe_exit(b, how, sizeof how);
            browser_log_tail(b, tail, sizeof tail);
            snprintf(err, errlen, "browser %s exited during start-up (%s)%s%s",
                     opt->path, how, tail[0] ? ": " : "", tail);
            browser_free(b);
            return NULL;
        }
        if (mono_us() > deadline) {
            snprintf(err, errlen, "browser %s did not open DevTools within %d ms "
                     "(is it a Chromium build?)", opt->path, timeout_ms);
            browser_free(b);
            return NULL;
        }
        usleep(10000);
    }
    return b;
}

bool browser_alive(struct browser *b)
{
    return b && spawn_alive(&b->proc);
}

bool browser_wait_exit(struct browser *b, int timeout_ms)
{
    return spawn_wait(&b->proc, timeout_ms);
}

void browser_kill(struct browser *b)
{
    if (b)
        spawn_kill(&b->proc);
}

void browser_free(struct browser *b)
{
    if (!b)
        return;
    browser_kill(b);
    if (b->profile_dir)
        remove_tree(b->profile_dir);
    /* WASMLAB_KEEP_BROWSER_LOG=1 keeps the browser's stderr for debugging. */
    const char *keep = getenv("WASMLAB_KEEP_BROWSER_LOG");
    if (b->log_path && !(keep && strcmp(keep, "1") == 0))
        unlink(b->log_path);
    else if (b->log_path)
        fprintf(stderr, "wasmlab: browser log kept: %s\n", b->log_path);
    if (b->owner_path)
        unlink(b->owner_path);
    free(b->owner_path);
    free(b->profile_dir);
    free(b->log_path);
    free(b->path);
    free(b);
}

void browser_describe_exit(const struct browser *b, char *buf, size_t len)
{
    spawn_describe(&b->proc, buf, len);
}

void browser_log_tail(const struct browser *b, char *buf, size_t len)
{
    buf[0] = 0;
    size_t n = 0;
    uint8_t *text = b->log_path ? read_whole_file(b->log_path, &n) : NULL;
    if (!text)
        return;
    /* last non-empty line that is not GPU noise */
    char *save = NULL, *line, *last = NULL;
    for (line = strtok_r((char *)text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (*line && !strstr(line, "GLES") && !strstr(line, "GPU process"))
            last = line;
    }
    if (last)
        snprintf(buf, len, "%s", last);
    free(text);
}
