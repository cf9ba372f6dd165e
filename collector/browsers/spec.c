#define _GNU_SOURCE
#include "collector/browsers/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cdp/session.h"
#include "collector/browsers/store_internal.h"

/* ---- store specs ---- */

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

int store_spec_parse(const char *s, struct spec *sp, char *err, size_t errlen)
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
int store_version_cmp(const char *a, const char *b)
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
bool store_version_matches(const char *want, const char *have, bool debian)
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

bool store_entry_matches(const struct browser_entry *e, const struct spec *sp)
{
    switch (sp->kind) {
    case SPEC_NPM:
        return strcmp(e->source, "npm") == 0 && e->version &&
               store_version_matches(sp->version, e->version, false);
    case SPEC_DEBIAN:
    case SPEC_DEBIAN_SHELL:
        return strcmp(e->source, "debian") == 0 && e->version &&
               strcmp(e->id.kind, sp->kind == SPEC_DEBIAN ? BROWSER_KIND_CHROMIUM
                                                          : BROWSER_KIND_HEADLESS_SHELL) == 0 &&
               store_version_matches(sp->version, e->version, true);
    case SPEC_SYSTEM:
    case SPEC_NAME:
        return strcmp(e->name, sp->name) == 0;
    }
    return false;
}

/* ---- the --browser resolver ---- */

void browser_choice_free(struct browser_choice *c)
{
    free(c->spec);
    free(c->path);
    memset(c, 0, sizeof *c);
}

static void choose(struct browser_choice *out, const char *spec, const char *path,
                   const char *kind)
{
    out->spec = xstrdup(spec);
    out->path = xstrdup(path);
    out->kind = kind;
}

/* The kind of a path, when it is one of Debian's two builds. */
static const char *kind_of_path(const char *path)
{
    if (strcmp(path, BROWSER_PATH_HEADLESS_SHELL) == 0)
        return BROWSER_KIND_HEADLESS_SHELL;
    if (strcmp(path, BROWSER_PATH_CHROMIUM) == 0)
        return BROWSER_KIND_CHROMIUM;
    return NULL;
}

/* A store build: found, or added with fetch. */
static int resolve_stored(const char *spec, bool fetch, struct browser_choice *out,
                          char *err, size_t errlen)
{
    char store[4096];
    browser_store_default_dir(store, sizeof store);
    struct browser_entry e;
    memset(&e, 0, sizeof e);
    int rc = browser_store_find(store, spec, &e, err, errlen);
    if (rc == 0 && fetch) {
        notef("adding %s to the browser store %s", spec, store);
        struct browser_add_options opt;
        memset(&opt, 0, sizeof opt);
        rc = browser_store_add(store, spec, &opt, &e, err, errlen);
        rc = rc >= 0 ? 1 : rc;
    }
    if (rc == 1) {
        choose(out, spec, e.path, e.id.kind);
        browser_entry_free(&e);
        return 0;
    }
    if (rc == 0) {
        snprintf(err, errlen, "browser %s is not in the store %s (add it: wasmlab browsers add %s)",
                 spec, store, spec);
        return -2;
    }
    return rc;
}

int browser_spec_resolve(const char *cmd, const char *spec, bool fetch,
                         struct browser_choice *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (strcmp(spec, "headless-shell") == 0) {
        choose(out, spec, BROWSER_PATH_HEADLESS_SHELL, BROWSER_KIND_HEADLESS_SHELL);
        return 0;
    }
    if (strcmp(spec, "chromium") == 0) {
        choose(out, spec, BROWSER_PATH_CHROMIUM, BROWSER_KIND_CHROMIUM);
        return 0;
    }
    if (strchr(spec, '/')) {
        choose(out, spec, spec, kind_of_path(spec));
        return 0;
    }
    if (strcmp(spec, "system") == 0) {
        warnf("%s: browser system is the full Chromium (%s), not the headless_shell build "
              "the defaults use; say chromium for it, or headless-shell", cmd,
              BROWSER_PATH_CHROMIUM);
        /* A `wasmlab browsers add system` entry still wins, as before. */
        if (resolve_stored(spec, false, out, err, errlen) == 0)
            return 0;
        choose(out, spec, BROWSER_PATH_CHROMIUM, BROWSER_KIND_CHROMIUM);
        return 0;
    }
    return resolve_stored(spec, fetch, out, err, errlen);
}

bool browser_choices_warn_mixed(const char *cmd, const struct browser_choice *v, size_t n)
{
    const struct browser_choice *shell = NULL, *full = NULL;
    for (size_t i = 0; i < n; i++) {
        if (v[i].kind && strcmp(v[i].kind, BROWSER_KIND_HEADLESS_SHELL) == 0 && !shell)
            shell = &v[i];
        else if (v[i].kind && strcmp(v[i].kind, BROWSER_KIND_CHROMIUM) == 0 && !full)
            full = &v[i];
    }
    if (!shell || !full)
        return false;
    warnf("%s: browsers mix a headless_shell build (%s) and a full Chromium (%s): their "
          "compile times differ by kind, so compare like with like", cmd, shell->spec,
          full->spec);
    return true;
}
