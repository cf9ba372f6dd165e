/* db: wasmlab's results database (SQLite, WAL mode, versioned schema).
 *
 * db/ knows tables, not CDP or browsers: callers hand it plain structs.
 * Every write that belongs together (one load and its rows, db/loads.h)
 * happens in one transaction, so a crash loses at most the load in progress.
 * The schema is a public interface, documented in db/README.md.
 *
 * Errors: functions return 0 on success, -1 on failure; the message is kept
 * on the handle (db_errmsg) and names the DB file. */
#ifndef WASMLAB_DB_H
#define WASMLAB_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Opens (creating if needed) the DB at path and migrates it to the newest
 * schema. On failure returns NULL and writes a one-line reason naming the file
 * into err. The folder must exist; the file is created 0644. */
struct db *db_open(const char *path, char *err, size_t errlen);
/* Opens an existing DB for reading only, for commands that only read
 * (report, plot, compare, export): never creates the file and never writes
 * to it (SQLITE_OPEN_READONLY, then PRAGMA query_only). A DB at an older
 * schema is read through a copy (SQLite's backup API) in $TMPDIR (or /tmp),
 * migrated there and deleted by db_close; the file itself is left as it is.
 * A newer schema is refused ("DB FILE: schema version N is newer than this
 * wasmlab knows (M)..."). A missing file: "DB FILE: No such file or
 * directory"; not a DB: SQLite's reason, as db_open says it. Same error
 * contract as db_open. */
struct db *db_open_read(const char *path, char *err, size_t errlen);
void db_close(struct db *db);
const char *db_errmsg(const struct db *db);
/* Schema version after migration (PRAGMA user_version). */
int db_schema_version(struct db *db);

int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* Runs one SQL statement (no results) with printf-free text; for migrations
 * and simple updates. */
int db_exec(struct db *db, const char *sql);

/* ---- rows ---- */

struct db_run {
    const char *uuid;          /* unique across machines (merge key) */
    const char *started_at;    /* ISO 8601 UTC */
    const char *host;
    const char *version;       /* wasmlab version */
    const char *command_line;
    const char *experiment;    /* NULL for wasmlab run */
};
/* Inserts a run; *id_out gets its rowid. */
int db_insert_run(struct db *db, const struct db_run *run, int64_t *id_out);
int db_finish_run(struct db *db, int64_t run_id, const char *finished_at,
                  const char *status);
/* Stores an experiment's "questions" (JSON text) with its run (runs.questions). */
int db_run_set_questions(struct db *db, int64_t run_id, const char *questions_json);
/* The newest run whose status is not "completed", or DB_NULL. */
int db_find_unfinished_run(struct db *db, int64_t *run_id);
/* How many loads of one configuration run_id holds (any status). */
int db_count_config_loads(struct db *db, int64_t run_id, int64_t browser_id,
                          int64_t module_id, const char *api, const char *condition,
                          int64_t *n);

struct db_browser {
    const char *path;
    const char *kind;          /* "headless_shell" | "chromium" */
    const char *product;       /* Browser.getVersion product, e.g. HeadlessChrome/156.0... */
    const char *revision;
    const char *v8_version;
    const char *user_agent;
    const char *protocol_version;
};
/* Finds the browser row with the same path+product+revision, or inserts it. */
int db_upsert_browser(struct db *db, const struct db_browser *b, int64_t *id_out);

struct db_module {
    const char *name;          /* e.g. "c/hello", "go/hello", "file:my.wasm" */
    const char *path;
    const char *language;      /* "c" | "go" | NULL for outside files */
    const char *workload;
    const char *target;        /* "wasm32-wasi", "js/wasm", ... */
    const char *toolchain;
    const char *toolchain_version;
    const char *build_flags;
    int64_t bytes;
    const char *sha256;        /* hex */
};
/* Finds the module row with the same name+sha256, or inserts it. */
int db_upsert_module(struct db *db, const struct db_module *m, int64_t *id_out);

/* A load and its detail rows. Integers equal to DB_NULL and NaN doubles are
 * stored as NULL. Insert the load, then its rows, inside one transaction. */
#define DB_NULL INT64_MIN

struct db_load {
    int64_t run_id, browser_id, module_id;
    int64_t seq;
    const char *api;               /* "streaming" | "buffered" */
    const char *condition;         /* NULL = "default" */
    const char *status;            /* "ok" or a failure kind */
    const char *error;             /* NULL when ok */
    const char *started_at;
    double wall_ms;
    int64_t request_sent_us, response_received_us, last_byte_us,
            stream_start_us, compile_finished_us, load_end_us;
    const char *compile_finished_event;
    int64_t bytes_received, chunk_count;
    int64_t first_byte_to_compile_us, last_byte_to_compile_us;
    double page_compile_ms;
    int64_t trace_bytes, trace_events;
    int64_t trace_data_loss;       /* 0/1, DB_NULL unknown */
    int64_t renderer_pid;
    const char *page_output;
    const char *args;              /* JSON array, NULL none */
    int64_t js_churn_mb;           /* DB_NULL none */
    double trace_buffer_pct;       /* NaN unknown */
};
int db_insert_load(struct db *db, const struct db_load *l, int64_t *id_out);
int db_insert_chunk(struct db *db, int64_t load_id, int64_t seq, int64_t ts_us,
                    int64_t bytes, const char *source);
int db_insert_compile_event(struct db *db, int64_t load_id, int64_t seq,
                            const char *name, const char *category, char phase,
                            int64_t ts_us, int64_t dur_us, int64_t pid,
                            int64_t tid, const char *compile_id);
int db_insert_mark(struct db *db, int64_t load_id, const char *name,
                   double page_ms, int64_t ts_us);
struct db_gc_pause {
    const char *source, *kind, *name;
    int is_pause;
    int64_t start_us, dur_us, heap_before, heap_after, tid, gc_num;   /* DB_NULL: none */
};
int db_insert_gc_pause(struct db *db, int64_t load_id, int64_t seq,
                       const struct db_gc_pause *p);
int db_insert_long_task(struct db *db, int64_t load_id, int64_t seq, int64_t start_us,
                        int64_t dur_us, const char *name);
int db_insert_alloc_histogram(struct db *db, int64_t load_id, const char *op,
                              int64_t sample_every, int64_t samples, int64_t sum_ns,
                              int64_t max_ns, int64_t clock_res_ns, const char *buckets_json);
int db_insert_auto_sampling(struct db *db, int64_t run_id, int64_t module_id, const char *api,
                            const char *condition, int64_t baseline_browser_id,
                            int64_t candidate_browser_id, int64_t n_baseline,
                            int64_t n_candidate, double ci_low_ms, double ci_high_ms,
                            double target_width_ms, const char *stop_reason);
/* The load's raw trace (format "chrome-json", encoding "gzip"). */
int db_insert_trace(struct db *db, int64_t load_id, const char *format,
                    const char *encoding, int64_t raw_bytes, const void *data,
                    size_t len);

#endif
