#define _GNU_SOURCE
#include "collector/browsers/browser_store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "base/util.h"
#include "collector/browsers/store_internal.h"

#define ENTRY_FILE "browser.json"

/* ---- entries: browser.json ---- */

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
    if (e->flags)
        for (char **f = e->flags; *f; f++)
            free(*f);
    free(e->flags);
    browser_identity_free(&e->id);
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
    e->id.kind = strcmp(kind, BROWSER_KIND_HEADLESS_SHELL) == 0 ? BROWSER_KIND_HEADLESS_SHELL
                                                               : BROWSER_KIND_CHROMIUM;
    e->package = jdup(o, "package");
    e->version = jdup(o, "version");
    e->id.product = jdup(o, "product");
    e->id.revision = jdup(o, "revision");
    e->id.v8_version = jdup(o, "v8_version");
    e->id.user_agent = jdup(o, "user_agent");
    e->id.protocol_version = jdup(o, "protocol_version");
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
    set_str(o, "kind", e->id.kind);
    json_t *flags = json_array();
    for (char **f = e->flags; f && *f; f++)
        json_array_append_new(flags, json_string(*f));
    json_object_set_new(o, "flags", flags);
    set_str(o, "product", e->id.product);
    set_str(o, "revision", e->id.revision);
    set_str(o, "v8_version", e->id.v8_version);
    set_str(o, "user_agent", e->id.user_agent);
    set_str(o, "protocol_version", e->id.protocol_version);
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

int store_find_parsed(const char *store, const struct spec *sp, struct browser_entry *out,
                       char *err, size_t errlen)
{
    struct browser_entry *v;
    size_t n;
    if (browser_store_list(store, &v, &n, err, errlen) < 0)
        return -1;
    ssize_t best = -1;
    for (size_t i = 0; i < n; i++)
        if (store_entry_matches(&v[i], sp) &&
            (best < 0 || (v[i].version && v[best].version &&
                          store_version_cmp(v[i].version, v[best].version) > 0)))
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
    int prc = store_spec_parse(spec, &sp, err, errlen);
    if (prc < 0)
        return prc;
    return store_find_parsed(store, &sp, out, err, errlen);
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

/* The system entry's name: opt->name, else "system" or "system-<basename>"
 * when a path is given. 0, or -1 with err (a bad name, a relative path). */
static int system_entry_name(const struct browser_add_options *opt, const char *sys_path,
                             char *name, size_t len, char *err, size_t errlen)
{
    if (opt->name) {
        snprintf(name, len, "%s", opt->name);
    } else if (opt->system_path) {
        const char *base = strrchr(sys_path, '/');
        snprintf(name, len, "system-%s", base ? base + 1 : sys_path);
    }
    if (!name[0] || name[0] == '.' || strchr(name, '/') || strchr(name, '@')) {
        snprintf(err, errlen, "bad entry name '%s' (no '/', '@' or leading '.')", name);
        return -1;
    }
    if (sys_path[0] != '/') {
        snprintf(err, errlen, "system browser %s: give an absolute path", sys_path);
        return -1;
    }
    return 0;
}

/* Fetches what sp names into tmp/<name>/: fills e (name, source, ...),
 * *entry_dir and *exe_rel (relative to it, or absolute for system). */
static int fetch_into(const struct spec *sp, const char *tmp,
                      const struct browser_add_options *opt, const char *sys_name,
                      const char *sys_path, struct browser_entry *e, char **entry_dir,
                      char **exe_rel, char *err, size_t errlen)
{
    int rc = -1;
    switch (sp->kind) {
    case SPEC_NPM:
        rc = store_fetch_npm(sp->version, tmp, opt, e, entry_dir, err, errlen);
        *exe_rel = xstrdup("chromium");
        break;
    case SPEC_DEBIAN:
    case SPEC_DEBIAN_SHELL:
        rc = store_fetch_debian(sp->version, sp->kind == SPEC_DEBIAN_SHELL, tmp, opt, e,
                                entry_dir, exe_rel, err, errlen);
        break;
    case SPEC_SYSTEM:
        e->name = xstrdup(sys_name);
        e->source = xstrdup("system");
        *entry_dir = xasprintf("%s/%s", tmp, sys_name);
        *exe_rel = xstrdup(sys_path);
        rc = mkdir(*entry_dir, 0755);
        if (rc < 0)
            snprintf(err, errlen, "cannot create %s: %s", *entry_dir, strerror(errno));
        break;
    case SPEC_NAME:
        break;
    }
    return rc;
}

int browser_store_add(const char *store, const char *spec_text,
                      const struct browser_add_options *opt_in, struct browser_entry *out,
                      char *err, size_t errlen)
{
    struct browser_add_options opt = opt_in ? *opt_in : (struct browser_add_options){ 0 };
    struct spec sp;
    int prc = store_spec_parse(spec_text, &sp, err, errlen);
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
    char sys_name[256] = "system";
    const char *sys_path = opt.system_path ? opt.system_path : SYSTEM_DEFAULT;
    if (sp.kind == SPEC_SYSTEM) {
        if (system_entry_name(&opt, sys_path, sys_name, sizeof sys_name, err, errlen) < 0)
            return -2;
        sp.name = sys_name;
    }

    /* Already there? Nothing to do (and no network needed). */
    struct browser_entry have;
    int f = store_find_parsed(store, &sp, &have, err, errlen);
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
    int rc = fetch_into(&sp, tmp, &opt, sys_name, sys_path, &e, &entry_dir, &exe_rel, err,
                        errlen);
    if (rc < 0)
        goto fail;

    /* Another add may have finished the same version meanwhile. */
    final_dir = xasprintf("%s/%s", store, e.name);
    struct stat st;
    if (lstat(final_dir, &st) == 0) {
        rc = store_find_parsed(store, &sp, &have, err, errlen);
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
    rc = store_probe(exe, e.flags, opt.start_timeout_ms > 0 ? opt.start_timeout_ms : 30000, &e,
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

