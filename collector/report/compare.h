/* compare: the comparison engine behind `wasmlab compare` and `wasmlab nightly`.
 *
 * Two selectors each pick a set of loads (ok loads with the metric); a
 * configuration is what a load measured: module, api, condition, and the
 * workload's args and js churn. Every configuration with loads on both sides
 * is compared: medians, the difference of medians with its percentile
 * bootstrap CI, the Mann-Whitney U test, and a verdict. A dimension the two
 * selectors name differently (module:go/hello vs module:c/hello) is left out
 * of the configuration, since it is what is being compared.
 *
 * compare_run computes and prints nothing; compare_print and compare_warn
 * print a result. The engine reads the DB through db/read_compare.h only. */
#ifndef WASMLAB_REPORT_COMPARE_H
#define WASMLAB_REPORT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "collector/report/table_out.h"
#include "db/db.h"
#include "db/read_compare.h"

/* ---- selectors ---- */

#define COMPARE_MAX_TERMS 32

enum compare_key { COMPARE_KEY_BROWSER, COMPARE_KEY_KIND, COMPARE_KEY_MODULE, COMPARE_KEY_API,
                   COMPARE_KEY_CONDITION, COMPARE_KEY_RUN, COMPARE_KEYS };

struct compare_term {
    enum compare_key key;
    const char *value;         /* points into the selector's copy */
    int64_t run_id;            /* COMPARE_KEY_RUN by id (or last); 0 = by UUID */
};

/* Terms joined by ','; terms with different keys must all hold, repeated
 * keys are alternatives. browser:V matches a product whose version is V or
 * starts with V. (a dotted prefix), or exactly Name/V; run:last is the
 * newest run; a bare UUID is run:UUID. */
struct compare_selector {
    const char *text;          /* borrowed: the caller's */
    char *copy;                /* owned; the terms point into it */
    struct compare_term terms[COMPARE_MAX_TERMS];
    int n;
};

/* Parses text (kept borrowed) into sel. last_run is the id run:last means.
 * Returns 0, or -1 with one line in err (sel then needs no free). */
int compare_selector_parse(const char *text, int64_t last_run, struct compare_selector *sel,
                           char *err, size_t errlen);
void compare_selector_free(struct compare_selector *sel);
bool compare_selector_matches(const struct compare_selector *sel,
                              const struct db_compare_load *load);

/* ---- a comparison ---- */

struct compare_options {
    const char *baseline, *candidate;   /* selector texts; borrowed */
    const char *metric;                 /* one of db_compare_metrics */
    double threshold_pct;               /* smallest relative change that counts */
    double alpha;                       /* significance level, (0, 1) */
    unsigned resamples;                 /* bootstrap resamples */
    uint64_t seed;                      /* bootstrap seed */
};
/* The defaults of `wasmlab compare`: first_byte_to_compile, 5%, 0.05, 2000
 * resamples, seed 1; no selectors. */
void compare_options_init(struct compare_options *o);

enum compare_verdict {
    COMPARE_NO_CHANGE,         /* the test could have, but found no change */
    COMPARE_FASTER,
    COMPARE_SLOWER,
    COMPARE_TOO_FEW,           /* no significant change, and at these n none was possible */
};
/* "no significant change", "faster", "slower", "too few loads". Static. */
const char *compare_verdict_name(enum compare_verdict v);

enum compare_dim { COMPARE_DIM_MODULE, COMPARE_DIM_API, COMPARE_DIM_CONDITION, COMPARE_DIM_ARGS,
                   COMPARE_DIM_CHURN, COMPARE_DIMS };

/* One configuration compared. Times in ms; change in percent. */
struct compare_config {
    char *dims[COMPARE_DIMS];  /* owned; "" none; "a vs b" for a dimension the selectors vary */
    size_t n_baseline, n_candidate;
    double median_baseline_ms, median_candidate_ms;
    double diff_ms;            /* candidate - baseline median */
    double ci_low_ms, ci_high_ms;
    double change_pct;         /* NaN when the baseline median is 0 */
    double u, p;               /* Mann-Whitney U of the baseline, two-sided p */
    double min_p;              /* the smallest p reachable at these n (untied samples) */
    size_t loads_needed;       /* COMPARE_TOO_FEW: loads a side that could reach alpha; else 0 */
    enum compare_verdict verdict;
    char *kind_baseline, *kind_candidate;   /* owned; the distinct kinds, ", "-joined */
};

struct compare_result {
    struct compare_options options;         /* a copy; its strings stay the caller's */
    size_t n_baseline, n_candidate;         /* loads each selector matched */
    char *products_baseline, *products_candidate;   /* owned; distinct products, ", "-joined */
    struct compare_config *configs;         /* owned; sorted by configuration */
    size_t n_configs;
    size_t n_slower, n_faster, n_too_few;
    size_t n_one_side;         /* configurations with loads on one side only (not compared) */
    size_t n_shared_loads;     /* loads both selectors matched */
    size_t n_kind_mismatch;    /* configurations whose two sides ran different browser kinds */
    char *kind_mismatch_example;            /* owned; "baseline X, candidate Y" or NULL */
};

enum compare_status {
    COMPARE_OK = 0,
    COMPARE_DB_ERROR = -1,     /* reading the DB failed */
    COMPARE_BAD_INPUT = -2,    /* a bad selector or metric, a selector matching no loads, or
                                  no configuration with loads on both sides */
};

/* Compares per o. On COMPARE_OK, out holds the result (free with
 * compare_result_free); otherwise out is empty (freeing it is harmless) and
 * err holds one line. Reads only. */
int compare_run(struct db *db, const struct compare_options *o, struct compare_result *out,
                char *err, size_t errlen);
void compare_result_free(struct compare_result *r);

/* The result as a table in format f to out: for text, a header naming the
 * metric, the selectors and the method first; for text and markdown, the
 * "too few loads" explanation after the table. */
void compare_print(const struct compare_result *r, enum table_format f, FILE *out);
/* One line per "too few loads" group (n baseline/candidate) to out, each
 * starting with prefix: "too few loads: smallest reachable p at n=3/3 is 0.1
 * > 0.05; need at least 4 loads a side". */
void compare_print_too_few(const struct compare_result *r, const char *prefix, FILE *out);
/* The notes and warnings a result carries (one side only, overlapping
 * selectors, different browser kinds) to stderr, each line starting with
 * "CMD: " (warnf/notef). */
void compare_warn(const struct compare_result *r, const char *cmd);

#endif
