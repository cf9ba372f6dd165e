/* spec: what a user writes to name a browser, in one resolver.
 *
 * `wasmlab run --browser SPEC` and an experiment's "browsers" list take:
 *
 *   headless-shell      Debian's headless_shell build (the default):
 *                       /usr/lib/chromium/chromium-headless-shell
 *   chromium            Debian's full Chromium: /usr/bin/chromium
 *   system              old alias of chromium (warns: it is the full build)
 *   chromium@126, debian@150, debian-headless-shell@150, NAME
 *                       a build in the browser store (browser_store.h)
 *   /path/to/binary     any executable (anything with a '/')
 *
 * headless_shell and full Chromium compile and run wasm differently, so
 * the names say the kind, and browser_choices_warn_mixed warns before one
 * comparison holds both. */
#ifndef WASMLAB_BROWSER_SPEC_H
#define WASMLAB_BROWSER_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#define BROWSER_PATH_HEADLESS_SHELL "/usr/lib/chromium/chromium-headless-shell"
#define BROWSER_PATH_CHROMIUM "/usr/bin/chromium"

/* A resolved spec. Strings owned; free with browser_choice_free. */
struct browser_choice {
    char *spec;          /* as written */
    char *path;          /* the executable */
    const char *kind;    /* BROWSER_KIND_* (cdp/session.h), or NULL when only
                            starting it will tell (a path wasmlab does not know) */
};
void browser_choice_free(struct browser_choice *c);

/* Resolves spec. Store builds are looked up in the default store
 * (browser_store_default_dir) and, with fetch, added to it when missing.
 * cmd prefixes the one warning line `system` prints. Returns 0, -2 (the spec
 * names nothing: unknown form, not in the store without fetch) or -1 (an
 * add failed), with one line in err that says how to fix it. */
int browser_spec_resolve(const char *cmd, const char *spec, bool fetch,
                         struct browser_choice *out, char *err, size_t errlen);

/* Prints one warning line, `wasmlab CMD: ...`, when the choices hold both a
 * headless_shell and a full Chromium build. Returns true when it warned. */
bool browser_choices_warn_mixed(const char *cmd, const struct browser_choice *v, size_t n);

#endif
