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
    int rc = stored_trace_read(db_sqlite(db), load_id, write_piece, f, NULL, err, sizeof err);
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
    sqlite3_stmt *st;
    if (!o->all_processes &&
        sqlite3_prepare_v2(db_sqlite(db), "SELECT renderer_pid FROM loads WHERE id = ?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, load_id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            pid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    bool with_process = pid < 0;
    struct slice_builder *sb = slices_new(pid, INT64_MIN, INT64_MAX);
    char err[400];
    int rc = stored_trace_parse(db_sqlite(db), load_id, slices_event, sb, err, sizeof err);
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

/* The table's name exactly as the DB spells it, or NULL: user input is only
 * ever compared against sqlite_master, never put into SQL. */
static char *known_table(struct db *db, const char *name, struct buf *list)
{
    sqlite3_stmt *st;
    char *found = NULL;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                           " AND name <> 'load_traces' ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (list->len)
            buf_append(list, ", ", 2);
        buf_append(list, t, strlen(t));
        if (!found && strcmp(t, name) == 0)
            found = xstrdup(t);
    }
    sqlite3_finalize(st);
    return found;
}

static bool has_column(struct db *db, const char *table, const char *column, struct buf *pk)
{
    char *sql = xasprintf("PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *st;
    bool yes = false;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        /* pk columns in key order, for ORDER BY */
        const char *pks[16] = { 0 };
        char *owned[16] = { 0 };
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            int k = sqlite3_column_int(st, 5);
            if (column && strcmp(name, column) == 0)
                yes = true;
            if (pk && k > 0 && k <= 16)
                pks[k - 1] = owned[k - 1] = xstrdup(name);
        }
        for (int i = 0; pk && i < 16 && pks[i]; i++) {
            char *part = xasprintf("%s\"%s\"", i ? ", " : "", pks[i]);
            buf_append(pk, part, strlen(part));
            free(part);
        }
        for (int i = 0; i < 16; i++)
            free(owned[i]);
        sqlite3_finalize(st);
    }
    free(sql);
    return yes;
}

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

static int export_table(struct db *db, const struct export_opts *o, bool json)
{
    struct buf list = { 0 };
    char *table = known_table(db, o->table, &list);
    if (!table && strcmp(o->table, "load_traces") == 0) {
        warnf("export %s: --table load_traces: raw traces are exported one load at a time "
              "with wasmlab export trace --load ID", json ? "json" : "csv");
    } else if (!table) {
        warnf("export %s: --table %s: no such table (tables: %s)", json ? "json" : "csv",
              o->table, list.len ? list.data : "none");
    }
    if (!table) {
        buf_free(&list);
        return EXIT_USAGE;
    }
    buf_free(&list);
    int64_t run_id = PLOT_ALL_RUNS;
    if (o->run && selection_run(json ? "export json" : "export csv", db, o->run, &run_id) < 0) {
        free(table);
        return EXIT_USAGE;
    }
    struct buf pk = { 0 };
    has_column(db, table, NULL, &pk);
    const char *where = "";
    if (run_id != PLOT_ALL_RUNS) {
        if (strcmp(table, "runs") == 0)
            where = " WHERE id = ?1";
        else if (strcmp(table, "browsers") == 0)
            where = " WHERE id IN (SELECT browser_id FROM loads WHERE run_id = ?1)";
        else if (strcmp(table, "modules") == 0)
            where = " WHERE id IN (SELECT module_id FROM loads WHERE run_id = ?1)";
        else if (has_column(db, table, "run_id", NULL))
            where = " WHERE run_id = ?1";
        else if (has_column(db, table, "load_id", NULL))
            where = " WHERE load_id IN (SELECT id FROM loads WHERE run_id = ?1)";
        else if (has_column(db, table, "module_sha256", NULL))
            where = " WHERE module_sha256 IN (SELECT m.sha256 FROM loads l JOIN modules m"
                    " ON m.id = l.module_id WHERE l.run_id = ?1)";
        else {
            warnf("export: --run: table %s has no rows that belong to a run", table);
            free(table);
            buf_free(&pk);
            return EXIT_USAGE;
        }
    }
    char *sql = xasprintf("SELECT * FROM \"%s\"%s%s%s", table, where, pk.len ? " ORDER BY " : "",
                          pk.len ? pk.data : "");
    buf_free(&pk);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
        warnf("export: table %s: %s", table, sqlite3_errmsg(db_sqlite(db)));
        free(sql);
        free(table);
        return EXIT_ERROR;
    }
    free(sql);
    if (run_id != PLOT_ALL_RUNS)
        sqlite3_bind_int64(st, 1, run_id);
    FILE *f = open_out(o->out);
    if (!f) {
        sqlite3_finalize(st);
        free(table);
        return EXIT_ERROR;
    }
    int ncol = sqlite3_column_count(st);
    if (json) {
        fputs("[", f);
    } else {
        for (int c = 0; c < ncol; c++) {
            if (c)
                fputc(',', f);
            csv_field(f, sqlite3_column_name(st, c));
        }
        fputs("\r\n", f);
    }
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json)
            fputs(rows ? ",\n{" : "\n{", f);
        for (int c = 0; c < ncol; c++) {
            if (c)
                fputc(',', f);
            if (json) {
                const char *name = sqlite3_column_name(st, c);
                json_text(f, name, strlen(name));
                fputc(':', f);
            }
            char num[64];
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_NULL:
                if (json)
                    fputs("null", f);
                break;
            case SQLITE_INTEGER:
                fprintf(f, "%lld", (long long)sqlite3_column_int64(st, c));
                break;
            case SQLITE_FLOAT:
                format_real(sqlite3_column_double(st, c), num, sizeof num);
                fputs(num, f);
                break;
            case SQLITE_BLOB: {
                /* no documented table has blobs but load_traces; hex if so */
                const unsigned char *b = sqlite3_column_blob(st, c);
                int n = sqlite3_column_bytes(st, c);
                if (json)
                    fputc('"', f);
                for (int i = 0; i < n; i++)
                    fprintf(f, "%02x", b[i]);
                if (json)
                    fputc('"', f);
                break;
            }
            default: {
                const char *t = (const char *)sqlite3_column_text(st, c);
                size_t n = (size_t)sqlite3_column_bytes(st, c);
                if (json)
                    json_text(f, t, n);
                else
                    csv_field(f, t);
            }
            }
        }
        fputs(json ? "}" : "\r\n", f);
        rows++;
    }
    if (json)
        fputs(rows ? "\n]\n" : "]\n", f);
    int result = EXIT_OK;
    if (rc != SQLITE_DONE) {
        warnf("export: table %s: %s", table, sqlite3_errmsg(db_sqlite(db)));
        result = EXIT_ERROR;
    }
    sqlite3_finalize(st);
    if (close_out(f, o->out) < 0)
        result = EXIT_ERROR;
    free(table);
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
