#define _GNU_SOURCE
#include "collector/cli/cmd_wasi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libwebsockets.h>

#include "base/util.h"
#include "cdp/session.h"
#include "collector/browsers/spec.h"
#include "collector/cli/options.h"
#include "collector/measure/server.h"
#include "collector/measure/wasi_census.h"
#include "collector/wasm/manifest.h"
#include "db/wasi.h"
#include "wasmlab_config.h"

#define MAX_ITEMS 32

static const struct cli_option wasi_options[] = {
    { "runtime", 0, "R", "wasmlab (pages/wasi.js), browser_wasi_shim, wasmer\n"
      "(@wasmer/wasi), node (node:wasi, outside the browser) or none\n"
      "(no shim: does the browser supply WASI itself?);\n"
      "repeatable; default: the first four", 'r' },
    { "module", 0, "NAME[:ARG]", "a built module (repeatable); default: c/wasi-probe and\n"
      "go/wasi-probe. Its arguments are [NAME, ARG] (default ARG:\n"
      "--probe), e.g. c/wasi-faults:trap", 'm' },
    { "module-file", 0, "FILE", "any outside .wasm file to run (repeatable)", 'f' },
    { "browser", 0, "SPEC", "headless-shell (default), chromium, chromium@126, a path;\n"
      "repeatable: the census sweeps across browsers", 'b' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "timeout-s", 0, "N", "per module and runtime: no outcome by then is a timeout;\n"
      "the page is stopped (default 20, 1..600)", 't' },
    { "manifest", 0, "FILE", "module manifest (default: the build's)", 'M' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command wasi_command = {
    .name = "wasi",
    .usage = "[options]",
    .description =
        "The WASI census: runs each module under each WASI runtime (three shims in\n"
        "headless Chromium, node:wasi in Node), every wasi_snapshot_preview1 call\n"
        "through one logging wrapper (pages/wasi-log.js), and stores one row per call\n"
        "and one outcome per runtime and module (exit code, trap, timeout, stdout).\n"
        "Read it with wasmlab report wasi. The shims are served from wasmlab's own\n"
        "origin (scripts/wasi-vendor.sh installs them from pages/vendor's lockfile).",
    .options = wasi_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(0: every outcome was stored, whatever it was: a trap or a timeout is a\n"
                  "finding; 1: a browser, Node or the DB failed)",
    .examples = "wasmlab wasi --db wasi.db\n"
                "wasmlab wasi --runtime wasmer --module go/wasi-probe --browser chromium@126\n"
                "wasmlab wasi --module-file app.wasm --timeout-s 5",
};

struct census_module {
    char name[256], file[4096], rel_url[4200];   /* rel_url: where the server serves it */
    char argv0[256], arg[64];   /* the program's [argv0, arg]; name is argv0[:arg] */
    const char *language;    /* NULL: outside file */
};

struct census {
    const char *runtimes[8], *module_names[MAX_ITEMS], *module_files[MAX_ITEMS];
    const char *browsers[MAX_ITEMS];
    int n_runtimes, n_names, n_files, n_browsers;
    long timeout_s;
    const char *db_path, *manifest_path;
    struct manifest mf;
    struct census_module mods[2 * MAX_ITEMS];
    int n_mods;
    struct browser_choice choices[MAX_ITEMS];
    int n_choices;
};

static int add_item(struct cli_parser *p, const char **list, int *n, const char *v)
{
    if (*n >= MAX_ITEMS)
        return cli_usage_error(p->cmd, "%s %s: at most %d", p->opt, v, MAX_ITEMS), -1;
    list[(*n)++] = v;
    return 0;
}

static int parse(struct census *c, int argc, char **argv)
{
    struct cli_parser p;
    cli_begin(&p, &wasi_command, argc, argv);
    int id;
    while ((id = cli_next(&p)) > 0) {
        int rc = 0;
        switch (id) {
        case 'r': {
            int i = cli_choice(&p, wasi_runtimes);
            if (i < 0)
                rc = -1;
            else if (c->n_runtimes < 8)
                c->runtimes[c->n_runtimes++] = wasi_runtimes[i];
            break;
        }
        case 'm': rc = add_item(&p, c->module_names, &c->n_names, p.arg); break;
        case 'f': rc = add_item(&p, c->module_files, &c->n_files, p.arg); break;
        case 'b': rc = add_item(&p, c->browsers, &c->n_browsers, p.arg); break;
        case 'd': c->db_path = p.arg; break;
        case 'M': c->manifest_path = p.arg; break;
        case 't': rc = cli_long(&p, 1, 600, "seconds", &c->timeout_s); break;
        }
        if (rc < 0) {
            cli_end(&p);
            return EXIT_USAGE;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&p, 0, 0, "arguments") < 0)
        return EXIT_USAGE;
    return -1;   /* go on */
}

/* An outside file: readable, wasm magic. Named like run's (file:NAME@HASH8). */
static int check_file(struct census *c, const char *path, int index)
{
    size_t len = 0;
    uint8_t *data = read_whole_file(path, &len);
    if (!data) {
        cli_usage_error(&wasi_command, "--module-file %s: %s", path, strerror(errno));
        return -1;
    }
    static const uint8_t magic[8] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
    bool ok = len >= 8 && memcmp(data, magic, 8) == 0;
    char sha[65] = "";
    if (ok)
        sha256_hex(data, len, sha);
    free(data);
    if (!ok) {
        cli_usage_error(&wasi_command, "--module-file %s: not a WebAssembly binary", path);
        return -1;
    }
    struct census_module *m = &c->mods[c->n_mods++];
    const char *base = strrchr(path, '/');
    snprintf(m->name, sizeof m->name, "file:%.200s@%.8s", base ? base + 1 : path, sha);
    snprintf(m->file, sizeof m->file, "%s", path);
    snprintf(m->rel_url, sizeof m->rel_url, "/ext/%d.wasm", index);
    memcpy(m->argv0, m->name, sizeof m->argv0);   /* both 256 bytes */
    snprintf(m->arg, sizeof m->arg, "--probe");
    return 0;
}

/* Everything checked before anything runs: runtimes, modules, files,
 * browsers, the vendored shims. */
static int check_inputs(struct census *c)
{
    char err[1024];
    if (c->n_runtimes == 0)
        for (int i = 0; i < WASI_CENSUS_DEFAULT_RUNTIMES; i++)
            c->runtimes[c->n_runtimes++] = wasi_runtimes[i];
    if (c->n_names == 0 && c->n_files == 0) {
        c->module_names[c->n_names++] = "c/wasi-probe";
        c->module_names[c->n_names++] = "go/wasi-probe";
    }
    if (c->n_names > 0 && manifest_load(c->manifest_path, &c->mf, err, sizeof err) < 0)
        return cli_usage_error(&wasi_command, "%s", err);
    for (int i = 0; i < c->n_names; i++) {
        char base[256], arg[64] = "--probe";
        const char *colon = strchr(c->module_names[i], ':');
        snprintf(base, sizeof base, "%.*s", colon ? (int)(colon - c->module_names[i]) : 255,
                 c->module_names[i]);
        if (colon && (!colon[1] || strlen(colon + 1) >= sizeof arg ||
                      strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789/._+-") != strlen(colon + 1)))
            return cli_usage_error(&wasi_command, "--module %s: ARG must be 1 to 63 of "
                                   "[A-Za-z0-9/._+-]", c->module_names[i]);
        if (colon)
            snprintf(arg, sizeof arg, "%s", colon + 1);
        const struct manifest_module *mm = manifest_find(&c->mf, base);
        if (!mm)
            return cli_usage_error(&wasi_command, "--module %s: not in %s (wasmlab modules "
                                   "lists them)", base, c->mf.path);
        if (!mm->runtime || strcmp(mm->runtime, "wasi") != 0)
            return cli_usage_error(&wasi_command, "--module %s: not a WASI module (runtime %s)",
                                   mm->name, mm->runtime ? mm->runtime : "none");
        struct census_module *m = &c->mods[c->n_mods++];
        snprintf(m->name, sizeof m->name, "%s%s%s", mm->name, colon ? ":" : "", colon ? arg : "");
        snprintf(m->argv0, sizeof m->argv0, "%s", mm->name);
        snprintf(m->arg, sizeof m->arg, "%s", arg);
        snprintf(m->file, sizeof m->file, "%s", mm->file);
        snprintf(m->rel_url, sizeof m->rel_url, "/modules/%s", mm->rel_file);
        m->language = mm->language;
    }
    for (int i = 0; i < c->n_files; i++)
        if (check_file(c, c->module_files[i], i) < 0)
            return EXIT_USAGE;
    bool browser = false;
    for (int i = 0; i < c->n_runtimes; i++)
        browser |= wasi_runtime_in_browser(c->runtimes[i]);
    if (browser && c->n_browsers == 0)
        c->browsers[c->n_browsers++] = "headless-shell";
    for (int i = 0; browser && i < c->n_browsers; i++) {
        if (browser_spec_resolve("wasi", c->browsers[i], false, &c->choices[c->n_choices], err,
                                 sizeof err) < 0)
            return cli_usage_error(&wasi_command, "--browser %s: %s", c->browsers[i], err);
        c->n_choices++;
    }
    struct stat st;
    if (stat(WASMLAB_WASI_VENDOR_DIR, &st) < 0) {
        cli_warn(&wasi_command, "the WASI shims are not installed in %s: run "
                 "scripts/wasi-vendor.sh", WASMLAB_WASI_VENDOR_DIR);
        return EXIT_ERROR;
    }
    return -1;
}

static void lws_quiet(int level, const char *line)
{
    if (level == LLL_ERR)
        fprintf(stderr, "wasmlab: libwebsockets: %s", line);
}

/* The server: pages, modules, outside files, and only the vendored files the
 * census page imports (never the packages' folders). */
static struct server *serve(struct census *c, struct lws_context *ctx)
{
    char err[512], path[4600];
    struct server *srv = server_start(ctx, err, sizeof err);
    if (!srv) {
        cli_warn(&wasi_command, "%s", err);
        return NULL;
    }
    server_mount_dir(srv, "/pages/", WASMLAB_PAGES_DIR);
    if (c->mf.dir)
        server_mount_dir(srv, "/modules/", c->mf.dir);
    for (int i = 0; i < c->n_mods; i++)
        if (strncmp(c->mods[i].rel_url, "/ext/", 5) == 0)
            server_map_file(srv, c->mods[i].rel_url, c->mods[i].file);
    static const char *const shim_files[] = { "index.js", "wasi.js", "wasi_defs.js", "fd.js",
                                              "fs_mem.js", "fs_opfs.js", "debug.js",
                                              "strace.js", NULL };
    for (int i = 0; shim_files[i]; i++) {
        char url[128];
        snprintf(url, sizeof url, "/vendor/browser_wasi_shim/%s", shim_files[i]);
        snprintf(path, sizeof path, "%s/@bjorn3/browser_wasi_shim/dist/%s",
                 WASMLAB_WASI_VENDOR_DIR, shim_files[i]);
        server_map_file(srv, url, path);
    }
    snprintf(path, sizeof path, "%s/@wasmer/wasi/dist/Library.esm.min.js",
             WASMLAB_WASI_VENDOR_DIR);
    server_map_file(srv, "/vendor/wasmer/Library.esm.min.js", path);
    return srv;
}

static int store(struct db *db, int64_t run_id, const char *runtime,
                 const struct census_module *m, struct wasi_census_result *r)
{
    char status[32];
    char *imports = wasi_census_imports(m->file);   /* "not imported" comes from the bytes */
    int rc = wasi_census_store(db, run_id, runtime, m->name, m->language, imports, r, status,
                               sizeof status);
    free(imports);
    if (rc < 0) {
        cli_warn(&wasi_command, "%s", db_errmsg(db));
        return -1;
    }
    cli_note(&wasi_command, "%-17s %-26s %-8s %4zu calls  %s", runtime, m->name, status,
             json_array_size(r->calls), r->done ? "" : r->reason);
    return 0;
}

static int watchdog(void *arg)
{
    return !browser_alive(((struct browser_session *)arg)->proc);
}

/* One browser: every browser runtime x every module. */
static int run_browser(struct census *c, struct db *db, int64_t run_id, struct lws_context *ctx,
                       int port, const struct browser_choice *bc)
{
    struct browser_session bs;
    struct wasi_census_page pg;
    memset(&pg, 0, sizeof pg);
    char err[512];
    struct browser_session_options so = {
        .browser = { .path = bc->path }, .ctx = ctx, .on_event = wasi_census_on_event,
        .event_arg = &pg, .watchdog = watchdog, .watchdog_arg = &bs,
    };
    if (browser_session_open(&bs, &so, err, sizeof err) != SESSION_OK) {
        cli_warn(&wasi_command, "browser %s: %s", bc->spec, err);
        return -1;
    }
    cli_note(&wasi_command, "browser %s", bs.id.product ? bs.id.product : bc->spec);
    int rc = 0;
    for (int r = 0; r < c->n_runtimes && rc == 0; r++) {
        if (!wasi_runtime_in_browser(c->runtimes[r]))
            continue;
        for (int m = 0; m < c->n_mods && rc == 0; m++) {
            struct wasi_census_result res;
            int prc = wasi_census_page_run(bs.cdp, &pg, port, c->runtimes[r], c->mods[m].rel_url,
                                           c->mods[m].argv0, c->mods[m].arg,
                                           (int)c->timeout_s * 1000, &res);
            snprintf(res.host, sizeof res.host, "%s", bs.id.product ? bs.id.product : bc->spec);
            rc = store(db, run_id, c->runtimes[r], &c->mods[m], &res);
            if (prc < 0) {
                cli_warn(&wasi_command, "browser %s: %s", bc->spec, res.reason);
                rc = -1;
            }
            wasi_census_result_free(&res);
        }
    }
    browser_session_close(&bs, rc == 0);
    browser_reap_orphans();
    return rc;
}

static int run_node(struct census *c, struct db *db, int64_t run_id)
{
    for (int m = 0; m < c->n_mods; m++) {
        struct wasi_census_result res;
        int nrc = wasi_census_node_run(WASMLAB_PAGES_DIR, WASMLAB_WASI_VENDOR_DIR, "node",
                                       c->mods[m].file, c->mods[m].argv0, c->mods[m].arg,
                                       (int)c->timeout_s * 1000, &res);
        int rc = nrc < 0 ? -1 : store(db, run_id, "node", &c->mods[m], &res);
        if (nrc < 0)
            cli_warn(&wasi_command, "%s", res.reason);
        wasi_census_result_free(&res);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int execute(struct census *c, struct db *db, int argc, char **argv)
{
    char started[40], uuid[64];
    utc_iso8601(started, sizeof started);
    char *cmdline = join_command_line(argc, argv);
    int64_t run_id = 0;
    int rc = db_wasi_run_start(db, started, cmdline, &run_id, uuid);
    free(cmdline);
    if (rc < 0) {
        cli_warn(&wasi_command, "%s", db_errmsg(db));
        return EXIT_ERROR;
    }
    cli_note(&wasi_command, "census run %lld (%s) in %s", (long long)run_id, uuid, c->db_path);
    struct lws_context *ctx = NULL;
    struct server *srv = NULL;
    if (c->n_choices > 0) {
        browser_become_subreaper();
        lws_set_log_level(LLL_ERR, lws_quiet);
        struct lws_context_creation_info info;
        memset(&info, 0, sizeof info);
        info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
        info.port = CONTEXT_PORT_NO_LISTEN;
        ctx = lws_create_context(&info);
        srv = ctx ? serve(c, ctx) : NULL;
        if (!srv)
            rc = -1;
    }
    for (int b = 0; b < c->n_choices && rc == 0; b++)
        rc = run_browser(c, db, run_id, ctx, server_port(srv), &c->choices[b]);
    bool node = false;
    for (int r = 0; r < c->n_runtimes; r++)
        node |= !wasi_runtime_in_browser(c->runtimes[r]);
    if (rc == 0 && node)
        rc = run_node(c, db, run_id);
    server_stop(srv);
    if (ctx)
        lws_context_destroy(ctx);
    char finished[40];
    utc_iso8601(finished, sizeof finished);
    if (db_wasi_run_finish(db, run_id, finished) < 0)
        rc = -1;
    if (rc == 0)
        cli_note(&wasi_command, "done: wasmlab report wasi --db %s --run %lld", c->db_path,
                 (long long)run_id);
    return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

int cmd_wasi(int argc, char **argv)
{
    struct census *c = xcalloc(1, sizeof *c);
    c->timeout_s = 20;
    c->db_path = "results.db";
    c->manifest_path = WASMLAB_MANIFEST;
    int exit_code = parse(c, argc, argv);
    if (exit_code < 0)
        exit_code = check_inputs(c);
    struct db *db = NULL;
    if (exit_code < 0) {
        char err[1024];
        db = db_open(c->db_path, err, sizeof err);
        if (!db) {
            cli_warn(&wasi_command, "%s", err);
            exit_code = EXIT_USAGE;
        }
    }
    if (exit_code < 0)
        exit_code = execute(c, db, argc, argv);
    db_close(db);
    for (int i = 0; i < c->n_choices; i++)
        browser_choice_free(&c->choices[i]);
    if (c->mf.path)
        manifest_free(&c->mf);
    free(c);
    return exit_code;
}
