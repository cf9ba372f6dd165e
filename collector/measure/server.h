/* server: the HTTP server that serves the harness pages and the modules.
 *
 * It runs on the caller's libwebsockets context (the same loop as the CDP
 * client), bound to 127.0.0.1 on an ephemeral port. It serves only what it is
 * told to: directories mounted under URL prefixes, and single files mapped to
 * URL paths. Anything else, and any path that resolves (through "..",
 * encodings or symlinks) outside its mount, gets 403 or 404.
 *
 * Every response carries Cache-Control: no-store (no HTTP cache between
 * loads; .wasm responses get max-age while server_set_cacheable is on) and COOP/COEP (a cross-origin-isolated page gets 5 µs
 * performance.now() resolution instead of 100 µs). */
#ifndef WASMLAB_SERVER_H
#define WASMLAB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "collector/measure/network.h"

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

/* Network shaping of module (.wasm) responses; pages and JS are never shaped.
 * From the next request on: the body is encoded as c->encoding (compressed
 * once per file and encoding, cached in memory until server_stop) and, when
 * c->shaper is NET_SHAPER_SERVER, the response headers wait c->latency_ms
 * (an lws_sul timer) and the body leaves in c->chunk-byte writes, chunk k
 * not before bandwidth allows: t_headers + bytes_before_k / bandwidth. No
 * threads: all on the caller's lws loop. NULL = the default (unshaped). */
void server_set_network(struct server *s, const struct net_condition *c);
/* From the next request on, .wasm responses carry Cache-Control: max-age
 * (the browser may keep them in its HTTP disk cache, which a warm code-cache
 * load needs) instead of no-store. Off by default; code_cache.c turns it on
 * for a warm load only. */
void server_set_cacheable(struct server *s, bool cacheable);
/* Encodes the file served at url_path for the current network condition now
 * (when not cached yet), so compression time never lands inside a measured
 * response. Returns 0, or -1 when the URL serves nothing or encoding failed. */
int server_prepare(struct server *s, const char *url_path);

/* One body write of a .wasm response: when it was handed to lws_write
 * (CLOCK_MONOTONIC µs, Chrome's trace clock on Linux) and how many bytes. */
struct server_send {
    int64_t ts_us, bytes;
};

/* Hands over the .wasm writes logged since the last call (caller frees
 * *sends; NULL when none) and, in *encoded, the encoded body sizes sent
 * (Content-Length). Returns the number of writes. */
size_t server_take_sends(struct server *s, struct server_send **sends, int64_t *encoded);

/* Compresses data with gzip (zlib) or br (libbrotli). Returns a new buffer
 * (caller frees) and its length in *out_len, or NULL on failure. Exposed for
 * tests. */
uint8_t *server_encode(const uint8_t *data, size_t len, enum net_encoding e, size_t *out_len);
/* Destroys the vhost. NULL is fine. */
void server_stop(struct server *s);

/* The Content-Type for a file name (by extension). Static string. */
const char *server_mime_type(const char *path);
/* Maps a decoded URL path to a file under root (both absolute), refusing any
 * escape. Returns a new string (caller frees) or NULL; *status gets 403 or
 * 404 on NULL. Exposed for tests. */
char *server_resolve(const char *root, const char *rel_path, int *status);

#endif
