/* store_internal: what the browser store's modules share (collector/browsers/
 * only; the public contract is browser_store.h).
 *
 *   store.c    entries on disk (browser.json), list, find, add, remove
 *   spec.c     parsing store specs, version matching; the --browser resolver
 *   digest.c   file digests and npm's SRI integrity strings
 *   tools.c    running npm, apt-cache, apt-get and dpkg-deb (base/spawn)
 *   npm.c      @sparticuz/chromium: resolve, pack, verify, extract (libarchive)
 *   debian.c   Debian's chromium / chromium-headless-shell: resolve, download
 *   probe.c    starting a candidate once (cdp/session) to learn what it is */
#ifndef WASMLAB_STORE_INTERNAL_H
#define WASMLAB_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/spawn.h"
#include "collector/browsers/browser_store.h"

#define NPM_PACKAGE "@sparticuz/chromium"
#define SYSTEM_DEFAULT "/usr/bin/chromium"

/* ---- spec.c ---- */

enum spec_kind { SPEC_NPM, SPEC_DEBIAN, SPEC_DEBIAN_SHELL, SPEC_SYSTEM, SPEC_NAME };

/* A parsed store spec; the strings point into the text parsed. */
struct spec {
    enum spec_kind kind;
    const char *version;     /* after '@' (NPM, DEBIAN*) */
    const char *name;        /* SPEC_NAME, SPEC_SYSTEM */
};
/* 0, or -2 with err naming what is wrong. */
int store_spec_parse(const char *s, struct spec *sp, char *err, size_t errlen);
/* Dotted numeric versions ("126.0.10" > "126.0.9"); a '-' suffix sorts first. */
int store_version_cmp(const char *a, const char *b);
/* "126" matches 126.x.y; debian compares the upstream part (before '-'). */
bool store_version_matches(const char *want, const char *have, bool debian);
bool store_entry_matches(const struct browser_entry *e, const struct spec *sp);

/* ---- store.c ---- */

/* The newest entry matching sp: 1 found (*out filled), 0 none, -1 error. */
int store_find_parsed(const char *store, const struct spec *sp, struct browser_entry *out,
                      char *err, size_t errlen);

/* ---- digest.c ---- */

/* Hex (or base64) digest of a file with an OpenSSL digest ("sha256"). */
int store_file_digest(const char *path, const char *algo, bool b64, char *out, size_t outlen,
                      volatile int *interrupted, char *err, size_t errlen);
/* 0 when the file's sha512 matches an SRI string ("sha512-<base64>", maybe
 * one of several); else -1 with "corrupt download: ..." in err. */
int store_verify_sri(const char *file, const char *sri, volatile int *interrupted,
                     char *err, size_t errlen);

/* ---- tools.c ---- */

/* Runs argv[0] from $PATH in cwd (may be NULL) with stdout (at most 64 MiB)
 * and stderr (1 MiB) captured, in its own process group, for at most
 * timeout_ms. 0 when it ran to an exit (any status), -1 when it could not
 * start, timed out, was interrupted or wrote more than 64 MiB (err says
 * which). r is filled either way: spawn_result_free it. */
int store_tool_run(const char *const *argv, const char *cwd, int timeout_ms,
                   volatile int *interrupted, struct spawn_result *r, char *err, size_t errlen);
/* The last stderr line worth quoting (not npm's or apt's warnings), or "". */
void store_tool_err_tail(const struct spawn_result *r, char *buf, size_t len);

/* ---- npm.c ---- */

/* Resolves want, packs (or takes opt->tarball), verifies and decompresses
 * bin/chromium.br into tmp/<name>/chromium. Fills e's name, source, package,
 * version, integrity and *entry_dir (caller frees). 0, -1 or -2. */
int store_fetch_npm(const char *want, const char *tmp, const struct browser_add_options *opt,
                    struct browser_entry *e, char **entry_dir, char *err, size_t errlen);
/* Finds `want` (a path less its first component, "bin/chromium.br") in a
 * gzip tarball and brotli-decompresses it into out_path (created 0755).
 * A damaged tarball gives "corrupt download: ...". */
int store_extract_brotli_member(const char *tarball, const char *want, const char *out_path,
                                volatile int *interrupted, char *err, size_t errlen);

/* ---- debian.c ---- */

/* apt-get download and dpkg-deb -x of PKG and chromium-common into
 * tmp/<name>/root; fills e and *entry_dir, *exe_rel (caller frees). */
int store_fetch_debian(const char *want, bool shell, const char *tmp,
                       const struct browser_add_options *opt, struct browser_entry *e,
                       char **entry_dir, char **exe_rel, char *err, size_t errlen);

/* ---- probe.c ---- */

/* Starts exe once, asks Browser.getVersion and closes it; fills e->id
 * (product, revision, V8, user agent, protocol, kind). */
int store_probe(const char *exe, char *const *flags, int timeout_ms, struct browser_entry *e,
                char *err, size_t errlen);

#endif
