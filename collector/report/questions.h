/* questions: what an experiment asks, as `wasmlab report experiment` answers
 * it. An experiment file may carry
 *
 *   "questions": [
 *     {"vary": "api", "baseline": "buffered", "metric": "first_byte_to_compile"},
 *     {"vary": "module", "baseline": "c/hello", "candidates": ["go/hello"],
 *      "metric": "startup"}
 *   ]
 *
 * vary: the dimension the question varies: api, condition (a named
 * condition: its network, flags or cache are parts of it), module or browser
 * (a browser's product, e.g. HeadlessChrome/156.0.8078.114). baseline: the
 * value the others are measured against (default: the run's first value, in
 * load order). candidates: the values compared with it (default: every other
 * value of the run). metric: one of db/read_compare.h's db_compare_metrics
 * (default first_byte_to_compile). Every other dimension stays fixed: each
 * question is answered per value of the others.
 *
 * Without "questions", every dimension with two or more values in the run is
 * a question of its own, with the defaults (questions_default). */
#ifndef WASMLAB_REPORT_QUESTIONS_H
#define WASMLAB_REPORT_QUESTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum question_dim { QUESTION_API, QUESTION_CONDITION, QUESTION_MODULE, QUESTION_BROWSER,
                    QUESTION_DIMS };

struct question {
    enum question_dim vary;
    char *baseline;            /* owned; NULL: the run's first value */
    char **candidates;         /* owned; n_candidates 0: every other value */
    size_t n_candidates;
    char *metric;              /* owned; never NULL */
};

struct questions {
    struct question *v;        /* owned */
    size_t n;
};

/* "api", "condition", "module", "browser". Static. */
const char *question_dim_name(enum question_dim d);

/* Parses a "questions" array (every key checked) into out. Returns 0, or -1
 * with one line in err naming the entry and key ("questions[1].metric:
 * unknown metric x ..."); out then needs no free. */
int questions_parse(json_t *arr, struct questions *out, char *err, size_t errlen);
/* One question per dimension in varies[] (true: the run has two or more
 * values), with the default baseline, candidates and metric. */
void questions_default(const bool varies[QUESTION_DIMS], struct questions *out);
void questions_free(struct questions *q);

#endif
