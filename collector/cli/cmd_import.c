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

/* ---- pass 2: measure (the hash and the copy: import_copy's thread) ---- */

struct ingest {
    struct trace_parser *tp;
    struct extractor *x;
};

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
 * events) and the extractor (focused on the module's load when pass 1 found
 * it). */
static void ingest_init(struct ingest *g, const char *module_path,
                        const struct import_candidate *focus)
{
    g->x = extractor_new(module_path);
    if (focus->path[0])
        extractor_focus(g->x, focus->pid, focus->req);
    g->tp = trace_parser_new(extract_event, g->x);
    trace_parser_set_args_filter(g->tp, extract_wants_args);
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

/* Pass 2: measures the module's load into o (status ok or trace_error),
 * reading only its span of the file, on two threads where pass 1's split
 * point lies inside it (two extractors, merged as one would have kept the
 * events). Returns 0, or -1 (warned) when the file is unreadable or changed
 * since pass 1. */
static int measure_trace(const char *file, const struct import_scan *scan,
                         struct load_outcome *o)
{
    struct ingest g, later;
    ingest_init(&g, scan->path, &scan->focus);
    ingest_init(&later, scan->path, &scan->focus);
    int rc = import_read_events(file, scan, g.tp, later.tp);
    if (rc == 0)
        extractor_merge(g.x, later.x);
    ingest_free(&later);
    if (rc == 0 && scan->events == 0) {
        warnf("import-trace: %s: no trace events in the file", file);
        rc = -1;
    }
    if (rc == 0) {
        snprintf(o->status, sizeof o->status, "ok");
        o->have_extract = true;
        o->wall_ms = NAN;
        o->trace_bytes = (int64_t)scan->bytes;
        o->trace_events = (int64_t)scan->events;
        o->trace_data_loss = -1;
        o->trace_buffer_pct = NAN;
        o->page_compile_ms = NAN;
        if (extract_finish(g.x, &o->x) < 0) {
            snprintf(o->status, sizeof o->status, "trace_error");
            snprintf(o->error, sizeof o->error, "%s", o->x.error);
        }
    }
    ingest_free(&g);
    return rc;
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
                       const struct trace_meta *meta, const struct load_outcome *o, const char *sha,
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

/* Stores the measured trace in db as one run with one load (its marks and
 * the zstd copy in the load's transaction) and prints the load id. Returns
 * the exit code. */
static int store_import(struct db *db, const char *file, const char *module_path,
                        const char *api, const char *cmdline, const struct import_scan *scan, int fd,
                        const struct load_outcome *o, const char *sha)
{
    char started[40];
    utc_iso8601(started, sizeof started);
    int64_t run_id = 0, browser_id = 0, module_id = 0, load_id = 0;
    int rc = store_run(db, started, cmdline, NULL, &run_id, NULL);
    if (rc == 0)
        rc = import_rows(db, file, module_path, &scan->meta, o, sha, &browser_id, &module_id);
    if (rc < 0) {
        warnf("import-trace: %s", db_errmsg(db));
        return EXIT_ERROR;
    }
    /* The copy goes in only when complete and within SQLite's blob limits. */
    off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    struct load_trace_file tf = { .fd = fd, .gz_bytes = (size_t)size,
                                  .raw_bytes = (int64_t)scan->bytes, .encoding = "zstd" };
    bool streaming = o->x.stream_start_us != EXTRACT_NONE;
    struct load_key key = { .run_id = run_id, .browser_id = browser_id, .module_id = module_id,
                            .seq = 0, .api = api ? api : streaming ? "streaming" : "buffered",
                            .started_at = started, .marks_from_trace = true,
                            .trace_file = size > 0 && size < INT_MAX ? &tf : NULL };
    if (store_load(db, &key, o, &load_id) < 0) {
        db_finish_run(db, run_id, started, "failed");
        return EXIT_ERROR;
    }
    char finished[40];
    utc_iso8601(finished, sizeof finished);
    bool ok = strcmp(o->status, "ok") == 0;
    if (db_finish_run(db, run_id, finished, ok ? "completed" : "failed") < 0)
        warnf("import-trace: %s", db_errmsg(db));
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
    struct import_scan *scan = xmalloc(sizeof *scan);
    /* the hash and the copy start at once, beside both parsing passes */
    int fd = copy_temp_file();
    struct import_copy *cp = import_copy_start(file, fd);
    if (import_detect(file, module_path, scan) < 0) {
        drop_copy(cp, fd);
        free(scan);
        return EXIT_USAGE;   /* a bad input file */
    }
    struct load_outcome o;
    memset(&o, 0, sizeof o);
    char sha[65];
    int exit_code = EXIT_USAGE;
    /* The DB opens before the copy thread is joined: opening (a new DB's
     * migrations take ~25-40 ms here) overlaps what the copy has left, if
     * anything (a plain file's copy ends with pass 1: import_detect.c,
     * PASS1_NICE). */
    struct db *db = NULL;
    char err[1024];
    if (measure_trace(file, scan, &o) < 0) {
        drop_copy(cp, fd);
        fd = -1;
    } else if (!(db = db_open(db_path, err, sizeof err))) {
        warnf("import-trace: %s", err);
        drop_copy(cp, fd);
        fd = -1;
    } else if (finish_copy(cp, file, scan->bytes, &fd, sha) == 0) {
        exit_code = store_import(db, file, scan->path, api, cmdline, scan, fd, &o, sha);
    }
    db_close(db);
    if (o.have_extract)
        extract_result_free(&o.x);
    if (fd >= 0)
        close(fd);
    free(scan);
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
