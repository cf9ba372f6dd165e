/* experiment_answers: the engine of `wasmlab report experiment`. For each
 * question (questions.h) about one run, it asks the compare engine
 * (compare.h: difference of medians with its percentile-bootstrap 95% CI,
 * Mann-Whitney U) to compare every candidate value with the baseline, per
 * browser and per configuration of the other dimensions, and words each
 * comparison as one sentence:
 *
 *   on 4g, go/hello: streaming finished compiling 812 ms (95% CI 790..830)
 *   before buffered (medians 1010 vs 1822 ms from the first byte, n 10/10,
 *   p 0.0002: faster).
 *
 * No second statistics path: every figure is a compare_config's. Reads only;
 * prints nothing. */
#ifndef WASMLAB_REPORT_EXPERIMENT_ANSWERS_H
#define WASMLAB_REPORT_EXPERIMENT_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "collector/report/compare.h"
#include "collector/report/questions.h"
#include "db/db.h"

/* Comparisons with fewer ok loads than this on a side are left out. */
#define ANSWER_MIN_LOADS 2

struct answer {
    size_t question;           /* index into the questions */
    char *baseline, *candidate;   /* owned: values of the varied dimension */
    char *module, *api, *condition, *browser, *args, *js_churn_mb;
                               /* owned: the fixed dimensions ("" when varied or none) */
    char *context;             /* owned: "on 4g, go/hello" (the fixed dimensions that vary
                                  in the run) */
    size_t n_baseline, n_candidate;
    double median_baseline_ms, median_candidate_ms, diff_ms, ci_low_ms, ci_high_ms, p;
    enum compare_verdict verdict;
    size_t loads_needed;       /* COMPARE_TOO_FEW: loads a side that could reach alpha */
    char *sentence;            /* owned: the conclusion, one sentence */
};

/* What a question came to: its answers are answers[first, first + n). */
struct question_outcome {
    const char *baseline;      /* borrowed from the answers or the question; NULL: no values */
    size_t first, n;
    size_t n_values;           /* values of the varied dimension in the run with the metric */
    size_t n_too_few;          /* comparisons left out: fewer than ANSWER_MIN_LOADS a side */
};

struct experiment_answers {
    int64_t run_id;
    struct answer *v;          /* owned */
    size_t n;
    struct question_outcome *q;   /* owned; one per question */
    size_t n_questions;
    struct compare_options options;   /* the compare engine's settings used */
};

enum answers_status { ANSWERS_OK = 0, ANSWERS_DB_ERROR = -1, ANSWERS_BAD_INPUT = -2 };

/* Which dimensions have two or more values among run_id's ok loads with a
 * first_byte_to_compile (for questions_default). */
int answers_varied_dims(struct db *db, int64_t run_id, bool varies[QUESTION_DIMS], char *err,
                        size_t errlen);

/* Answers qs about run_id into out (free with experiment_answers_free, also
 * after an error). ANSWERS_BAD_INPUT with one line in err when a question's
 * baseline or candidate is not a value of the run (the line names the
 * question, the value and the run's values). */
int experiment_answer(struct db *db, int64_t run_id, const struct questions *qs,
                      struct experiment_answers *out, char *err, size_t errlen);
void experiment_answers_free(struct experiment_answers *a);

#endif
