/* report_experiment: options, the run and its questions, and the three
 * output formats; the answers come from experiment_answers.c. */
#define _GNU_SOURCE
#include "collector/report/report_experiment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/util.h"
#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/report/experiment_answers.h"
#include "collector/report/questions.h"
#include "db/db.h"
#include "db/read_compare.h"

static const struct cli_option experiment_options[] = {
    { "run", 0, "ID", "the run to report (default: the newest run of an experiment)", 'r' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "experiment", 0, "FILE", "take the questions from this experiment file (its \"name\"\n"
      "must be the run's experiment); without it, the questions the\n"
      "sweep stored with the run, else every dimension that varies", 'e' },
    { "format", 0, "F", "text (default), markdown or json", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command experiment_command = {
    .name = "report experiment",
    .usage = "[options]",
    .description =
        "Answers an experiment's questions about one run (wasmlab sweep FILE), one\n"
        "sentence per comparison: a candidate value of the varied dimension (api,\n"
        "condition, module or browser) against the baseline value, per value of the\n"
        "other dimensions, with the difference of medians and its 95% CI (percentile\n"
        "bootstrap, 2000 resamples, seed 1), the Mann-Whitney p and compare's verdict\n"
        "(the same engine as wasmlab compare). Questions come from the experiment\n"
        "file's \"questions\" (docs/experiments.md), which sweep stores with the run;\n"
        "when the run has none: each dimension with two or more values, every other\n"
        "value against the first, on first_byte_to_compile. Comparisons with fewer than 2\n"
        "ok loads a side are left out (and counted).",
    .options = experiment_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2 also for a missing DB, an unknown run, a run of no experiment, an\n"
                  "experiment file of another experiment, a question naming a value the run\n"
                  "lacks, or a run with too few ok loads to answer any question)",
    .examples = "wasmlab report experiment --db results.db\n"
                "wasmlab report experiment --run 3 --format json\n"
                "wasmlab report experiment --run 3 --experiment "
                "experiments/streaming-vs-buffered.json --format markdown",
};

/* ---- the questions ---- */

/* The questions the sweep stored with the run (runs.questions). Returns 1
 * when there were some, 0 when none, or an exit code below 0 negated. */
static int stored_questions(struct db *db, const struct db_run_info *run, struct questions *qs)
{
    char *text = NULL, err[512];
    if (db_read_run_questions(db, run->id, &text, err, sizeof err) < 0) {
        cli_warn(&experiment_command, "%s", err);
        return -EXIT_ERROR;
    }
    if (!text)
        return 0;
    json_t *arr = json_loads(text, 0, NULL);
    int rc = 1;
    if (!arr || questions_parse(arr, qs, err, sizeof err) < 0) {
        cli_warn(&experiment_command, "run %lld: its stored questions cannot be read: %s",
                 (long long)run->id, arr ? err : "not JSON");
        rc = -EXIT_ERROR;
    }
    json_decref(arr);
    free(text);
    return rc;
}

/* From the experiment file when given (and it has "questions"), else those
 * stored with the run, else the default. *source says which. */
static int load_questions(struct db *db, const struct db_run_info *run, const char *file,
                          struct questions *qs, const char **source)
{
    *source = "default: each dimension that varies, every other value vs the first";
    if (file) {
        json_error_t jerr;
        json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
            cli_warn(&experiment_command, "--experiment %s: %s", file,
                     jerr.line > 0 ? jerr.text : strerror(errno));
            return EXIT_USAGE;
        }
        const char *name = json_string_value(json_object_get(root, "name"));
        json_t *arr = json_object_get(root, "questions");
        char err[512];
        int rc = EXIT_OK;
        if (!name || strcmp(name, run->experiment) != 0) {
            cli_warn(&experiment_command, "--experiment %s: its name %s is not run %lld's "
                     "experiment %s", file, name ? name : "(none)", (long long)run->id,
                     run->experiment);
            rc = EXIT_USAGE;
        } else if (arr && questions_parse(arr, qs, err, sizeof err) < 0) {
            cli_warn(&experiment_command, "--experiment %s: %s", file, err);
            rc = EXIT_USAGE;
        } else if (arr) {
            *source = file;
        }
        json_decref(root);
        if (rc != EXIT_OK || arr)
            return rc;
    }
    if (!file) {
        int got = stored_questions(db, run, qs);
        if (got < 0)
            return -got;
        if (got > 0) {
            *source = "the experiment's questions, stored with the run";
            return EXIT_OK;
        }
    }
    bool varies[QUESTION_DIMS];
    char err[512];
    if (answers_varied_dims(db, run->id, varies, err, sizeof err) < 0) {
        cli_warn(&experiment_command, "%s", err);
        return EXIT_ERROR;
    }
    questions_default(varies, qs);
    if (qs->n == 0) {
        cli_warn(&experiment_command, "run %lld varies nothing (one browser, module, api and "
                 "condition among its ok loads): no question to answer", (long long)run->id);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---- output ---- */

static char *question_title(const struct questions *qs, const struct experiment_answers *a,
                            size_t i)
{
    const struct question *q = &qs->v[i];
    const struct question_outcome *o = &a->q[i];
    const char *base = o->baseline ? o->baseline : q->baseline ? q->baseline : "the first";
    return xasprintf("Q%zu. %s: %s vs %s, metric %s (ms, lower is better)", i + 1,
                     question_dim_name(q->vary), q->n_candidates ? "candidates" : "each value",
                     base, q->metric);
}

/* Why a question has no sentence, or what was left out ("" for nothing). */
static char *question_note(const struct questions *qs, const struct experiment_answers *a,
                           size_t i)
{
    const struct question_outcome *o = &a->q[i];
    if (o->n_values < 2 && o->n == 0)
        return xasprintf("not answered: run %lld has %zu %s value%s with %s among its ok "
                         "loads", (long long)a->run_id, o->n_values,
                         question_dim_name(qs->v[i].vary), o->n_values == 1 ? "" : "s",
                         qs->v[i].metric);
    if (o->n_too_few)
        return xasprintf("%s%zu comparison%s left out: fewer than %d ok loads a side",
                         o->n ? "" : "not answered: ", o->n_too_few,
                         o->n_too_few == 1 ? "" : "s", ANSWER_MIN_LOADS);
    if (o->n == 0)
        return xstrdup("not answered: no configuration has loads of both values");
    return xstrdup("");
}

static void print_text(const struct db_run_info *run, const char *source,
                       const struct questions *qs, const struct experiment_answers *a,
                       bool markdown)
{
    const struct compare_options *o = &a->options;
    printf(markdown ? "# Experiment %s, run %lld\n\n" : "experiment %s, run %lld",
           run->experiment, (long long)run->id);
    printf(markdown ? "Run `%s` (%s). Questions: %s. The difference is of medians "
                      "(candidate - baseline) with its 95%% CI (percentile bootstrap, %u "
                      "resamples, seed %llu); p: Mann-Whitney U, two-sided.\n"
                    : " (%s, %s)\nquestions: %s\ndifference of medians, 95%% CI: percentile "
                      "bootstrap, %u resamples, seed %llu; p: Mann-Whitney U, two-sided\n",
           run->uuid, run->status, source, o->resamples, (unsigned long long)o->seed);
    for (size_t i = 0; i < qs->n; i++) {
        char *title = question_title(qs, a, i), *note = question_note(qs, a, i);
        printf(markdown ? "\n## %s\n\n" : "\n%s\n", title);
        for (size_t k = a->q[i].first; k < a->q[i].first + a->q[i].n; k++)
            printf(markdown ? "- %s\n" : "  - %s\n", a->v[k].sentence);
        if (note[0])
            printf(markdown ? "\n_%s_\n" : "  (%s)\n", note);
        free(title);
        free(note);
    }
}

static json_t *num_or_null(double v)
{
    return v == v ? json_real(v) : json_null();
}

static json_t *answer_json(const struct answer *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "baseline", json_string(x->baseline));
    json_object_set_new(o, "candidate", json_string(x->candidate));
    json_t *ctx = json_object();
    const char *keys[] = { "module", "api", "condition", "browser", "args", "js_churn_mb" };
    const char *vals[] = { x->module, x->api, x->condition, x->browser, x->args,
                           x->js_churn_mb };
    for (int k = 0; k < 6; k++)
        if (vals[k][0])
            json_object_set_new(ctx, keys[k], json_string(vals[k]));
    json_object_set_new(o, "context", ctx);
    json_object_set_new(o, "n_baseline", json_integer((json_int_t)x->n_baseline));
    json_object_set_new(o, "n_candidate", json_integer((json_int_t)x->n_candidate));
    json_object_set_new(o, "median_baseline_ms", num_or_null(x->median_baseline_ms));
    json_object_set_new(o, "median_candidate_ms", num_or_null(x->median_candidate_ms));
    json_object_set_new(o, "diff_ms", num_or_null(x->diff_ms));
    json_object_set_new(o, "ci_low_ms", num_or_null(x->ci_low_ms));
    json_object_set_new(o, "ci_high_ms", num_or_null(x->ci_high_ms));
    json_object_set_new(o, "p", num_or_null(x->p));
    json_object_set_new(o, "verdict", json_string(compare_verdict_name(x->verdict)));
    json_object_set_new(o, "sentence", json_string(x->sentence));
    return o;
}

static void print_json(const struct db_run_info *run, const char *source,
                       const struct questions *qs, const struct experiment_answers *a)
{
    json_t *root = json_object();
    json_object_set_new(root, "run_id", json_integer(run->id));
    json_object_set_new(root, "run_uuid", json_string(run->uuid));
    json_object_set_new(root, "experiment", json_string(run->experiment));
    json_object_set_new(root, "questions_from", json_string(source));
    json_object_set_new(root, "ci_level", json_real(0.95));
    json_object_set_new(root, "resamples", json_integer(a->options.resamples));
    json_t *arr = json_array();
    for (size_t i = 0; i < qs->n; i++) {
        const struct question *q = &qs->v[i];
        json_t *qo = json_object();
        json_object_set_new(qo, "vary", json_string(question_dim_name(q->vary)));
        json_object_set_new(qo, "metric", json_string(q->metric));
        const char *base = a->q[i].baseline ? a->q[i].baseline : q->baseline;
        json_object_set_new(qo, "baseline", base ? json_string(base) : json_null());
        char *note = question_note(qs, a, i);
        json_object_set_new(qo, "note", json_string(note));
        free(note);
        json_t *ans = json_array();
        for (size_t k = a->q[i].first; k < a->q[i].first + a->q[i].n; k++)
            json_array_append_new(ans, answer_json(&a->v[k]));
        json_object_set_new(qo, "answers", ans);
        json_array_append_new(arr, qo);
    }
    json_object_set_new(root, "questions", arr);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10));
    fputc('\n', stdout);
    json_decref(root);
}

/* ---- the command ---- */

/* The run to report: --run, or the newest run of an experiment. */
static int find_run(struct db *db, const char *db_path, long run_id, struct db_run_info *run)
{
    char err[512];
    if (db_read_run_info(db, run_id, run, err, sizeof err) < 0) {
        cli_warn(&experiment_command, "%s (is it a wasmlab results DB?)", err);
        return EXIT_USAGE;
    }
    if (run->id == 0) {
        if (run_id)
            cli_warn(&experiment_command, "--run %ld: no such run in %s", run_id, db_path);
        else
            cli_warn(&experiment_command, "DB %s has no run of an experiment (wasmlab sweep "
                     "FILE makes one)", db_path);
        return EXIT_USAGE;
    }
    if (!run->experiment[0]) {
        cli_warn(&experiment_command, "run %lld ran no experiment (it is a wasmlab run; "
                 "compare its loads with wasmlab compare)", (long long)run->id);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int report(struct db *db, const char *db_path, long run_id, const char *file, int fmt)
{
    struct db_run_info run;
    int rc = find_run(db, db_path, run_id, &run);
    if (rc != EXIT_OK)
        return rc;
    struct questions qs = { 0 };
    const char *source;
    if ((rc = load_questions(db, &run, file, &qs, &source)) != EXIT_OK) {
        questions_free(&qs);
        return rc;
    }
    struct experiment_answers a;
    char err[512];
    int arc = experiment_answer(db, run.id, &qs, &a, err, sizeof err);
    if (arc != ANSWERS_OK) {
        cli_warn(&experiment_command, "%s", err);
        rc = arc == ANSWERS_BAD_INPUT ? EXIT_USAGE : EXIT_ERROR;
    } else if (a.n == 0) {
        cli_warn(&experiment_command, "run %lld: too few ok loads to answer any question "
                 "(at least %d a side with the metric)", (long long)run.id, ANSWER_MIN_LOADS);
        rc = EXIT_USAGE;
    } else if (fmt == 2) {
        print_json(&run, source, &qs, &a);
    } else {
        print_text(&run, source, &qs, &a, fmt == 1);
    }
    experiment_answers_free(&a);
    questions_free(&qs);
    return rc;
}

int report_experiment(int argc, char **argv)
{
    static const char *const formats[] = { "text", "markdown", "json", NULL };
    const char *db_path = "results.db", *file = NULL;
    long run_id = 0;
    int fmt = 0;
    struct cli_parser cp;
    cli_begin(&cp, &experiment_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        int bad = 0;
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'e': file = cp.arg; break;
        case 'r': bad = cli_long(&cp, 1, 1L << 40, "(a run id)", &run_id); break;
        case 'f': bad = (fmt = cli_choice(&cp, formats)) < 0; break;
        }
        if (bad) {
            cli_end(&cp);
            return EXIT_USAGE;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    if (access(db_path, R_OK) != 0) {
        cli_warn(&experiment_command, "DB %s: %s", db_path, strerror(errno));
        return EXIT_USAGE;
    }
    if (file && access(file, R_OK) != 0) {
        cli_warn(&experiment_command, "--experiment %s: %s", file, strerror(errno));
        return EXIT_USAGE;
    }
    char err[512];
    struct db *db = db_open_read(db_path, err, sizeof err);
    if (!db) {
        cli_warn(&experiment_command, "%s", err);
        return EXIT_USAGE;
    }
    int rc = report(db, db_path, run_id, file, fmt);
    db_close(db);
    return rc;
}
