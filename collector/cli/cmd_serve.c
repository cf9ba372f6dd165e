#include "collector/cli/cmd_serve.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libwebsockets.h>

#include "collector/cli/exit_codes.h"
#include "collector/measure/server.h"
#include "base/util.h"
#include "wasmlab_config.h"

static const char usage_text[] =
"usage: wasmlab serve [--pages DIR] [--modules DIR] [--port-file FILE]\n"
"\n"
"Serves the harness pages under /pages/ and the built modules under\n"
"/modules/ on 127.0.0.1 (an ephemeral port, printed on stdout as\n"
"http://127.0.0.1:PORT/) until SIGINT or SIGTERM. --port-file also writes the\n"
"port to FILE. Same server, headers and path checks as `wasmlab run` uses.\n";

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
    static const struct option longopts[] = {
        { "pages", required_argument, NULL, 'p' },
        { "modules", required_argument, NULL, 'm' },
        { "port-file", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *pages = WASMLAB_PAGES_DIR, *modules = WASMLAB_MODULES_DIR, *port_file = NULL;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': pages = optarg; break;
        case 'm': modules = optarg; break;
        case 'f': port_file = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':': warnf("serve: option %s needs a value", argv[optind - 1]); return EXIT_USAGE;
        default: warnf("serve: unknown option %s", argv[optind - 1]); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        warnf("serve: unexpected argument %s", argv[optind]);
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(pages, &st) < 0 || !S_ISDIR(st.st_mode)) {
        warnf("serve: pages folder %s does not exist", pages);
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
        warnf("serve: %s", ctx ? err : "cannot create the event loop");
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
            warnf("serve: --port-file %s: cannot write it", port_file);
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
