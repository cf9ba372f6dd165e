/* report_wasi: the WASI census as a matrix (report_wasi.h). */
#include "collector/report/report_wasi.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/util.h"
#include "collector/cli/options.h"
#include "collector/report/table_out.h"
#include "db/db.h"
#include "db/wasi.h"

static const struct cli_option wasi_options[] = {
    { "db", 0, "FILE", "results database (default results.db)", 'd' },
    { "run", 0, "ID", "the census run (default: the newest)", 'r' },
    { "view", 0, "V", "calls (default): rows = WASI functions, cells = what each\n"
      "runtime returned; steps: rows = the probe's steps, cells = what\n"
      "the program saw (and the first failing WASI call of the step)", 'v' },
    { "format", 0, "F", "text (default), markdown, csv or json", 'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command wasi_command = {
    .name = "report wasi",
    .usage = "[options]",
    .description =
        "The WASI census (wasmlab wasi) as a matrix: rows are WASI functions, columns\n"
        "runtime x language (and browser when the run swept several). A cell is ok,\n"
        "an errno name (several, comma-separated, when calls differed), \"not imported\"\n"
        "(the module does not import it), \"not called\", \"trapped\", \"exit\"\n"
        "(proc_exit) or \"not provided\" (the runtime lacks it). The last row is the\n"
        "outcome: ok, exit N, trapped, not_provided, timeout or error.",
    .options = wasi_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(2: no such DB or census run)",
    .examples = "wasmlab report wasi --db wasi.db\n"
                "wasmlab report wasi --view steps --format markdown",
};

/* A column's label: runtime/language (or runtime/module for an outside
 * file), with the browser's major version when several hosts are mixed. */
static char *column_label(const struct db_wasi_read_outcome *o, bool with_host)
{
    char label[512], host[64] = "";
    if (with_host && o->host) {
        const char *slash = strchr(o->host, '/');
        const char *v = slash ? slash + 1 : strncmp(o->host, "node ", 5) == 0 ? o->host + 5 : o->host;
        snprintf(host, sizeof host, "@%.*s", (int)strcspn(v, "."), v);
    }
    snprintf(label, sizeof label, "%s/%s%s", o->runtime, o->language ? o->language : o->module,
             strcmp(o->runtime, "node") == 0 ? "" : host);
    return xstrdup(label);
}

static bool json_has(const char *json_text, const char *name)
{
    json_t *a = json_text ? json_loads(json_text, 0, NULL) : NULL;
    bool found = false;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) found |= json_is_string(v) && strcmp(json_string_value(v), name) == 0;
    json_decref(a);
    return found;
}

/* Distinct results of fn's calls, in first-seen order: "ok", "ok,badf". */
static void call_cell(const struct db_wasi_read_outcome *o, const char *fn, char *out, size_t len)
{
    out[0] = 0;
    if (!json_has(o->imports_json, fn)) {
        snprintf(out, len, "not imported");
        return;
    }
    if (json_has(o->missing_json, fn)) {
        snprintf(out, len, "not provided");
        return;
    }
    for (size_t i = 0; i < o->n_calls; i++) {
        if (strcmp(o->calls[i].fn, fn) != 0)
            continue;
        const char *res = strcmp(o->calls[i].result, "not-provided") == 0 ? "not provided"
                                                                         : o->calls[i].result;
        /* already listed? (whole items only) */
        bool seen = false;
        for (const char *p = out; *p && !seen; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 1 : 0))
            seen = strncmp(p, res, strlen(res)) == 0 && (p[strlen(res)] == ',' || !p[strlen(res)]);
        if (!seen && strlen(out) + strlen(res) + 2 < len)
            snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "", res);
    }
    if (!out[0])
        snprintf(out, len, "not called");
}

static void outcome_cell(const struct db_wasi_read_outcome *o, char *out, size_t len)
{
    if (strcmp(o->status, "exit") == 0 || (strcmp(o->status, "ok") == 0 && o->exit_code != DB_NULL))
        snprintf(out, len, "%s %lld", strcmp(o->status, "ok") == 0 ? "ok, exit" : "exit",
                 (long long)o->exit_code);
    else
        snprintf(out, len, "%s", o->status);
}

/* Adds name to the list unless it is there. */
static void add_name(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return;
    *names = xrealloc(*names, (*n + 1) * sizeof **names);
    (*names)[(*n)++] = xstrdup(name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rows for the calls view: every function any module imports, sorted. */
static char **call_rows(const struct db_wasi_result *r, size_t *n)
{
    char **names = NULL;
    *n = 0;
    for (size_t i = 0; i < r->n; i++) {
        json_t *a = r->outcomes[i].imports_json ? json_loads(r->outcomes[i].imports_json, 0, NULL)
                                                : NULL;
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) if (json_is_string(v)) add_name(&names, n, json_string_value(v));
        json_decref(a);
    }
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

/* Rows for the steps view: every step in first-seen order. */
static char **step_rows(const struct db_wasi_result *r, size_t *n)
{
    char **names = NULL;
    *n = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->outcomes[i].n_steps; k++)
            add_name(&names, n, r->outcomes[i].steps[k].step);
    return names;
}

/* What the program saw at step, and the first failing WASI call under it. */
static void step_cell(const struct db_wasi_read_outcome *o, const char *step, char *out,
                      size_t len)
{
    snprintf(out, len, "-");
    for (size_t k = 0; k < o->n_steps; k++) {
        if (strcmp(o->steps[k].step, step) != 0)
            continue;
        snprintf(out, len, "%s", o->steps[k].result);
        break;
    }
    for (size_t i = 0; i < o->n_calls; i++) {
        const struct db_wasi_read_call *c = &o->calls[i];
        if (c->step && strcmp(c->step, step) == 0 && strcmp(c->result, "ok") != 0 &&
            strcmp(c->result, "exit") != 0) {
            snprintf(out + strlen(out), len - strlen(out), " (%s: %s)", c->fn, c->result);
            break;
        }
    }
}

static void print_matrix(const struct db_wasi_result *r, bool steps, enum table_format fmt)
{
    bool many_hosts = false;
    for (size_t i = 1; i < r->n; i++)
        if (strcmp(r->outcomes[i].runtime, "node") != 0 && strcmp(r->outcomes[0].host, r->outcomes[i].host) != 0 &&
            strcmp(r->outcomes[0].runtime, "node") != 0)
            many_hosts = true;
    const char **cols = xcalloc(r->n + 2, sizeof *cols);
    cols[0] = steps ? "step" : "function";
    for (size_t i = 0; i < r->n; i++)
        cols[i + 1] = column_label(&r->outcomes[i], many_hosts);
    size_t n_rows = 0;
    char **rows = steps ? step_rows(r, &n_rows) : call_rows(r, &n_rows);
    struct table *t = table_new(cols);
    char cell[512];
    for (size_t k = 0; k < n_rows; k++) {
        table_row(t);
        table_cell_text(t, rows[k]);
        for (size_t i = 0; i < r->n; i++) {
            if (steps)
                step_cell(&r->outcomes[i], rows[k], cell, sizeof cell);
            else
                call_cell(&r->outcomes[i], rows[k], cell, sizeof cell);
            table_cell_text(t, cell);
        }
    }
    table_row(t);
    table_cell_text(t, "(outcome)");
    for (size_t i = 0; i < r->n; i++) {
        outcome_cell(&r->outcomes[i], cell, sizeof cell);
        table_cell_text(t, cell);
    }
    table_print(t, fmt, stdout);
    table_free(t);
    for (size_t k = 0; k < n_rows; k++)
        free(rows[k]);
    free(rows);
    for (size_t i = 0; i < r->n; i++)
        free((char *)cols[i + 1]);
    free(cols);
    if (fmt == TABLE_TEXT || fmt == TABLE_MARKDOWN)
        for (size_t i = 0; i < r->n; i++)
            if (r->outcomes[i].reason)
                printf("%s%s/%s on %s: %s: %.300s\n", fmt == TABLE_MARKDOWN ? "- " : "",
                       r->outcomes[i].runtime, r->outcomes[i].module, r->outcomes[i].host,
                       r->outcomes[i].status, r->outcomes[i].reason);
}

int report_wasi(int argc, char **argv)
{
    const char *db_path = "results.db";
    long run_id = 0;
    bool steps = false;
    enum table_format fmt = TABLE_TEXT;
    struct cli_parser cp;
    cli_begin(&cp, &wasi_command, argc, argv);
    int id;
    static const char *const views[] = { "calls", "steps", NULL };
    while ((id = cli_next(&cp)) > 0) {
        int bad = 0;
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'r': bad = cli_long(&cp, 1, 1L << 40, "(a census run id)", &run_id); break;
        case 'f': bad = cli_table_format(&cp, &fmt); break;
        case 'v': {
            int v = cli_choice(&cp, views);
            bad = v < 0;
            steps = v == 1;
            break;
        }
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
    if (access(db_path, R_OK) != 0)
        return cli_usage_error(&wasi_command, "--db %s: %s", db_path, strerror(errno));
    char err[512];
    struct db *db = db_open_read(db_path, err, sizeof err);
    if (!db) {
        cli_warn(&wasi_command, "%s", err);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    int64_t run = run_id;
    struct db_wasi_result res = { 0 };
    if (run == 0 && db_wasi_latest_run(db, &run) == 0 && run == 0) {
        cli_warn(&wasi_command, "DB %s has no census run (wasmlab wasi makes one)", db_path);
        rc = EXIT_USAGE;
    } else if (run_id != 0 && db_wasi_run_exists(db, run) != 1) {
        cli_usage_error(&wasi_command, "--run %ld: no such census run in %s", run_id, db_path);
        rc = EXIT_USAGE;
    } else if (db_wasi_read(db, run, &res) < 0) {
        cli_warn(&wasi_command, "%s", db_errmsg(db));
        rc = EXIT_ERROR;
    } else {
        print_matrix(&res, steps, fmt);
    }
    db_wasi_result_free(&res);
    db_close(db);
    return rc;
}
