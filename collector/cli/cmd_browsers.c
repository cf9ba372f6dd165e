/* wasmlab browsers: the browser store's command line (collector/browsers/browser_store.h). */
#define _GNU_SOURCE
#include "collector/cli/cmd_browsers.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cdp/browser.h"
#include "collector/browsers/browser_store.h"
#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/util.h"

static const struct cli_option browsers_options[] = {
    { "store", 0, "DIR", "the store (default $WASMLAB_BROWSER_STORE, else\n"
      "~/.cache/wasmlab/browsers)", 's' },
    { "tarball", 0, "FILE", "add chromium@VERSION from this npm tarball instead of\n"
      "downloading it (still verified against the registry; add only)", 't' },
    { "name", 0, "NAME", "add system: the entry's name (add only)", 'n' },
    { "json", 0, NULL, "list: a JSON array", 'j' },
    { "quiet", 'q', NULL, "no progress notes", 'q' },
    { NULL, 0, NULL, NULL, 0 }
};

#define BROWSERS_EXIT_NOTES \
    "(0 also: already present; 1: network, disk, corrupt download, a browser that\n" \
    "does not start; 2 also: the spec names nothing (no such version, not in the\n" \
    "store))"
#define BROWSERS_SPECS \
    "SPEC:\n" \
    "  chromium@VERSION     @sparticuz/chromium from the npm registry (headless_shell):\n" \
    "                       126 means the newest 126.x; fetched with npm pack, checked\n" \
    "                       against the registry's sha512 integrity, bin/chromium.br\n" \
    "                       brotli-decompressed\n" \
    "  debian@VERSION       Debian's chromium (full build) from the apt archive:\n" \
    "                       apt-get download + dpkg-deb -x, not installed system-wide\n" \
    "  debian-headless-shell@VERSION   Debian's chromium-headless-shell, likewise\n" \
    "  system [PATH]        register an installed executable (default /usr/bin/chromium)\n" \
    "                       as 'system' (or system-BASENAME, or --name NAME)\n" \
    "  NAME                 (list/remove/path) an entry's name, e.g. chromium-126.0.0"

static const struct cli_command browsers_command = {
    .name = "browsers",
    .usage = "ACTION [SPEC] [options]",
    .description =
        "Keeps Chromium builds in a store folder for `wasmlab run --browser SPEC`.\n"
        "Actions (each has its own --help):\n"
        "  add SPEC [PATH]   add a build (started once to record its product, V8\n"
        "                    version, revision and kind)\n"
        "  list              the stored builds\n"
        "  path SPEC         print a stored build's executable\n"
        "  remove SPEC       remove a stored build\n"
        "\n" BROWSERS_SPECS,
    .options = browsers_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_INTERRUPTED,
    .exit_notes = BROWSERS_EXIT_NOTES,
    .examples = "wasmlab browsers add chromium@126\n"
                "wasmlab browsers list",
    .in_order = true,
};

/* The actions, each with the same options (those of another action are a
 * usage error after parsing). */
static const struct cli_command action_commands[] = {
    { .name = "browsers add", .usage = "SPEC [PATH] [options]",
      .description =
          "Adds a Chromium build to the store. Every browser is started once when\n"
          "added (Browser.getVersion) to record its product, V8 version, revision and\n"
          "kind; one that does not start is not added. Adding a version already\n"
          "present does nothing. A failed add leaves the store as it was.\n"
          "\n" BROWSERS_SPECS,
      .options = browsers_options, .exits = CLI_EXITS_BASIC | CLI_EXITS_INTERRUPTED,
      .exit_notes = BROWSERS_EXIT_NOTES,
      .examples = "wasmlab browsers add chromium@126\n"
                  "wasmlab browsers add system /usr/bin/chromium --name full-chromium\n"
                  "wasmlab browsers add chromium@126 --tarball sparticuz-chromium-126.0.0.tgz",
      .in_order = true },
    { .name = "browsers list", .usage = "[options]",
      .description = "Lists the stored builds: name, kind, product, V8 version, executable.",
      .options = browsers_options, .exits = CLI_EXITS_BASIC,
      .examples = "wasmlab browsers list\nwasmlab browsers list --json", .in_order = true },
    { .name = "browsers path", .usage = "SPEC [options]",
      .description = "Prints a stored build's executable (SPEC: chromium@126 or an entry's\n"
                     "name such as chromium-126.0.0).",
      .options = browsers_options, .exits = CLI_EXITS_BASIC,
      .exit_notes = "(2 also when SPEC is not in the store)",
      .examples = "wasmlab browsers path chromium@126", .in_order = true },
    { .name = "browsers remove", .usage = "SPEC [options]",
      .description = "Removes a stored build and its files.",
      .options = browsers_options, .exits = CLI_EXITS_BASIC,
      .exit_notes = "(2 also when SPEC is not in the store)",
      .examples = "wasmlab browsers remove chromium@126", .in_order = true },
};
#define N_ACTIONS (sizeof action_commands / sizeof action_commands[0])

/* The action named on the command line (its first word that is not an
 * option or an option's value), so `browsers add --help` is add's help. */
static const struct cli_command *command_for(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] == '-') {
            for (const struct cli_option *o = browsers_options; o->name; o++)
                if (o->arg && strncmp(a, "--", 2) == 0 && strcmp(a + 2, o->name) == 0)
                    i++;            /* skip the option's value */
            continue;
        }
        for (size_t k = 0; k < N_ACTIONS; k++)
            if (strcmp(a, action_commands[k].name + strlen("browsers ")) == 0)
                return &action_commands[k];
        break;
    }
    return &browsers_command;
}

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
    char store[4096];
    browser_store_default_dir(store, sizeof store);
    struct browser_add_options opt = { .interrupted = &interrupted };
    bool as_json = false;
    const char *pos[4];
    int npos = 0;
    const struct cli_command *cmd = command_for(argc, argv);
    struct cli_parser cp;
    cli_begin(&cp, cmd, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0 || id == CLI_POSITIONAL) {
        switch (id) {
        case CLI_POSITIONAL:
            if (npos >= 3) {
                cli_end(&cp);
                return cli_usage_error(cmd, "unexpected argument %s", cp.arg);
            }
            pos[npos++] = cp.arg;
            break;
        case 's': snprintf(store, sizeof store, "%s", cp.arg); break;
        case 't': opt.tarball = cp.arg; break;
        case 'n': opt.name = cp.arg; break;
        case 'j': as_json = true; break;
        case 'q': util_quiet = true; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (npos == 0)
        return cli_usage_error(cmd, "missing ACTION: one of add, list, path, remove");
    const char *sub = pos[0];
    int want_args = strcmp(sub, "list") == 0 ? 0 : 1;
    if (strcmp(sub, "add") == 0 && npos == 3 && strcmp(pos[1], "system") == 0)
        want_args = 2;
    if (cmd == &browsers_command)
        return cli_usage_error(cmd, "unknown command %s: one of add, list, path, remove", sub);
    if (npos - 1 != want_args)
        return cli_usage_error(cmd, "%s", npos - 1 < want_args ? "which browser? give a SPEC"
                                                               : "too many arguments");
    if ((opt.tarball || opt.name) && strcmp(sub, "add") != 0)
        return cli_usage_error(cmd, "--tarball and --name apply to add only");
    if (opt.name && strcmp(pos[1], "system") != 0)
        return cli_usage_error(cmd, "--name %s: applies to add system only", opt.name);
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
