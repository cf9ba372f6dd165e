#include "collector/measure/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lighthouse: GoogleChrome/lighthouse, core/config/constants.js, `throttling`
 * (throughputKbps is in Kibit/s: 1.6 * 1024 = 1638.4). WebPageTest:
 * WPO-Foundation/webpagetest, www/settings/connectivity.ini.sample (bwIn in
 * kbit/s of 1000 bit, latency = RTT ms). latency_ms here is the RTT: one
 * round trip before the first response byte. */
#define LH "lighthouse core/config/constants.js"
#define WPT "webpagetest www/settings/connectivity.ini.sample"
const struct net_profile net_profiles[] = {
    { "lan", 0, 0, "unshaped loopback (WebPageTest 'Native')" },
    { "slow-4g", 1638400 / 8, 150, LH " mobileSlow4G: 150 ms RTT, 1638.4 Kbps" },
    { "lh-3g", 700 * 1024 / 8, 300, LH " mobileRegular3G: 300 ms RTT, 700 Kbps" },
    { "desktop-4g", 10 * 1024 * 1024 / 8, 40, LH " desktopDense4G: 40 ms RTT, 10240 Kbps" },
    { "cable", 5000000 / 8, 28, WPT " Cable: 5000 kbps, 28 ms" },
    { "dsl", 1500000 / 8, 50, WPT " DSL: 1500 kbps, 50 ms" },
    { "3g", 1600000 / 8, 300, WPT " 3G: 1600 kbps, 300 ms" },
    { "3g-slow", 400000 / 8, 400, WPT " 3GSlow: 400 kbps, 400 ms" },
    { "4g", 9000000 / 8, 170, WPT " 4G: 9000 kbps, 170 ms" },
    { "lte", 12000000 / 8, 70, WPT " LTE: 12000 kbps, 70 ms" },
    { NULL, 0, 0, NULL }
};

enum { CHUNK_SHAPED = 16384, CHUNK_UNSHAPED = 65536 };

void net_default(struct net_condition *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->profile, sizeof c->profile, "lan");
    c->chunk = CHUNK_UNSHAPED;
}

bool net_is_shaped(const struct net_condition *c)
{
    return c->bandwidth > 0 || c->latency_ms > 0 || c->encoding != NET_ENCODING_IDENTITY ||
           c->chunk != CHUNK_UNSHAPED;
}

const char *net_encoding_name(enum net_encoding e)
{
    return e == NET_ENCODING_GZIP ? "gzip" : e == NET_ENCODING_BR ? "br" : "identity";
}

const char *net_shaper_name(enum net_shaper s)
{
    return s == NET_SHAPER_CDP ? "cdp" : "server";
}

static int parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
    errno = 0;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

/* One KEY=VALUE item. */
static int parse_item(const char *item, struct net_condition *c, bool *chunk_set, char *err,
                      size_t errlen)
{
    const char *eq = strchr(item, '=');
    size_t kl = eq ? (size_t)(eq - item) : 0;
    const char *v = eq ? eq + 1 : "";
#define KEY(k) (kl == strlen(k) && strncmp(item, k, kl) == 0)
    if (!eq) {
        snprintf(err, errlen, "network %s: expected KEY=VALUE or a profile first", item);
        return -1;
    }
    if (KEY("bw")) {
        if (parse_int(v, 1, 10000000000LL, &c->bandwidth) == 0)
            return 0;
        snprintf(err, errlen, "network bw=%s: bandwidth must be a whole number of bytes/s "
                 "from 1 to 10000000000", v);
    } else if (KEY("latency")) {
        if (parse_int(v, 0, 60000, &c->latency_ms) == 0)
            return 0;
        snprintf(err, errlen, "network latency=%s: must be whole ms from 0 to 60000", v);
    } else if (KEY("chunk")) {
        if (parse_int(v, 512, 1048576, &c->chunk) == 0) {
            *chunk_set = true;
            return 0;
        }
        snprintf(err, errlen, "network chunk=%s: must be whole bytes from 512 to 1048576", v);
    } else if (KEY("encoding")) {
        if (strcmp(v, "identity") == 0 || strcmp(v, "gzip") == 0 || strcmp(v, "br") == 0) {
            c->encoding = v[0] == 'g' ? NET_ENCODING_GZIP : v[0] == 'b' ? NET_ENCODING_BR
                                                                        : NET_ENCODING_IDENTITY;
            return 0;
        }
        snprintf(err, errlen, "network encoding=%s: unknown encoding (identity, gzip, br)", v);
    } else if (KEY("shaper")) {
        if (strcmp(v, "server") == 0 || strcmp(v, "cdp") == 0) {
            c->shaper = v[0] == 'c' ? NET_SHAPER_CDP : NET_SHAPER_SERVER;
            return 0;
        }
        snprintf(err, errlen, "network shaper=%s: unknown shaper (server, cdp)", v);
    } else {
        snprintf(err, errlen, "network %.*s: unknown key (bw, latency, chunk, encoding, shaper)",
                 (int)kl, item);
    }
#undef KEY
    return -1;
}

static const struct net_profile *find_profile(const char *name)
{
    for (const struct net_profile *p = net_profiles; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

int net_parse(const char *text, struct net_condition *c, char *err, size_t errlen)
{
    net_default(c);
    if (!text || !*text) {
        snprintf(err, errlen, "network \"\": empty (a profile such as 4g, or bw=N,...)");
        return -1;
    }
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    bool chunk_set = false;
    int rc = 0;
    char *save = NULL;
    int index = 0;
    for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
         item = strtok_r(NULL, ",", &save), index++) {
        if (index == 0 && !strchr(item, '=')) {
            const struct net_profile *p = find_profile(item);
            if (!p) {
                snprintf(err, errlen, "network %s: unknown profile (wasmlab run --help lists "
                         "them; docs/network.md)", item);
                rc = -1;
                break;
            }
            snprintf(c->profile, sizeof c->profile, "%s", p->name);
            c->bandwidth = p->bandwidth;
            c->latency_ms = p->latency_ms;
            continue;
        }
        if (index == 0)
            snprintf(c->profile, sizeof c->profile, "custom");
        rc = parse_item(item, c, &chunk_set, err, errlen);
    }
    /* a trailing or doubled comma leaves an empty item strtok skips: refuse it */
    if (rc == 0 && (strstr(text, ",,") || text[0] == ',' || text[strlen(text) - 1] == ',')) {
        snprintf(err, errlen, "network %s: empty item between commas", text);
        rc = -1;
    }
    if (rc == 0 && !chunk_set)
        c->chunk = c->bandwidth > 0 ? CHUNK_SHAPED : CHUNK_UNSHAPED;
    free(copy);
    return rc;
}
