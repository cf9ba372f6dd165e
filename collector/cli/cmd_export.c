#include "collector/cli/cmd_export.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/cli/selection.h"
#include "collector/trace/stored_trace.h"
#include "collector/trace/trace_slices.h"
#include "base/util.h"
#include "db/read_export.h"
#include "db/read_loads.h"
#include "db/read_rows.h"

#define OPT_DB { "db", 0, "FILE", "results database (default results.db)", 'd' }
#define OPT_OUT { "output", 'o', "FILE", "write FILE instead of stdout", 'o' }
#define OPT_LOAD { "load", 0, "ID", "the load (required)", 'l' }
static const struct cli_option trace_options[] = { OPT_LOAD, OPT_OUT, OPT_DB, { 0 } };
static const struct cli_option folded_options[] = {
    OPT_LOAD, OPT_OUT,
    { "all-processes", 0, NULL, "every process's threads, not only the renderer's", 'a' },
    OPT_DB, { 0 }
};
static const struct cli_option table_options[] = {
    { "table", 0, "NAME", "the table (required): runs, browsers, modules, loads,\n"
      "net_chunks, compile_events, page_marks, gc_pauses, ... (every\n"
      "table of the DB but load_traces; see db/README.md)", 't' },
    { "run", 0, "ID", "only the rows that belong to that run", 'r' },
    OPT_OUT, OPT_DB, { 0 }
};

#define EXPORT_EXIT_NOTES \
    "(1: could not write; 2 also for an unknown table, load or run, or a load\n" \
    "without a stored trace)"
#define EXPORT_SUB(NAME, USAGE, DESC, OPTS, EXAMPLES) \
    { .name = "export " NAME, .usage = USAGE, .description = DESC, .options = OPTS, \
      .exits = CLI_EXITS_BASIC, .exit_notes = EXPORT_EXIT_NOTES, .examples = EXAMPLES }

/* One command per format, so `export trace --help` shows trace's options. */
static const struct cli_command export_commands[] = {
    EXPORT_SUB("trace", "--load ID [options]",
               "The load's raw trace as Chrome recorded it (Chrome's JSON trace format):\n"
               "Perfetto UI, chrome://tracing and wasmlab import-trace open it.",
               trace_options, "wasmlab export trace --load 42 -o load42.json"),
    EXPORT_SUB("folded", "--load ID [options]",
               "Folded stacks of the load's trace slices, one line per stack:\n"
               "\"thread;slice;child... self_us\" (flamegraph.pl, speedscope); the\n"
               "renderer's threads, or every process with --all-processes; the counts sum\n"
               "to the top-level slices' total time (µs).",
               folded_options, "wasmlab export folded --load 42 | flamegraph.pl > load42.svg"),
    EXPORT_SUB("csv", "--table NAME [options]",
               "One table with a header row (RFC 4180 quoting; NULL is empty).",
               table_options, "wasmlab export csv --table loads --run 3 -o loads.csv"),
    EXPORT_SUB("json", "--table NAME [options]",
               "One table as a JSON array of objects (NULL is null).",
               table_options, "wasmlab export json --table runs"),
};

static const struct cli_command export_command = {
    .name = "export",
    .usage = "FORMAT [options]",
    .description =
        "Writes a load's trace or folded stacks, or a table, to stdout or -o FILE.\n"
        "Formats (each has its own --help):\n"
        "  trace    the load's raw trace (Chrome's JSON trace format)\n"
        "  folded   folded stacks of the load's trace slices (flamegraph.pl)\n"
        "  csv      one table with a header row\n"
        "  json     one table as a JSON array of objects",
    .options = table_options + 3,   /* no options of its own: the empty entry */
    .exits = CLI_EXITS_BASIC,
    .exit_notes = EXPORT_EXIT_NOTES,
    .examples = "wasmlab export trace --load 42 -o load42.json\n"
                "wasmlab export csv --table loads",
};

struct export_opts {
    const char *what;
    const char *db_path, *load, *table, *run, *out;
    bool all_processes;
};

/* ---- output ---- */

static FILE *open_out(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "we");
    if (!f)
        warnf("export: -o %s: %s", path, strerror(errno));
    return f;
}

/* Returns 0, or -1 after a warning when the output could not be written. */
static int close_out(FILE *f, const char *path)
{
    bool bad = ferror(f) != 0;
    int rc = f == stdout ? fflush(f) : fclose(f);
    if (rc != 0 || bad) {
        warnf("export: cannot write %s", path && strcmp(path, "-") ? path : "stdout");
        return -1;
    }
    return 0;
}

/* ---- trace ---- */

static int write_piece(void *arg, const void *data, size_t len)
{
    return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

static int export_trace(struct db *db, int64_t load_id, const struct export_opts *o)
{
    FILE *f = open_out(o->out);
    if (!f)
        return EXIT_ERROR;
    char err[400];
    int rc = stored_trace_read(db, load_id, write_piece, f, NULL, err, sizeof err);
    int crc = close_out(f, o->out);
    if ((rc != STORED_TRACE_OK || crc < 0) && f != stdout)
        remove(o->out);   /* no half-written trace left behind */
    if (rc == STORED_TRACE_STOPPED)
        return EXIT_ERROR;   /* close_out said why */
    if (rc != STORED_TRACE_OK) {
        warnf("export trace: %s", err);
        return rc == STORED_TRACE_MISSING ? EXIT_USAGE : EXIT_ERROR;
    }
    return crc < 0 ? EXIT_ERROR : EXIT_OK;
}

/* ---- folded ---- */

static int export_folded(struct db *db, int64_t load_id, const struct export_opts *o)
{
    int64_t pid = -1;
    struct db_load_row row;
    if (!o->all_processes && db_read_load_row(db, load_id, &row) == 1 &&
        row.renderer_pid != DB_NULL)
        pid = row.renderer_pid;
    bool with_process = pid < 0;
    struct slice_builder *sb = slices_new(pid, INT64_MIN, INT64_MAX);
    char err[400];
    int rc = stored_trace_parse(db, load_id, slices_event, sb, err, sizeof err);
    if (rc != STORED_TRACE_OK) {
        slices_builder_free(sb);
        warnf("export folded: %s", err);
        return rc == STORED_TRACE_MISSING ? EXIT_USAGE : EXIT_ERROR;
    }
    struct slices sl;
    slices_finish(sb, &sl);
    slices_builder_free(sb);
    struct buf out = { 0 };
    int64_t total = slices_write_folded(&sl, with_process, &out);
    notef("export folded: load %lld: %lld µs of slices on %zu threads%s", (long long)load_id,
          (long long)total, sl.n_threads, with_process ? " (all processes)" : "");
    slices_free(&sl);
    FILE *f = open_out(o->out);
    if (!f) {
        buf_free(&out);
        return EXIT_ERROR;
    }
    if (out.len)
        fwrite(out.data, 1, out.len, f);
    buf_free(&out);
    return close_out(f, o->out) < 0 ? EXIT_ERROR : EXIT_OK;
}

/* ---- csv / json ---- */

/* The shortest decimal that reads back as the same double. */
static void format_real(double v, char *out, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void json_text(FILE *f, const char *s, size_t len)
{
    json_t *j = json_stringn_nocheck(s, len);
    char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    fputs(text ? text : "null", f);
    free(text);
    json_decref(j);
}

/* One value of the current row as CSV or JSON. */
static void write_value(FILE *f, struct db_rows *r, int c, bool json)
{
    char num[64];
    switch (db_rows_type(r, c)) {
    case DB_VALUE_NULL:
        if (json)
            fputs("null", f);
        break;
    case DB_VALUE_INTEGER:
        fprintf(f, "%lld", (long long)db_rows_int(r, c));
        break;
    case DB_VALUE_FLOAT:
        format_real(db_rows_real(r, c), num, sizeof num);
        fputs(num, f);
        break;
    case DB_VALUE_BLOB: {
        /* no documented table has blobs but load_traces; hex if so */
        size_t n;
        const unsigned char *b = db_rows_blob(r, c, &n);
        if (json)
            fputc('"', f);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%02x", b[i]);
        if (json)
            fputc('"', f);
        break;
    }
    case DB_VALUE_TEXT: {
        size_t n;
        const char *t = db_rows_text(r, c, &n);
        if (json)
            json_text(f, t, n);
        else
            csv_field(f, t);
    }
    }
}

/* Writes every row of r; 0, or -1 when a step failed. */
static int write_rows(FILE *f, struct db_rows *r, bool json)
{
    int ncol = db_rows_columns(r);
    if (json) {
        fputs("[", f);
    } else {
        for (int c = 0; c < ncol; c++) {
            if (c)
                fputc(',', f);
            csv_field(f, db_rows_name(r, c));
        }
        fputs("\r\n", f);
    }
    long rows = 0;
    int rc;
    while ((rc = db_rows_step(r)) == 1) {
        if (json)
            fputs(rows ? ",\n{" : "\n{", f);
        for (int c = 0; c < ncol; c++) {
            if (c)
                fputc(',', f);
            if (json) {
                const char *name = db_rows_name(r, c);
                json_text(f, name, strlen(name));
                fputc(':', f);
            }
            write_value(f, r, c, json);
        }
        fputs(json ? "}" : "\r\n", f);
        rows++;
    }
    if (json)
        fputs(rows ? "\n]\n" : "]\n", f);
    return rc < 0 ? -1 : 0;
}

/* The table's name checked against the DB's own list, with one line when
 * it is not there. */
static bool known_table(struct db *db, const char *table, bool json)
{
    char **names;
    size_t n;
    bool found = false;
    struct buf list = { 0 };
    if (db_export_tables(db, &names, &n) < 0)
        n = 0, names = NULL;
    for (size_t i = 0; i < n; i++) {
        if (list.len)
            buf_append(&list, ", ", 2);
        buf_append(&list, names[i], strlen(names[i]));
        found |= strcmp(names[i], table) == 0;
    }
    db_strings_free(names, n);
    if (!found && strcmp(table, "load_traces") == 0)
        warnf("export %s: --table load_traces: raw traces are exported one load at a time "
              "with wasmlab export trace --load ID", json ? "json" : "csv");
    else if (!found)
        warnf("export %s: --table %s: no such table (tables: %s)", json ? "json" : "csv",
              table, list.len ? list.data : "none");
    buf_free(&list);
    return found;
}

static int export_table(struct db *db, const struct export_opts *o, bool json)
{
    if (!known_table(db, o->table, json))
        return EXIT_USAGE;
    int64_t run_id = PLOT_ALL_RUNS;
    if (o->run && selection_run(json ? "export json" : "export csv", db, o->run, &run_id) < 0)
        return EXIT_USAGE;
    struct db_rows *r;
    int orc = db_export_open(db, o->table, run_id, &r);
    if (orc == DB_EXPORT_NO_RUN) {
        warnf("export: --run: table %s has no rows that belong to a run", o->table);
        return EXIT_USAGE;
    }
    if (orc != DB_EXPORT_OK) {
        warnf("export: table %s: %s", o->table, db_read_error(db));
        return EXIT_ERROR;
    }
    FILE *f = open_out(o->out);
    if (!f) {
        db_rows_close(r);
        return EXIT_ERROR;
    }
    int result = EXIT_OK;
    if (write_rows(f, r, json) < 0) {
        warnf("export: table %s: %s", o->table, db_read_error(db));
        result = EXIT_ERROR;
    }
    db_rows_close(r);
    if (close_out(f, o->out) < 0)
        result = EXIT_ERROR;
    return result;
}

int cmd_export(int argc, char **argv)
{
    const struct cli_command *cmd = NULL;
    for (size_t i = 0; argc >= 2 && i < sizeof export_commands / sizeof export_commands[0]; i++)
        if (strcmp(argv[1], export_commands[i].name + strlen("export ")) == 0)
            cmd = &export_commands[i];
    if (!cmd) {
        if (argc >= 2 && argv[1][0] == '-') {  /* --help, or an option before FORMAT */
            struct cli_parser cp;
            cli_begin(&cp, &export_command, argc, argv);
            int id = cli_next(&cp);
            cli_end(&cp);
            if (id < 0)
                return cli_exit_for(id);
        }
        if (argc < 2 || argv[1][0] == '-')
            return cli_usage_error(&export_command, "missing format: one of trace, folded, csv, json");
        return cli_usage_error(&export_command, "unknown format %s: one of trace, folded, csv, json",
                               argv[1]);
    }
    struct export_opts o = { .what = argv[1], .db_path = "results.db" };
    bool is_trace = strcmp(o.what, "trace") == 0, is_folded = strcmp(o.what, "folded") == 0;
    bool is_csv = strcmp(o.what, "csv") == 0, is_json = strcmp(o.what, "json") == 0;
    argc--;
    argv++;
    struct cli_parser cp;
    cli_begin(&cp, cmd, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': o.db_path = cp.arg; break;
        case 'l': o.load = cp.arg; break;
        case 't': o.table = cp.arg; break;
        case 'r': o.run = cp.arg; break;
        case 'o': o.out = cp.arg; break;
        case 'a': o.all_processes = true; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    if (cli_positionals(&cp, 0, 0, "") < 0)
        return EXIT_USAGE;
    if ((is_trace || is_folded) && !o.load)
        return cli_usage_error(cmd, "--load ID is required");
    if ((is_csv || is_json) && !o.table)
        return cli_usage_error(cmd, "--table NAME is required");
    struct db *db = selection_open_db("export", o.db_path);
    if (!db)
        return EXIT_USAGE;
    int rc;
    int64_t load_id = 0;
    if ((is_trace || is_folded) && selection_load("export", db, o.load, &load_id) < 0)
        rc = EXIT_USAGE;
    else if (is_trace)
        rc = export_trace(db, load_id, &o);
    else if (is_folded)
        rc = export_folded(db, load_id, &o);
    else
        rc = export_table(db, &o, is_json);
    db_close(db);
    return rc;
}
