#define _GNU_SOURCE
#include "collector/cli/cmd_import.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "collector/cli/exit_codes.h"
#include "collector/cli/import_copy.h"
#include "collector/cli/import_detect.h"
#include "collector/cli/options.h"
#include "collector/measure/compile_api.h"
#include "collector/trace/extract.h"
#include "collector/measure/load.h"
#include "collector/measure/store.h"
#include "collector/trace/trace_parser.h"
#include "base/util.h"
#include "db/db.h"
#include "wasmlab_config.h"

static const struct cli_option import_options[] = {
    { "db", 0, "FILE", "results database (default results.db; created if new)", 'd' },
    { "module-path", 0, "PATH", "the module's URL path, e.g. /modules/go/hello.wasm\n"
      "(default: the earliest request whose path ends in .wasm)", 'm' },
    { "api", 0, "API", "streaming or buffered (default: streaming when the\n"
      "trace has wasm.StartStreamingCompilation)", 'a' },
    { "quiet", 'q', NULL, "no notes on stderr", 'q' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command import_command = {
    .name = "import-trace",
    .usage = "FILE.json[.gz] [options]",
    .description =
        "Stores a Chrome trace recorded elsewhere as one load, measured by the same\n"
        "extractor as a live run (first byte, chunks, compile finished, ...). Both\n"
        "of Chrome's forms are read: a JSON array of events, or {\"traceEvents\":[...]};\n"
        "plain or gzipped. The file is streamed: memory does not grow with its size.\n"
        "Prints the new load's id.",
    .options = import_options,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_LOADS_FAILED,
    .exit_notes = "(1: DB error; 2 also for a missing or malformed file, no .wasm request;\n"
                  "3: stored, but the trace lacks what the metric needs: status trace_error)",
    .examples = "wasmlab import-trace load42.json --db results.db\n"
                "wasmlab import-trace trace.json.gz --module-path /modules/go/hello.wasm",
};

/* ---- the trace's metadata ({"metadata": {...}} beside traceEvents) ---- */

struct meta {
    int depth;
    bool in_meta;
    char key[64];
    char user_agent[512], revision[256], command_line[4096], v8[64], product[128];
};

static int meta_string(void *ctx, const unsigned char *s, size_t len)
{
    struct meta *m = ctx;
    if (!m->in_meta || m->depth != 2)
        return 1;
    char *dst = NULL;
    size_t cap = 0;
    if (strcmp(m->key, "user-agent") == 0)
        dst = m->user_agent, cap = sizeof m->user_agent;
    else if (strcmp(m->key, "revision") == 0)
        dst = m->revision, cap = sizeof m->revision;
    else if (strcmp(m->key, "command_line") == 0)
        dst = m->command_line, cap = sizeof m->command_line;
    else if (strcmp(m->key, "v8-version") == 0)
        dst = m->v8, cap = sizeof m->v8;
    else if (strcmp(m->key, "product-version") == 0)
        dst = m->product, cap = sizeof m->product;
    if (dst)
        snprintf(dst, cap, "%.*s", (int)(len < cap ? len : cap - 1), (const char *)s);
    return 1;
}

static int meta_key(void *ctx, const unsigned char *key, size_t len)
{
    struct meta *m = ctx;
    if (m->depth == 1)
        m->in_meta = len == 8 && memcmp(key, "metadata", 8) == 0;
    if (m->depth == 2 && m->in_meta)
        snprintf(m->key, sizeof m->key, "%.*s", (int)(len < 63 ? len : 63), (const char *)key);
    return 1;
}

static int meta_open(void *ctx)
{
    ((struct meta *)ctx)->depth++;
    return 1;
}

static int meta_close(void *ctx)
{
    struct meta *m = ctx;
    if (--m->depth <= 1)
        m->key[0] = 0;
    return 1;
}

static const yajl_callbacks meta_callbacks = {
    NULL, NULL, NULL, NULL, NULL, meta_string, meta_open, meta_key, meta_close, meta_open,
    meta_close
};

/* The trace parser hands over the top-level members ("metadata" is small):
 * only that one is read, as {"metadata": ...}. */
static void meta_member(void *arg, const char *key, const char *json, size_t len)
{
    struct meta *m = arg;
    if (strcmp(key, "metadata") != 0)
        return;
    yajl_handle y = yajl_alloc(&meta_callbacks, NULL, m);
    yajl_config(y, yajl_dont_validate_strings, 1);
    m->depth = 0;
    m->in_meta = false;
    static const char open_[] = "{\"metadata\":";
    if (yajl_parse(y, (const unsigned char *)open_, sizeof open_ - 1) == yajl_status_ok &&
        yajl_parse(y, (const unsigned char *)json, len) == yajl_status_ok)
        (void)(yajl_parse(y, (const unsigned char *)"}", 1) == yajl_status_ok &&
               yajl_complete_parse(y) == yajl_status_ok);
    yajl_free(y);
}

/* ---- pass 2: measure (the hash and the copy: import_copy's thread) ---- */

struct ingest {
    struct trace_parser *tp;
    struct extractor *x;
    struct meta meta;
    uint64_t bytes;             /* read so far */
    uint64_t events;            /* parsed, once the file is read */
};

static int ingest_piece(void *arg, const void *data, size_t len)
{
    struct ingest *g = arg;
    g->bytes += len;
    return trace_parser_feed(g->tp, data, len);
}

/* ---- DB rows ---- */


/* "Mozilla/5.0 ... HeadlessChrome/156.0.8078.79 Safari/537.36" ->
 * "HeadlessChrome/156.0.8078.79" (or "Chrome/..."). */
static void product_from_ua(const char *ua, char *out, size_t len)
{
    out[0] = 0;
    const char *p = strstr(ua, "HeadlessChrome/");
    if (!p)
        p = strstr(ua, "Chrome/");
    if (p)
        snprintf(out, len, "%.*s", (int)strcspn(p, " "), p);
}

/* The file must be a non-empty regular file. Returns 0 or -1 (warned). */
static int check_input_file(const char *file)
{
    struct stat sb;
    if (stat(file, &sb) < 0) {
        warnf("import-trace: %s: %s", file, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        warnf("import-trace: %s: not a regular file", file);
        return -1;
    }
    if (sb.st_size == 0) {
        warnf("import-trace: %s: empty file", file);
        return -1;
    }
    return 0;
}

/* Pass 2's state: the parser (args decoded only for the extractor's
 * events), the extractor (focused on the module's load when pass 1 found
 * it) and the metadata reader. */
static void ingest_init(struct ingest *g, const char *module_path,
                        const struct import_candidate *focus)
{
    memset(g, 0, sizeof *g);
    g->x = extractor_new(module_path);
    if (focus->path[0])
        extractor_focus(g->x, focus->pid, focus->req);
    g->tp = trace_parser_new(extract_event, g->x);
    trace_parser_set_args_filter(g->tp, extract_wants_args);
    trace_parser_set_member_fn(g->tp, meta_member, &g->meta);
}

static void ingest_free(struct ingest *g)
{
    trace_parser_free(g->tp);
    extractor_free(g->x);
}

/* An unlinked temp file for the copy, or -1 (warned: nothing is stored). */
static int copy_temp_file(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = xasprintf("%s/wasmlab-import-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd >= 0)
        unlink(tmp);   /* nothing left behind, whatever happens */
    else
        warnf("import-trace: no temp file for the trace copy (%s); it is not stored",
              strerror(errno));
    free(tmp);
    return fd;
}

/* The second half's metadata after the first's, as one parser would have
 * written it (a member seen later overwrites; an empty string counts as
 * absent). */
static void merge_meta(struct meta *m, const struct meta *later)
{
    if (later->user_agent[0])
        memcpy(m->user_agent, later->user_agent, sizeof m->user_agent);
    if (later->revision[0])
        memcpy(m->revision, later->revision, sizeof m->revision);
    if (later->command_line[0])
        memcpy(m->command_line, later->command_line, sizeof m->command_line);
    if (later->v8[0])
        memcpy(m->v8, later->v8, sizeof m->v8);
    if (later->product[0])
        memcpy(m->product, later->product, sizeof m->product);
}

/* Pass 2 at pass 1's split: the halves on two threads, each with its own
 * parser, extractor and metadata, merged into g as one read would leave
 * it. Returns 0 or -1 (warned). */
static int measure_halves(const char *file, const struct import_split *split,
                          const char *module_path, const struct import_candidate *focus,
                          struct ingest *g)
{
    struct ingest later;
    ingest_init(&later, module_path, focus);
    int rc = import_read_halves(file, split, g->tp, later.tp);
    if (rc == 0) {
        extractor_merge(g->x, later.x);
        merge_meta(&g->meta, &later.meta);
        g->bytes = trace_parser_bytes(later.tp);   /* counted from the file's start */
        g->events = trace_parser_events(g->tp) + trace_parser_events(later.tp);
    }
    ingest_free(&later);
    return rc;
}

/* Pass 2: measures the trace into o (status ok or trace_error), on two
 * threads where pass 1 split the file. Returns 0, or -1 (warned) when the
 * file is unreadable, malformed or empty. */
static int measure_trace(const char *file, const struct import_split *split,
                         const char *module_path, const struct import_candidate *focus,
                         struct ingest *g, struct load_outcome *o)
{
    int rc;
    if (split->at) {
        rc = measure_halves(file, split, module_path, focus, g);
    } else {
        rc = import_stream_file(file, ingest_piece, g);
        if (rc == -2 || (rc == 0 && trace_parser_finish(g->tp) < 0)) {
            warnf("import-trace: %s: %s", file, trace_parser_error(g->tp));
            rc = -1;
        }
        g->events = trace_parser_events(g->tp);
    }
    if (rc < 0)
        return -1;
    if (g->events == 0) {
        warnf("import-trace: %s: no trace events in the file", file);
        return -1;
    }
    snprintf(o->status, sizeof o->status, "ok");
    o->have_extract = true;
    o->wall_ms = NAN;
    o->trace_bytes = (int64_t)g->bytes;
    o->trace_events = (int64_t)g->events;
    o->trace_data_loss = -1;
    o->trace_buffer_pct = NAN;
    o->page_compile_ms = NAN;
    if (extract_finish(g->x, &o->x) < 0) {
        snprintf(o->status, sizeof o->status, "trace_error");
        snprintf(o->error, sizeof o->error, "%s", o->x.error);
    }
    return 0;
}

/* The copy thread's end: the hash into sha; *fd closed (-1) unless it holds
 * the complete copy of the same bytes pass 2 parsed. Returns 0 or -1. */
static int finish_copy(struct import_copy *cp, const char *file, uint64_t parsed, int *fd,
                       char sha[65])
{
    uint64_t copied = 0;
    bool copy_ok = false;
    if (!cp || import_copy_finish(cp, sha, &copied, &copy_ok) < 0) {
        warnf("import-trace: %s: could not be read to its end for its hash", file);
        return -1;
    }
    if (copied != parsed) {
        warnf("import-trace: %s changed while it was read", file);
        return -1;
    }
    if (!copy_ok && *fd >= 0)
        warnf("import-trace: cannot keep a copy of the trace (temp file); it is not stored");
    if (!copy_ok && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    return 0;
}

/* The browsers and modules rows of an imported trace: the browser from the
 * trace's metadata, the module named after its URL path. */
static int import_rows(struct db *db, const char *file, const char *module_path,
                       const struct meta *meta, const struct load_outcome *o, const char *sha,
                       int64_t *browser_id, int64_t *module_id)
{
    char abs_file[PATH_MAX];
    if (!realpath(file, abs_file))
        snprintf(abs_file, sizeof abs_file, "%s", file);
    char exe[PATH_MAX] = "", product[160] = "";
    if (meta->command_line[0])
        snprintf(exe, sizeof exe, "%.*s", (int)strcspn(meta->command_line, " "),
                 meta->command_line);
    product_from_ua(meta->user_agent, product, sizeof product);
    if (!product[0] && meta->product[0])
        snprintf(product, sizeof product, "%s", meta->product);
    struct db_browser br = {
        .path = exe[0] ? exe : abs_file, .kind = "imported",
        .product = product[0] ? product : NULL,
        .revision = meta->revision[0] ? meta->revision : NULL,
        .v8_version = meta->v8[0] ? meta->v8 : NULL,
        .user_agent = meta->user_agent[0] ? meta->user_agent : NULL,
    };
    int rc = db_upsert_browser(db, &br, browser_id);
    char *mname = xasprintf("import:%s", module_path);
    struct db_module mod = { .name = mname, .path = abs_file, .bytes = o->x.chunk_bytes,
                             .sha256 = sha };
    if (rc == 0)
        rc = db_upsert_module(db, &mod, module_id);
    free(mname);
    return rc;
}

/* Stores the measured trace as one run with one load (its marks and the
 * gzipped copy in the load's transaction) and prints the load id. Returns
 * the exit code. */
static int store_import(const char *db_path, const char *file, const char *module_path,
                        const char *api, const char *cmdline, const struct ingest *g, int fd,
                        const struct load_outcome *o, const char *sha)
{
    char err[1024];
    struct db *db = db_open(db_path, err, sizeof err);
    if (!db) {
        warnf("import-trace: %s", err);
        return EXIT_USAGE;
    }
    char started[40];
    utc_iso8601(started, sizeof started);
    int64_t run_id = 0, browser_id = 0, module_id = 0, load_id = 0;
    int rc = store_run(db, started, cmdline, NULL, &run_id, NULL);
    if (rc == 0)
        rc = import_rows(db, file, module_path, &g->meta, o, sha, &browser_id, &module_id);
    if (rc < 0) {
        warnf("import-trace: %s", db_errmsg(db));
        db_close(db);
        return EXIT_ERROR;
    }
    /* The copy goes in only when complete and within SQLite's blob limits. */
    off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    struct load_trace_file tf = { .fd = fd, .gz_bytes = (size_t)size,
                                  .raw_bytes = (int64_t)g->bytes, .encoding = "zstd" };
    bool streaming = o->x.stream_start_us != EXTRACT_NONE;
    struct load_key key = { .run_id = run_id, .browser_id = browser_id, .module_id = module_id,
                            .seq = 0, .api = api ? api : streaming ? "streaming" : "buffered",
                            .started_at = started, .marks_from_trace = true,
                            .trace_file = size > 0 && size < INT_MAX ? &tf : NULL };
    if (store_load(db, &key, o, &load_id) < 0) {
        db_finish_run(db, run_id, started, "failed");
        db_close(db);
        return EXIT_ERROR;
    }
    char finished[40];
    utc_iso8601(finished, sizeof finished);
    bool ok = strcmp(o->status, "ok") == 0;
    if (db_finish_run(db, run_id, finished, ok ? "completed" : "failed") < 0)
        warnf("import-trace: %s", db_errmsg(db));
    db_close(db);
    printf("%lld\n", (long long)load_id);
    if (ok)
        notef("import-trace: load %lld: %s first byte to compile %.3f ms, %zu chunks, "
              "%lld bytes", (long long)load_id, module_path,
              (double)o->x.first_byte_to_compile_us / 1000, o->x.n_chunks,
              (long long)o->x.chunk_bytes);
    else
        warnf("import-trace: load %lld stored with status %s: %s", (long long)load_id,
              o->status, o->error);
    return ok ? EXIT_OK : EXIT_LOADS_FAILED;
}

/* The import failed: the copy thread is stopped and its file closed. */
static void drop_copy(struct import_copy *cp, int fd)
{
    char ignored[65];
    uint64_t n;
    bool ok;
    if (cp) {
        import_copy_cancel(cp);
        import_copy_finish(cp, ignored, &n, &ok);
    }
    if (fd >= 0)
        close(fd);
}

/* Everything after the options: check, detect, measure, store. */
static int import_trace(const char *file, const char *db_path, const char *module_path,
                        const char *api, const char *cmdline)
{
    if (check_input_file(file) < 0)
        return EXIT_USAGE;
    char detected[1024] = "";
    struct import_candidate focus;
    struct import_split split;
    /* the hash and the copy start at once, beside both parsing passes */
    int fd = copy_temp_file();
    struct import_copy *cp = import_copy_start(file, fd);
    if (import_detect(file, module_path, detected, sizeof detected, &focus, &split) < 0) {
        drop_copy(cp, fd);
        return EXIT_USAGE;   /* a bad input file */
    }
    module_path = detected;
    struct ingest g;
    ingest_init(&g, module_path, &focus);
    struct load_outcome o;
    memset(&o, 0, sizeof o);
    char sha[65];
    int exit_code = EXIT_USAGE;
    if (measure_trace(file, &split, module_path, &focus, &g, &o) < 0) {
        drop_copy(cp, fd);
        fd = -1;
    } else if (finish_copy(cp, file, g.bytes, &fd, sha) == 0) {
        exit_code = store_import(db_path, file, module_path, api, cmdline, &g, fd, &o, sha);
    }
    if (o.have_extract)
        extract_result_free(&o.x);
    if (fd >= 0)
        close(fd);
    ingest_free(&g);
    return exit_code;
}

int cmd_import_trace(int argc, char **argv)
{
    const char *db_path = "results.db", *module_path = NULL, *api = NULL, *file = NULL;
    char *cmdline = join_command_line(argc, argv);   /* before getopt reorders argv */
    int exit_code = EXIT_USAGE;
    struct cli_parser cp;
    cli_begin(&cp, &import_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'd': db_path = cp.arg; break;
        case 'm':
            if (cp.arg[0] != '/') {
                cli_end(&cp);
                cli_usage_error(&import_command,
                                "--module-path %s: must be a URL path starting with /", cp.arg);
                goto usage;
            }
            module_path = cp.arg;
            break;
        case 'a':
            if (cli_choice(&cp, compile_apis) < 0) {
                cli_end(&cp);
                goto usage;
            }
            api = cp.arg;
            break;
        case 'q': util_quiet = true; break;
        }
    }
    if (id < 0) {
        exit_code = cli_exit_for(id);
        goto usage;
    }
    if (argc - cp.rest > 1) {
        cli_usage_error(&import_command, "one trace file at a time (extra argument %s)",
                        argv[cp.rest + 1]);
        goto usage;
    }
    if (cli_positionals(&cp, 1, 1, "FILE.json") < 0)
        goto usage;
    file = argv[cp.rest];
    exit_code = import_trace(file, db_path, module_path, api, cmdline);
usage:
    free(cmdline);
    return exit_code;
}
