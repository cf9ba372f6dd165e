/* experiment_answers: see experiment_answers.h. */
#define _GNU_SOURCE
#include "collector/report/experiment_answers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/read_compare.h"

/* ---- the run's values of each dimension ---- */

static const char *load_value(const struct db_compare_load *l, enum question_dim d)
{
    switch (d) {
    case QUESTION_API: return l->api;
    case QUESTION_CONDITION: return l->condition;
    case QUESTION_MODULE: return l->module;
    default: return l->product;
    }
}

/* The distinct values of d among run_id's loads, in order of first load. */
struct values {
    const char **v;            /* borrowed from the loads */
    size_t n;
};

static void run_values(const struct db_compare_loads *loads, int64_t run_id,
                       enum question_dim d, struct values *out)
{
    out->v = xcalloc(loads->n ? loads->n : 1, sizeof *out->v);
    out->n = 0;
    for (size_t i = 0; i < loads->n; i++) {
        if (loads->v[i].run_id != run_id)
            continue;
        const char *s = load_value(&loads->v[i], d);
        bool seen = false;
        for (size_t k = 0; k < out->n && !seen; k++)
            seen = strcmp(out->v[k], s) == 0;
        if (!seen)
            out->v[out->n++] = s;
    }
}

static bool has_value(const struct values *vals, const char *s)
{
    for (size_t k = 0; k < vals->n; k++)
        if (strcmp(vals->v[k], s) == 0)
            return true;
    return false;
}

static char *join_values(const struct values *vals)
{
    struct buf b = { 0 };
    for (size_t k = 0; k < vals->n; k++) {
        if (k)
            buf_append(&b, ", ", 2);
        buf_append(&b, vals->v[k], strlen(vals->v[k]));
    }
    return b.data ? b.data : xstrdup("none");
}

int answers_varied_dims(struct db *db, int64_t run_id, bool varies[QUESTION_DIMS], char *err,
                        size_t errlen)
{
    struct db_compare_loads loads;
    if (db_read_compare_loads(db, "first_byte_to_compile", &loads, err, errlen) < 0) {
        db_compare_loads_free(&loads);
        return -1;
    }
    for (int d = 0; d < QUESTION_DIMS; d++) {
        struct values vals;
        run_values(&loads, run_id, (enum question_dim)d, &vals);
        varies[d] = vals.n >= 2;
        free(vals.v);
    }
    db_compare_loads_free(&loads);
    return 0;
}

/* ---- wording ---- */

/* How a metric reads in a sentence: a moment measured from the first byte
 * ("finished compiling ... before"), or a duration ("... was shorter"). */
struct metric_words {
    const char *metric;
    const char *verb;          /* a moment: "finished compiling" (+ " MODULE") */
    const char *verb_alone;    /* the same without a module after it */
    const char *noun;          /* a duration: "start-up (instantiate end to first output)" */
};
static const struct metric_words metric_words[] = {
    { "first_byte_to_compile", "finished compiling", "finished compiling", NULL },
    { "first_byte_to_instance", "had an instance of", "had its instance", NULL },
    { "last_byte_to_compile", NULL, NULL, "time from the last byte to compile finished" },
    { "page_compile", NULL, NULL, "compile time on the page's clock" },
    { "wall", NULL, NULL, "load wall time" },
    { "startup", NULL, NULL, "start-up (instantiate end to first output)" },
    { "first_export", "returned from the first export call of",
      "returned from its first export call", NULL },
    { "compile_liftoff", NULL, NULL, "Liftoff compile work" },
    { "compile_turbofan", NULL, NULL, "TurboFan compile work" },
    { "compile_lazy", NULL, NULL, "lazy (first-call) compile work" },
    { "compile_tierup", NULL, NULL, "tier-up compile work" },
    { NULL, NULL, NULL, NULL }
};

static const struct metric_words *words_of(const char *metric)
{
    for (int i = 0; metric_words[i].metric; i++)
        if (strcmp(metric_words[i].metric, metric) == 0)
            return &metric_words[i];
    return NULL;
}

/* Decimals for a difference of x ms: 0 from 100 ms, 1 from 10, else 2. */
static int decimals_for(double x)
{
    x = fabs(x);
    return x >= 100 ? 0 : x >= 10 ? 1 : 2;
}

static char *verdict_text(const struct answer *a, const struct compare_options *o)
{
    if (a->verdict == COMPARE_TOO_FEW)
        return xasprintf("too few loads to tell (need %zu a side)", a->loads_needed);
    /* compare says "no significant change" also for a clear difference
     * under its threshold: say which */
    if (a->verdict == COMPARE_NO_CHANGE && a->p < o->alpha &&
        (a->ci_low_ms > 0 || a->ci_high_ms < 0))
        return xasprintf("significant, but under compare's %g%% threshold", o->threshold_pct);
    return xstrdup(compare_verdict_name(a->verdict));
}

/* The sentence of a: "CONTEXT: CAND ... X ms (95% CI a..b) before|after BASE (...)". */
static char *answer_sentence(const struct answer *a, const struct question *q,
                             const struct compare_options *o)
{
    const struct metric_words *w = words_of(q->metric);
    double x = fabs(a->diff_ms);
    bool less = a->diff_ms <= 0;
    /* the CI of the saving (baseline - candidate) when less, else of the cost */
    double lo = less ? -a->ci_high_ms : a->ci_low_ms, hi = less ? -a->ci_low_ms : a->ci_high_ms;
    int dp = decimals_for(x);
    char *verdict = verdict_text(a, o);
    char *head = a->context[0] ? xasprintf("%s: ", a->context) : xstrdup("");
    char *s;
    if (w && w->verb) {
        bool mod = q->vary != QUESTION_MODULE && a->module[0];
        s = xasprintf("%s%s %s%s%s %.*f ms (95%% CI %.*f..%.*f) %s %s (medians %.1f vs %.1f ms "
                      "from the first byte, n %zu/%zu, p %.2g: %s).", head, a->candidate,
                      mod ? w->verb : w->verb_alone, mod ? " " : "", mod ? a->module : "", dp, x, dp, lo, dp, hi,
                      less ? "before" : "after", a->baseline, a->median_candidate_ms,
                      a->median_baseline_ms, a->n_candidate, a->n_baseline, a->p, verdict);
    } else {
        s = xasprintf("%s%s's %s was %.*f ms (95%% CI %.*f..%.*f) %s than %s's (medians %.2f vs "
                      "%.2f ms, n %zu/%zu, p %.2g: %s).", head, a->candidate,
                      w ? w->noun : q->metric, dp, x, dp, lo, dp, hi,
                      less ? "shorter" : "longer", a->baseline, a->median_candidate_ms,
                      a->median_baseline_ms, a->n_candidate, a->n_baseline, a->p, verdict);
    }
    free(head);
    free(verdict);
    return s;
}

/* "on 4g, go/hello, via streaming, in HeadlessChrome/156..., args [...]":
 * the fixed dimensions that take more than one value in the run (the
 * module and a condition other than "default" always). */
static char *answer_context(const struct answer *a, const bool varies[QUESTION_DIMS])
{
    struct buf b = { 0 };
    const char *parts[6];
    char *owned[6] = { 0 };
    int n = 0;
    if (a->condition[0] && (varies[QUESTION_CONDITION] || strcmp(a->condition, "default")))
        parts[n++] = owned[0] = xasprintf("on %s", a->condition);
    if (a->module[0])
        parts[n++] = a->module;
    if (a->api[0] && varies[QUESTION_API])
        parts[n++] = owned[1] = xasprintf("via %s", a->api);
    if (a->browser[0] && varies[QUESTION_BROWSER])
        parts[n++] = owned[2] = xasprintf("in %s", a->browser);
    if (a->args[0] && strcmp(a->args, "[]") != 0)
        parts[n++] = owned[3] = xasprintf("args %s", a->args);
    if (a->js_churn_mb[0])
        parts[n++] = owned[4] = xasprintf("JS churn %s MB", a->js_churn_mb);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_append(&b, ", ", 2);
        buf_append(&b, parts[i], strlen(parts[i]));
    }
    for (int i = 0; i < 6; i++)
        free(owned[i]);
    return b.data ? b.data : xstrdup("");
}

/* ---- answering ---- */

static void add_answer(struct experiment_answers *out, size_t qi, const struct question *q,
                       const char *base, const char *cand, const char *product,
                       const struct compare_config *c, const bool varies[QUESTION_DIMS])
{
    out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    struct answer *a = &out->v[out->n++];
    memset(a, 0, sizeof *a);
    a->question = qi;
    a->baseline = xstrdup(base);
    a->candidate = xstrdup(cand);
    bool vm = q->vary == QUESTION_MODULE, va = q->vary == QUESTION_API,
         vc = q->vary == QUESTION_CONDITION;
    a->module = xstrdup(vm ? "" : c->dims[COMPARE_DIM_MODULE]);
    a->api = xstrdup(va ? "" : c->dims[COMPARE_DIM_API]);
    a->condition = xstrdup(vc ? "" : c->dims[COMPARE_DIM_CONDITION]);
    a->browser = xstrdup(product ? product : "");
    a->args = xstrdup(c->dims[COMPARE_DIM_ARGS]);
    a->js_churn_mb = xstrdup(c->dims[COMPARE_DIM_CHURN]);
    a->n_baseline = c->n_baseline;
    a->n_candidate = c->n_candidate;
    a->median_baseline_ms = c->median_baseline_ms;
    a->median_candidate_ms = c->median_candidate_ms;
    a->diff_ms = c->diff_ms;
    a->ci_low_ms = c->ci_low_ms;
    a->ci_high_ms = c->ci_high_ms;
    a->p = c->p;
    a->verdict = c->verdict;
    a->loads_needed = c->loads_needed;
    a->context = answer_context(a, varies);
    a->sentence = answer_sentence(a, q, &out->options);
}

/* One candidate against the baseline, within one browser (product; NULL
 * when the browser is what varies): one answer per configuration. */
static int compare_pair(struct db *db, int64_t run_id, size_t qi, const struct question *q,
                        const char *base, const char *cand, const char *product,
                        const bool varies[QUESTION_DIMS], struct experiment_answers *out,
                        char *err, size_t errlen)
{
    const char *key = question_dim_name(q->vary);
    char *in = product ? xasprintf(",browser:%s", product) : xstrdup("");
    char *sb = xasprintf("run:%lld,%s:%s%s", (long long)run_id, key, base, in);
    char *sc = xasprintf("run:%lld,%s:%s%s", (long long)run_id, key, cand, in);
    struct compare_options o = out->options;
    o.baseline = sb;
    o.candidate = sc;
    o.metric = q->metric;
    struct compare_result r;
    int rc = compare_run(db, &o, &r, err, errlen);
    if (rc == COMPARE_OK) {
        for (size_t i = 0; i < r.n_configs; i++) {
            const struct compare_config *c = &r.configs[i];
            if (c->n_baseline < ANSWER_MIN_LOADS || c->n_candidate < ANSWER_MIN_LOADS)
                out->q[qi].n_too_few++;
            else
                add_answer(out, qi, q, base, cand, product, c, varies);
        }
    }
    compare_result_free(&r);
    free(sb);
    free(sc);
    free(in);
    /* BAD_INPUT here only means no configuration has loads on both sides
     * (this browser never ran one of the two values): nothing to say. */
    return rc == COMPARE_DB_ERROR ? -1 : 0;
}

static int check_value(const struct values *vals, const char *v, size_t qi,
                       const struct question *q, int64_t run_id, const char *what, char *err,
                       size_t errlen)
{
    if (has_value(vals, v))
        return 0;
    char *list = join_values(vals);
    snprintf(err, errlen, "questions[%zu]: %s %s is not a %s of run %lld with %s (it has: %s)",
             qi, what, v, question_dim_name(q->vary), (long long)run_id, q->metric, list);
    free(list);
    return -1;
}

/* One question: every candidate against the baseline, per browser. */
static int answer_question(struct db *db, int64_t run_id, size_t qi, const struct question *q,
                           struct experiment_answers *out, char *err, size_t errlen)
{
    struct db_compare_loads loads;
    if (db_read_compare_loads(db, q->metric, &loads, err, errlen) < 0) {
        db_compare_loads_free(&loads);
        return ANSWERS_DB_ERROR;
    }
    struct values vals[QUESTION_DIMS];
    bool varies[QUESTION_DIMS];
    for (int d = 0; d < QUESTION_DIMS; d++) {
        run_values(&loads, run_id, (enum question_dim)d, &vals[d]);
        varies[d] = vals[d].n >= 2;
    }
    const struct values *vv = &vals[q->vary];
    struct question_outcome *qo = &out->q[qi];
    qo->first = out->n;
    qo->n_values = vv->n;
    int rc = ANSWERS_OK;
    const char *base = q->baseline ? q->baseline : vv->n ? vv->v[0] : NULL;
    qo->baseline = q->baseline ? q->baseline : NULL;
    if (base && q->baseline && vv->n &&
        check_value(vv, base, qi, q, run_id, "baseline", err, errlen) < 0)
        rc = ANSWERS_BAD_INPUT;
    for (size_t k = 0; rc == ANSWERS_OK && k < q->n_candidates && vv->n; k++)
        if (check_value(vv, q->candidates[k], qi, q, run_id, "candidate", err, errlen) < 0)
            rc = ANSWERS_BAD_INPUT;
    /* the browser is a fixed dimension unless it is what varies */
    const struct values *products = &vals[QUESTION_BROWSER];
    size_t n_products = q->vary == QUESTION_BROWSER ? 1 : products->n;
    for (size_t b = 0; rc == ANSWERS_OK && base && b < n_products; b++) {
        const char *product = q->vary == QUESTION_BROWSER ? NULL : products->v[b];
        size_t nc = q->n_candidates ? q->n_candidates : vv->n;
        for (size_t k = 0; rc == ANSWERS_OK && k < nc; k++) {
            const char *cand = q->n_candidates ? q->candidates[k] : vv->v[k];
            if (strcmp(cand, base) == 0)
                continue;
            if (compare_pair(db, run_id, qi, q, base, cand, product, varies, out, err,
                             errlen) < 0)
                rc = ANSWERS_DB_ERROR;
        }
    }
    qo->n = out->n - qo->first;
    if (qo->n)
        qo->baseline = out->v[qo->first].baseline;
    for (int d = 0; d < QUESTION_DIMS; d++)
        free(vals[d].v);
    db_compare_loads_free(&loads);
    return rc;
}

int experiment_answer(struct db *db, int64_t run_id, const struct questions *qs,
                      struct experiment_answers *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->run_id = run_id;
    compare_options_init(&out->options);
    out->q = xcalloc(qs->n ? qs->n : 1, sizeof *out->q);
    out->n_questions = qs->n;
    for (size_t i = 0; i < qs->n; i++) {
        int rc = answer_question(db, run_id, i, &qs->v[i], out, err, errlen);
        if (rc != ANSWERS_OK)
            return rc;
    }
    return ANSWERS_OK;
}

void experiment_answers_free(struct experiment_answers *a)
{
    for (size_t i = 0; i < a->n; i++) {
        struct answer *x = &a->v[i];
        free(x->baseline);
        free(x->candidate);
        free(x->module);
        free(x->api);
        free(x->condition);
        free(x->browser);
        free(x->args);
        free(x->js_churn_mb);
        free(x->context);
        free(x->sentence);
    }
    free(a->v);
    free(a->q);
    memset(a, 0, sizeof *a);
}
