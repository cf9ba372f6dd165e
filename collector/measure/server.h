/* server: the HTTP server that serves the harness pages and the modules.
 *
 * It runs on the caller's libwebsockets context (the same loop as the CDP
 * client), bound to 127.0.0.1 on an ephemeral port. It serves only what it is
 * told to: directories mounted under URL prefixes, and single files mapped to
 * URL paths. Anything else, and any path that resolves (through "..",
 * encodings or symlinks) outside its mount, gets 403 or 404.
 *
 * Every response carries Cache-Control: no-store (no HTTP cache between
 * loads) and COOP/COEP (a cross-origin-isolated page gets 5 µs
 * performance.now() resolution instead of 100 µs). */
#ifndef WASMLAB_SERVER_H
#define WASMLAB_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

struct server;

struct server_stats {
    uint64_t requests, ok, forbidden, not_found;
};

/* Creates the listening vhost. Returns NULL with a reason in err. */
struct server *server_start(struct lws_context *ctx, char *err, size_t errlen);
int server_port(const struct server *s);
/* Serves dir (must exist) under url_prefix, which starts and ends with '/'. */
int server_mount_dir(struct server *s, const char *url_prefix, const char *dir);
/* Serves one file at url_path (starts with '/'). */
int server_map_file(struct server *s, const char *url_path, const char *file);
const struct server_stats *server_get_stats(const struct server *s);
/* Destroys the vhost. NULL is fine. */
void server_stop(struct server *s);

/* The Content-Type for a file name (by extension). Static string. */
const char *server_mime_type(const char *path);
/* Maps a decoded URL path to a file under root (both absolute), refusing any
 * escape. Returns a new string (caller frees) or NULL; *status gets 403 or
 * 404 on NULL. Exposed for tests. */
char *server_resolve(const char *root, const char *rel_path, int *status);

#endif
