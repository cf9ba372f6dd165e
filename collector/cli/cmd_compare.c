/* wasmlab compare: two sets of loads, configuration by configuration.
 *
 * A selector picks loads (ok loads with the metric only); a configuration is
 * what a load measured: module, api, condition, and the workload's args and
 * js churn. Configurations present on both sides are compared; a dimension
 * the two selectors name differently (module:go/hello vs module:c/hello) is
 * left out of the configuration, since it is what is being compared. */
#define _GNU_SOURCE
#include "collector/cli/cmd_compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "base/stats.h"
#include "collector/report/table_out.h"
#include "base/util.h"
#include "db/db.h"

static const struct cli_option compare_options[] = {
    { "baseline", 0, "SELECTOR", "the loads to compare against (required)", 'b' },
    { "candidate", 0, "SELECTOR", "the loads to compare (required)", 'c' },
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "metric", 0, "NAME", "first_byte_to_compile (default), last_byte_to_compile,\n"
      "page_compile or wall (all in ms)", 'm' },
    { "threshold", 0, "PCT", "smallest relative change that counts (default 5, 0..1000000)",
      't' },
    { "alpha", 0, "P", "significance level (default 0.05; above 0, below 1)", 'a' },
    { "resamples", 0, "N", "bootstrap resamples (default 2000, 100..1000000)", 'r' },
    { "seed", 0, "N", "bootstrap seed (default 1)", 's' },
    { "format", 0, "F", "text (default), csv, json or markdown", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command compare_command = {
    .name = "compare",
    .usage = "--baseline SELECTOR --candidate SELECTOR [options]",
    .description =
        "Compares a metric between two sets of loads in a results DB, for every\n"
        "configuration (module, api, condition, args, js churn) with ok loads on both\n"
        "sides: n, medians, the difference of medians (candidate - baseline) with its\n"
        "95% percentile-bootstrap confidence interval (fixed seed: reproducible), the\n"
        "relative change, the Mann-Whitney U test's two-sided p-value (exact without\n"
        "ties below 50 loads a side, else normal with tie and continuity correction),\n"
        "and a verdict. Lower is better for every metric.\n"
        "\n"
        "Verdict: 'slower' when p < alpha, the CI lies above 0 and the change is at\n"
        "least +threshold; 'faster' when p < alpha, the CI lies below 0 and the change\n"
        "is at most -threshold; else 'no significant change'.\n"
        "\n"
        "SELECTOR: terms joined by ','; terms with different keys must all hold,\n"
        "repeated keys are alternatives (module:c/hello,module:go/hello):\n"
        "  browser:156                    product version 156 (156.0.8078.79 ...)\n"
        "  browser:HeadlessChrome/126.0.6478.0   one product exactly (or a version prefix)\n"
        "  kind:headless_shell | kind:chromium\n"
        "  module:NAME  api:streaming|buffered  condition:NAME\n"
        "  run:ID  run:UUID  run:last     a run (a bare UUID works too)\n"
        "\n"
        "A warning goes to stderr when the two sides ran different kinds of browser\n"
        "(headless_shell vs full chromium): the kind costs more than most version\n"
        "differences (full chromium 156 about 3x headless_shell 156 per load).",
    .options = compare_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_REGRESSION,
    .exit_notes = "(0: no configuration slower; 4: at least one 'slower'; 2 also for a\n"
                  "selector that matches no loads, or no configuration on both sides)",
    .examples = "wasmlab compare --baseline browser:126 --candidate browser:156\n"
                "wasmlab compare --baseline run:1 --candidate run:last --format markdown",
};

struct metric {
    const char *name;
    const char *sql;       /* a loads column expression, in ms */
};

static const struct metric metrics[] = {
    { "first_byte_to_compile", "l.first_byte_to_compile_us / 1000.0" },
    { "last_byte_to_compile", "l.last_byte_to_compile_us / 1000.0" },
    { "page_compile", "l.page_compile_ms" },
    { "wall", "l.wall_ms" },
};

enum dim { D_MODULE, D_API, D_CONDITION, D_ARGS, D_CHURN, D_COUNT };

struct row {
    int64_t id, run_id;
    char *uuid, *product, *kind;
    char *dims[D_COUNT];
    double v;
    char *key;             /* the configuration, dims joined by \x1f */
};

enum term_key { T_BROWSER, T_KIND, T_MODULE, T_API, T_CONDITION, T_RUN };

struct term {
    enum term_key key;
    const char *value;
    int64_t run_id;        /* T_RUN with a numeric id (or last) */
};

struct selector {
    const char *text;
    char *copy;            /* terms point into it */
    struct term terms[32];
    int n;
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

static int parse_selector(const char *text, struct selector *sel, int64_t last_run)
{
    memset(sel, 0, sizeof *sel);
    sel->text = text;
    sel->copy = xstrdup(text);
    char *save = NULL;
    for (char *t = strtok_r(sel->copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (sel->n == 32) {
            warnf("compare: selector %s: more than 32 terms", text);
            return -1;
        }
        struct term *tm = &sel->terms[sel->n];
        if (is_uuid(t)) {
            *tm = (struct term){ .key = T_RUN, .value = t };
            sel->n++;
            continue;
        }
        char *colon = strchr(t, ':');
        if (!colon || !colon[1]) {
            warnf("compare: selector %s: term '%s' is not KEY:VALUE (browser, kind, module, "
                  "api, condition, run)", text, t);
            return -1;
        }
        *colon = 0;
        const char *v = colon + 1;
        static const char *const keys[] = { "browser", "kind", "module", "api", "condition",
                                            "run" };
        int k = -1;
        for (int i = 0; i < 6; i++)
            if (strcmp(t, keys[i]) == 0)
                k = i;
        if (k < 0) {
            warnf("compare: selector %s: unknown key '%s' (browser, kind, module, api, "
                  "condition, run)", text, t);
            return -1;
        }
        *tm = (struct term){ .key = (enum term_key)k, .value = v };
        if (k == T_RUN) {
            long id;
            if (strcmp(v, "last") == 0)
                tm->run_id = last_run;
            else if (parse_long(v, 1, 1L << 62, &id) == 0)
                tm->run_id = id;
            else if (!is_uuid(v)) {
                warnf("compare: selector %s: run:%s is not a run id, UUID or 'last'", text, v);
                return -1;
            }
        }
        if (k == T_KIND && strcmp(v, "headless_shell") && strcmp(v, "chromium")) {
            warnf("compare: selector %s: kind:%s must be headless_shell or chromium", text, v);
            return -1;
        }
        sel->n++;
    }
    if (sel->n == 0) {
        warnf("compare: empty selector");
        return -1;
    }
    return 0;
}

/* browser:V matches a product "Name/1.2.3.4" when V is the version or a
 * dotted prefix of it; with a '/', the names must match too. */
static bool product_matches(const char *want, const char *product)
{
    if (!product)
        return false;
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

static bool term_matches(const struct term *t, const struct row *r)
{
    switch (t->key) {
    case T_BROWSER: return product_matches(t->value, r->product);
    case T_KIND: return strcmp(t->value, r->kind) == 0;
    case T_MODULE: return strcmp(t->value, r->dims[D_MODULE]) == 0;
    case T_API: return strcmp(t->value, r->dims[D_API]) == 0;
    case T_CONDITION: return strcmp(t->value, r->dims[D_CONDITION]) == 0;
    case T_RUN:
        return t->run_id ? r->run_id == t->run_id : strcasecmp(t->value, r->uuid) == 0;
    }
    return false;
}

/* Same key: any; different keys: all. */
static bool selector_matches(const struct selector *s, const struct row *r)
{
    for (int k = T_BROWSER; k <= T_RUN; k++) {
        bool has = false, any = false;
        for (int i = 0; i < s->n; i++)
            if ((int)s->terms[i].key == k) {
                has = true;
                any = any || term_matches(&s->terms[i], r);
            }
        if (has && !any)
            return false;
    }
    return true;
}

/* The sorted values a selector gives a key, joined ("" when it names none). */
static char *selector_values(const struct selector *s, enum term_key k)
{
    const char *vals[32];
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
    if (!b.data)
        return xstrdup("");
    return b.data;
}

static int cmp_row_key(const void *a, const void *b)
{
    const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

/* The distinct values of one field over rows[lo, hi), joined by ", ". */
static void distinct_join(struct row **rows, size_t lo, size_t hi, bool kind, char *out,
                          size_t len)
{
    out[0] = 0;
    for (size_t i = lo; i < hi; i++) {
        const char *v = kind ? rows[i]->kind : rows[i]->product;
        bool seen = false;
        for (size_t j = lo; j < i && !seen; j++)
            seen = strcmp(kind ? rows[j]->kind : rows[j]->product, v) == 0;
        if (!seen && strlen(out) + strlen(v) + 3 < len)
            snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? ", " : "", v);
    }
}

int cmd_compare(int argc, char **argv)
{
    const char *base_text = NULL, *cand_text = NULL, *db_path = "results.db";
    const struct metric *metric = &metrics[0];
    double threshold = 5, alpha = 0.05;
    long resamples = 2000, seed = 1;
    enum table_format fmt = TABLE_TEXT;
    struct cli_parser cp;
    cli_begin(&cp, &compare_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        int bad = 0;
        switch (id) {
        case 'b': base_text = cp.arg; break;
        case 'c': cand_text = cp.arg; break;
        case 'd': db_path = cp.arg; break;
        case 'm':
            metric = NULL;
            for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
                if (strcmp(cp.arg, metrics[i].name) == 0)
                    metric = &metrics[i];
            if (!metric)
                bad = cli_usage_error(&compare_command, "--metric %s: must be "
                                      "first_byte_to_compile, last_byte_to_compile, "
                                      "page_compile or wall", cp.arg);
            break;
        case 't': bad = cli_double(&cp, 0, 1e6, "percent", &threshold); break;
        case 'a':
            bad = cli_double(&cp, 0, 1, "(a probability)", &alpha);
            if (!bad && !(alpha > 0 && alpha < 1))
                bad = cli_usage_error(&compare_command,
                                      "--alpha %s: must be above 0 and below 1", cp.arg);
            break;
        case 'r': bad = cli_long(&cp, 100, 1000000, "resamples", &resamples); break;
        case 's': bad = cli_long(&cp, 0, 1L << 62, "(a seed)", &seed); break;
        case 'f':
            if (table_format_parse(cp.arg, &fmt) < 0)
                bad = cli_usage_error(&compare_command,
                                      "--format %s: must be text, csv, json or markdown", cp.arg);
            break;
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
    if (!base_text || !cand_text)
        return cli_usage_error(&compare_command, "give both --baseline and --candidate");
    if (access(db_path, R_OK) != 0) {
        warnf("compare: DB %s: %s", db_path, strerror(errno));
        return EXIT_USAGE;
    }
    char err[512];
    struct db *db = db_open(db_path, err, sizeof err);
    if (!db) {
        warnf("compare: %s", err);
        return EXIT_USAGE;
    }
    sqlite3 *sq = db_sqlite(db);
    int rc = EXIT_OK;
    struct selector sel[2];
    memset(sel, 0, sizeof sel);
    struct row *rows = NULL;
    size_t n_rows = 0;
    struct row **side[2] = { NULL, NULL };
    size_t n_side[2] = { 0, 0 };
    struct table *t = NULL;

    int64_t last_run = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq, "SELECT IFNULL(MAX(id), 0) FROM runs", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        last_run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (parse_selector(base_text, &sel[0], last_run) < 0 ||
        parse_selector(cand_text, &sel[1], last_run) < 0) {
        rc = EXIT_USAGE;
        goto out;
    }

    char *q = xasprintf(
        "SELECT l.id, l.run_id, r.uuid, b.product, b.kind, m.name, l.api, l.condition,"
        " IFNULL(l.args, ''), IFNULL(CAST(l.js_churn_mb AS TEXT), ''), %s"
        " FROM loads l JOIN runs r ON r.id = l.run_id JOIN browsers b ON b.id = l.browser_id"
        " JOIN modules m ON m.id = l.module_id"
        " WHERE l.status = 'ok' AND %s IS NOT NULL ORDER BY l.id", metric->sql, metric->sql);
    int prc = sqlite3_prepare_v2(sq, q, -1, &st, NULL);
    free(q);
    if (prc != SQLITE_OK) {
        warnf("compare: DB %s: %s", db_path, sqlite3_errmsg(sq));
        rc = EXIT_ERROR;
        goto out;
    }
    size_t cap = 0;
    while ((prc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n_rows == cap) {
            cap = cap ? cap * 2 : 1024;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        struct row *r = &rows[n_rows++];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->run_id = sqlite3_column_int64(st, 1);
        r->uuid = col_text(st, 2);
        r->product = col_text(st, 3);
        r->kind = col_text(st, 4);
        for (int d = 0; d < D_COUNT; d++)
            r->dims[d] = col_text(st, 5 + d);
        r->v = sqlite3_column_double(st, 10);
    }
    sqlite3_finalize(st);
    if (prc != SQLITE_DONE) {
        warnf("compare: DB %s: %s", db_path, sqlite3_errmsg(sq));
        rc = EXIT_ERROR;
        goto out;
    }

    /* Dimensions the selectors vary are not part of the configuration. */
    static const enum term_key dim_term[D_COUNT] = { T_MODULE, T_API, T_CONDITION, T_RUN, T_RUN };
    bool varied[D_COUNT] = { false };
    for (int d = 0; d < 3; d++) {
        char *x = selector_values(&sel[0], dim_term[d]), *y = selector_values(&sel[1], dim_term[d]);
        varied[d] = (x[0] || y[0]) && strcmp(x, y) != 0;
        free(x);
        free(y);
    }
    for (size_t i = 0; i < n_rows; i++) {
        struct buf k = { 0 };
        for (int d = 0; d < D_COUNT; d++) {
            const char *v = varied[d] ? "*" : rows[i].dims[d];
            buf_append(&k, v, strlen(v));
            buf_append(&k, "\x1f", 1);
        }
        rows[i].key = k.data;
    }
    for (int s = 0; s < 2; s++) {
        side[s] = xcalloc(n_rows ? n_rows : 1, sizeof *side[s]);
        for (size_t i = 0; i < n_rows; i++)
            if (selector_matches(&sel[s], &rows[i]))
                side[s][n_side[s]++] = &rows[i];
        if (n_side[s] == 0) {
            warnf("compare: %s %s matches no ok loads with %s in %s", s ? "candidate" : "baseline",
                  sel[s].text, metric->name, db_path);
            rc = EXIT_USAGE;
            goto out;
        }
        qsort(side[s], n_side[s], sizeof *side[s], cmp_row_key);
    }

    static const char *const cols[] = {
        "module", "api", "condition", "args", "js_churn_mb", "n_baseline", "n_candidate",
        "median_baseline_ms", "median_candidate_ms", "diff_ms", "ci_low_ms", "ci_high_ms",
        "change_pct", "u", "p", "verdict", "kind_baseline", "kind_candidate", NULL
    };
    t = table_new(cols);
    size_t i0 = 0, i1 = 0, n_configs = 0, n_slower = 0, n_mismatch = 0, only_one = 0;
    size_t shared_loads = 0;
    char mismatch_example[256] = "";
    while (i0 < n_side[0] || i1 < n_side[1]) {
        int cmp = i0 >= n_side[0] ? 1 : i1 >= n_side[1] ? -1
                : strcmp(side[0][i0]->key, side[1][i1]->key);
        size_t e0 = i0, e1 = i1;
        if (cmp <= 0)
            while (e0 < n_side[0] && strcmp(side[0][e0]->key, side[0][i0]->key) == 0)
                e0++;
        if (cmp >= 0)
            while (e1 < n_side[1] && strcmp(side[1][e1]->key, side[1][i1]->key) == 0)
                e1++;
        if (cmp != 0) {
            only_one++;
            i0 = e0;
            i1 = e1;
            continue;
        }
        size_t na = e0 - i0, nb = e1 - i1;
        double *a = xmalloc(na * sizeof *a), *b = xmalloc(nb * sizeof *b);
        for (size_t k = 0; k < na; k++)
            a[k] = side[0][i0 + k]->v;
        for (size_t k = 0; k < nb; k++) {
            b[k] = side[1][i1 + k]->v;
            for (size_t j = 0; j < na; j++)
                if (side[0][i0 + j]->id == side[1][i1 + k]->id)
                    shared_loads++;
        }
        double ma = stats_median(a, na), mb = stats_median(b, nb), lo, hi;
        stats_bootstrap_median_diff(a, na, b, nb, (unsigned)resamples, 0.95, (uint64_t)seed,
                                    &lo, &hi);
        struct stats_mwu u;
        stats_mann_whitney(a, na, b, nb, &u);
        double diff = mb - ma;
        double change = ma != 0 ? diff / ma * 100 : NAN;
        const char *verdict = "no significant change";
        if (u.p < alpha && lo > 0 && change >= threshold)
            verdict = "slower";
        else if (u.p < alpha && hi < 0 && change <= -threshold)
            verdict = "faster";
        if (strcmp(verdict, "slower") == 0)
            n_slower++;
        char ka[128], kb[128];
        distinct_join(side[0], i0, e0, true, ka, sizeof ka);
        distinct_join(side[1], i1, e1, true, kb, sizeof kb);
        if (strcmp(ka, kb) != 0) {
            n_mismatch++;
            if (!mismatch_example[0])
                snprintf(mismatch_example, sizeof mismatch_example, "baseline %s, candidate %s",
                         ka, kb);
        }
        const struct row *ra = side[0][i0], *rb = side[1][i1];
        table_row(t);
        for (int d = 0; d < D_COUNT; d++) {
            if (!varied[d]) {
                table_cell_text(t, ra->dims[d][0] ? ra->dims[d] : NULL);
            } else {
                char *both = xasprintf("%s vs %s", ra->dims[d], rb->dims[d]);
                table_cell_text(t, both);
                free(both);
            }
        }
        table_cell_int(t, (long long)na);
        table_cell_int(t, (long long)nb);
        table_cell_real(t, ma, 3);
        table_cell_real(t, mb, 3);
        table_cell_real(t, diff, 3);
        table_cell_real(t, lo, 3);
        table_cell_real(t, hi, 3);
        table_cell_real(t, change, 2);
        table_cell_real(t, u.u, 1);
        table_cell_real(t, u.p, 6);
        table_cell_text(t, verdict);
        table_cell_text(t, ka);
        table_cell_text(t, kb);
        free(a);
        free(b);
        n_configs++;
        i0 = e0;
        i1 = e1;
    }
    if (n_configs == 0) {
        warnf("compare: no configuration has loads on both sides (%zu baseline loads, %zu "
              "candidate loads)", n_side[0], n_side[1]);
        rc = EXIT_USAGE;
        goto out;
    }
    if (fmt == TABLE_TEXT) {
        char pa[512], pb[512];
        distinct_join(side[0], 0, n_side[0], false, pa, sizeof pa);
        distinct_join(side[1], 0, n_side[1], false, pb, sizeof pb);
        printf("metric: %s (ms, lower is better)\n", metric->name);
        printf("baseline:  %s  (%zu loads; %s)\n", sel[0].text, n_side[0], pa);
        printf("candidate: %s  (%zu loads; %s)\n", sel[1].text, n_side[1], pb);
        printf("diff = candidate - baseline median; 95%% CI: percentile bootstrap, %ld "
               "resamples, seed %ld; verdict: p < %g and |change| >= %g%%\n\n",
               resamples, seed, alpha, threshold);
    }
    table_print(t, fmt, stdout);
    if (only_one)
        notef("compare: %zu configuration%s with loads on one side only (not compared)",
              only_one, only_one == 1 ? "" : "s");
    if (shared_loads)
        warnf("compare: warning: baseline and candidate share %zu loads; the selectors overlap",
              shared_loads);
    if (n_mismatch)
        warnf("compare: warning: browser kinds differ in %zu configuration%s (%s): the kind "
              "confounds a version difference (full chromium costs about 3x headless_shell "
              "per load)", n_mismatch, n_mismatch == 1 ? "" : "s", mismatch_example);
    if (n_slower)
        rc = EXIT_REGRESSION;
out:
    table_free(t);
    free(side[0]);
    free(side[1]);
    for (size_t i = 0; i < n_rows; i++) {
        free(rows[i].uuid);
        free(rows[i].product);
        free(rows[i].kind);
        for (int d = 0; d < D_COUNT; d++)
            free(rows[i].dims[d]);
        free(rows[i].key);
    }
    free(rows);
    free(sel[0].copy);
    free(sel[1].copy);
    db_close(db);
    return rc;
}
