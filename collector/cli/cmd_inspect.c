/* cmd_inspect: see cmd_inspect.h for the contract. */
#define _GNU_SOURCE
#include "collector/cli/cmd_inspect.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cli/options.h"
#include "collector/wasm/manifest.h"
#include "collector/report/table_out.h"
#include "collector/wasm/module_sizes.h"
#include "collector/wasm/wasi_imports.h"
#include "base/util.h"
#include "collector/wasm/wasm_binary.h"
#include "db/db.h"
#include "wasmlab_config.h"

struct inspect_options {
    const char *file;
    char **files;               /* --wasi: every module argument */
    size_t n_files;
    const char *manifest;       /* where a NAME is looked up */
    const char *db_path;        /* NULL: do not store */
    bool json;
    bool wasi;                  /* the WASI import census of files[] */
    bool format_set;
    enum table_format format;
};

/* A run of imports sharing a module name, in order[]. */
struct import_group {
    size_t start;               /* first position in order[] */
    size_t count;
    size_t first_index;         /* import index of the group's first entry */
};

/* Everything printed or stored about one module. */
struct inspection {
    const char *file;
    const uint8_t *data;        /* the file; names in sizes.module point into it */
    size_t len;
    struct module_sizes sizes;  /* sha256, gzip/brotli sizes, parsed module */
    /* Imports grouped by module name: order[] lists import indices group by
     * group, each group in file order; groups in order of first appearance. */
    size_t *order;
    struct import_group *groups;
    size_t group_count;
};

static const struct cli_option inspect_options[] = {
    { "json", 0, NULL, "print one JSON object instead of a table", 'j' },
    { "db", 0, "FILE", "also store sizes, sections and imports in the results DB", 'd' },
    { "manifest", 0, "FILE", "where NAME is looked up (default: the build's manifest)", 'M' },
    { "wasi", 0, NULL, "the WASI census: which wasi_snapshot_preview1 functions each of one or\n"
                       "more modules imports (rows functions, columns modules)", 'w' },
    { "format", 0, "FMT", "with --wasi: text, csv, json or markdown (default text; --json = json)",
      'f' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command inspect_command = {
    .name = "inspect",
    .usage = "FILE.wasm|NAME [options]   or   wasmlab inspect --wasi FILE.wasm|NAME...",
    .description =
        "Lists the module's sections, function/import/export counts, imports by\n"
        "module, and its gzip -9 and brotli -q 11 sizes. The module is a file, or a\n"
        "built module's manifest name such as go/hello (wasmlab modules lists them);\n"
        "a file of that name wins. After -- every argument is a file.\n"
        "With --wasi, for one or more modules: the WASI functions each imports, one\n"
        "row per function of any of them, one column per module (x: imported), then\n"
        "the count of WASI and of other imports. Preview0 imports (wasi_unstable)\n"
        "are listed as wasi_unstable.NAME.",
    .options = inspect_options,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(1: DB or output error; 2 also for a missing, unreadable, empty or\n"
                  "malformed file)",
    .examples = "wasmlab inspect go/hello\n"
                "wasmlab inspect build/modules/c/json.wasm --json\n"
                "wasmlab inspect app.wasm --db results.db\n"
                "wasmlab inspect --wasi c/wasi-probe go/wasi-probe go/hello/wasip1\n"
                "wasmlab inspect --wasi --format markdown esbuild.wasm sqlite.wasm",
};

/* One diagnostic line: "wasmlab inspect: FILE: reason". */
static void inspect_error(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void inspect_error(const char *file, const char *fmt, ...)
{
    char *reason;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    cli_warn(&inspect_command, "%s: %s", file, reason ? reason : fmt);
    free(reason);
}

/* Fills *opt from argv. Returns 0 to go on, or CLI_HELP / CLI_BAD. */
static int parse_options(int argc, char **argv, struct inspect_options *opt)
{
    opt->manifest = WASMLAB_MANIFEST;
    struct cli_parser p;
    cli_begin(&p, &inspect_command, argc, argv);
    int id;
    while ((id = cli_next(&p)) > 0) {
        switch (id) {
        case 'j': opt->json = true; break;
        case 'M': opt->manifest = p.arg; break;
        case 'w': opt->wasi = true; break;
        case 'f':
            if (cli_table_format(&p, &opt->format) < 0) {
                cli_end(&p);
                return CLI_BAD;
            }
            opt->format_set = true;
            break;
        case 'd':
            if (!*p.arg) {
                cli_end(&p);
                cli_usage_error(&inspect_command, "option --db needs a value");
                return CLI_BAD;
            }
            opt->db_path = p.arg;
            break;
        }
    }
    if (id < 0)
        return id;
    if (opt->wasi) {
        if (opt->db_path) {
            cli_usage_error(&inspect_command, "--db stores one module's inspection, not --wasi");
            return CLI_BAD;
        }
        if (cli_positionals(&p, 1, 4096, "FILE.wasm or NAME") < 0)
            return CLI_BAD;
        opt->files = p.argv + p.rest;
        opt->n_files = (size_t)(p.argc - p.rest);
        if (opt->json && !opt->format_set)
            opt->format = TABLE_JSON;
        else if (opt->json && opt->format != TABLE_JSON) {
            cli_usage_error(&inspect_command, "--json and --format %s disagree",
                            opt->format == TABLE_CSV ? "csv" : opt->format == TABLE_TEXT ? "text"
                                                                                       : "markdown");
            return CLI_BAD;
        }
        return 0;
    }
    if (opt->format_set) {
        cli_usage_error(&inspect_command, "--format goes with --wasi (one module: --json)");
        return CLI_BAD;
    }
    if (p.argc - p.rest > 1) {
        cli_usage_error(&inspect_command, "one module at a time (extra argument %s)",
                        p.argv[p.rest + 1]);
        return CLI_BAD;
    }
    if (cli_positionals(&p, 1, 1, "FILE.wasm or NAME") < 0)
        return CLI_BAD;
    opt->file = p.argv[p.rest];
    return 0;
}

/* A file argument that does not exist may be a manifest name ("go/hello"):
 * returns the manifest's file for it (caller frees), or NULL. */
static char *manifest_file_for(const char *name, const char *manifest_path)
{
    struct manifest mf;
    char err[512];
    if (manifest_load(manifest_path, &mf, err, sizeof err) < 0)
        return NULL;
    const struct manifest_module *mm = manifest_find(&mf, name);
    char *file = mm ? xstrdup(mm->file) : NULL;
    manifest_free(&mf);
    return file;
}

/* ---- imports by module ---- */

struct import_ref {
    const struct wasm_import *imp;
    size_t index;
};

static int compare_by_module(const void *a, const void *b)
{
    const struct import_ref *x = a, *y = b;
    size_t n = x->imp->module.len < y->imp->module.len ? x->imp->module.len
                                                       : y->imp->module.len;
    int c = n ? memcmp(x->imp->module.bytes, y->imp->module.bytes, n) : 0;
    if (c != 0)
        return c;
    if (x->imp->module.len != y->imp->module.len)
        return x->imp->module.len < y->imp->module.len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int compare_by_first_index(const void *a, const void *b)
{
    const struct import_group *x = a, *y = b;
    return x->first_index < y->first_index ? -1 : x->first_index > y->first_index;
}

static bool same_name(struct wasm_name a, struct wasm_name b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.bytes, b.bytes, a.len) == 0);
}

/* Sorting, not a linear search per import, so a module with a million
 * distinct import modules stays O(n log n). */
static void group_imports(struct inspection *in)
{
    const struct wasm_module *m = &in->sizes.module;
    size_t n = m->import_count;
    in->order = xcalloc(n ? n : 1, sizeof *in->order);
    in->groups = xcalloc(n ? n : 1, sizeof *in->groups);
    struct import_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
    for (size_t i = 0; i < n; i++)
        refs[i] = (struct import_ref){ &m->imports[i], i };
    qsort(refs, n, sizeof *refs, compare_by_module);
    for (size_t i = 0; i < n; i++) {
        in->order[i] = refs[i].index;
        if (i == 0 || !same_name(refs[i].imp->module, refs[i - 1].imp->module))
            in->groups[in->group_count++] =
                (struct import_group){ .start = i, .first_index = refs[i].index };
        in->groups[in->group_count - 1].count++;
    }
    free(refs);
    qsort(in->groups, in->group_count, sizeof *in->groups, compare_by_first_index);
}

/* ---- text output ---- */

/* Writes a name with control characters, quotes and backslashes escaped
 * (names are valid UTF-8, so other bytes print as they are). */
static void print_name(FILE *f, struct wasm_name name)
{
    for (size_t i = 0; i < name.len; i++) {
        unsigned char c = (unsigned char)name.bytes[i];
        if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else
            fputc(c, f);
    }
}

static int digits(size_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

static void print_text(FILE *f, const struct inspection *in)
{
    const struct wasm_module *m = &in->sizes.module;

    fprintf(f, "file          %s\n", in->file);
    fprintf(f, "bytes         %zu\n", in->len);
    fprintf(f, "gzip -9       %zu\n", in->sizes.gzip_bytes);
    fprintf(f, "brotli -q 11  %zu\n", in->sizes.brotli_bytes);
    fprintf(f, "sha256        %s\n", in->sizes.sha256);
    fprintf(f, "functions     %zu (%zu imported, %zu defined)\n", m->function_count,
            m->imports_by_kind[WASM_EXTERN_FUNC], m->defined_function_count);
    fprintf(f, "imports       %zu", m->import_count);
    const char *sep = " (";
    for (unsigned k = 0; k < WASM_EXTERN_KIND_COUNT; k++) {
        if (m->imports_by_kind[k]) {
            fprintf(f, "%s%s %zu", sep, wasm_extern_kind_name(k), m->imports_by_kind[k]);
            sep = ", ";
        }
    }
    fprintf(f, "%s\n", m->import_count ? ")" : "");
    fprintf(f, "exports       %zu\n", m->export_count);

    /* Every number is at most the file size, so that sets the widths. */
    int wn = digits(in->len);
    int w_index = max_int(5, digits(m->section_count));
    int w_offset = max_int(6, wn), w_size = max_int(4, wn);
    int w_poff = max_int(14, wn), w_psize = max_int(12, wn);
    fprintf(f, "\nsections      %zu\n", m->section_count);
    fprintf(f, "%*s  %3s  %-9s  %*s  %*s  %*s  %*s  %s\n", w_index, "index", "id",
            "section", w_offset, "offset", w_size, "size", w_poff, "payload_offset",
            w_psize, "payload_size", "name");
    fprintf(f, "%*s  %3s  %-9s  %*d  %*d  %*s  %*s\n", w_index, "-", "-", "header",
            w_offset, 0, w_size, WASM_HEADER_SIZE, w_poff, "-", w_psize, "-");
    size_t total = WASM_HEADER_SIZE;
    for (size_t i = 0; i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        size_t size = s->header_size + s->payload_size;
        total += size;
        fprintf(f, "%*zu  %3u  %-9s  %*zu  %*zu  %*zu  %*zu", w_index, i, s->id,
                wasm_section_name(s->id), w_offset, s->offset, w_size, size,
                w_poff, s->payload_offset, w_psize, s->payload_size);
        if (s->id == WASM_SECTION_CUSTOM) {
            fputs("  \"", f);
            print_name(f, s->name);
            fputc('"', f);
        }
        fputc('\n', f);
    }
    fprintf(f, "%*s  %3s  %-9s  %*s  %*zu  (%s file size)\n", w_index, "total", "", "",
            w_offset, "", w_size, total, total == in->len ? "=" : "!=");

    fprintf(f, "\nimports by module\n");
    if (m->import_count == 0)
        fprintf(f, "  (none)\n");
    for (size_t g = 0; g < in->group_count; g++) {
        const struct import_group *grp = &in->groups[g];
        fputs("  ", f);
        print_name(f, m->imports[grp->first_index].module);
        fprintf(f, "  (%zu)\n", grp->count);
        for (size_t k = 0; k < grp->count; k++) {
            const struct wasm_import *imp = &m->imports[in->order[grp->start + k]];
            fprintf(f, "    %-6s  ", wasm_extern_kind_name(imp->kind));
            print_name(f, imp->field);
            fputc('\n', f);
        }
    }
}

/* ---- JSON output ---- */

static json_t *json_name(struct wasm_name name)
{
    /* Names were checked as UTF-8 by the parser; json_stringn keeps U+0000. */
    json_t *s = json_stringn(name.len ? name.bytes : "", name.len);
    return s ? s : json_null();
}

static json_t *inspection_json(const struct inspection *in)
{
    const struct wasm_module *m = &in->sizes.module;
    json_t *root = json_object();
    json_object_set_new(root, "file", json_string(in->file));
    json_object_set_new(root, "bytes", json_integer((json_int_t)in->len));
    json_object_set_new(root, "sha256", json_string(in->sizes.sha256));
    json_object_set_new(root, "gzip_bytes", json_integer((json_int_t)in->sizes.gzip_bytes));
    json_object_set_new(root, "brotli_bytes", json_integer((json_int_t)in->sizes.brotli_bytes));
    json_object_set_new(root, "version", json_integer(m->version));
    json_object_set_new(root, "header_bytes", json_integer(WASM_HEADER_SIZE));

    json_t *counts = json_object();
    json_object_set_new(counts, "functions", json_integer((json_int_t)m->function_count));
    json_object_set_new(counts, "imported_functions",
                        json_integer((json_int_t)m->imports_by_kind[WASM_EXTERN_FUNC]));
    json_object_set_new(counts, "defined_functions",
                        json_integer((json_int_t)m->defined_function_count));
    json_object_set_new(counts, "imports", json_integer((json_int_t)m->import_count));
    json_object_set_new(counts, "exports", json_integer((json_int_t)m->export_count));
    json_t *by_kind = json_object();
    for (unsigned k = 0; k < WASM_EXTERN_KIND_COUNT; k++)
        json_object_set_new(by_kind, wasm_extern_kind_name(k),
                            json_integer((json_int_t)m->imports_by_kind[k]));
    json_object_set_new(counts, "imports_by_kind", by_kind);
    json_object_set_new(root, "counts", counts);

    json_t *sections = json_array();
    for (size_t i = 0; i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        json_t *o = json_object();
        json_object_set_new(o, "index", json_integer((json_int_t)i));
        json_object_set_new(o, "id", json_integer(s->id));
        json_object_set_new(o, "section", json_string(wasm_section_name(s->id)));
        json_object_set_new(o, "name", s->id == WASM_SECTION_CUSTOM ? json_name(s->name)
                                                                    : json_null());
        json_object_set_new(o, "offset", json_integer((json_int_t)s->offset));
        json_object_set_new(o, "size",
                            json_integer((json_int_t)(s->header_size + s->payload_size)));
        json_object_set_new(o, "header_size", json_integer((json_int_t)s->header_size));
        json_object_set_new(o, "payload_offset", json_integer((json_int_t)s->payload_offset));
        json_object_set_new(o, "payload_size", json_integer((json_int_t)s->payload_size));
        json_array_append_new(sections, o);
    }
    json_object_set_new(root, "sections", sections);

    json_t *groups = json_array();
    for (size_t g = 0; g < in->group_count; g++) {
        const struct import_group *grp = &in->groups[g];
        json_t *o = json_object();
        json_t *fields = json_array();
        json_object_set_new(o, "module", json_name(m->imports[grp->first_index].module));
        json_object_set_new(o, "count", json_integer((json_int_t)grp->count));
        for (size_t k = 0; k < grp->count; k++) {
            const struct wasm_import *imp = &m->imports[in->order[grp->start + k]];
            json_t *e = json_object();
            json_object_set_new(e, "field", json_name(imp->field));
            json_object_set_new(e, "kind", json_string(wasm_extern_kind_name(imp->kind)));
            json_array_append_new(fields, e);
        }
        json_object_set_new(o, "imports", fields);
        json_array_append_new(groups, o);
    }
    json_object_set_new(root, "imports_by_module", groups);
    return root;
}

/* ---- DB ---- */

/* Stores one inspection in one transaction. Returns 0, -2 when the DB
 * cannot be opened (a bad --db path), -1 when writing fails (reported). */
static int store_inspection(const char *db_path, const struct inspection *in)
{
    char err[512];
    struct db *db = db_open(db_path, err, sizeof err);
    if (!db) {
        cli_warn(&inspect_command, "%s", err);
        return -2;
    }
    int rc = db_begin(db);
    if (rc == 0 && module_sizes_store(db, in->file, &in->sizes, err, sizeof err) < 0) {
        inspect_error(db_path, "storing %s: %s", in->file, err);
        db_rollback(db);
        db_close(db);
        return -1;
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        inspect_error(db_path, "%s", db_errmsg(db));
    db_close(db);
    return rc;
}

/* ---- the command ---- */

static void inspection_free(struct inspection *in)
{
    module_sizes_free(&in->sizes);
    free(in->order);
    free(in->groups);
}

/* One module argument, read and parsed. */
struct loaded {
    const char *file;           /* the path read: the argument or its manifest file */
    char *named;                /* owned: the manifest's file when the argument was a NAME */
    uint8_t *data;
    size_t len;
    struct module_sizes sizes;
};

static void loaded_free(struct loaded *l)
{
    module_sizes_free(&l->sizes);
    free(l->data);
    free(l->named);
    memset(l, 0, sizeof *l);
}

/* Reads arg (a file, else a manifest name) and parses it. Returns EXIT_OK,
 * or EXIT_USAGE after one error line naming it (nothing to free then). */
static int load_module(const char *arg, const char *manifest, struct loaded *l)
{
    memset(l, 0, sizeof *l);
    l->file = arg;
    l->data = read_whole_file(arg, &l->len);
    int e = l->data ? 0 : errno;
    if (!l->data && e == ENOENT && (l->named = manifest_file_for(arg, manifest))) {
        l->data = read_whole_file(l->named, &l->len);
        e = l->data ? 0 : errno;
        if (l->data)
            l->file = l->named;
    }
    if (!l->data) {
        size_t n = strlen(arg);
        bool maybe_name = e == ENOENT && !l->named && (n < 5 || strcmp(arg + n - 5, ".wasm"));
        inspect_error(l->named ? l->named : arg, "%s%s", strerror(e),
                      maybe_name ? ", nor a module of the manifest (wasmlab modules lists them)"
                                 : "");
        loaded_free(l);
        return EXIT_USAGE;
    }
    char why[256];
    if (l->len == 0) {
        inspect_error(l->file, "empty file (a module is at least %d bytes)", WASM_HEADER_SIZE);
        loaded_free(l);
        return EXIT_USAGE;
    }
    if (module_sizes_parse(l->data, l->len, &l->sizes, why, sizeof why) < 0) {
        inspect_error(l->file, "%s", why);
        loaded_free(l);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---- --wasi: the import census ---- */

static json_t *census_json(char **args, const struct loaded *mods, const struct wasi_imports *w,
                           size_t n, const struct wasi_imports *all)
{
    json_t *root = json_object(), *arr = json_array(), *fns = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object(), *list = json_array();
        json_object_set_new(o, "module", json_string(args[i]));
        json_object_set_new(o, "file", json_string(mods[i].file));
        json_object_set_new(o, "sha256", json_string(mods[i].sizes.sha256));
        for (size_t k = 0; k < w[i].n; k++)
            json_array_append_new(list, json_string(w[i].labels[k]));
        json_object_set_new(o, "wasi_imports", list);
        json_object_set_new(o, "wasi_count", json_integer((json_int_t)w[i].n));
        json_object_set_new(o, "other_imports", json_integer((json_int_t)w[i].other));
        json_array_append_new(arr, o);
    }
    for (size_t k = 0; k < all->n; k++)
        json_array_append_new(fns, json_string(all->labels[k]));
    json_object_set_new(root, "modules", arr);
    json_object_set_new(root, "functions", fns);
    return root;
}

static void census_table(char **args, const struct wasi_imports *w, size_t n,
                         const struct wasi_imports *all, enum table_format f)
{
    const char **cols = xcalloc(n + 2, sizeof *cols);
    cols[0] = "function";
    for (size_t i = 0; i < n; i++)
        cols[i + 1] = args[i];
    struct table *t = table_new(cols);
    for (size_t k = 0; k < all->n; k++) {
        table_row(t);
        table_cell_text(t, all->labels[k]);
        for (size_t i = 0; i < n; i++)
            table_cell_text(t, wasi_imports_has(&w[i], all->labels[k]) ? "x" : "-");
    }
    table_row(t);
    table_cell_text(t, "(wasi imports)");
    for (size_t i = 0; i < n; i++)
        table_cell_int(t, (long long)w[i].n);
    table_row(t);
    table_cell_text(t, "(other imports)");
    for (size_t i = 0; i < n; i++)
        table_cell_int(t, (long long)w[i].other);
    table_print(t, f, stdout);
    table_free(t);
    free(cols);
}

/* Every module is read and parsed first: a bad one fails the command before
 * anything is printed. */
static int cmd_inspect_wasi(const struct inspect_options *opt)
{
    size_t n = opt->n_files;
    struct loaded *mods = xcalloc(n, sizeof *mods);
    struct wasi_imports *w = xcalloc(n, sizeof *w);
    int status = EXIT_OK;
    size_t done = 0;
    for (; done < n && status == EXIT_OK; done++) {
        status = load_module(opt->files[done], opt->manifest, &mods[done]);
        if (status == EXIT_OK)
            wasi_imports_of(&mods[done].sizes.module, &w[done]);
    }
    if (status == EXIT_OK) {
        struct wasi_imports all;
        wasi_imports_union(w, n, &all);
        if (opt->format == TABLE_JSON) {
            json_t *root = census_json(opt->files, mods, w, n, &all);
            if (json_dumpf(root, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF)
                status = EXIT_ERROR;
            json_decref(root);
        } else {
            census_table(opt->files, w, n, &all, opt->format);
        }
        wasi_union_free(&all);
        if (fflush(stdout) != 0 || ferror(stdout))
            status = EXIT_ERROR;
        if (status != EXIT_OK)
            cli_warn(&inspect_command, "writing the census failed: %s", strerror(errno));
    }
    for (size_t i = 0; i < done; i++) {
        wasi_imports_free(&w[i]);
        loaded_free(&mods[i]);
    }
    free(w);
    free(mods);
    return status;
}

int cmd_inspect(int argc, char **argv)
{
    struct inspect_options opt = { 0 };
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0)
        return cli_exit_for(parsed);
    if (opt.wasi)
        return cmd_inspect_wasi(&opt);

    struct loaded mod;
    if (load_module(opt.file, opt.manifest, &mod) != EXIT_OK)
        return EXIT_USAGE;
    struct inspection in = { .file = mod.file, .data = mod.data, .len = mod.len,
                             .sizes = mod.sizes };
    mod.sizes = (struct module_sizes){ 0 };     /* now in.sizes's */
    char why[256];
    int status = EXIT_OK;
    if (module_sizes_compress(in.data, in.len, &in.sizes, why, sizeof why) < 0) {
        inspect_error(in.file, "%s", why);
        status = EXIT_ERROR;
        goto out;
    }
    group_imports(&in);

    /* Store before printing, so a failure leaves stdout empty. */
    int stored = opt.db_path ? store_inspection(opt.db_path, &in) : 0;
    if (stored < 0) {
        status = stored == -2 ? EXIT_USAGE : EXIT_ERROR;
        goto out;
    }

    if (opt.json) {
        json_t *root = inspection_json(&in);
        int rc = json_dumpf(root, stdout, JSON_INDENT(2));
        json_decref(root);
        if (rc < 0 || fputc('\n', stdout) == EOF) {
            inspect_error(in.file, "writing the JSON report failed");
            status = EXIT_ERROR;
            goto out;
        }
    } else {
        print_text(stdout, &in);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        inspect_error(in.file, "writing the report: %s", strerror(errno));
        status = EXIT_ERROR;
    }
out:
    inspection_free(&in);
    loaded_free(&mod);
    return status;
}
