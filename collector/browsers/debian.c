#define _GNU_SOURCE
/* debian: Debian's chromium (full) and chromium-headless-shell packages,
 * fetched with apt-get download, checked against apt's SHA256 and unpacked
 * with dpkg-deb -x (with chromium-common, which both need). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "collector/browsers/store_internal.h"

/* Debian: `apt-cache madison PKG` lines "PKG | VERSION | SOURCE". */
static int debian_resolve(const char *pkg, const char *want, char *version, size_t vlen,
                          volatile int *intr, char *err, size_t errlen)
{
    const char *argv[] = { "apt-cache", "madison", pkg, NULL };
    struct spawn_result c;
    if (store_tool_run(argv, NULL, 60000, intr, &c, err, errlen) < 0) {
        spawn_result_free(&c);
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
            if (store_version_matches(want, v, true) &&
                (!version[0] || store_version_cmp(v, version) > 0))
                snprintf(version, vlen, "%s", v);
        }
        line = nl ? nl + 1 : NULL;
    }
    int ok = spawn_result_ok(&c);
    spawn_result_free(&c);
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
    struct spawn_result c;
    if (store_tool_run(argv, NULL, 60000, intr, &c, err, errlen) < 0) {
        spawn_result_free(&c);
        return -1;
    }
    hex[0] = 0;
    const char *p = c.out.data ? strstr(c.out.data, "\nSHA256: ") : NULL;
    if (p)
        snprintf(hex, hexlen, "%.64s", p + 9);
    spawn_result_free(&c);
    if (strlen(hex) != 64) {
        snprintf(err, errlen, "apt-cache show %s: no SHA256", pkgver);
        return -1;
    }
    return 0;
}

int store_fetch_debian(const char *want, bool shell, const char *tmp,
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
    struct spawn_result c;
    if (store_tool_run(argv, tmp, 1800000, intr, &c, err, errlen) < 0) {
        spawn_result_free(&c);
        return -1;
    }
    if (!spawn_result_ok(&c)) {
        char tail[300];
        store_tool_err_tail(&c, tail, sizeof tail);
        snprintf(err, errlen, "apt-get download %s %s failed%s%s", pv[0], pv[1],
                 tail[0] ? ": " : "", tail);
        spawn_result_free(&c);
        return -1;
    }
    spawn_result_free(&c);

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
        if (store_file_digest(deb, "sha256", false, mine, sizeof mine, intr, err, errlen) < 0) {
            rc = -1;
        } else if (strcmp(mine, sha[i]) != 0) {
            snprintf(err, errlen, "corrupt download: sha256 of %s is %s, apt says %s", deb, mine,
                     sha[i]);
            rc = -1;
        } else {
            snprintf(integrity + strlen(integrity), sizeof integrity - strlen(integrity),
                     "%s%s sha256:%s", integrity[0] ? " " : "", pv[i], mine);
            const char *xargv[] = { "dpkg-deb", "-x", deb, root, NULL };
            if (store_tool_run(xargv, tmp, 600000, intr, &c, err, errlen) < 0) {
                rc = -1;
            } else if (!spawn_result_ok(&c)) {
                char tail[300];
                store_tool_err_tail(&c, tail, sizeof tail);
                snprintf(err, errlen, "dpkg-deb -x %s failed%s%s", deb, tail[0] ? ": " : "",
                         tail);
                rc = -1;
            }
            spawn_result_free(&c);
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

