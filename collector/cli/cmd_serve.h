/* cmd_serve: `wasmlab serve`: the harness server on its own (127.0.0.1,
 * ephemeral port) until SIGINT/SIGTERM: to open a harness page by hand, and
 * for the server's security tests. */
#ifndef WASMLAB_CMD_SERVE_H
#define WASMLAB_CMD_SERVE_H

int cmd_serve(int argc, char **argv);

#endif
