#define _GNU_SOURCE
#include "collector/measure/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <brotli/encode.h>
#include <zlib.h>

#include "base/util.h"

enum { MAX_MOUNTS = 16, MAX_FILES = 256 };

struct mount {
    char *prefix;     /* "/pages/" */
    char *root;       /* realpath of the directory */
};

struct mapped_file {
    char *url;
    char *file;       /* realpath */
};

/* One response in flight: we stream the file ourselves (rather than
 * lws_serve_http_file) so a response can be shaped or cut for fault tests. */
struct transfer {
    int fd;
    uint64_t size, sent, cut_at;   /* cut_at: close after this many body bytes (0 = never) */
    /* network shaping (.wasm only; server_set_network) */
    const uint8_t *mem;            /* the encoded body (in the server's cache), or NULL: fd */
    bool wasm, headers_pending;
    const char *mime, *encoding;   /* encoding NULL = identity */
    bool cacheable;                /* .wasm with max-age instead of no-store */
    int64_t chunk, bandwidth, t_body_us;
    lws_sorted_usec_list_t sul;    /* latency / pacing timer */
    struct lws *wsi;
};

/* One encoded body, computed once per file and encoding. */
struct encoded {
    char *file;
    enum net_encoding enc;
    uint8_t *data;
    size_t len;
};

struct server {
    struct lws_vhost *vhost;
    uint64_t cut_wasm_at;          /* fault injection: WASMLAB_FAULT=cut-body:N */
    int port;
    struct mount mounts[MAX_MOUNTS];
    int n_mounts;
    struct mapped_file files[MAX_FILES];
    int n_files;
    struct server_stats stats;
    struct lws_context *ctx;
    struct net_condition net;
    bool wasm_cacheable;           /* server_set_cacheable: warm code-cache loads */
    struct encoded *cache;
    size_t n_cache;
    struct server_send *sends;     /* the .wasm writes since server_take_sends */
    size_t n_sends, cap_sends;
    int64_t encoded_bytes;
};

const char *server_mime_type(const char *path)
{
    static const struct { const char *ext, *mime; } types[] = {
        { ".html", "text/html; charset=utf-8" },
        { ".js", "text/javascript; charset=utf-8" },
        { ".mjs", "text/javascript; charset=utf-8" },
        { ".wasm", "application/wasm" },
        { ".json", "application/json" },
        { ".css", "text/css; charset=utf-8" },
        { ".txt", "text/plain; charset=utf-8" },
        { ".png", "image/png" },
        { ".svg", "image/svg+xml" },
    };
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].mime;
    return "application/octet-stream";
}

char *server_resolve(const char *root, const char *rel_path, int *status)
{
    *status = 404;
    /* Refuse anything that even looks like an escape before touching disk:
     * NUL, backslashes, absolute paths, ".." segments. lws has already decoded
     * %xx, so "%2e%2e" arrives here as "..". */
    if (!rel_path[0] || rel_path[0] == '/' || strchr(rel_path, '\\')) {
        *status = 403;
        return NULL;
    }
    for (const char *seg = rel_path; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if ((n == 2 && seg[0] == '.' && seg[1] == '.') || (n == 1 && seg[0] == '.')) {
            *status = 403;
            return NULL;
        }
        seg += n + (end ? 1 : 0);
    }
    char *joined = xasprintf("%s/%s", root, rel_path);
    char real[PATH_MAX];
    if (!realpath(joined, real)) {
        free(joined);
        return NULL;
    }
    free(joined);
    /* After following symlinks the file must still be inside root. */
    size_t rl = strlen(root);
    if (strncmp(real, root, rl) != 0 || real[rl] != '/') {
        *status = 403;
        return NULL;
    }
    struct stat st;
    if (stat(real, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    return xstrdup(real);
}

static char *lookup(struct server *s, const char *url, int *status)
{
    for (int i = 0; i < s->n_files; i++)
        if (strcmp(s->files[i].url, url) == 0)
            return xstrdup(s->files[i].file);
    for (int i = 0; i < s->n_mounts; i++) {
        size_t pl = strlen(s->mounts[i].prefix);
        if (strncmp(url, s->mounts[i].prefix, pl) == 0)
            return server_resolve(s->mounts[i].root, url + pl, status);
    }
    *status = strstr(url, "..") ? 403 : 404;
    return NULL;
}

static int add_headers(struct lws *wsi, unsigned char **p, unsigned char *end, bool cacheable)
{
    /* A warm code-cache load needs the module in the HTTP disk cache: Blink
     * uses a code-cache entry only when the response's (original) response
     * time equals the one stored with it (docs/code-cache.md). */
    const char *cache_control = cacheable ? "max-age=86400" : "no-store";
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)cache_control,
                                    (int)strlen(cache_control), p, end))
        return -1;
    static const char *const headers[][2] = {
        { "cross-origin-opener-policy:", "same-origin" },
        { "cross-origin-embedder-policy:", "require-corp" },
        { "cross-origin-resource-policy:", "same-origin" },
        { "x-content-type-options:", "nosniff" },
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)headers[i][0],
                                        (const unsigned char *)headers[i][1],
                                        (int)strlen(headers[i][1]), p, end))
            return -1;
    return 0;
}

static int finish(struct lws *wsi)
{
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

uint8_t *server_encode(const uint8_t *data, size_t len, enum net_encoding e, size_t *out_len)
{
    if (e == NET_ENCODING_BR) {
        size_t cap = BrotliEncoderMaxCompressedSize(len);
        uint8_t *out = xmalloc(cap ? cap : len + 1024);
        *out_len = cap ? cap : len + 1024;
        /* quality 9: within a few % of 11 on wasm, seconds faster on Go's MBs */
        if (!BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, len, data,
                                   out_len, out)) {
            free(out);
            return NULL;
        }
        return out;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    uint8_t *out = xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* The file's body in encoding e, from the cache or compressed now. */
static const struct encoded *encoded_body(struct server *s, const char *file, enum net_encoding e)
{
    for (size_t i = 0; i < s->n_cache; i++)
        if (s->cache[i].enc == e && strcmp(s->cache[i].file, file) == 0)
            return &s->cache[i];
    size_t len = 0;
    uint8_t *raw = read_whole_file(file, &len);
    if (!raw)
        return NULL;
    size_t enc_len = 0;
    uint8_t *enc = server_encode(raw, len, e, &enc_len);
    free(raw);
    if (!enc)
        return NULL;
    s->cache = xrealloc(s->cache, (s->n_cache + 1) * sizeof *s->cache);
    s->cache[s->n_cache] = (struct encoded){ xstrdup(file), e, enc, enc_len };
    return &s->cache[s->n_cache++];
}

static int write_headers(struct lws *wsi, struct transfer *t)
{
    unsigned char hdr[LWS_PRE + 1024];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr;
    /* The full Content-Length even when the body will be cut: that is the
     * fault (the browser sees the connection end early). */
    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, t->mime, (lws_filepos_t)t->size, &p,
                                    end) ||
        add_headers(wsi, &p, end, t->cacheable) ||
        (t->encoding && lws_add_http_header_by_name(wsi, (const unsigned char *)"content-encoding:",
                                                    (const unsigned char *)t->encoding,
                                                    (int)strlen(t->encoding), &p, end)) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    t->headers_pending = false;
    t->t_body_us = mono_us();
    return 0;
}

static void on_timer(lws_sorted_usec_list_t *sul)
{
    struct transfer *t = lws_container_of(sul, struct transfer, sul);
    lws_callback_on_writable(t->wsi);
}

/* A paced body can take minutes: lws's own HTTP timeouts (5 s by default)
 * would cut it. The page's timeout bounds a load instead. */
static void no_lws_timeout(struct lws *wsi)
{
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
}

static int start_file(struct server *s, struct lws *wsi, struct transfer *t, const char *file)
{
    t->fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (t->fd < 0 || fstat(t->fd, &st) < 0) {
        if (t->fd >= 0)
            close(t->fd);
        t->fd = -1;
        s->stats.not_found++;
        if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL))
            return -1;
        return finish(wsi);
    }
    t->size = (uint64_t)st.st_size;
    t->sent = 0;
    t->wsi = wsi;
    /* a keep-alive connection reuses t: nothing of the last response stays */
    t->mem = NULL;
    t->encoding = NULL;
    t->bandwidth = 0;
    t->headers_pending = false;
    t->mime = server_mime_type(file);
    t->wasm = strcmp(t->mime, "application/wasm") == 0;
    t->cacheable = t->wasm && s->wasm_cacheable;
    t->cut_at = s->cut_wasm_at && t->wasm ? s->cut_wasm_at : 0;
    t->chunk = 65536;
    const struct net_condition *n = &s->net;
    bool paced = t->wasm && n->shaper == NET_SHAPER_SERVER;
    if (t->wasm && n->encoding != NET_ENCODING_IDENTITY) {
        const struct encoded *e = encoded_body(s, file, n->encoding);
        if (!e)
            return -1;
        t->mem = e->data;
        t->size = e->len;
        t->encoding = net_encoding_name(n->encoding);
    }
    if (t->wasm) {
        s->encoded_bytes += (int64_t)t->size;
        t->chunk = n->chunk > 0 ? n->chunk : 65536;
    }
    if (paced)
        t->bandwidth = n->bandwidth;
    s->stats.ok++;
    if (paced)
        no_lws_timeout(wsi);
    if (paced && n->latency_ms > 0) {
        /* the added latency comes before the first response byte */
        t->headers_pending = true;
        lws_sul_schedule(s->ctx, 0, &t->sul, on_timer, n->latency_ms * LWS_US_PER_MS);
        return 0;
    }
    if (write_headers(wsi, t) < 0)
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

static void log_send(struct server *s, int64_t ts_us, int64_t bytes)
{
    if (s->n_sends == s->cap_sends) {
        s->cap_sends = s->cap_sends ? s->cap_sends * 2 : 256;
        s->sends = xrealloc(s->sends, s->cap_sends * sizeof *s->sends);
    }
    s->sends[s->n_sends++] = (struct server_send){ ts_us, bytes };
}

static int send_more(struct server *s, struct lws *wsi, struct transfer *t)
{
    if (t->headers_pending) {
        if (write_headers(wsi, t) < 0)
            return -1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    if (t->bandwidth > 0 && t->sent > 0) {
        /* chunk k leaves once the bytes before it fit the bandwidth */
        int64_t due = t->t_body_us + (int64_t)((double)t->sent * 1e6 / (double)t->bandwidth);
        int64_t now = mono_us();
        if (now < due) {
            no_lws_timeout(wsi);
            lws_sul_schedule(s->ctx, 0, &t->sul, on_timer, due - now);
            return 0;
        }
    }
    size_t max = (size_t)t->chunk;
    unsigned char *buf = xmalloc(LWS_PRE + max);
    uint64_t left = t->size - t->sent;
    size_t n = left > max ? max : (size_t)left;
    if (t->cut_at && t->sent + n > t->cut_at)
        n = (size_t)(t->cut_at - t->sent);
    ssize_t r = (ssize_t)n;
    if (t->mem)
        memcpy(buf + LWS_PRE, t->mem + t->sent, n);
    else if (n)
        r = pread(t->fd, buf + LWS_PRE, n, (off_t)t->sent);
    if (r < 0) {
        free(buf);
        return -1;
    }
    bool last = t->sent + (uint64_t)r >= t->size;
    /* stamped before the write: the receiver can see the bytes (and stamp
     * them) before lws_write returns to us */
    int64_t ts = mono_us();
    int w = r > 0 ? lws_write(wsi, buf + LWS_PRE, (size_t)r,
                              last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) : 0;
    free(buf);
    if (w != r)
        return -1;
    if (t->wasm && r > 0)
        log_send(s, ts, r);
    t->sent += (uint64_t)r;
    if (t->cut_at && t->sent >= t->cut_at && !last)
        return -1;   /* fault: drop the connection mid-body */
    if (last)
        return finish(wsi);
    lws_callback_on_writable(wsi);
    return 0;
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len)
{
    /* Some callbacks (thread id, locks) come with no vhost bound. */
    struct lws_vhost *vh = lws_get_vhost(wsi);
    struct server *s = vh ? lws_get_vhost_user(vh) : NULL;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        if (!s)
            return -1;
        s->stats.requests++;
        const char *url = in ? (const char *)in : "/";
        int status = 404;
        char *file = lookup(s, url, &status);
        if (!file) {
            if (status == 403)
                s->stats.forbidden++;
            else
                s->stats.not_found++;
            if (lws_return_http_status(wsi, (unsigned)status, NULL))
                return -1;
            return finish(wsi);
        }
        int rc = start_file(s, wsi, user, file);
        free(file);
        return rc;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        struct transfer *t = user;
        if (!t || t->fd < 0)
            break;
        if (!s)
            return -1;
        return send_more(s, wsi, t);
    }
    case LWS_CALLBACK_HTTP_BIND_PROTOCOL: {
        struct transfer *t = user;
        if (t) {
            memset(t, 0, sizeof *t);
            t->fd = -1;
        }
        break;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL: {
        struct transfer *t = user;
        if (t)
            lws_sul_cancel(&t->sul);
        if (t && t->fd >= 0) {
            close(t->fd);
            t->fd = -1;
        }
        break;
    }
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols http_protocols[] = {
    { "http", callback_http, sizeof(struct transfer), 0, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

struct server *server_start(struct lws_context *ctx, char *err, size_t errlen)
{
    struct server *s = xcalloc(1, sizeof *s);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = 0;                 /* ephemeral: the kernel picks */
    info.iface = "127.0.0.1";      /* loopback only */
    info.protocols = http_protocols;
    info.vhost_name = "wasmlab-http";
    info.user = s;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    s->ctx = ctx;
    net_default(&s->net);
    s->vhost = lws_create_vhost(ctx, &info);
    if (!s->vhost) {
        snprintf(err, errlen, "cannot start the HTTP server on 127.0.0.1");
        free(s);
        return NULL;
    }
    s->port = lws_get_vhost_listen_port(s->vhost);
    /* Fault injection for reliability tests: WASMLAB_FAULT=cut-body:N cuts
     * every .wasm response after N body bytes (README: Reliability). */
    const char *fault = getenv("WASMLAB_FAULT");
    long cut;
    if (fault && strncmp(fault, "cut-body:", 9) == 0 && parse_long(fault + 9, 1, 1L << 40, &cut) == 0)
        s->cut_wasm_at = (uint64_t)cut;
    if (s->port <= 0) {
        snprintf(err, errlen, "the HTTP server has no port");
        server_stop(s);
        return NULL;
    }
    return s;
}

int server_port(const struct server *s)
{
    return s->port;
}

int server_mount_dir(struct server *s, const char *url_prefix, const char *dir)
{
    char real[PATH_MAX];
    if (s->n_mounts >= MAX_MOUNTS || !realpath(dir, real))
        return -1;
    s->mounts[s->n_mounts].prefix = xstrdup(url_prefix);
    s->mounts[s->n_mounts].root = xstrdup(real);
    s->n_mounts++;
    return 0;
}

int server_map_file(struct server *s, const char *url_path, const char *file)
{
    char real[PATH_MAX];
    if (s->n_files >= MAX_FILES || !realpath(file, real))
        return -1;
    s->files[s->n_files].url = xstrdup(url_path);
    s->files[s->n_files].file = xstrdup(real);
    s->n_files++;
    return 0;
}

const struct server_stats *server_get_stats(const struct server *s)
{
    return &s->stats;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    if (s->vhost)
        lws_vhost_destroy(s->vhost);
    for (int i = 0; i < s->n_mounts; i++) {
        free(s->mounts[i].prefix);
        free(s->mounts[i].root);
    }
    for (int i = 0; i < s->n_files; i++) {
        free(s->files[i].url);
        free(s->files[i].file);
    }
    for (size_t i = 0; i < s->n_cache; i++) {
        free(s->cache[i].file);
        free(s->cache[i].data);
    }
    free(s->cache);
    free(s->sends);
    free(s);
}

void server_set_network(struct server *s, const struct net_condition *c)
{
    if (c)
        s->net = *c;
    else
        net_default(&s->net);
}

void server_set_cacheable(struct server *s, bool cacheable)
{
    s->wasm_cacheable = cacheable;
}

size_t server_take_sends(struct server *s, struct server_send **sends, int64_t *encoded)
{
    size_t n = s->n_sends;
    *sends = s->sends;
    if (encoded)
        *encoded = s->encoded_bytes;
    s->sends = NULL;
    s->n_sends = s->cap_sends = 0;
    s->encoded_bytes = 0;
    return n;
}

int server_prepare(struct server *s, const char *url_path)
{
    if (s->net.encoding == NET_ENCODING_IDENTITY)
        return 0;
    int status = 404;
    char *file = lookup(s, url_path, &status);
    if (!file)
        return -1;
    int rc = encoded_body(s, file, s->net.encoding) ? 0 : -1;
    free(file);
    return rc;
}
