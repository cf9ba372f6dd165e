/* V8 tiers as conditions (collector/measure/v8_flags.h, browser_slots.h,
 * experiment.h): the tier table, the checks of free-form --js-flags, the one
 * joined --js-flags switch (browser flags, then the tier's, then the
 * condition's), which conditions share a browser, and experiment files'
 * "v8" and "js_flags" keys with their errors. No browser. */
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "collector/measure/browser_slots.h"
#include "collector/measure/experiment.h"
#include "collector/measure/v8_flags.h"

static void test_tiers_and_checks(void)
{
    CHECK(v8_tier_find("liftoff-only") != NULL);
    CHECK_STR(v8_tier_find("turbofan-only")->js_flags, "--no-liftoff --no-wasm-tier-up");
    CHECK_STR(v8_tier_find("default")->js_flags, "");
    CHECK(v8_tier_find("sparkplug") == NULL);
    CHECK(v8_tier_find(NULL) == NULL);
    char err[200];
    CHECK(v8_js_flags_check("--no-liftoff --wasm-tiering-budget=10", err, sizeof err) == 0);
    CHECK(v8_js_flags_check("liftoff", err, sizeof err) < 0);
    CHECK(strstr(err, "start with '-'") != NULL);
    CHECK(v8_js_flags_check("--a \"--b\"", err, sizeof err) < 0);
    CHECK(v8_js_flags_check("--a\t--b", err, sizeof err) < 0);
    CHECK(v8_js_flags_check("", err, sizeof err) < 0);
    char longf[450];
    memset(longf, 'x', sizeof longf - 1);
    longf[0] = longf[1] = '-';
    longf[sizeof longf - 1] = 0;
    CHECK(v8_js_flags_check(longf, err, sizeof err) < 0);
}

static void test_join(void)
{
    const char *bargs[] = { "--js-flags=--a", "--disable-foo", "--js-flags=--b --c", NULL };
    char *j = v8_js_flags_join(bargs, "liftoff-only", "--d");
    CHECK_STR(j, "--a --b --c --liftoff-only --d");
    const char *out[8];
    char *sw;
    CHECK(v8_browser_args(bargs, j, out, 8, &sw) == 0);
    CHECK_STR(out[0], "--disable-foo");
    CHECK_STR(out[1], "--js-flags=--a --b --c --liftoff-only --d");
    CHECK(out[2] == NULL);
    free(sw);
    CHECK(v8_browser_args(bargs, j, out, 2, &sw) < 0);   /* no room */
    CHECK(sw == NULL);
    free(j);
    CHECK(v8_js_flags_join(NULL, "default", NULL) == NULL);
    CHECK(v8_js_flags_join(NULL, NULL, "") == NULL);
    CHECK(v8_browser_args(NULL, NULL, out, 8, &sw) == 0);
    CHECK(out[0] == NULL && sw == NULL);
}

static void test_slots(void)
{
    static struct plan p;
    memset(&p, 0, sizeof p);
    p.n_browsers = 2;
    p.browsers[0].spec = p.browsers[0].path = "/a";
    p.browsers[1].spec = p.browsers[1].path = "/b";
    p.n_conditions = 4;
    p.conditions[0] = (struct plan_condition){ .name = "default" };
    p.conditions[1] = (struct plan_condition){ .name = "lo", .v8_tier = "liftoff-only" };
    p.conditions[2] = (struct plan_condition){ .name = "lo2", .js_flags = "--liftoff-only" };
    p.conditions[3] = (struct plan_condition){ .name = "plain", .v8_tier = "default" };
    struct browser_slots s;
    char err[200];
    CHECK(browser_slots_build(&p, &s, err, sizeof err) == 0);
    CHECK_INT(s.n, 4);   /* per browser: no flags, --liftoff-only */
    CHECK_INT(browser_slot_of(&s, 0, 0), browser_slot_of(&s, 0, 3));
    CHECK_INT(browser_slot_of(&s, 0, 1), browser_slot_of(&s, 0, 2));
    CHECK(browser_slot_of(&s, 0, 0) != browser_slot_of(&s, 0, 1));
    CHECK(browser_slot_of(&s, 0, 1) != browser_slot_of(&s, 1, 1));
    const struct browser_slot *lo = &s.v[browser_slot_of(&s, 1, 1)];
    CHECK_INT(lo->browser, 1);
    CHECK_STR(lo->js_flags, "--liftoff-only");
    CHECK_STR(lo->flags_json, "[\"--js-flags=--liftoff-only\"]");
    CHECK_STR(lo->condition, "lo");
    CHECK(s.v[browser_slot_of(&s, 0, 0)].js_flags == NULL);
    CHECK_STR(s.v[browser_slot_of(&s, 0, 0)].flags_json, "[]");
    browser_slots_free(&s);
}

static int parse(const char *text, struct plan *p, char *err, size_t errlen)
{
    struct experiment e;
    memset(p, 0, sizeof *p);
    int rc = experiment_parse(text, strlen(text), "t.json", ".", &e, p, err, errlen);
    if (rc == 0) {   /* the plan's strings live in e: look before freeing */
        CHECK_STR(p->conditions[0].v8_tier, "turbofan-only");
        CHECK_STR(p->conditions[0].js_flags, "--no-wasm-native-module-cache");
        CHECK(p->conditions[1].v8_tier == NULL && p->conditions[1].js_flags == NULL);
    }
    experiment_free(&e);
    return rc;
}

static void test_experiment_keys(void)
{
    static struct plan p;
    char err[512];
    CHECK(parse("{\"name\":\"t\",\"browsers\":[\"x\"],\"modules\":[\"c/hello\"],"
                "\"conditions\":[{\"name\":\"tf\",\"v8\":\"turbofan-only\","
                "\"js_flags\":\"--no-wasm-native-module-cache\"},{\"name\":\"d\"}]}",
                &p, err, sizeof err) == 0);
    CHECK(parse("{\"name\":\"t\",\"browsers\":[\"x\"],\"modules\":[\"c/hello\"],"
                "\"conditions\":[{\"name\":\"tf\",\"v8\":\"turbo\"}]}", &p, err, sizeof err) < 0);
    CHECK(strstr(err, "\"conditions\"[0].v8: unknown tier turbo") != NULL);
    CHECK(parse("{\"name\":\"t\",\"browsers\":[\"x\"],\"modules\":[\"c/hello\"],"
                "\"conditions\":[{\"name\":\"tf\",\"v8\":3}]}", &p, err, sizeof err) < 0);
    CHECK(strstr(err, "v8: unknown tier (not a string)") != NULL);
    CHECK(parse("{\"name\":\"t\",\"browsers\":[\"x\"],\"modules\":[\"c/hello\"],"
                "\"conditions\":[{\"name\":\"f\",\"js_flags\":\"liftoff\"}]}",
                &p, err, sizeof err) < 0);
    CHECK(strstr(err, "\"conditions\"[0].js_flags liftoff: every V8 flag") != NULL);
    CHECK(parse("{\"name\":\"t\",\"browsers\":[\"x\"],\"modules\":[\"c/hello\"],"
                "\"conditions\":[{\"name\":\"f\",\"js_flags\":[\"--a\"]}]}",
                &p, err, sizeof err) < 0);
    CHECK(strstr(err, "must be a string") != NULL);
}

int main(void)
{
    test_tiers_and_checks();
    test_join();
    test_slots();
    test_experiment_keys();
    return check_result();
}
