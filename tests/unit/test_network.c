/* collector/measure/network: the profiles' figures (bytes/s from the
 * sources' kbit/s), the default, every KEY=VALUE, and each bad input refused
 * with one line naming the value. */
#include <string.h>

#include "collector/measure/network.h"
#include "tests/check.h"

static const struct net_profile *profile(const char *name)
{
    for (const struct net_profile *p = net_profiles; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

static void bad(const char *text, const char *named)
{
    struct net_condition c;
    char err[256] = "";
    CHECK_INT(net_parse(text, &c, err, sizeof err), -1);
    CHECK(strchr(err, '\n') == NULL);
    if (!strstr(err, named))
        fprintf(stderr, "%s: error \"%s\" does not name %s\n", text, err, named);
    CHECK(strstr(err, named) != NULL);
}

int main(void)
{
    /* WebPageTest: kbit/s of 1000 bits; Lighthouse: Kibit/s */
    CHECK_INT(profile("4g")->bandwidth, 1125000);
    CHECK_INT(profile("4g")->latency_ms, 170);
    CHECK_INT(profile("lte")->bandwidth, 1500000);
    CHECK_INT(profile("cable")->latency_ms, 28);
    CHECK_INT(profile("3g-slow")->bandwidth, 50000);
    CHECK_INT(profile("slow-4g")->bandwidth, 204800);
    CHECK_INT(profile("slow-4g")->latency_ms, 150);
    CHECK_INT(profile("desktop-4g")->bandwidth, 1310720);
    CHECK_INT(profile("lan")->bandwidth, 0);
    for (const struct net_profile *p = net_profiles; p->name; p++)
        CHECK(p->source && p->source[0]);

    struct net_condition c;
    char err[256];
    net_default(&c);
    CHECK_STR(c.profile, "lan");
    CHECK(!net_is_shaped(&c));
    CHECK_INT(c.chunk, 65536);

    CHECK_INT(net_parse("4g", &c, err, sizeof err), 0);
    CHECK_STR(c.profile, "4g");
    CHECK_INT(c.bandwidth, 1125000);
    CHECK_INT(c.latency_ms, 170);
    CHECK_INT(c.chunk, 16384);
    CHECK(c.encoding == NET_ENCODING_IDENTITY && c.shaper == NET_SHAPER_SERVER);
    CHECK(net_is_shaped(&c));

    CHECK_INT(net_parse("4g,encoding=br,shaper=cdp,latency=10", &c, err, sizeof err), 0);
    CHECK_STR(c.profile, "4g");
    CHECK_INT(c.latency_ms, 10);
    CHECK_STR(net_encoding_name(c.encoding), "br");
    CHECK_STR(net_shaper_name(c.shaper), "cdp");

    CHECK_INT(net_parse("bw=500000,latency=40,chunk=16384,encoding=gzip", &c, err, sizeof err), 0);
    CHECK_STR(c.profile, "custom");
    CHECK_INT(c.bandwidth, 500000);
    CHECK_INT(c.latency_ms, 40);
    CHECK_INT(c.chunk, 16384);
    CHECK_STR(net_encoding_name(c.encoding), "gzip");

    CHECK_INT(net_parse("lan,encoding=br", &c, err, sizeof err), 0);
    CHECK_INT(c.chunk, 65536);
    CHECK(net_is_shaped(&c));

    bad("bw=0", "bw=0");
    bad("bw=-5", "bw=-5");
    bad("bw=fast", "bw=fast");
    bad("5g", "5g");
    bad("4g,encoding=zstd", "encoding=zstd");
    bad("shaper=tc", "shaper=tc");
    bad("latency=-1", "latency=-1");
    bad("chunk=1", "chunk=1");
    bad("4g,speed=3", "speed");
    bad("4g,,encoding=br", ",,");
    bad("4g,", "4g,");
    bad("bw=100,4g", "4g");
    bad("", "empty");
    return check_result();
}
