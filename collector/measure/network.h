/* network: a load's network condition (bandwidth, first-byte latency, chunk
 * pacing, Content-Encoding, which shaper) and the named profiles.
 *
 * Text syntax (run --network, experiment "network": "..."):
 *
 *   [PROFILE][,KEY=VALUE]...
 *
 *   PROFILE   a name from net_profiles[] (e.g. 4g, slow-4g, lan); omitted =
 *             "custom" (unshaped until bw= is given)
 *   bw=N      bandwidth in bytes/s (1..10^10); "0" or negative is an error
 *   latency=N added first-byte latency in ms (0..60000)
 *   chunk=N   body write size in bytes (512..1048576; default 16384 when
 *             shaped, 65536 when not)
 *   encoding= identity | gzip | br
 *   shaper=   server (wasmlab's HTTP server paces the .wasm body) | cdp
 *             (Network.emulateNetworkConditions on the page's session)
 *
 * Examples: "4g", "slow-4g,encoding=br", "bw=500000,latency=40,chunk=16384".
 * Errors: net_parse returns -1 with one line in err naming the bad value. */
#ifndef WASMLAB_NETWORK_H
#define WASMLAB_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum net_encoding { NET_ENCODING_IDENTITY, NET_ENCODING_GZIP, NET_ENCODING_BR };
enum net_shaper { NET_SHAPER_SERVER, NET_SHAPER_CDP };

struct net_condition {
    char profile[32];              /* profile name, "custom", or "lan" (default) */
    int64_t bandwidth;             /* bytes/s; 0 = unshaped */
    int64_t latency_ms;            /* added before the response headers */
    int64_t chunk;                 /* bytes per paced write */
    enum net_encoding encoding;
    enum net_shaper shaper;
};

struct net_profile {
    const char *name;
    int64_t bandwidth;             /* bytes/s; 0 = unshaped */
    int64_t latency_ms;            /* the source's RTT */
    const char *source;            /* where the figures come from */
};

/* The named profiles, ending with a NULL name. */
extern const struct net_profile net_profiles[];

/* The default condition: "lan", unshaped, identity, server, 64 KiB writes
 * (what wasmlab did before network conditions existed). */
void net_default(struct net_condition *c);
/* Parses text (syntax above) into *c. Returns 0, or -1 with err set. */
int net_parse(const char *text, struct net_condition *c, char *err, size_t errlen);
/* true when anything differs from plain loopback serving */
bool net_is_shaped(const struct net_condition *c);
const char *net_encoding_name(enum net_encoding e);
const char *net_shaper_name(enum net_shaper s);

#endif
