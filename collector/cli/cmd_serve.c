#include "collector/cli/cmd_serve.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libwebsockets.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/measure/server.h"
#include "base/util.h"
#include "wasmlab_config.h"

static const struct cli_option serve_options[] = {
    { "pages", 0, "DIR", "harness pages (default: the source tree's pages/)", 'p' },
    { "modules", 0, "DIR", "built modules (default: the build's modules/)", 'm' },
    { "port-file", 0, "FILE", "also write the port to FILE", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command serve_command = {
    .name = "serve",
    .usage = "[options]",
    .description =
        "Serves the harness pages under /pages/ and the built modules under\n"
        "/modules/ on 127.0.0.1 (an ephemeral port, printed on stdout as\n"
        "http://127.0.0.1:PORT/) until SIGINT or SIGTERM. Same server, headers and\n"
        "path checks as `wasmlab run` uses.",
    .options = serve_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(0 also after SIGINT/SIGTERM: stopping is how serve ends; 2 also when\n"
                  "--port-file cannot be written)",
    .examples = "wasmlab serve --port-file /tmp/port",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void tick(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

int cmd_serve(int argc, char **argv)
{
    const char *pages = WASMLAB_PAGES_DIR, *modules = WASMLAB_MODULES_DIR, *port_file = NULL;
    struct cli_parser cp;
    cli_begin(&cp, &serve_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'p': pages = cp.arg; break;
        case 'm': modules = cp.arg; break;
        case 'f': port_file = cp.arg; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    struct stat st;
    if (stat(pages, &st) < 0 || !S_ISDIR(st.st_mode)) {
        cli_warn(&serve_command, "pages folder %s does not exist", pages);
        return EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    struct lws_context *ctx = lws_create_context(&info);
    char err[256];
    struct server *srv = ctx ? server_start(ctx, err, sizeof err) : NULL;
    if (!srv) {
        cli_warn(&serve_command, "%s", ctx ? err : "cannot create the event loop");
        if (ctx)
            lws_context_destroy(ctx);
        return EXIT_ERROR;
    }
    server_mount_dir(srv, "/pages/", pages);
    if (stat(modules, &st) == 0 && S_ISDIR(st.st_mode))
        server_mount_dir(srv, "/modules/", modules);
    printf("http://127.0.0.1:%d/\n", server_port(srv));
    fflush(stdout);
    int rc = EXIT_OK;
    if (port_file) {
        FILE *f = fopen(port_file, "we");
        if (!f || fprintf(f, "%d\n", server_port(srv)) < 0 || fclose(f) != 0) {
            cli_warn(&serve_command, "--port-file %s: cannot write it", port_file);
            rc = EXIT_USAGE;
            stop = 1;
        }
    }
    lws_sorted_usec_list_t sul;
    memset(&sul, 0, sizeof sul);
    while (!stop) {
        lws_sul_schedule(ctx, 0, &sul, tick, 200 * LWS_US_PER_MS);
        lws_service(ctx, 0);
    }
    lws_sul_cancel(&sul);
    server_stop(srv);
    lws_context_destroy(ctx);
    return rc;
}
