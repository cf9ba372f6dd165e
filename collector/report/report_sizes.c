/* report_sizes: see report_sizes.h for the contract, docs/report-sizes.md
 * for what each column means. */
#include "collector/report/report_sizes.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/options.h"
#include "collector/wasm/manifest.h"
#include "collector/wasm/module_sizes.h"
#include "collector/report/table_out.h"
#include "base/util.h"
#include "db/db.h"
#include "db/sizes.h"
#include "wasmlab_config.h"

static const struct cli_option sizes_options_table[] = {
    { "manifest", 0, "FILE", "the build manifest (default " WASMLAB_MANIFEST ")", 'M' },
    { "format", 0, "F", "text (default) or markdown: the tables; csv or json: one\n"
      "row per figure", 'f' },
    { "db", 0, "FILE", "also record every manifest module in the results DB\n"
      "(modules, module_sizes, module_sections, module_imports);\n"
      "the DB is also the compressed sizes' cache", 'd' },
    { "verbose", 'v', NULL, "say how many modules were compressed and how many came\n"
      "from the cache", 'v' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command sizes_command = {
    .name = "report sizes",
    .usage = "[options]",
    .description =
        "Module sizes of the built modules, C vs Go: hello and json bytes, gzip -9\n"
        "and brotli -q 11 of json, default and best variant; where Go's bytes go;\n"
        "each next to the seed's claims (seed 000_5e82831c72500002.txt).\n"
        "Compressed sizes are cached by sha256 (in --db, else in\n"
        "$XDG_CACHE_HOME/wasmlab/sizes-cache.tsv when XDG_CACHE_HOME is set, else\n"
        "sizes-cache.tsv next to the manifest), so a second run is instant.\n"
        "On a terminal, progress shows on stderr.",
    .options = sizes_options_table,
    .exits = CLI_EXITS_BASIC,
    .exit_notes = "(1: DB, compression or output error; 2 also for a manifest or module\n"
                  "file that is missing, malformed or stale)",
    .examples = "wasmlab report sizes\n"
                "wasmlab report sizes --format markdown --db results.db",
};

/* ---- what the report is about ---- */

struct language {
    const char *id;             /* manifest "language" */
    const char *label;
};
static const struct language languages[] = { { "c", "C" }, { "go", "Go" } };
#define N_LANGUAGES (sizeof languages / sizeof languages[0])

/* The workloads of the seed's table; their variants are compressed. */
static const char *const workloads[] = { "hello", "json" };
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

enum metric { METRIC_BYTES, METRIC_GZIP, METRIC_BROTLI };
static const char *const metric_ids[] = { "bytes", "gzip", "brotli" };
static const char *const metric_labels[] = { "bytes", "gzip -9", "brotli -q 11" };

/* The sizes of the seed's table, plus brotli. */
struct size_column {
    const char *workload;
    enum metric metric;
    const char *label;
};
static const struct size_column size_columns[] = {
    { "hello", METRIC_BYTES, "hello bytes" },
    { "json", METRIC_BYTES, "json bytes" },
    { "json", METRIC_GZIP, "json gzip -9" },
    { "json", METRIC_BROTLI, "json brotli -q 11" },
};
#define N_SIZE_COLUMNS (sizeof size_columns / sizeof size_columns[0])

/* The seed's claims, quoted: seed 000_5e82831c72500002.txt, table
 * "二进制体积实测" ("binary size, measured"), columns "Hello World体积"
 * (hello world size), "含JSON解析(simdjson等效)" (with JSON parsing,
 * simdjson-equivalent) and "压缩后(gzip)" (after compression, gzip; read as
 * gzip of the json module, which is what the issue asks). The seed gives no
 * unit definition: KB and MB are read as 1000 and 1000000 bytes. These are
 * the only size constants here; every measured figure comes from the files. */
#define SEED_FILE "000_5e82831c72500002.txt"
#define SEED_TABLE "二进制体积实测"
struct seed_claim {
    const char *language;
    size_t column;              /* index into size_columns */
    const char *seed_column;    /* the seed's header, verbatim */
    const char *text;           /* the claim, verbatim */
    double bytes;               /* the claim in bytes (KB = 1e3, MB = 1e6) */
};
static const struct seed_claim seed_claims[] = {
    { "c", 0, "Hello World体积", "42 KB", 42e3 },
    { "c", 1, "含JSON解析(simdjson等效)", "186 KB", 186e3 },
    { "c", 2, "压缩后(gzip)", "61 KB", 61e3 },
    { "go", 0, "Hello World体积", "2.1 MB", 2.1e6 },
    { "go", 1, "含JSON解析(simdjson等效)", "4.7 MB", 4.7e6 },
    { "go", 2, "压缩后(gzip)", "1.3 MB", 1.3e6 },
};
#define N_SEED_CLAIMS (sizeof seed_claims / sizeof seed_claims[0])

/* ---- state ---- */

struct sizes_options {
    const char *manifest;
    const char *db_path;        /* NULL: do not store */
    enum table_format format;
    bool verbose;               /* say what the cache saved */
};

/* One manifest entry and what was measured of it. */
struct entry {
    const struct manifest_module *mm;
    uint8_t *data;              /* the file; NULL once no longer needed */
    size_t len;
    struct module_sizes ms;     /* names in ms.module point into data */
    bool in_scope;              /* c|go x hello|json: compressed and shown */
    bool compress;              /* in scope, or --db: sizes wanted, data kept */
    bool cached;                /* the sizes came from the cache */
    int compress_rc;
    char why[256];              /* compression failure */
};

struct sizes_report {
    struct manifest mf;
    struct entry *entries;      /* manifest order */
    size_t n;
    size_t n_compressed, n_cached;
};

/* One line on stderr: "wasmlab report sizes: ...". */
static void sizes_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sizes_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarnf(sizes_command.name, fmt, ap);
    va_end(ap);
}

/* ---- options ---- */

/* Returns 0 to go on, or CLI_HELP / CLI_BAD. */
static int parse_options(int argc, char **argv, struct sizes_options *opt)
{
    struct cli_parser p;
    cli_begin(&p, &sizes_command, argc, argv);
    int id;
    while ((id = cli_next(&p)) > 0) {
        if (id != 'v' && !*p.arg) {
            cli_end(&p);
            cli_usage_error(&sizes_command, "option --%s needs a value", p.opt);
            return CLI_BAD;
        }
        switch (id) {
        case 'M': opt->manifest = p.arg; break;
        case 'd': opt->db_path = p.arg; break;
        case 'v': opt->verbose = true; break;
        case 'f':
            if (cli_table_format(&p, &opt->format) < 0) {
                cli_end(&p);
                return CLI_BAD;
            }
            break;
        }
    }
    if (id < 0)
        return id;
    return cli_positionals(&p, 0, 0, "") < 0 ? CLI_BAD : 0;
}

/* ---- measuring ---- */

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool in_scope(const struct manifest_module *mm)
{
    bool lang = false, work = false;
    for (size_t i = 0; i < N_LANGUAGES; i++)
        lang = lang || str_eq(mm->language, languages[i].id);
    for (size_t i = 0; i < N_WORKLOADS; i++)
        work = work || str_eq(mm->workload, workloads[i]);
    return lang && work;
}

/* Reads, parses and hashes one entry and checks it against the manifest.
 * Returns 0, or -1 after printing the one-line error. */
static int read_entry(struct entry *e)
{
    const struct manifest_module *mm = e->mm;
    e->data = read_whole_file(mm->file, &e->len);
    if (!e->data) {
        sizes_error("%s: %s (manifest entry %s; rebuild the modules)", mm->file,
                    strerror(errno), mm->name);
        return -1;
    }
    char why[256];
    if (module_sizes_parse(e->data, e->len, &e->ms, why, sizeof why) < 0) {
        sizes_error("%s: %s (manifest entry %s)", mm->file, why, mm->name);
        return -1;
    }
    if ((int64_t)e->len != mm->bytes || (mm->sha256 && strcmp(mm->sha256, e->ms.sha256) != 0)) {
        sizes_error("%s: %zu bytes, sha256 %.12s..., but manifest entry %s says %lld bytes, "
                    "sha256 %.12s... (stale manifest; rebuild the modules)", mm->file, e->len,
                    e->ms.sha256, mm->name, (long long)mm->bytes, mm->sha256 ? mm->sha256 : "?");
        return -1;
    }
    return 0;
}

/* Compression jobs, biggest first, shared by the worker threads. */
struct compress_queue {
    pthread_mutex_t lock;
    struct entry **jobs;
    size_t n, next, done;
    bool tty;                   /* show progress on stderr */
};

/* One progress line, rewritten in place ("\r"); called under q->lock. */
static void show_progress(const struct compress_queue *q, const struct entry *e)
{
    fprintf(stderr, "\r\033[K[%zu/%zu] compressed %s (%.1f MB, brotli -q 11)", q->done, q->n,
            e->mm->name, (double)e->len / 1e6);
    fflush(stderr);
}

static void *compress_worker(void *arg)
{
    struct compress_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        struct entry *e = q->next < q->n ? q->jobs[q->next++] : NULL;
        pthread_mutex_unlock(&q->lock);
        if (!e)
            return NULL;
        e->compress_rc = module_sizes_compress(e->data, e->len, &e->ms, e->why, sizeof e->why);
        pthread_mutex_lock(&q->lock);
        q->done++;
        if (q->tty)
            show_progress(q, e);
        pthread_mutex_unlock(&q->lock);
    }
}

static int by_size_desc(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/* Compresses every entry marked compress and not cached, on up to one
 * thread per CPU (the calling thread is one of them), with a progress line
 * on a terminal (cleared at the end). Returns 0, or -1 after printing the
 * first failure in manifest order. */
static int compress_entries(struct sizes_report *r)
{
    struct compress_queue q = { .jobs = xcalloc(r->n + 1, sizeof *q.jobs),
                                .tty = isatty(2) && !util_quiet };
    for (size_t i = 0; i < r->n; i++)
        if (r->entries[i].compress && !r->entries[i].cached)
            q.jobs[q.n++] = &r->entries[i];
    r->n_compressed = q.n;
    qsort(q.jobs, q.n, sizeof *q.jobs, by_size_desc);
    pthread_mutex_init(&q.lock, NULL);

    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = cpus > 1 ? (size_t)cpus : 1;
    if (n_threads > 16)
        n_threads = 16;
    if (n_threads > q.n)
        n_threads = q.n ? q.n : 1;
    pthread_t *threads = xcalloc(n_threads, sizeof *threads);
    size_t started = 0;
    for (size_t t = 1; t < n_threads; t++)      /* a failed start just means fewer */
        if (pthread_create(&threads[started], NULL, compress_worker, &q) == 0)
            started++;
    compress_worker(&q);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    pthread_mutex_destroy(&q.lock);
    free(q.jobs);
    if (q.tty && q.n > 0) {
        fputs("\r\033[K", stderr);     /* leave no progress line behind */
        fflush(stderr);
    }

    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->entries[i];
        if (e->compress && e->compress_rc < 0) {
            sizes_error("%s: %s (manifest entry %s)", e->mm->file, e->why, e->mm->name);
            return -1;
        }
    }
    return 0;
}

static const struct entry *find_entry(const struct sizes_report *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->entries[i].mm->name, name) == 0)
            return &r->entries[i];
    return NULL;
}

/* ---- the cache of compressed sizes ---- */

/* Where the cache file lives when there is no --db: $XDG_CACHE_HOME/wasmlab
 * when set, else next to the manifest (the build's modules folder). Returns
 * a new string (caller frees). */
static char *cache_file_path(const struct manifest *mf)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && *xdg)
        return xasprintf("%s/wasmlab/sizes-cache.tsv", xdg);
    return xasprintf("%s/sizes-cache.tsv", mf->dir);
}

/* Marks the entries whose sizes the cache (the DB with --db, else the cache
 * file) already has. Returns 0, or -1 after printing a DB error. */
static int use_cache(struct sizes_report *r, struct db *db, struct sizes_cache *file)
{
    for (size_t i = 0; i < r->n; i++) {
        struct entry *e = &r->entries[i];
        if (!e->compress)
            continue;
        int64_t gz = 0, br = 0;
        size_t gzs = 0, brs = 0;
        char err[512];
        int found = 0;
        if (db) {
            found = db_sizes_lookup(db, e->ms.sha256, (int64_t)e->len, &gz, &br, err, sizeof err);
            if (found < 0) {
                sizes_error("%s", err);
                return -1;
            }
            gzs = (size_t)gz;
            brs = (size_t)br;
        } else {
            found = sizes_cache_get(file, e->ms.sha256, e->len, &gzs, &brs);
        }
        if (found) {
            e->ms.gzip_bytes = gzs;
            e->ms.brotli_bytes = brs;
            e->ms.compressed = true;
            e->cached = true;
            r->n_cached++;
        }
    }
    return 0;
}

/* Keeps what was just compressed in the cache file (a failure to write it
 * costs only time next run: a note, not an error). */
static void fill_cache(const struct sizes_report *r, struct sizes_cache *file)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->entries[i];
        if (e->compress && !e->cached && e->ms.compressed)
            sizes_cache_put(file, e->ms.sha256, e->len, e->ms.gzip_bytes, e->ms.brotli_bytes);
    }
    char err[512];
    if (sizes_cache_save(file, err, sizeof err) < 0)
        cli_note(&sizes_command, "cannot keep the sizes cache %s", err);
}

/* Loads the manifest and measures its modules; with db, the DB is the
 * cache, else a cache file. Returns an exit status. */
static int measure(struct sizes_report *r, const struct sizes_options *opt, struct db *db)
{
    struct stat st;
    if (stat(opt->manifest, &st) < 0) {
        sizes_error("%s: %s (the module manifest: build the modules, or pass --manifest FILE)",
                    opt->manifest, strerror(errno));
        return EXIT_USAGE;
    }
    char err[1024];
    if (manifest_load(opt->manifest, &r->mf, err, sizeof err) < 0) {
        sizes_error("%s", err);
        return EXIT_USAGE;
    }
    for (size_t l = 0; l < N_LANGUAGES; l++) {
        for (size_t w = 0; w < N_WORKLOADS; w++) {
            char name[64];
            snprintf(name, sizeof name, "%s/%s", languages[l].id, workloads[w]);
            if (!manifest_find(&r->mf, name)) {
                sizes_error("%s: no module %s (the report needs c/hello, c/json, go/hello "
                            "and go/json)", opt->manifest, name);
                return EXIT_USAGE;
            }
        }
    }
    r->n = r->mf.n;
    r->entries = xcalloc(r->n + 1, sizeof *r->entries);
    for (size_t i = 0; i < r->n; i++) {
        struct entry *e = &r->entries[i];
        e->mm = &r->mf.modules[i];
        if (read_entry(e) < 0)
            return EXIT_USAGE;
        e->in_scope = in_scope(e->mm);
        e->compress = e->in_scope || opt->db_path;
        if (!e->compress) {             /* checked; nothing more to do with it */
            module_sizes_free(&e->ms);
            free(e->data);
            e->data = NULL;
        }
    }
    struct sizes_cache file = { 0 };
    char *cache_path = db ? NULL : cache_file_path(&r->mf);
    if (cache_path)
        sizes_cache_load(&file, cache_path);
    int status = use_cache(r, db, &file) < 0 ? EXIT_ERROR : EXIT_OK;
    if (status == EXIT_OK)
        status = compress_entries(r) < 0 ? EXIT_ERROR : EXIT_OK;
    if (status == EXIT_OK && cache_path)
        fill_cache(r, &file);
    if (status == EXIT_OK && opt->verbose)
        cli_note(&sizes_command, "%zu modules compressed, %zu sizes from the cache (%s)",
                 r->n_compressed, r->n_cached, cache_path ? cache_path : opt->db_path);
    sizes_cache_free(&file);
    free(cache_path);
    return status;
}

static void report_free(struct sizes_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        module_sizes_free(&r->entries[i].ms);
        free(r->entries[i].data);
    }
    free(r->entries);
    manifest_free(&r->mf);
}

/* ---- DB ---- */

/* Records every entry in one transaction, then closes db. Returns an exit
 * status; the first error is reported. */
static int store(const struct sizes_report *r, struct db *db, const char *db_path)
{
    int rc = db_begin(db);
    const char *what = NULL;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        const struct entry *e = &r->entries[i];
        const struct manifest_module *mm = e->mm;
        struct db_module row = {
            .name = mm->name, .path = mm->file, .language = mm->language,
            .workload = mm->workload, .target = mm->target, .toolchain = mm->toolchain,
            .toolchain_version = mm->toolchain_version, .build_flags = mm->flags,
            .bytes = (int64_t)e->len, .sha256 = e->ms.sha256,
        };
        int64_t id;
        what = mm->name;
        rc = db_upsert_module(db, &row, &id);
        char err[512];
        if (rc == 0 && module_sizes_store(db, mm->file, &e->ms, err, sizeof err) < 0) {
            sizes_error("%s: storing %s: %s", db_path, mm->name, err);
            db_rollback(db);
            db_close(db);
            return EXIT_ERROR;
        }
    }
    if (rc == 0) {
        what = NULL;
        rc = db_commit(db);
    }
    if (rc < 0)
        db_rollback(db);
    if (rc < 0)
        sizes_error("%s%s%s", db_errmsg(db), what ? " (module " : "", what ? ")" : "");
    db_close(db);
    return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

/* ---- figures ---- */

static size_t metric_value(const struct entry *e, enum metric m)
{
    return m == METRIC_GZIP ? e->ms.gzip_bytes : m == METRIC_BROTLI ? e->ms.brotli_bytes : e->len;
}

static bool same_group(const struct entry *e, const char *lang, const char *workload)
{
    return e->in_scope && str_eq(e->mm->language, lang) && str_eq(e->mm->workload, workload);
}

/* The smallest variant of lang/workload by m (the first in manifest order
 * on a tie); *count gets how many variants there are. */
static const struct entry *best_variant(const struct sizes_report *r, const char *lang,
                                        const char *workload, enum metric m, size_t *count)
{
    const struct entry *best = NULL;
    *count = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->entries[i];
        if (!same_group(e, lang, workload))
            continue;
        (*count)++;
        if (!best || metric_value(e, m) < metric_value(best, m))
            best = e;
    }
    return best;
}

/* The variant of lang/workload whose m is nearest to bytes, by ratio. */
static const struct entry *closest_variant(const struct sizes_report *r, const char *lang,
                                           const char *workload, enum metric m, double bytes)
{
    const struct entry *best = NULL;
    double best_d = INFINITY;
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->entries[i];
        if (!same_group(e, lang, workload))
            continue;
        double d = fabs(log((double)metric_value(e, m) / bytes));
        if (d < best_d) {
            best_d = d;
            best = e;
        }
    }
    return best;
}

static const struct entry *default_entry(const struct sizes_report *r, const char *lang,
                                         const char *workload)
{
    char name[64];
    snprintf(name, sizeof name, "%s/%s", lang, workload);
    return find_entry(r, name);             /* present: measure() checked */
}

/* "4.8 KB", "2.13 MB": the seed's units (KB = 1000 B, MB = 1000000 B). */
static void human(char *buf, size_t len, double bytes)
{
    if (bytes < 1e6)
        snprintf(buf, len, "%.1f KB", bytes / 1e3);
    else
        snprintf(buf, len, "%.2f MB", bytes / 1e6);
}

static const char *variant_of(const struct entry *e)
{
    return e->mm->variant ? e->mm->variant : "";
}

/* Names are UTF-8 but may hold control characters: those print as '?'. */
static void append_name(char **s, struct wasm_name name, size_t bytes)
{
    char *clean = xmalloc(name.len + 1);
    for (size_t i = 0; i < name.len; i++) {
        unsigned char c = (unsigned char)name.bytes[i];
        clean[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    clean[name.len] = '\0';
    char *next = xasprintf("%s%s%s %zu", *s, **s ? ", " : "", clean, bytes);
    free(clean);
    free(*s);
    *s = next;
}

static void append_part(char **s, const char *what, size_t bytes)
{
    char *next = xasprintf("%s%s%s %zu", *s, **s ? ", " : "", what, bytes);
    free(*s);
    *s = next;
}

/* The five parts of a module's bytes, with the sections in each. */
struct part {
    const char *id, *label;
    size_t bytes;
    char *detail;               /* caller frees */
};
#define N_PARTS 5

static void go_parts(const struct entry *e, struct part parts[N_PARTS])
{
    const struct wasm_module *m = &e->ms.module;
    struct module_breakdown b;
    module_breakdown_of(m, &b);
    parts[0] = (struct part){ "code", "code", b.code,
                              xasprintf("%zu function bodies", m->defined_function_count) };
    parts[1] = (struct part){ "data", "data", b.data, xstrdup("initial memory contents") };
    parts[2] = (struct part){ "name", "name section", b.name, xstrdup("function names") };
    parts[3] = (struct part){ "other_custom", "other custom", b.other_custom, xstrdup("") };
    parts[4] = (struct part){ "rest", "everything else", b.rest, xstrdup("") };
    append_part(&parts[4].detail, "header", WASM_HEADER_SIZE);
    for (size_t i = 0; i < m->section_count; i++) {
        const struct wasm_section *s = &m->sections[i];
        size_t size = s->header_size + s->payload_size;
        if (s->id == WASM_SECTION_CUSTOM && !(s->name.len == 4 && memcmp(s->name.bytes, "name", 4) == 0))
            append_name(&parts[3].detail, s->name, size);
        else if (s->id != WASM_SECTION_CUSTOM && s->id != WASM_SECTION_CODE &&
                 s->id != WASM_SECTION_DATA)
            append_part(&parts[4].detail, wasm_section_name(s->id), size);
    }
}

static void free_parts(struct part parts[N_PARTS])
{
    for (size_t i = 0; i < N_PARTS; i++)
        free(parts[i].detail);
}

static double percent(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : NAN;
}

/* ---- the human tables (text, markdown) ---- */

static void heading(FILE *out, enum table_format f, const char *title)
{
    fprintf(out, f == TABLE_MARKDOWN ? "\n### %s\n\n" : "\n%s\n", title);
}

static void note(FILE *out, enum table_format f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(FILE *out, enum table_format f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (f == TABLE_MARKDOWN)
        fputs("- ", out);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}

static void print_sizes_table(FILE *out, enum table_format f, const struct sizes_report *r)
{
    static const char *const cols[] = { "lang", "size", "default module", "default",
                                        "best", "best variant", "best/default", NULL };
    struct table *t = table_new(cols);
    for (size_t l = 0; l < N_LANGUAGES; l++) {
        for (size_t c = 0; c < N_SIZE_COLUMNS; c++) {
            const struct size_column *col = &size_columns[c];
            const struct entry *d = default_entry(r, languages[l].id, col->workload);
            size_t n;
            const struct entry *b = best_variant(r, languages[l].id, col->workload,
                                                 col->metric, &n);
            size_t dv = metric_value(d, col->metric), bv = metric_value(b, col->metric);
            table_row(t);
            table_cell_text(t, languages[l].label);
            table_cell_text(t, col->label);
            table_cell_text(t, d->mm->name);
            table_cell_int(t, (long long)dv);
            table_cell_int(t, (long long)bv);
            table_cell_text(t, b->mm->name);
            table_cell_real(t, dv ? (double)bv / (double)dv : NAN, 2);
        }
    }
    table_print(t, f, out);
    table_free(t);
}

static void print_breakdown_table(FILE *out, enum table_format f, const struct sizes_report *r)
{
    static const char *const cols[] = { "module", "part", "bytes", "share %", "sections (bytes)",
                                        NULL };
    struct table *t = table_new(cols);
    for (size_t w = 0; w < N_WORKLOADS; w++) {
        const struct entry *e = default_entry(r, "go", workloads[w]);
        struct part parts[N_PARTS];
        go_parts(e, parts);
        for (size_t p = 0; p < N_PARTS; p++) {
            table_row(t);
            table_cell_text(t, e->mm->name);
            table_cell_text(t, parts[p].label);
            table_cell_int(t, (long long)parts[p].bytes);
            table_cell_real(t, percent(parts[p].bytes, e->len), 2);
            table_cell_text(t, parts[p].detail);
        }
        table_row(t);
        table_cell_text(t, e->mm->name);
        table_cell_text(t, "total (file)");
        table_cell_int(t, (long long)e->len);
        table_cell_real(t, 100.0, 2);
        table_cell_text(t, "");
        free_parts(parts);
    }
    table_print(t, f, out);
    table_free(t);
}

static void print_seed_table(FILE *out, enum table_format f, const struct sizes_report *r)
{
    static const char *const cols[] = { "lang", "size", "module", "measured", "claimed",
                                        "measured/claimed", "closest variant", "closest/claimed",
                                        "in words", NULL };
    struct table *t = table_new(cols);
    for (size_t i = 0; i < N_SEED_CLAIMS; i++) {
        const struct seed_claim *s = &seed_claims[i];
        const struct size_column *col = &size_columns[s->column];
        const struct entry *d = default_entry(r, s->language, col->workload);
        const struct entry *c = closest_variant(r, s->language, col->workload, col->metric,
                                                s->bytes);
        double measured = (double)metric_value(d, col->metric);
        double ratio = measured / s->bytes;
        char words[160], hm[32];
        human(hm, sizeof hm, measured);
        snprintf(words, sizeof words, "measured %s vs claimed %s: %.2f× (%+.1f%%)", hm,
                 s->text, ratio, (ratio - 1) * 100);
        table_row(t);
        table_cell_text(t, str_eq(s->language, "c") ? "C" : "Go");
        table_cell_text(t, col->label);
        table_cell_text(t, d->mm->name);
        table_cell_int(t, (long long)measured);
        table_cell_text(t, s->text);
        table_cell_real(t, ratio, 2);
        table_cell_text(t, c->mm->name);
        table_cell_real(t, (double)metric_value(c, col->metric) / s->bytes, 2);
        table_cell_text(t, words);
    }
    table_print(t, f, out);
    table_free(t);
}

static void print_variants_table(FILE *out, enum table_format f, const struct sizes_report *r)
{
    static const char *const cols[] = { "module", "variant", "target", "bytes", "gzip -9",
                                        "brotli -q 11", "note", NULL };
    struct table *t = table_new(cols);
    for (size_t l = 0; l < N_LANGUAGES; l++) {
        for (size_t w = 0; w < N_WORKLOADS; w++) {
            const struct entry *d = default_entry(r, languages[l].id, workloads[w]);
            const struct entry *best[3];
            for (int m = 0; m < 3; m++) {
                size_t n;
                best[m] = best_variant(r, languages[l].id, workloads[w], (enum metric)m, &n);
            }
            for (size_t i = 0; i < r->n; i++) {
                const struct entry *e = &r->entries[i];
                if (!same_group(e, languages[l].id, workloads[w]))
                    continue;
                char *nt = xstrdup(e == d ? "default" : "");
                const char *sep = e == d ? "; smallest " : "smallest ";
                for (int m = 0; m < 3; m++) {
                    if (best[m] != e)
                        continue;
                    char *next = xasprintf("%s%s%s", nt, sep, metric_ids[m]);
                    free(nt);
                    nt = next;
                    sep = ", ";
                }
                table_row(t);
                table_cell_text(t, e->mm->name);
                table_cell_text(t, variant_of(e));
                table_cell_text(t, e->mm->target);
                table_cell_int(t, (long long)e->len);
                table_cell_int(t, (long long)e->ms.gzip_bytes);
                table_cell_int(t, (long long)e->ms.brotli_bytes);
                table_cell_text(t, nt);
                free(nt);
            }
        }
    }
    table_print(t, f, out);
    table_free(t);
}

/* "clang 16.0.6", "go1.22.12" (Go's version already names it). */
static char *toolchain_of(const struct entry *e)
{
    const char *tc = e->mm->toolchain ? e->mm->toolchain : "?";
    const char *v = e->mm->toolchain_version ? e->mm->toolchain_version : "?";
    if (strncmp(v, tc, strlen(tc)) == 0)
        return xstrdup(v);
    return xasprintf("%s %s", tc, v);
}

static void print_human(FILE *out, enum table_format f, const struct sizes_report *r,
                        const char *manifest)
{
    const struct entry *ch = default_entry(r, "c", "hello"), *gh = default_entry(r, "go", "hello");
    char *c_tc = toolchain_of(ch), *go_tc = toolchain_of(gh);
    if (f == TABLE_MARKDOWN)
        fputs("## Module sizes: C vs Go\n\n", out);
    else
        fputs("Module sizes: C vs Go\n", out);
    note(out, f, "measured from the built modules of %s", manifest);
    note(out, f, "bytes: file size; gzip -9: zlib level 9 in a gzip wrapper (gzip -9 -n "
                 "within ~1%%); brotli -q 11: brotli quality 11 (= brotli -q 11 FILE)");
    note(out, f, "default: the manifest's <lang>/hello and <lang>/json: C variant %s (%s), "
                 "Go variant %s (%s, %s)", variant_of(ch), c_tc, variant_of(gh),
         gh->mm->target ? gh->mm->target : "?", go_tc);
    note(out, f, "best: the smallest variant of that language and workload by that size "
                 "(bytes, gzip -9 or brotli -q 11 size), among the variants listed last");

    heading(out, f, "Sizes in bytes");
    print_sizes_table(out, f, r);

    heading(out, f, "Where Go's bytes go (section sizes include the id byte and length; "
                    "the parts add up to the file)");
    print_breakdown_table(out, f, r);

    heading(out, f, "Next to the seed's claims");
    note(out, f, "claims quoted from seed " SEED_FILE ", table \"" SEED_TABLE "\": "
                 "\"Hello World体积\" = hello bytes, \"含JSON解析(simdjson等效)\" = json bytes, "
                 "\"压缩后(gzip)\" = json gzip -9");
    note(out, f, "the seed's units are read as KB = 1000 B and MB = 1000000 B (as KiB/MiB "
                 "the claims would be 2.4%% / 4.9%% larger)");
    note(out, f, "the seed measured Go 1.22.3 and Clang 18.1 + WASI SDK 23.0 (Chrome 125); "
                 "here: %s, %s", c_tc, go_tc);
    note(out, f, "measured/claimed: the default module over the claim; closest variant: the "
                 "variant whose size is nearest the claim (by ratio)");
    if (f == TABLE_MARKDOWN)
        fputc('\n', out);
    print_seed_table(out, f, r);

    heading(out, f, "Every hello and json variant (bytes)");
    print_variants_table(out, f, r);
    free(c_tc);
    free(go_tc);
}

/* ---- the long table (csv, json) ---- */

static const char *const long_cols[] = { "part", "language", "workload", "module", "variant",
                                         "metric", "bytes", "percent", "claimed",
                                         "claimed_bytes", "ratio", "note", NULL };

/* One row; NULLs and NaNs are empty cells. */
static void long_row(struct table *t, const char *part, const struct entry *e,
                     const char *metric, size_t bytes, double pct, const char *claimed,
                     double claimed_bytes, double ratio, const char *note_text)
{
    table_row(t);
    table_cell_text(t, part);
    table_cell_text(t, e->mm->language);
    table_cell_text(t, e->mm->workload);
    table_cell_text(t, e->mm->name);
    table_cell_text(t, e->mm->variant);
    table_cell_text(t, metric);
    table_cell_int(t, (long long)bytes);
    table_cell_real(t, pct, 2);
    table_cell_text(t, claimed);
    if (isnan(claimed_bytes))
        table_cell_text(t, NULL);
    else
        table_cell_int(t, (long long)claimed_bytes);
    table_cell_real(t, ratio, 4);
    table_cell_text(t, note_text);
}

static void print_long(FILE *out, enum table_format f, const struct sizes_report *r)
{
    struct table *t = table_new(long_cols);
    for (size_t l = 0; l < N_LANGUAGES; l++) {
        for (size_t c = 0; c < N_SIZE_COLUMNS; c++) {
            const struct size_column *col = &size_columns[c];
            const struct entry *d = default_entry(r, languages[l].id, col->workload);
            long_row(t, "default", d, metric_ids[col->metric], metric_value(d, col->metric),
                     NAN, NULL, NAN, NAN, NULL);
        }
        for (size_t c = 0; c < N_SIZE_COLUMNS; c++) {
            const struct size_column *col = &size_columns[c];
            size_t n;
            const struct entry *b = best_variant(r, languages[l].id, col->workload,
                                                 col->metric, &n);
            char *why = xasprintf("smallest %s of %zu variants", metric_labels[col->metric], n);
            long_row(t, "best", b, metric_ids[col->metric], metric_value(b, col->metric),
                     NAN, NULL, NAN, NAN, why);
            free(why);
        }
    }
    for (size_t w = 0; w < N_WORKLOADS; w++) {
        const struct entry *e = default_entry(r, "go", workloads[w]);
        struct part parts[N_PARTS];
        go_parts(e, parts);
        for (size_t p = 0; p < N_PARTS; p++)
            long_row(t, "breakdown", e, parts[p].id, parts[p].bytes,
                     percent(parts[p].bytes, e->len), NULL, NAN, NAN, parts[p].detail);
        long_row(t, "breakdown", e, "total", e->len, 100.0, NULL, NAN, NAN, "the file");
        free_parts(parts);
    }
    for (size_t i = 0; i < N_SEED_CLAIMS; i++) {
        const struct seed_claim *s = &seed_claims[i];
        const struct size_column *col = &size_columns[s->column];
        const struct entry *d = default_entry(r, s->language, col->workload);
        const struct entry *c = closest_variant(r, s->language, col->workload, col->metric,
                                                s->bytes);
        char *src = xasprintf("seed " SEED_FILE ", table " SEED_TABLE ", column %s",
                              s->seed_column);
        size_t dv = metric_value(d, col->metric), cv = metric_value(c, col->metric);
        long_row(t, "seed", d, metric_ids[col->metric], dv, NAN, s->text, s->bytes,
                 (double)dv / s->bytes, src);
        long_row(t, "seed_closest", c, metric_ids[col->metric], cv, NAN, s->text, s->bytes,
                 (double)cv / s->bytes, "the variant nearest the claim, by ratio");
        free(src);
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct entry *e = &r->entries[i];
        if (!e->in_scope)
            continue;
        for (int m = 0; m < 3; m++)
            long_row(t, "variant", e, metric_ids[m], metric_value(e, (enum metric)m), NAN,
                     NULL, NAN, NAN, NULL);
    }
    table_print(t, f, out);
    table_free(t);
}

/* ---- the command ---- */

int report_sizes(int argc, char **argv)
{
    struct sizes_options opt = { .manifest = WASMLAB_MANIFEST, .format = TABLE_TEXT };
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0)
        return cli_exit_for(parsed);

    /* Open the DB first: a bad --db path fails before minutes of brotli. */
    struct db *db = NULL;
    if (opt.db_path) {
        char err[512];
        db = db_open(opt.db_path, err, sizeof err);
        if (!db) {
            sizes_error("%s", err);
            return EXIT_USAGE;
        }
    }
    struct sizes_report r = { 0 };
    int status = measure(&r, &opt, db);
    /* Store before printing, so a failure leaves stdout empty. */
    if (status == EXIT_OK && db)
        status = store(&r, db, opt.db_path);
    else if (db)
        db_close(db);
    if (status == EXIT_OK) {
        if (opt.format == TABLE_TEXT || opt.format == TABLE_MARKDOWN)
            print_human(stdout, opt.format, &r, r.mf.path);
        else
            print_long(stdout, opt.format, &r);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            sizes_error("writing the report: %s", strerror(errno));
            status = EXIT_ERROR;
        }
    }
    report_free(&r);
    return status;
}
