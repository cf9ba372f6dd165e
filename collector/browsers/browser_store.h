/* browser_store: Chromium builds kept on disk for wasmlab to launch.
 *
 * The store is a folder (default ~/.cache/wasmlab/browsers; $WASMLAB_BROWSER_STORE
 * overrides it) with one sub-folder per browser, named after it:
 *
 *   chromium-126.0.0/                   @sparticuz/chromium 126.0.0 (npm)
 *       chromium                        the decompressed headless_shell binary
 *       browser.json                    what is known about it (below)
 *       locales/                        created by the binary on first start
 *   debian-150.0.7871.100/              Debian's chromium 150 (full build)
 *       root/usr/lib/chromium/...       chromium + chromium-common, dpkg-deb -x
 *       browser.json
 *   debian-headless-shell-150.0.7871.100/   Debian's chromium-headless-shell
 *   system/browser.json                 a registered outside executable
 *
 * browser.json: name, source ("npm" | "debian" | "system"), package, version,
 * executable (relative to the folder, or absolute for "system"), kind
 * ("headless_shell" | "chromium"), flags (browser flags this build needs on
 * top of cdp/browser.c's base flags: none so far), product, revision,
 * v8_version, user_agent, protocol_version (from Browser.getVersion when it
 * was added), integrity (what the download was verified against), added_at.
 *
 * Adding is all-or-nothing: everything happens in <store>/.tmp-<pid>-XXXXXX,
 * the browser is started once (Browser.getVersion) to prove it runs, and only
 * then is its folder renamed into place. A failed or interrupted add leaves
 * the store as it was (a dead add's temp folder is removed by the next add).
 * Nothing runs through a shell: npm, apt-get and dpkg-deb get argv arrays.
 *
 * The code: store.c (entries, list, find, add, remove), spec.c (specs and
 * the --browser resolver), npm.c, debian.c, probe.c, digest.c, tools.c;
 * store_internal.h is what they share.
 *
 * Errors: functions return -1 (could not: network, disk, a corrupt download,
 * a browser that does not start) or -2 (the spec names nothing: bad spec, no
 * such version, not in the store), and write one line into err. */
#ifndef WASMLAB_BROWSER_STORE_H
#define WASMLAB_BROWSER_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "cdp/session.h"

/* A stored build: where it is, where it came from, and what it said it is
 * when added (its identity, as a session reports it: cdp/session.h). */
struct browser_entry {
    char *name;          /* folder name: "chromium-126.0.0", "system", ... */
    char *dir;           /* absolute folder path */
    char *path;          /* absolute executable path */
    char *source;        /* "npm" | "debian" | "system" */
    char *package;       /* "@sparticuz/chromium", "chromium", ... or NULL */
    char *version;       /* package version ("126.0.0"), NULL for system */
    char **flags;        /* NULL-terminated, never NULL */
    struct browser_identity id;   /* product, V8, ..., kind */
    char *integrity;     /* "sha512-..." (npm), "sha256:..." (debian), NULL */
    char *added_at;
};
void browser_entry_free(struct browser_entry *e);

/* The store folder: $WASMLAB_BROWSER_STORE, else $XDG_CACHE_HOME/wasmlab/browsers,
 * else $HOME/.cache/wasmlab/browsers. Writes it into buf. */
void browser_store_default_dir(char *buf, size_t len);

/* All entries, sorted by name. *out: caller frees each with
 * browser_entry_free and the array with free. A missing store is empty.
 * Folders without a readable browser.json are skipped with a warning. */
int browser_store_list(const char *store, struct browser_entry **out, size_t *n,
                       char *err, size_t errlen);

/* Finds the entry a spec names:
 *   "chromium@126", "chromium@126.0.0"   npm builds; the newest stored match
 *   "debian@150", "debian-headless-shell@150"
 *   "system", or any entry's folder name
 * Returns 1 found (*out filled), 0 not in the store, -1/-2 error. */
int browser_store_find(const char *store, const char *spec, struct browser_entry *out,
                       char *err, size_t errlen);

struct browser_add_options {
    /* npm: use this tarball instead of `npm pack` (it is still verified
     * against the registry's integrity). NULL normally. */
    const char *tarball;
    /* system: the executable (default /usr/bin/chromium) and entry name
     * (default "system", or "system-<basename>" when a path is given). */
    const char *system_path;
    const char *name;
    int start_timeout_ms;   /* 0 = 30 s */
    /* Checked while downloading and decompressing: non-zero aborts the add
     * (the store is left as it was). May be NULL. */
    volatile int *interrupted;
};

/* Adds what spec names ("chromium@126", "debian@150",
 * "debian-headless-shell@150", "system"). Returns 1 when added, 0 when an
 * entry already satisfies the spec (nothing is done; *out describes it), -1
 * or -2 on error (the store is unchanged). out may be NULL. */
int browser_store_add(const char *store, const char *spec,
                      const struct browser_add_options *opt, struct browser_entry *out,
                      char *err, size_t errlen);

/* Deletes the entry spec names (its whole folder). 0, -2 (not in the store)
 * or -1 (the folder could not be removed). */
int browser_store_remove(const char *store, const char *spec, char *err, size_t errlen);

/* What --browser and an experiment's browsers accept, resolved through
 * the store when they name a stored build: collector/browsers/spec.h. */

#endif
