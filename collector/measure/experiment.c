#define _GNU_SOURCE
#include "collector/measure/experiment.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "collector/measure/compile_api.h"
#include "collector/measure/v8_flags.h"
#include "collector/report/questions.h"

static const char *const known_keys[] = {
    "name", "description", "browsers", "modules", "module_files", "apis", "conditions",
    "loads", "warmup", "timeout_s", "browser_args", "auto_sample", "keep_traces", "questions",
    "batch", "trace_format", NULL
};

static int fail(char *err, size_t errlen, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, const char *file, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "experiment %s: %s", file, what);
    return -1;
}

/* A condition's "network": a string in network.h's syntax, or an object
 * {"profile": "4g", "bw": N, "latency": MS, "chunk": N, "encoding": "br",
 * "shaper": "cdp"} (every key optional) turned into that syntax. */
static int condition_network(json_t *v, struct net_condition *net, size_t i, const char *file,
                             char *err, size_t errlen)
{
    char text[512] = "", why[300];
    if (json_is_string(v)) {
        snprintf(text, sizeof text, "%s", json_string_value(v));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *val;
        size_t at = 0;
        const char *profile = json_string_value(json_object_get(v, "profile"));
        if (profile)
            at += (size_t)snprintf(text, sizeof text, "%s", profile);
        json_object_foreach(v, key, val) {
            if (strcmp(key, "profile") == 0)
                continue;
            bool num = !strcmp(key, "bw") || !strcmp(key, "latency") || !strcmp(key, "chunk");
            bool str = !strcmp(key, "encoding") || !strcmp(key, "shaper");
            if (!num && !str)
                return fail(err, errlen, file, "\"conditions\"[%zu].network: unknown key \"%s\"",
                            i, key);
            if ((num && !json_is_integer(val)) || (str && !json_is_string(val)))
                return fail(err, errlen, file, "\"conditions\"[%zu].network.%s must be %s", i,
                            key, num ? "a whole number" : "a string");
            char item[128];
            if (num)
                snprintf(item, sizeof item, "%s=%lld", key, (long long)json_integer_value(val));
            else
                snprintf(item, sizeof item, "%s=%.100s", key, json_string_value(val));
            if (at < sizeof text)
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s", at ? "," : "", item);
        }
    } else {
        return fail(err, errlen, file, "\"conditions\"[%zu].network must be a profile name, "
                    "\"bw=N,...\" or an object", i);
    }
    if (net_parse(text, net, why, sizeof why) < 0)
        return fail(err, errlen, file, "\"conditions\"[%zu]: %s", i, why);
    return 0;
}

/* A condition's "v8" tier and "js_flags" (v8_flags.h). */
static int condition_v8(json_t *c, struct plan_condition *pc, size_t i, const char *file,
                        char *err, size_t errlen)
{
    json_t *tier = json_object_get(c, "v8"), *flags = json_object_get(c, "js_flags");
    if (tier) {
        const char *t = json_string_value(tier);
        if (!t || !v8_tier_find(t))
            return fail(err, errlen, file, "\"conditions\"[%zu].v8: unknown tier %s (must be "
                        V8_TIER_LIST ")", i, t ? t : "(not a string)");
        pc->v8_tier = t;
    }
    if (flags) {
        const char *f = json_string_value(flags);
        char why[200] = "must be a string";
        if (!f || v8_js_flags_check(f, why, sizeof why) < 0)
            return fail(err, errlen, file, "\"conditions\"[%zu].js_flags %s: %s", i,
                        f ? f : "", why);
        pc->js_flags = f;
    }
    return 0;
}

/* A JSON array of non-empty strings (at most max): 0, or -1 naming the key. */
static int string_list(json_t *root, const char *key, const char **out, int *n, int max,
                       bool required, const char *file, char *err, size_t errlen)
{
    json_t *arr = json_object_get(root, key);
    *n = 0;
    if (!arr)
        return required ? fail(err, errlen, file, "\"%s\" is required", key) : 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > (size_t)max)
        return fail(err, errlen, file, "\"%s\" must be a list of 1 to %d strings", key, max);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (!s || !*s || strlen(s) > 1024)
            return fail(err, errlen, file, "\"%s\"[%zu] must be a non-empty string", key, i);
        out[(*n)++] = s;
    }
    return 0;
}

static int number(json_t *root, const char *key, long dflt, long min, long max, long *out,
                  const char *file, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return fail(err, errlen, file, "\"%s\" must be a whole number from %ld to %ld", key, min,
                    max);
    *out = (long)json_integer_value(v);
    return 0;
}

static bool safe_name(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* conditions[i]: its name, args, JS churn and network part into p->conditions[i]. */
static int parse_condition(json_t *c, size_t i, struct experiment *e, struct plan *p,
                           const char *file, char *err, size_t errlen)
{
    const char *key;
    json_t *val;
    if (!json_is_object(c))
        return fail(err, errlen, file, "\"conditions\"[%zu] must be an object", i);
    json_object_foreach(c, key, val) {
        if (strcmp(key, "name") && strcmp(key, "args") && strcmp(key, "js_churn_mb") &&
            strcmp(key, "network") && strcmp(key, "v8") && strcmp(key, "js_flags") &&
            strcmp(key, "cache"))
            return fail(err, errlen, file, "\"conditions\"[%zu]: unknown key \"%s\"", i, key);
    }
    struct plan_condition *pc = &p->conditions[i];
    const char *cname = json_string_value(json_object_get(c, "name"));
    if (!cname || !safe_name(cname))
        return fail(err, errlen, file,
                    "\"conditions\"[%zu].name is required: 1-63 of A-Z a-z 0-9 . _ -", i);
    for (size_t k = 0; k < i; k++)
        if (strcmp(p->conditions[k].name, cname) == 0)
            return fail(err, errlen, file, "condition \"%s\" appears twice", cname);
    pc->name = (char *)cname;
    json_t *args = json_object_get(c, "args");
    if (args) {
        size_t k;
        json_t *a;
        bool ok = json_is_array(args) && json_array_size(args) <= 64;
        json_array_foreach(args, k, a) ok = ok && json_is_string(a);
        if (!ok)
            return fail(err, errlen, file, "\"conditions\"[%zu].args must be a list of strings", i);
        e->args[i] = json_dumps(args, JSON_COMPACT);
        pc->args_json = e->args[i];
    }
    if (number(c, "js_churn_mb", 0, 0, 4096, &pc->js_churn_mb, file, err, errlen) < 0)
        return -1;
    json_t *net = json_object_get(c, "network");
    if (net && condition_network(net, &pc->net, i, file, err, errlen) < 0)
        return -1;
    json_t *cache = json_object_get(c, "cache");
    if (cache && cache_mode_parse(json_string_value(cache), &pc->cache) < 0)
        return fail(err, errlen, file, "\"conditions\"[%zu].cache must be \"cold\" or \"warm\"",
                    i);
    return condition_v8(c, pc, i, file, err, errlen);
}

/* A warm condition needs a streaming API: the code cache keys on the
 * Response that only compileStreaming/instantiateStreaming hand to Blink. */
static int check_warm_apis(const struct plan *p, const char *file, char *err, size_t errlen)
{
    for (int c = 0; c < p->n_conditions; c++)
        for (int a = 0; a < p->n_apis && p->conditions[c].cache == CACHE_WARM; a++)
            if (!cache_api_can_warm(p->apis[a]))
                return fail(err, errlen, file, "condition \"%s\" is warm but \"apis\" has %s, "
                            "which cannot use the code cache (only streaming and "
                            "instantiate-streaming can)", p->conditions[c].name, p->apis[a]);
    return 0;
}

/* "auto_sample": max_loads, ci_width_ms and the baseline browser. */
static int parse_auto_sample(json_t *as, struct plan *p, const char *file, char *err,
                             size_t errlen)
{
    const char *key;
    json_t *val;
    if (!json_is_object(as))
        return fail(err, errlen, file, "\"auto_sample\" must be an object");
    json_object_foreach(as, key, val) {
        if (strcmp(key, "max_loads") && strcmp(key, "ci_width_ms") && strcmp(key, "baseline"))
            return fail(err, errlen, file, "\"auto_sample\": unknown key \"%s\"", key);
    }
    if (number(as, "max_loads", 0, p->loads + 1, 100000, &p->auto_max, file, err, errlen) < 0)
        return -1;
    if (p->auto_max == 0)
        return fail(err, errlen, file, "\"auto_sample\".max_loads is required (> loads)");
    json_t *w = json_object_get(as, "ci_width_ms");
    if (!json_is_number(w) || json_number_value(w) <= 0)
        return fail(err, errlen, file, "\"auto_sample\".ci_width_ms must be a number > 0");
    p->auto_width_ms = json_number_value(w);
    const char *base = json_string_value(json_object_get(as, "baseline"));
    p->auto_baseline = -1;
    for (int b = 0; base && b < p->n_browsers; b++)
        if (strcmp(p->browsers[b].spec, base) == 0)
            p->auto_baseline = b;
    if (p->auto_baseline < 0 || p->n_browsers < 2)
        return fail(err, errlen, file,
                    "\"auto_sample\".baseline must name one of two or more \"browsers\"");
    return 0;
}

int experiment_parse(const char *text, size_t len, const char *file, const char *dir,
                     struct experiment *e, struct plan *p, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->dir = xstrdup(dir);
    json_error_t jerr;
    e->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!e->root)
        return fail(err, errlen, file, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
    json_t *root = e->root;
    if (!json_is_object(root))
        return fail(err, errlen, file, "must be a JSON object");
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        bool known = false;
        for (int i = 0; known_keys[i]; i++)
            known = known || strcmp(key, known_keys[i]) == 0;
        if (!known)
            return fail(err, errlen, file, "unknown key \"%s\"", key);
    }
    const char *name = json_string_value(json_object_get(root, "name"));
    if (!name || !safe_name(name))
        return fail(err, errlen, file, "\"name\" is required: 1-63 of A-Z a-z 0-9 . _ -");
    p->experiment = name;

    const char *browsers[PLAN_MAX];
    int nb;
    if (string_list(root, "browsers", browsers, &nb, PLAN_MAX, true, file, err, errlen) < 0)
        return -1;
    for (int i = 0; i < nb; i++) {
        p->browsers[i].spec = (char *)browsers[i];
        p->browsers[i].path = (char *)browsers[i];
    }
    p->n_browsers = nb;
    if (string_list(root, "modules", p->module_names, &p->n_names, PLAN_MAX, false, file, err,
                    errlen) < 0)
        return -1;
    const char *files[PLAN_MAX];
    int nf;
    if (string_list(root, "module_files", files, &nf, PLAN_MAX, false, file, err, errlen) < 0)
        return -1;
    for (int i = 0; i < nf; i++) {
        e->resolved[i] = files[i][0] == '/' ? xstrdup(files[i])
                                            : xasprintf("%s/%s", e->dir, files[i]);
        p->module_files[i] = e->resolved[i];
    }
    p->n_files = nf;
    if (p->n_names + p->n_files == 0)
        return fail(err, errlen, file, "no \"modules\" or \"module_files\"");
    if (p->n_names + p->n_files > PLAN_MAX)
        return fail(err, errlen, file, "at most %d modules", PLAN_MAX);

    _Static_assert(COMPILE_API_COUNT <= sizeof p->apis / sizeof p->apis[0],
                   "a plan holds every compile API");
    if (json_object_get(root, "apis")) {
        if (string_list(root, "apis", p->apis, &p->n_apis, COMPILE_API_COUNT, false, file, err,
                        errlen) < 0)
            return -1;
        for (int i = 0; i < p->n_apis; i++)
            if (!compile_api_valid(p->apis[i]))
                return fail(err, errlen, file, "\"apis\"[%d]: unknown API %s (must be "
                            COMPILE_API_LIST ")", i, p->apis[i]);
    } else {
        p->apis[0] = "streaming";
        p->n_apis = 1;
    }

    json_t *conds = json_object_get(root, "conditions");
    if (!conds) {
        p->conditions[0].name = "default";
        p->n_conditions = 1;
    } else {
        if (!json_is_array(conds) || json_array_size(conds) == 0 ||
            json_array_size(conds) > PLAN_MAX)
            return fail(err, errlen, file, "\"conditions\" must be a list of 1 to %d objects",
                        PLAN_MAX);
        size_t i;
        json_t *c;
        json_array_foreach(conds, i, c) {
            if (parse_condition(c, i, e, p, file, err, errlen) < 0)
                return -1;
        }
        p->n_conditions = (int)json_array_size(conds);
    }
    if (check_warm_apis(p, file, err, errlen) < 0)
        return -1;
    if (number(root, "loads", 10, 1, 100000, &p->loads, file, err, errlen) < 0 ||
        number(root, "warmup", 0, 0, 1000, &p->warmup, file, err, errlen) < 0 ||
        number(root, "timeout_s", 60, 1, 3600, &p->timeout_s, file, err, errlen) < 0 ||
        number(root, "batch", 1, 1, PLAN_BATCH_MAX, &p->batch, file, err, errlen) < 0)
        return -1;
    const char *bargs[64];
    int nba;
    if (string_list(root, "browser_args", bargs, &nba, 64, false, file, err, errlen) < 0)
        return -1;
    for (int i = 0; i < nba; i++)
        if (strncmp(bargs[i], "--", 2) != 0)
            return fail(err, errlen, file, "\"browser_args\"[%d] must be a --flag", i);
    for (int b = 0; b < p->n_browsers; b++)
        for (int i = 0; i < nba; i++)
            p->browsers[b].extra_args[i] = bargs[i];
    json_t *keep = json_object_get(root, "keep_traces");
    if (keep && db_keep_rule_parse(json_string_value(keep), &p->keep) < 0)
        return fail(err, errlen, file,
                    "\"keep_traces\" must be \"all\", \"failed\", \"sample:N\" or \"none\"");
    json_t *format = json_object_get(root, "trace_format");
    if (format) {
        const char *f = json_string_value(format);
        if (!f || (strcmp(f, "json") != 0 && strcmp(f, "proto") != 0))
            return fail(err, errlen, file, "\"trace_format\" must be \"json\" or \"proto\"");
        p->trace_proto = strcmp(f, "proto") == 0;
    }
    json_t *as = json_object_get(root, "auto_sample");
    if (as && parse_auto_sample(as, p, file, err, errlen) < 0)
        return -1;
    json_t *qs = json_object_get(root, "questions");
    if (qs) {   /* read by `report experiment`; checked here, before anything runs */
        struct questions q;
        char why[400];
        if (questions_parse(qs, &q, why, sizeof why) < 0)
            return fail(err, errlen, file, "%s", why);
        questions_free(&q);
        /* stored with the run, so the report needs no file */
        e->questions = json_dumps(qs, JSON_COMPACT);
        p->questions_json = e->questions;
    }
    json_t *desc = json_object_get(root, "description");
    if (desc && !json_is_string(desc))
        return fail(err, errlen, file, "\"description\" must be a string");
    return 0;
}

int experiment_load(const char *path, struct experiment *e, struct plan *p, char *err,
                    size_t errlen)
{
    size_t len = 0;
    uint8_t *text = read_whole_file(path, &len);
    if (!text) {
        memset(e, 0, sizeof *e);
        snprintf(err, errlen, "experiment %s: %s", path, strerror(errno));
        return -1;
    }
    char *copy = xstrdup(path);
    int rc = experiment_parse((const char *)text, len, path, dirname(copy), e, p, err, errlen);
    free(copy);
    free(text);
    return rc;
}

void experiment_free(struct experiment *e)
{
    json_decref(e->root);
    free(e->dir);
    for (int i = 0; i < PLAN_MAX; i++) {
        free(e->resolved[i]);
        free(e->args[i]);
    }
    free(e->questions);
    memset(e, 0, sizeof *e);
}
