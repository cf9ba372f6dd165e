/* collector/measure/server: started on a libwebsockets context on 127.0.0.1
 * and asked for files by a plain socket client in this process (the loop is
 * serviced while the client waits): 200 with no-store and COOP/COEP, 404
 * outside the mounts, ".." and encoded traversal refused (403 or 404: lws
 * folds ".." first) without leaking, 403 on a symlink out of a mount or a
 * backslash, and server_resolve's 403/404 rules directly. Network shaping:
 * a paced .wasm response takes at least latency + (size - chunk)/bandwidth,
 * its logged writes are chunk-sized, write i at least i * chunk/bandwidth
 * after the first, the first after the latency; gzip and br bodies carry
 * Content-Encoding and decode to the file. No browser. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <brotli/decode.h>
#include <libwebsockets.h>
#include <zlib.h>

#include "base/util.h"
#include "collector/measure/server.h"
#include "tests/check.h"

static struct lws_context *ctx;
static lws_sorted_usec_list_t tick;

static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;   /* only wakes lws_service */
}

static void service_once(void)
{
    lws_sul_schedule(ctx, 0, &tick, tick_cb, 10 * LWS_US_PER_MS);
    lws_service(ctx, 0);
}

struct reply {
    int status;
    char head[4096];     /* status line and headers */
    struct buf body;
};

/* Sends a raw HTTP/1.0 request for path (sent as is: no normalising) and
 * reads the reply while servicing the server, for at most 5 s. */
static int request(int port, const char *path, struct reply *r)
{
    memset(r, 0, sizeof *r);
    r->body.limit = 1 << 20;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    char *req = xasprintf("GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
    size_t sent = 0, want = strlen(req);
    struct buf all = { .limit = 2 << 20 };
    int64_t deadline = mono_us() + 5000000;
    bool eof = false;
    while (!eof && mono_us() < deadline) {
        service_once();
        if (sent < want) {
            ssize_t w = send(fd, req + sent, want - sent, MSG_NOSIGNAL);
            if (w > 0)
                sent += (size_t)w;
        }
        char chunk[8192];
        ssize_t got;
        while ((got = recv(fd, chunk, sizeof chunk, 0)) > 0)
            buf_append(&all, chunk, (size_t)got);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN))
            eof = true;
    }
    close(fd);
    free(req);
    const char *end = all.data ? strstr(all.data, "\r\n\r\n") : NULL;
    if (!end) {
        buf_free(&all);
        return -1;
    }
    snprintf(r->head, sizeof r->head, "%.*s", (int)(end - all.data), all.data);
    buf_append(&r->body, end + 4, all.len - (size_t)(end + 4 - all.data));
    if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
        r->status = -1;
    buf_free(&all);
    return 0;
}

/* The value of header name (case-insensitive), or "" */
static const char *header(const struct reply *r, const char *name, char *buf, size_t len)
{
    buf[0] = 0;
    size_t nl = strlen(name);
    for (const char *p = r->head; p && *p;) {
        const char *e = strstr(p, "\r\n");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, len, "%.*s", (int)(l - (size_t)(v - p)), v);
            break;
        }
        p = e ? e + 2 : NULL;
    }
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int status_of(int port, const char *path)
{
    struct reply r;
    int st = request(port, path, &r) == 0 ? r.status : -1;
    bool leaked = r.body.data && strstr(r.body.data, "SECRET") != NULL;
    if (leaked)
        fprintf(stderr, "%s leaked the secret\n", path);
    CHECK(!leaked);
    buf_free(&r.body);
    return st;
}

static void test_resolve_rules(const char *root)
{
    int st;
    CHECK(server_resolve(root, "../secret.txt", &st) == NULL);
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "sub/../../secret.txt", &st) == NULL);
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "./ok.html", &st) == NULL);
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "/etc/passwd", &st) == NULL);
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "a\\..\\b", &st) == NULL);
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "link.txt", &st) == NULL);     /* symlink out of root */
    CHECK_INT(st, 403);
    CHECK(server_resolve(root, "missing.html", &st) == NULL);
    CHECK_INT(st, 404);
    char *f = server_resolve(root, "ok.html", &st);
    CHECK(f != NULL && strstr(f, "/ok.html") != NULL);
    free(f);
}

/* A 40000-byte module at 100000 B/s in 8000-byte chunks after 50 ms. */
static void test_pacing(struct server *srv, int port)
{
    struct net_condition net;
    char err[256];
    CHECK_INT(net_parse("bw=100000,latency=50,chunk=8000", &net, err, sizeof err), 0);
    server_set_network(srv, &net);
    struct server_send *old = NULL;
    server_take_sends(srv, &old, NULL);
    free(old);
    struct reply r;
    int64_t t0 = mono_us();
    CHECK_INT(request(port, "/modules/big.wasm", &r), 0);
    int64_t took = mono_us() - t0;
    CHECK_INT(r.status, 200);
    CHECK_INT(r.body.len, 40000);
    buf_free(&r.body);
    /* lower bounds only: a busy machine may be slower, never faster */
    CHECK(took >= 50000 + (40000 - 8000) * 10);
    struct server_send *sends = NULL;
    int64_t encoded = 0;
    size_t n = server_take_sends(srv, &sends, &encoded);
    CHECK_INT(n, 5);
    CHECK_INT(encoded, 40000);
    CHECK(n > 0 && sends[0].ts_us - t0 >= 50000);
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(sends[i].bytes, 8000);
        /* the schedule is absolute (a late write does not push the rest
         * back): write i leaves >= i * chunk/bandwidth after the headers;
         * the first write is stamped a little after them, hence 1 ms */
        int64_t after = sends[i].ts_us - sends[0].ts_us;
        if (after < (int64_t)i * 80000 - 1000)
            fprintf(stderr, "write %zu left %lld us after the first\n", i, (long long)after);
        CHECK(after >= (int64_t)i * 80000 - 1000);
    }
    free(sends);
    server_set_network(srv, NULL);
}

static void test_encodings(struct server *srv, int port, const uint8_t *raw, size_t len)
{
    for (int e = NET_ENCODING_GZIP; e <= NET_ENCODING_BR; e++) {
        struct net_condition net;
        char err[256], v[64];
        CHECK_INT(net_parse(e == NET_ENCODING_GZIP ? "lan,encoding=gzip" : "lan,encoding=br",
                            &net, err, sizeof err), 0);
        server_set_network(srv, &net);
        CHECK_INT(server_prepare(srv, "/modules/big.wasm"), 0);
        struct reply r;
        CHECK_INT(request(port, "/modules/big.wasm", &r), 0);
        CHECK_INT(r.status, 200);
        CHECK_STR(header(&r, "content-encoding", v, sizeof v), net_encoding_name(net.encoding));
        CHECK(r.body.len > 0 && r.body.len < len);
        uint8_t *out = xmalloc(len + 16);
        size_t out_len = len + 16;
        if (e == NET_ENCODING_GZIP) {
            z_stream z;
            memset(&z, 0, sizeof z);
            CHECK_INT(inflateInit2(&z, 15 + 16), Z_OK);
            z.next_in = (Bytef *)r.body.data;
            z.avail_in = (uInt)r.body.len;
            z.next_out = out;
            z.avail_out = (uInt)out_len;
            CHECK_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
            out_len = z.total_out;
            inflateEnd(&z);
        } else {
            CHECK(BrotliDecoderDecompress(r.body.len, (const uint8_t *)r.body.data, &out_len,
                                          out) == BROTLI_DECODER_RESULT_SUCCESS);
        }
        CHECK_INT(out_len, len);
        CHECK(memcmp(out, raw, len) == 0);
        free(out);
        buf_free(&r.body);
        struct server_send *sends = NULL;
        server_take_sends(srv, &sends, NULL);
        free(sends);
    }
    server_set_network(srv, NULL);
}

int main(void)
{
    char tmp[] = "/tmp/wasmlab-test-server-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char real_tmp[4096];
    CHECK(realpath(tmp, real_tmp) != NULL);
    char *pages = xasprintf("%s/pages", real_tmp);
    char *sub = xasprintf("%s/pages/sub", real_tmp);
    CHECK(mkdir(pages, 0755) == 0 && mkdir(sub, 0755) == 0);
    char *ok = xasprintf("%s/ok.html", pages), *secret = xasprintf("%s/secret.txt", real_tmp);
    char *wasm = xasprintf("%s/m.wasm", real_tmp), *link = xasprintf("%s/link.txt", pages);
    write_file(ok, "<!doctype html><p>ok");
    write_file(secret, "SECRET");
    write_file(wasm, "\1asm");
    CHECK(symlink(secret, link) == 0);
    test_resolve_rules(pages);

    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    ctx = lws_create_context(&info);
    CHECK(ctx != NULL);
    char err[256];
    struct server *srv = ctx ? server_start(ctx, err, sizeof err) : NULL;
    CHECK(srv != NULL);
    if (!srv) {
        fprintf(stderr, "server_start: %s\n", err);
        return check_result();
    }
    CHECK_INT(server_mount_dir(srv, "/pages/", pages), 0);
    CHECK_INT(server_map_file(srv, "/modules/m.wasm", wasm), 0);
    /* a compressible 40000-byte "module" for shaping and encodings */
    char *big = xasprintf("%s/big.wasm", real_tmp);
    uint8_t *raw = xmalloc(40000);
    for (size_t i = 0; i < 40000; i++)
        raw[i] = (uint8_t)(i % 251 < 128 ? i % 7 : i * 31 % 256);
    FILE *bf = fopen(big, "wb");
    CHECK(bf && fwrite(raw, 1, 40000, bf) == 40000);
    if (bf)
        fclose(bf);
    CHECK_INT(server_map_file(srv, "/modules/big.wasm", big), 0);
    int port = server_port(srv);
    CHECK(port > 0);

    struct reply r;
    CHECK_INT(request(port, "/pages/ok.html", &r), 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "<!doctype html><p>ok");
    char v[256];
    CHECK_STR(header(&r, "cache-control", v, sizeof v), "no-store");
    CHECK_STR(header(&r, "cross-origin-opener-policy", v, sizeof v), "same-origin");
    CHECK_STR(header(&r, "cross-origin-embedder-policy", v, sizeof v), "require-corp");
    CHECK(strncmp(header(&r, "content-type", v, sizeof v), "text/html", 9) == 0);
    buf_free(&r.body);

    CHECK_INT(request(port, "/modules/m.wasm", &r), 0);
    CHECK_INT(r.status, 200);
    CHECK_STR(header(&r, "content-type", v, sizeof v), "application/wasm");
    CHECK_STR(header(&r, "cache-control", v, sizeof v), "no-store");
    buf_free(&r.body);

    /* outside every mount, or missing inside one */
    CHECK_INT(status_of(port, "/secret.txt"), 404);
    CHECK_INT(status_of(port, "/elsewhere/ok.html"), 404);
    CHECK_INT(status_of(port, "/pages/missing.html"), 404);

    /* Traversal, raw and %-encoded: libwebsockets decodes %xx and folds ".."
     * before the server sees the URL, so these arrive as paths outside the
     * mount (404); what reaches a mount with an escape in it is 403
     * (server_resolve's rules, above). Either way the secret never leaks. */
    static const char *const traversals[] = {
        "/pages/../secret.txt", "/pages/%2e%2e/secret.txt", "/pages/%2E%2E/%2e%2e/etc/passwd",
        "/pages/..%2fsecret.txt", "/pages/sub/..%2f..%2fsecret.txt", "/pages/%2e%2e%2fsecret.txt",
    };
    for (size_t i = 0; i < sizeof traversals / sizeof traversals[0]; i++) {
        int st = status_of(port, traversals[i]);
        if (st != 403 && st != 404)
            fprintf(stderr, "%s -> %d, want 403 or 404\n", traversals[i], st);
        CHECK(st == 403 || st == 404);
    }
    uint64_t forbidden0 = server_get_stats(srv)->forbidden;
    CHECK_INT(status_of(port, "/pages/link.txt"), 403);   /* symlink out of the mount */
    CHECK_INT(status_of(port, "/pages/a%5c..%5csecret.txt"), 403);   /* backslashes */
    CHECK(server_get_stats(srv)->forbidden == forbidden0 + 2);
    CHECK(server_get_stats(srv)->ok >= 2);

    test_pacing(srv, port);
    test_encodings(srv, port, raw, 40000);
    free(raw);
    free(big);

    server_stop(srv);
    lws_context_destroy(ctx);
    unlink(link);
    remove_tree(real_tmp);
    free(pages);
    free(sub);
    free(ok);
    free(secret);
    free(wasm);
    free(link);
    return check_result();
}
