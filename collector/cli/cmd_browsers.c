/* wasmlab browsers: the browser store's command line (collector/browsers/browser_store.h). */
#define _GNU_SOURCE
#include "collector/cli/cmd_browsers.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cdp/browser.h"
#include "collector/browsers/browser_store.h"
#include "collector/cli/exit_codes.h"
#include "base/util.h"

static const char usage_text[] =
"usage: wasmlab browsers add SPEC [PATH] [--tarball FILE] [--name NAME]\n"
"       wasmlab browsers list [--json]\n"
"       wasmlab browsers remove SPEC\n"
"       wasmlab browsers path SPEC\n"
"\n"
"Keeps Chromium builds in a store folder for `wasmlab run --browser SPEC`.\n"
"\n"
"SPEC:\n"
"  chromium@VERSION     @sparticuz/chromium from the npm registry (headless_shell):\n"
"                       126 means the newest 126.x; fetched with npm pack, checked\n"
"                       against the registry's sha512 integrity, bin/chromium.br\n"
"                       brotli-decompressed\n"
"  debian@VERSION       Debian's chromium (full build) from the apt archive:\n"
"                       apt-get download + dpkg-deb -x, not installed system-wide\n"
"  debian-headless-shell@VERSION   Debian's chromium-headless-shell, likewise\n"
"  system [PATH]        register an installed executable (default /usr/bin/chromium)\n"
"                       as 'system' (or system-BASENAME, or --name NAME)\n"
"  NAME                 (list/remove/path) an entry's name, e.g. chromium-126.0.0\n"
"\n"
"Every browser is started once when added (Browser.getVersion) to record its\n"
"product, V8 version, revision and kind; one that does not start is not added.\n"
"Adding a version already present does nothing. A failed add leaves the store\n"
"as it was.\n"
"\n"
"  --store DIR          the store (default $WASMLAB_BROWSER_STORE, else\n"
"                       ~/.cache/wasmlab/browsers)\n"
"  --tarball FILE       add chromium@VERSION from this npm tarball instead of\n"
"                       downloading it (still verified against the registry)\n"
"  --name NAME          add system: the entry's name\n"
"  --json               list: a JSON array\n"
"  -q, --quiet          no progress notes\n"
"  -h, --help           this help\n"
"\n"
"Exit codes: 0 done (also: already present); 1 could not (network, disk,\n"
"corrupt download, a browser that does not start); 2 bad usage, or the spec\n"
"names nothing (no such version, not in the store); 130 interrupted.\n";

static volatile int interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static int rc_to_exit(int rc)
{
    return rc == -2 ? EXIT_USAGE : EXIT_ERROR;
}

static json_t *entry_json(const struct browser_entry *e)
{
    json_t *flags = json_array();
    for (char **f = e->flags; f && *f; f++)
        json_array_append_new(flags, json_string(*f));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:o, s:s?, s:s?, s:s?, s:s?, s:s?}",
                          "name", e->name, "path", e->path, "source", e->source,
                          "package", e->package, "version", e->version, "kind", e->id.kind,
                          "flags", flags, "product", e->id.product,
                          "v8_version", e->id.v8_version,
                          "revision", e->id.revision, "integrity", e->integrity,
                          "added_at", e->added_at);
    return o;
}

static int do_list(const char *store, bool as_json)
{
    struct browser_entry *v;
    size_t n;
    char err[512];
    if (browser_store_list(store, &v, &n, err, sizeof err) < 0) {
        warnf("browsers: %s", err);
        return EXIT_ERROR;
    }
    if (as_json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, entry_json(&v[i]));
        char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(a);
    } else if (n == 0) {
        notef("no browsers in %s (wasmlab browsers add chromium@126)", store);
    } else {
        printf("%-36s %-15s %-34s %-14s %s\n", "name", "kind", "product", "v8", "executable");
        for (size_t i = 0; i < n; i++)
            printf("%-36s %-15s %-34s %-14s %s\n", v[i].name, v[i].id.kind,
                   v[i].id.product ? v[i].id.product : "?",
                   v[i].id.v8_version ? v[i].id.v8_version : "?",
                   v[i].path);
    }
    for (size_t i = 0; i < n; i++)
        browser_entry_free(&v[i]);
    free(v);
    return EXIT_OK;
}

int cmd_browsers(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "store", required_argument, NULL, 's' },
        { "tarball", required_argument, NULL, 't' },
        { "name", required_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    char store[4096];
    browser_store_default_dir(store, sizeof store);
    struct browser_add_options opt = { .interrupted = &interrupted };
    bool as_json = false;
    const char *pos[4];
    int npos = 0;
    opterr = 0;
    optind = 1;
    int c;
    /* '-' in optstring: positional arguments come back in order as 1. */
    while ((c = getopt_long(argc, argv, "-:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 1:
            if (npos >= 3) {
                warnf("browsers: unexpected argument %s (see wasmlab browsers --help)", optarg);
                return EXIT_USAGE;
            }
            pos[npos++] = optarg;
            break;
        case 's': snprintf(store, sizeof store, "%s", optarg); break;
        case 't': opt.tarball = optarg; break;
        case 'n': opt.name = optarg; break;
        case 'j': as_json = true; break;
        case 'q': util_quiet = true; break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        case ':':
            warnf("browsers: option %s needs a value (see wasmlab browsers --help)",
                  argv[optind - 1]);
            return EXIT_USAGE;
        default:
            warnf("browsers: unknown option %s (see wasmlab browsers --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (npos == 0) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *sub = pos[0];
    int want_args = strcmp(sub, "list") == 0 ? 0 : 1;
    if (strcmp(sub, "add") == 0 && npos == 3 && strcmp(pos[1], "system") == 0)
        want_args = 2;
    if (strcmp(sub, "list") && strcmp(sub, "add") && strcmp(sub, "remove") && strcmp(sub, "path")) {
        warnf("browsers: unknown command %s (add, list, remove, path)", sub);
        return EXIT_USAGE;
    }
    if (npos - 1 != want_args) {
        warnf("browsers %s: %s (see wasmlab browsers --help)", sub,
              npos - 1 < want_args ? "which browser? give a SPEC" : "too many arguments");
        return EXIT_USAGE;
    }
    if ((opt.tarball || opt.name) && strcmp(sub, "add") != 0) {
        warnf("browsers %s: --tarball and --name apply to add only", sub);
        return EXIT_USAGE;
    }
    if (strcmp(sub, "list") == 0)
        return do_list(store, as_json);

    char err[1024];
    if (strcmp(sub, "path") == 0) {
        struct browser_entry e;
        int f = browser_store_find(store, pos[1], &e, err, sizeof err);
        if (f == 0) {
            warnf("browsers: %s is not in the store %s", pos[1], store);
            return EXIT_USAGE;
        }
        if (f < 0) {
            warnf("browsers: %s", err);
            return rc_to_exit(f);
        }
        printf("%s\n", e.path);
        browser_entry_free(&e);
        return EXIT_OK;
    }
    if (strcmp(sub, "remove") == 0) {
        int rc = browser_store_remove(store, pos[1], err, sizeof err);
        if (rc < 0) {
            warnf("browsers: %s", err);
            return rc_to_exit(rc);
        }
        notef("removed %s", pos[1]);
        return EXIT_OK;
    }

    /* add */
    if (npos == 3)
        opt.system_path = pos[2];
    if (opt.name && strcmp(pos[1], "system") != 0) {
        warnf("browsers add %s: --name applies to add system only", pos[1]);
        return EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    browser_become_subreaper();
    struct browser_entry e;
    int rc = browser_store_add(store, pos[1], &opt, &e, err, sizeof err);
    browser_reap_orphans();
    if (interrupted) {
        if (rc == 1)
            browser_entry_free(&e);
        warnf("browsers add %s: interrupted by signal %d; the store is unchanged", pos[1],
              (int)interrupted);
        return EXIT_INTERRUPTED;
    }
    if (rc < 0) {
        warnf("browsers add: %s", err);
        return rc_to_exit(rc);
    }
    if (rc == 0)
        notef("%s is already in the store as %s (%s); nothing to do", pos[1], e.name,
              e.id.product ? e.id.product : "?");
    else
        notef("added %s: %s, %s, V8 %s", e.name, e.id.product ? e.id.product : "?", e.id.kind,
              e.id.v8_version ? e.id.v8_version : "?");
    printf("%s\n", e.path);
    browser_entry_free(&e);
    return EXIT_OK;
}
