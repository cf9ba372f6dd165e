/* questions: see questions.h. */
#define _GNU_SOURCE
#include "collector/report/questions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/read_compare.h"

#define MAX_QUESTIONS 64
#define MAX_CANDIDATES 64

static const char *const dim_names[QUESTION_DIMS] = { "api", "condition", "module", "browser" };

const char *question_dim_name(enum question_dim d)
{
    return d < QUESTION_DIMS ? dim_names[d] : "?";
}

/* The metrics' list for messages: "a, b or c". */
static void metric_list(char *out, size_t len)
{
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; db_compare_metrics[i] && at < len; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s",
                               i == 0 ? "" : db_compare_metrics[i + 1] ? ", " : " or ",
                               db_compare_metrics[i]);
}

static int parse_one(json_t *q, size_t i, struct question *out, char *err, size_t errlen)
{
    const char *key;
    json_t *val;
    if (!json_is_object(q)) {
        snprintf(err, errlen, "questions[%zu] must be an object", i);
        return -1;
    }
    json_object_foreach(q, key, val) {
        if (strcmp(key, "vary") && strcmp(key, "baseline") && strcmp(key, "candidates") &&
            strcmp(key, "metric")) {
            snprintf(err, errlen, "questions[%zu]: unknown key \"%s\" (vary, baseline, "
                     "candidates, metric)", i, key);
            return -1;
        }
    }
    const char *vary = json_string_value(json_object_get(q, "vary"));
    int d = -1;
    for (int k = 0; vary && k < QUESTION_DIMS; k++)
        if (strcmp(vary, dim_names[k]) == 0)
            d = k;
    if (d < 0) {
        snprintf(err, errlen, "questions[%zu].vary must be api, condition, module or browser",
                 i);
        return -1;
    }
    out->vary = (enum question_dim)d;
    json_t *b = json_object_get(q, "baseline");
    if (b && (!json_is_string(b) || !json_string_length(b))) {
        snprintf(err, errlen, "questions[%zu].baseline must be a non-empty string", i);
        return -1;
    }
    out->baseline = b ? xstrdup(json_string_value(b)) : NULL;
    json_t *m = json_object_get(q, "metric");
    const char *metric = m ? json_string_value(m) : "first_byte_to_compile";
    if (!metric || !db_compare_metric_known(metric)) {
        char list[400];
        metric_list(list, sizeof list);
        snprintf(err, errlen, "questions[%zu].metric %s: must be %s", i,
                 metric ? metric : "(not a string)", list);
        return -1;
    }
    out->metric = xstrdup(metric);
    json_t *c = json_object_get(q, "candidates");
    if (!c)
        return 0;
    if (!json_is_array(c) || json_array_size(c) == 0 || json_array_size(c) > MAX_CANDIDATES) {
        snprintf(err, errlen, "questions[%zu].candidates must be a list of 1 to %d strings", i,
                 MAX_CANDIDATES);
        return -1;
    }
    out->candidates = xcalloc(json_array_size(c), sizeof *out->candidates);
    size_t k;
    json_array_foreach(c, k, val) {
        const char *s = json_string_value(val);
        if (!s || !*s) {
            snprintf(err, errlen, "questions[%zu].candidates[%zu] must be a non-empty string",
                     i, k);
            return -1;
        }
        if (out->baseline && strcmp(s, out->baseline) == 0) {
            snprintf(err, errlen, "questions[%zu].candidates[%zu] %s is the baseline", i, k, s);
            return -1;
        }
        out->candidates[out->n_candidates++] = xstrdup(s);
    }
    return 0;
}

int questions_parse(json_t *arr, struct questions *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > MAX_QUESTIONS) {
        snprintf(err, errlen, "\"questions\" must be a list of 1 to %d objects", MAX_QUESTIONS);
        return -1;
    }
    out->v = xcalloc(json_array_size(arr), sizeof *out->v);
    size_t i;
    json_t *q;
    json_array_foreach(arr, i, q) {
        out->n = i + 1;
        if (parse_one(q, i, &out->v[i], err, errlen) < 0) {
            questions_free(out);
            return -1;
        }
    }
    return 0;
}

void questions_default(const bool varies[QUESTION_DIMS], struct questions *out)
{
    memset(out, 0, sizeof *out);
    out->v = xcalloc(QUESTION_DIMS, sizeof *out->v);
    for (int d = 0; d < QUESTION_DIMS; d++)
        if (varies[d])
            out->v[out->n++] = (struct question){ .vary = (enum question_dim)d,
                                                  .metric = xstrdup("first_byte_to_compile") };
}

void questions_free(struct questions *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].baseline);
        for (size_t k = 0; k < q->v[i].n_candidates; k++)
            free(q->v[i].candidates[k]);
        free(q->v[i].candidates);
        free(q->v[i].metric);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}
