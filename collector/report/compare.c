/* compare: selectors, configurations, statistics and verdicts over the loads
 * db/read_compare.c reads; printing in a separate step. */
#define _GNU_SOURCE
#include "collector/report/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/stats.h"
#include "base/util.h"

/* ---- selectors ---- */

static const char *const key_names[COMPARE_KEYS] = {
    "browser", "kind", "module", "api", "condition", "run"
};

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    }
    return true;
}

/* One KEY:VALUE term (t is modified: the colon becomes a NUL). */
static int parse_term(const char *text, char *t, int64_t last_run, struct compare_term *tm,
                      char *err, size_t errlen)
{
    if (is_uuid(t)) {
        *tm = (struct compare_term){ .key = COMPARE_KEY_RUN, .value = t };
        return 0;
    }
    char *colon = strchr(t, ':');
    if (!colon || !colon[1]) {
        snprintf(err, errlen, "selector %s: term '%s' is not KEY:VALUE (browser, kind, module, "
                 "api, condition, run)", text, t);
        return -1;
    }
    *colon = 0;
    const char *v = colon + 1;
    int k = -1;
    for (int i = 0; i < COMPARE_KEYS; i++)
        if (strcmp(t, key_names[i]) == 0)
            k = i;
    if (k < 0) {
        snprintf(err, errlen, "selector %s: unknown key '%s' (browser, kind, module, api, "
                 "condition, run)", text, t);
        return -1;
    }
    *tm = (struct compare_term){ .key = (enum compare_key)k, .value = v };
    if (k == COMPARE_KEY_RUN) {
        long id;
        if (strcmp(v, "last") == 0)
            tm->run_id = last_run;
        else if (parse_long(v, 1, 1L << 62, &id) == 0)
            tm->run_id = id;
        else if (!is_uuid(v)) {
            snprintf(err, errlen, "selector %s: run:%s is not a run id, UUID or 'last'", text, v);
            return -1;
        }
    }
    if (k == COMPARE_KEY_KIND && strcmp(v, "headless_shell") && strcmp(v, "chromium")) {
        snprintf(err, errlen, "selector %s: kind:%s must be headless_shell or chromium", text, v);
        return -1;
    }
    return 0;
}

int compare_selector_parse(const char *text, int64_t last_run, struct compare_selector *sel,
                           char *err, size_t errlen)
{
    memset(sel, 0, sizeof *sel);
    sel->text = text;
    sel->copy = xstrdup(text);
    char *save = NULL;
    for (char *t = strtok_r(sel->copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (sel->n == COMPARE_MAX_TERMS) {
            snprintf(err, errlen, "selector %s: more than %d terms", text, COMPARE_MAX_TERMS);
            compare_selector_free(sel);
            return -1;
        }
        if (parse_term(text, t, last_run, &sel->terms[sel->n], err, errlen) < 0) {
            compare_selector_free(sel);
            return -1;
        }
        sel->n++;
    }
    if (sel->n == 0) {
        snprintf(err, errlen, "empty selector");
        compare_selector_free(sel);
        return -1;
    }
    return 0;
}

void compare_selector_free(struct compare_selector *sel)
{
    free(sel->copy);
    memset(sel, 0, sizeof *sel);
}

/* browser:V matches a product "Name/1.2.3.4" when V is the version or a
 * dotted prefix of it; with a '/', the names must match too. */
static bool product_matches(const char *want, const char *product)
{
    const char *ps = strchr(product, '/');
    const char *pv = ps ? ps + 1 : product;
    const char *ws = strchr(want, '/');
    const char *wv = want;
    if (ws) {
        if (!ps || (size_t)(ps - product) != (size_t)(ws - want) ||
            strncmp(product, want, (size_t)(ws - want)) != 0)
            return false;
        wv = ws + 1;
    }
    size_t n = strlen(wv);
    return strncmp(pv, wv, n) == 0 && (pv[n] == 0 || pv[n] == '.');
}

static bool term_matches(const struct compare_term *t, const struct db_compare_load *l)
{
    switch (t->key) {
    case COMPARE_KEY_BROWSER: return product_matches(t->value, l->product);
    case COMPARE_KEY_KIND: return strcmp(t->value, l->kind) == 0;
    case COMPARE_KEY_MODULE: return strcmp(t->value, l->module) == 0;
    case COMPARE_KEY_API: return strcmp(t->value, l->api) == 0;
    case COMPARE_KEY_CONDITION: return strcmp(t->value, l->condition) == 0;
    case COMPARE_KEY_RUN:
        return t->run_id ? l->run_id == t->run_id : strcasecmp(t->value, l->run_uuid) == 0;
    case COMPARE_KEYS: break;
    }
    return false;
}

/* Same key: any; different keys: all. */
bool compare_selector_matches(const struct compare_selector *s, const struct db_compare_load *l)
{
    for (int k = 0; k < COMPARE_KEYS; k++) {
        bool has = false, any = false;
        for (int i = 0; i < s->n; i++)
            if ((int)s->terms[i].key == k) {
                has = true;
                any = any || term_matches(&s->terms[i], l);
            }
        if (has && !any)
            return false;
    }
    return true;
}

/* The sorted values a selector gives a key, joined ("" when it names none). */
static char *selector_values(const struct compare_selector *s, enum compare_key k)
{
    const char *vals[COMPARE_MAX_TERMS];
    int n = 0;
    for (int i = 0; i < s->n; i++)
        if (s->terms[i].key == k)
            vals[n++] = s->terms[i].value;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(vals[j - 1], vals[j]) > 0; j--) {
            const char *t = vals[j];
            vals[j] = vals[j - 1];
            vals[j - 1] = t;
        }
    struct buf b = { 0 };
    for (int i = 0; i < n; i++) {
        if (i)
            buf_append(&b, ",", 1);
        buf_append(&b, vals[i], strlen(vals[i]));
    }
    return b.data ? b.data : xstrdup("");
}

/* ---- configurations ---- */

/* A load on one side, with its configuration key (dims joined by \x1f, a
 * varied dimension as "*"). */
struct sample {
    const struct db_compare_load *load;
    const char *key;
};

static const char *load_dim(const struct db_compare_load *l, int d)
{
    switch (d) {
    case COMPARE_DIM_MODULE: return l->module;
    case COMPARE_DIM_API: return l->api;
    case COMPARE_DIM_CONDITION: return l->condition;
    case COMPARE_DIM_ARGS: return l->args;
    default: return l->js_churn_mb;
    }
}

/* Dimensions the selectors vary (module, api, condition) are not part of the
 * configuration. */
static void varied_dims(const struct compare_selector sel[2], bool varied[COMPARE_DIMS])
{
    static const enum compare_key dim_key[3] = { COMPARE_KEY_MODULE, COMPARE_KEY_API,
                                                 COMPARE_KEY_CONDITION };
    memset(varied, 0, COMPARE_DIMS * sizeof *varied);
    for (int d = 0; d < 3; d++) {
        char *x = selector_values(&sel[0], dim_key[d]), *y = selector_values(&sel[1], dim_key[d]);
        varied[d] = (x[0] || y[0]) && strcmp(x, y) != 0;
        free(x);
        free(y);
    }
}

static char **config_keys(const struct db_compare_loads *loads, const bool varied[COMPARE_DIMS])
{
    char **keys = xcalloc(loads->n ? loads->n : 1, sizeof *keys);
    for (size_t i = 0; i < loads->n; i++) {
        struct buf k = { 0 };
        for (int d = 0; d < COMPARE_DIMS; d++) {
            const char *v = varied[d] ? "*" : load_dim(&loads->v[i], d);
            buf_append(&k, v, strlen(v));
            buf_append(&k, "\x1f", 1);
        }
        keys[i] = k.data;
    }
    return keys;
}

static int cmp_sample(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->load->id > y->load->id) - (x->load->id < y->load->id);
}

/* The distinct values of one field over s[0, n), joined by ", ". */
static char *distinct_join(const struct sample *s, size_t n, bool kind)
{
    struct buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        const char *v = kind ? s[i].load->kind : s[i].load->product;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(kind ? s[j].load->kind : s[j].load->product, v) == 0;
        if (seen)
            continue;
        if (b.len)
            buf_append(&b, ", ", 2);
        buf_append(&b, v, strlen(v));
    }
    return b.data ? b.data : xstrdup("");
}

/* ---- statistics of one configuration ---- */

static void compute_stats(const struct sample *a_s, size_t na, const struct sample *b_s,
                          size_t nb, const struct compare_options *o, struct compare_config *c)
{
    double *a = xmalloc(na * sizeof *a), *b = xmalloc(nb * sizeof *b);
    for (size_t k = 0; k < na; k++)
        a[k] = a_s[k].load->value_ms;
    for (size_t k = 0; k < nb; k++)
        b[k] = b_s[k].load->value_ms;
    c->n_baseline = na;
    c->n_candidate = nb;
    c->median_baseline_ms = stats_median(a, na);
    c->median_candidate_ms = stats_median(b, nb);
    stats_bootstrap_median_diff(a, na, b, nb, o->resamples, 0.95, o->seed, &c->ci_low_ms,
                                &c->ci_high_ms);
    struct stats_mwu u;
    stats_mann_whitney(a, na, b, nb, &u);
    c->u = u.u;
    c->p = u.p;
    c->diff_ms = c->median_candidate_ms - c->median_baseline_ms;
    c->change_pct = c->median_baseline_ms != 0 ? c->diff_ms / c->median_baseline_ms * 100 : NAN;
    c->min_p = stats_mann_whitney_min_p(na, nb);
    c->verdict = COMPARE_NO_CHANGE;
    if (u.p < o->alpha && c->ci_low_ms > 0 && c->change_pct >= o->threshold_pct)
        c->verdict = COMPARE_SLOWER;
    else if (u.p < o->alpha && c->ci_high_ms < 0 && c->change_pct <= -o->threshold_pct)
        c->verdict = COMPARE_FASTER;
    else if (!(c->min_p < o->alpha)) {
        /* "no significant change" would claim more than the test can say:
         * at these n not even two fully separated samples reach alpha. */
        c->verdict = COMPARE_TOO_FEW;
        c->loads_needed = stats_mann_whitney_min_n(o->alpha);
    }
    free(a);
    free(b);
}

/* One configuration present on both sides, appended to r. */
static void add_config(struct compare_result *r, const struct sample *a, size_t na,
                       const struct sample *b, size_t nb, const bool varied[COMPARE_DIMS])
{
    r->configs = xrealloc(r->configs, (r->n_configs + 1) * sizeof *r->configs);
    struct compare_config *c = &r->configs[r->n_configs++];
    memset(c, 0, sizeof *c);
    for (int d = 0; d < COMPARE_DIMS; d++)
        c->dims[d] = varied[d] ? xasprintf("%s vs %s", load_dim(a[0].load, d),
                                           load_dim(b[0].load, d))
                               : xstrdup(load_dim(a[0].load, d));
    compute_stats(a, na, b, nb, &r->options, c);
    for (size_t k = 0; k < nb; k++)
        for (size_t j = 0; j < na; j++)
            if (a[j].load->id == b[k].load->id)
                r->n_shared_loads++;
    c->kind_baseline = distinct_join(a, na, true);
    c->kind_candidate = distinct_join(b, nb, true);
    if (strcmp(c->kind_baseline, c->kind_candidate) != 0) {
        r->n_kind_mismatch++;
        if (!r->kind_mismatch_example)
            r->kind_mismatch_example = xasprintf("baseline %s, candidate %s", c->kind_baseline,
                                                 c->kind_candidate);
    }
    r->n_slower += c->verdict == COMPARE_SLOWER;
    r->n_faster += c->verdict == COMPARE_FASTER;
    r->n_too_few += c->verdict == COMPARE_TOO_FEW;
}

/* Walks the two sorted sides in step, one configuration at a time. */
static void compare_sides(struct compare_result *r, const struct sample *s0, size_t n0,
                          const struct sample *s1, size_t n1, const bool varied[COMPARE_DIMS])
{
    size_t i0 = 0, i1 = 0;
    while (i0 < n0 || i1 < n1) {
        int cmp = i0 >= n0 ? 1 : i1 >= n1 ? -1 : strcmp(s0[i0].key, s1[i1].key);
        size_t e0 = i0, e1 = i1;
        if (cmp <= 0)
            while (e0 < n0 && strcmp(s0[e0].key, s0[i0].key) == 0)
                e0++;
        if (cmp >= 0)
            while (e1 < n1 && strcmp(s1[e1].key, s1[i1].key) == 0)
                e1++;
        if (cmp != 0)
            r->n_one_side++;
        else
            add_config(r, s0 + i0, e0 - i0, s1 + i1, e1 - i1, varied);
        i0 = e0;
        i1 = e1;
    }
}

void compare_options_init(struct compare_options *o)
{
    *o = (struct compare_options){ .metric = "first_byte_to_compile", .threshold_pct = 5,
                                   .alpha = 0.05, .resamples = 2000, .seed = 1 };
}

const char *compare_verdict_name(enum compare_verdict v)
{
    switch (v) {
    case COMPARE_FASTER: return "faster";
    case COMPARE_SLOWER: return "slower";
    case COMPARE_TOO_FEW: return "too few loads";
    case COMPARE_NO_CHANGE: break;
    }
    return "no significant change";
}

/* Selects each side's samples, sorted by configuration. */
static int select_sides(const struct db_compare_loads *loads, char **keys,
                        const struct compare_selector sel[2], const char *metric,
                        struct sample *side[2], size_t n_side[2], char *err, size_t errlen)
{
    for (int s = 0; s < 2; s++) {
        side[s] = xcalloc(loads->n ? loads->n : 1, sizeof *side[s]);
        n_side[s] = 0;
        for (size_t i = 0; i < loads->n; i++)
            if (compare_selector_matches(&sel[s], &loads->v[i]))
                side[s][n_side[s]++] = (struct sample){ &loads->v[i], keys[i] };
        if (n_side[s] == 0) {
            snprintf(err, errlen, "%s %s matches no ok loads with %s",
                     s ? "candidate" : "baseline", sel[s].text, metric);
            return -1;
        }
        qsort(side[s], n_side[s], sizeof *side[s], cmp_sample);
    }
    return 0;
}

int compare_run(struct db *db, const struct compare_options *o, struct compare_result *out,
                char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->options = *o;
    if (!o->baseline || !o->candidate) {
        snprintf(err, errlen, "give both a baseline and a candidate selector");
        return COMPARE_BAD_INPUT;
    }
    if (!db_compare_metric_known(o->metric)) {
        snprintf(err, errlen, "unknown metric %s", o->metric);
        return COMPARE_BAD_INPUT;
    }
    int rc = COMPARE_OK;
    struct compare_selector sel[2];
    memset(sel, 0, sizeof sel);
    struct db_compare_loads loads = { 0 };
    char **keys = NULL;
    struct sample *side[2] = { NULL, NULL };
    size_t n_side[2] = { 0, 0 };
    int64_t last_run;
    if (db_read_last_run_id(db, &last_run, err, errlen) < 0 ||
        db_read_compare_loads(db, o->metric, &loads, err, errlen) < 0) {
        rc = COMPARE_DB_ERROR;
        goto out;
    }
    if (compare_selector_parse(o->baseline, last_run, &sel[0], err, errlen) < 0 ||
        compare_selector_parse(o->candidate, last_run, &sel[1], err, errlen) < 0) {
        rc = COMPARE_BAD_INPUT;
        goto out;
    }
    bool varied[COMPARE_DIMS];
    varied_dims(sel, varied);
    keys = config_keys(&loads, varied);
    if (select_sides(&loads, keys, sel, o->metric, side, n_side, err, errlen) < 0) {
        rc = COMPARE_BAD_INPUT;
        goto out;
    }
    out->n_baseline = n_side[0];
    out->n_candidate = n_side[1];
    out->products_baseline = distinct_join(side[0], n_side[0], false);
    out->products_candidate = distinct_join(side[1], n_side[1], false);
    compare_sides(out, side[0], n_side[0], side[1], n_side[1], varied);
    if (out->n_configs == 0) {
        snprintf(err, errlen, "no configuration has loads on both sides (%zu baseline loads, "
                 "%zu candidate loads)", n_side[0], n_side[1]);
        rc = COMPARE_BAD_INPUT;
    }
out:
    if (rc != COMPARE_OK) {
        compare_result_free(out);
        out->options = *o;
    }
    free(side[0]);
    free(side[1]);
    for (size_t i = 0; keys && i < loads.n; i++)
        free(keys[i]);
    free(keys);
    db_compare_loads_free(&loads);
    compare_selector_free(&sel[0]);
    compare_selector_free(&sel[1]);
    return rc;
}

void compare_result_free(struct compare_result *r)
{
    for (size_t i = 0; i < r->n_configs; i++) {
        for (int d = 0; d < COMPARE_DIMS; d++)
            free(r->configs[i].dims[d]);
        free(r->configs[i].kind_baseline);
        free(r->configs[i].kind_candidate);
    }
    free(r->configs);
    free(r->products_baseline);
    free(r->products_candidate);
    free(r->kind_mismatch_example);
    memset(r, 0, sizeof *r);
}

/* ---- printing ---- */

static struct table *result_table(const struct compare_result *r)
{
    static const char *const cols[] = {
        "module", "api", "condition", "args", "js_churn_mb", "n_baseline", "n_candidate",
        "median_baseline_ms", "median_candidate_ms", "diff_ms", "ci_low_ms", "ci_high_ms",
        "change_pct", "u", "p", "verdict", "kind_baseline", "kind_candidate", "min_p",
        "loads_needed", NULL
    };
    struct table *t = table_new(cols);
    for (size_t i = 0; i < r->n_configs; i++) {
        const struct compare_config *c = &r->configs[i];
        table_row(t);
        for (int d = 0; d < COMPARE_DIMS; d++)
            table_cell_text(t, c->dims[d][0] ? c->dims[d] : NULL);
        table_cell_int(t, (long long)c->n_baseline);
        table_cell_int(t, (long long)c->n_candidate);
        table_cell_real(t, c->median_baseline_ms, 3);
        table_cell_real(t, c->median_candidate_ms, 3);
        table_cell_real(t, c->diff_ms, 3);
        table_cell_real(t, c->ci_low_ms, 3);
        table_cell_real(t, c->ci_high_ms, 3);
        table_cell_real(t, c->change_pct, 2);
        table_cell_real(t, c->u, 1);
        table_cell_real(t, c->p, 6);
        table_cell_text(t, compare_verdict_name(c->verdict));
        table_cell_text(t, c->kind_baseline);
        table_cell_text(t, c->kind_candidate);
        table_cell_real(t, c->min_p, 6);
        if (c->loads_needed)
            table_cell_int(t, (long long)c->loads_needed);
        else
            table_cell_text(t, NULL);
    }
    return t;
}

void compare_print_too_few(const struct compare_result *r, const char *prefix, FILE *out)
{
    double alpha = r->options.alpha;
    for (size_t i = 0; i < r->n_configs; i++) {
        const struct compare_config *c = &r->configs[i];
        if (c->verdict != COMPARE_TOO_FEW)
            continue;
        bool seen = false;   /* one line per (n baseline, n candidate) */
        size_t same = 0;
        for (size_t j = 0; j < r->n_configs; j++) {
            const struct compare_config *d = &r->configs[j];
            if (d->verdict != COMPARE_TOO_FEW || d->n_baseline != c->n_baseline ||
                d->n_candidate != c->n_candidate)
                continue;
            seen = seen || j < i;
            same++;
        }
        if (seen)
            continue;
        fprintf(out, "%stoo few loads: smallest reachable p at n=%zu/%zu is %.2g %s %.2g; need at "
                "least %zu loads a side (%zu configuration%s)\n", prefix, c->n_baseline,
                c->n_candidate, c->min_p, c->min_p > alpha ? ">" : ">=", alpha, c->loads_needed,
                same, same == 1 ? "" : "s");
    }
}

void compare_print(const struct compare_result *r, enum table_format f, FILE *out)
{
    const struct compare_options *o = &r->options;
    if (f == TABLE_TEXT) {
        fprintf(out, "metric: %s (ms, lower is better)\n", o->metric);
        fprintf(out, "baseline:  %s  (%zu loads; %s)\n", o->baseline, r->n_baseline,
                r->products_baseline);
        fprintf(out, "candidate: %s  (%zu loads; %s)\n", o->candidate, r->n_candidate,
                r->products_candidate);
        fprintf(out, "diff = candidate - baseline median; 95%% CI: percentile bootstrap, %u "
                "resamples, seed %llu; verdict: p < %g and |change| >= %g%%\n\n",
                o->resamples, (unsigned long long)o->seed, o->alpha, o->threshold_pct);
    }
    struct table *t = result_table(r);
    table_print(t, f, out);
    table_free(t);
    if (r->n_too_few && (f == TABLE_TEXT || f == TABLE_MARKDOWN)) {
        fputc('\n', out);
        compare_print_too_few(r, "", out);
    }
}

void compare_warn(const struct compare_result *r, const char *cmd)
{
    if (r->n_one_side)
        notef("%s: %zu configuration%s with loads on one side only (not compared)", cmd,
              r->n_one_side, r->n_one_side == 1 ? "" : "s");
    if (r->n_shared_loads)
        warnf("%s: warning: baseline and candidate share %zu loads; the selectors overlap", cmd,
              r->n_shared_loads);
    if (r->n_kind_mismatch)
        warnf("%s: warning: browser kinds differ in %zu configuration%s (%s): the kind "
              "confounds a version difference (full chromium costs about 3x headless_shell "
              "per load)", cmd, r->n_kind_mismatch, r->n_kind_mismatch == 1 ? "" : "s",
              r->kind_mismatch_example);
}
