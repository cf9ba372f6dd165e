#define _GNU_SOURCE
#include "db/db.h"
#include "db/db_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "db/db_migrations.h"

enum stmt_id { S_LOAD, S_CHUNK, S_EVENT, S_MARK, S_TRACE, S_GC, S_LONG, S_HIST, S_COUNT };

static const char *const stmt_sql[S_COUNT] = {
    /* Parenthesised: clang's -Wstring-concatenation otherwise suspects a
     * missing comma between array elements. */
    [S_LOAD] =
        ("INSERT INTO loads (run_id, browser_id, module_id, seq, api, condition, status, error,"
        " started_at, wall_ms, request_sent_us, response_received_us, last_byte_us,"
        " stream_start_us, compile_finished_us, compile_finished_event, load_end_us,"
        " bytes_received, chunk_count, first_byte_to_compile_us, last_byte_to_compile_us,"
        " page_compile_ms, trace_bytes, trace_events, trace_data_loss, renderer_pid, page_output,"
        " args, js_churn_mb, trace_buffer_pct)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    [S_CHUNK] = "INSERT INTO net_chunks (load_id, seq, ts_us, bytes, source) VALUES (?,?,?,?,?)",
    [S_EVENT] =
        ("INSERT INTO compile_events (load_id, seq, name, category, phase, ts_us, dur_us, pid,"
         " tid, compile_id) VALUES (?,?,?,?,?,?,?,?,?,?)"),
    [S_MARK] = "INSERT OR REPLACE INTO page_marks (load_id, name, page_ms, ts_us) VALUES (?,?,?,?)",
    [S_GC] = ("INSERT INTO gc_pauses (load_id, seq, source, kind, name, is_pause, start_us,"
              " dur_us, heap_before, heap_after, tid, gc_num) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
    [S_LONG] = "INSERT INTO long_tasks (load_id, seq, start_us, dur_us, name) VALUES (?,?,?,?,?)",
    [S_HIST] = ("INSERT OR REPLACE INTO alloc_histograms (load_id, op, sample_every, samples,"
                " sum_ns, max_ns, clock_res_ns, log2_buckets) VALUES (?,?,?,?,?,?,?,?)"),
    [S_TRACE] = ("INSERT INTO load_traces (load_id, format, encoding, raw_bytes, data)"
                 " VALUES (?,?,?,?,?)"),
};

struct db {
    sqlite3 *sq;
    char *path;
    char errmsg[512];
    sqlite3_stmt *stmts[S_COUNT];
    char *temp_copy;           /* db_open_read of an older schema: the migrated
                                  copy, deleted by db_close */
};

void db_set_error(struct db *db, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(db->errmsg, sizeof db->errmsg, "DB %s: %s", db->path, what);
}

const char *db_errmsg(const struct db *db) { return db->errmsg; }
sqlite3 *db_sqlite(struct db *db) { return db->sq; }

int db_exec(struct db *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
        db_set_error(db, "%s", msg ? msg : sqlite3_errmsg(db->sq));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db->sq, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static int newest_version(void)
{
    return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

static int migrate(struct db *db)
{
    int have = db_schema_version(db);
    if (have < 0) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        return -1;
    }
    int newest = newest_version();
    if (have > newest) {
        db_set_error(db, "schema version %d is newer than this wasmlab knows (%d); upgrade wasmlab",
                have, newest);
        return -1;
    }
    for (int i = 0; i < db_migrations_count; i++) {
        const struct db_migration *m = &db_migrations[i];
        if (m->version <= have)
            continue;
        /* Each migration and its version bump commit together or not at all. */
        if (db_exec(db, "BEGIN IMMEDIATE") < 0)
            return -1;
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", m->version);
        if (db_exec(db, m->sql) < 0 || db_exec(db, bump) < 0) {
            char why[512];
            snprintf(why, sizeof why, "%s", db->errmsg);
            db_rollback(db);
            snprintf(db->errmsg, sizeof db->errmsg, "%s (migration %s)", why, m->file);
            return -1;
        }
        if (db_commit(db) < 0)
            return -1;
    }
    return 0;
}

/* The checks both opens make first, with clearer messages than SQLite's
 * "unable to open database file". must_exist: a missing file is an error. */
static int check_path(const char *path, bool must_exist, char *err, size_t errlen)
{
    char *copy = xstrdup(path);
    const char *dir = dirname(copy);
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "DB %s: folder %s does not exist", path, dir);
        free(copy);
        return -1;
    }
    free(copy);
    if (stat(path, &st) < 0) {
        if (!must_exist)
            return 0;   /* db_open creates it; SQLite says what else is wrong */
        snprintf(err, errlen, "DB %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "DB %s: not a regular file", path);
        return -1;
    }
    return 0;
}

/* A handle on file (named `path` in messages), or NULL with err set. */
static struct db *open_handle(const char *path, const char *file, int flags, char *err,
                              size_t errlen)
{
    struct db *db = xcalloc(1, sizeof *db);
    db->path = xstrdup(path);
    int rc = sqlite3_open_v2(file, &db->sq, flags | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "DB %s: cannot open: %s", path,
                 db->sq ? sqlite3_errmsg(db->sq) : sqlite3_errstr(rc));
        db_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db->sq, 1);
    /* Another process may hold the write lock briefly (a report reading, a
     * second sweep): wait instead of failing at once. */
    sqlite3_busy_timeout(db->sq, 10000);
    return db;
}

/* An older schema is read through a copy: the file is copied with SQLite's
 * backup API (consistent even while a run writes it) into a temporary file,
 * the copy is migrated, and db_close deletes it. The original is untouched. */
static struct db *open_migrated_copy(struct db *orig, char *err, size_t errlen)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = xasprintf("%s/wasmlab-read-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "DB %s: no temporary file for a migrated copy (%s): %s",
                 orig->path, tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    close(fd);
    struct db *copy = open_handle(orig->path, tmp, SQLITE_OPEN_READWRITE, err, errlen);
    if (!copy) {
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    copy->temp_copy = tmp;
    sqlite3_backup *b = sqlite3_backup_init(copy->sq, "main", orig->sq, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(copy->sq);
    if (b)
        sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "DB %s: copying it to read an older schema: %s", orig->path,
                 b ? sqlite3_errstr(rc) : sqlite3_errmsg(copy->sq));
        db_close(copy);
        return NULL;
    }
    /* The copy is private and short-lived: no WAL or journal files beside it. */
    if (db_exec(copy, "PRAGMA journal_mode=MEMORY") < 0 ||
        db_exec(copy, "PRAGMA foreign_keys=ON") < 0 || migrate(copy) < 0) {
        snprintf(err, errlen, "%s", copy->errmsg);
        db_close(copy);
        return NULL;
    }
    return copy;
}

struct db *db_open_read(const char *path, char *err, size_t errlen)
{
    if (check_path(path, true, err, errlen) < 0)
        return NULL;
    struct db *db = open_handle(path, path, SQLITE_OPEN_READONLY, err, errlen);
    if (!db)
        return NULL;
    int have = db_schema_version(db), newest = newest_version();
    if (have < 0) {
        snprintf(err, errlen, "DB %s: %s", path, sqlite3_errmsg(db->sq));
    } else if (have > newest) {
        snprintf(err, errlen,
                 "DB %s: schema version %d is newer than this wasmlab knows (%d); upgrade wasmlab",
                 path, have, newest);
    } else if (have < newest) {
        struct db *copy = open_migrated_copy(db, err, errlen);
        db_close(db);
        db = copy;
    }
    if (have < 0 || have > newest || !db) {
        db_close(db);
        return NULL;
    }
    /* Belt and braces: nothing of ours can write through this handle. */
    if (db_exec(db, "PRAGMA query_only=ON") < 0) {
        snprintf(err, errlen, "%s", db->errmsg);
        db_close(db);
        return NULL;
    }
    return db;
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
    if (check_path(path, false, err, errlen) < 0)
        return NULL;
    struct db *db = open_handle(path, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err,
                                errlen);
    if (!db)
        return NULL;
    /* WAL: readers never block the writer; with synchronous=NORMAL a crash of
     * wasmlab loses no committed transaction. */
    if (db_exec(db, "PRAGMA journal_mode=WAL") < 0 ||
        db_exec(db, "PRAGMA synchronous=NORMAL") < 0 ||
        db_exec(db, "PRAGMA foreign_keys=ON") < 0 ||
        migrate(db) < 0) {
        snprintf(err, errlen, "%s", db->errmsg);
        db_close(db);
        return NULL;
    }
    return db;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(db->stmts[i]);
    sqlite3_close(db->sq);
    if (db->temp_copy) {
        unlink(db->temp_copy);
        static const char *const sides[] = { "-journal", "-wal", "-shm" };
        for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
            char *side = xasprintf("%s%s", db->temp_copy, sides[i]);
            unlink(side);
            free(side);
        }
        free(db->temp_copy);
    }
    free(db->path);
    free(db);
}

int db_begin(struct db *db) { return db_exec(db, "BEGIN IMMEDIATE"); }
int db_commit(struct db *db) { return db_exec(db, "COMMIT"); }

void db_rollback(struct db *db)
{
    char keep[sizeof db->errmsg];
    memcpy(keep, db->errmsg, sizeof keep);   /* the first error wins */
    sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
    memcpy(db->errmsg, keep, sizeof keep);
}

/* ---- binding helpers ---- */

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void db_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
    if (v == DB_NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

void db_bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->sq, sql, -1, &st, NULL) != SQLITE_OK) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        return NULL;
    }
    return st;
}

static sqlite3_stmt *stmt(struct db *db, enum stmt_id id)
{
    if (!db->stmts[id] &&
        sqlite3_prepare_v2(db->sq, stmt_sql[id], -1, &db->stmts[id], NULL) != SQLITE_OK) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        return NULL;
    }
    sqlite3_reset(db->stmts[id]);
    sqlite3_clear_bindings(db->stmts[id]);
    return db->stmts[id];
}

int db_step_done(struct db *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

/* Runs a one-off statement with text/int parameters given as a format string:
 * 't' text, 'i' int64. Returns 0, and the first column of the first row as
 * int64 in *row_id when row_id is given and a row came back. */
int db_run_sql(struct db *db, const char *sql, int64_t *row_id, const char *types, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->sq, sql, -1, &st, NULL) != SQLITE_OK) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        return -1;
    }
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 't')
            db_bind_text(st, i + 1, va_arg(ap, const char *));
        else
            db_bind_int(st, i + 1, va_arg(ap, int64_t));
    }
    va_end(ap);
    int rc = sqlite3_step(st);
    int result = 0;
    if (rc == SQLITE_ROW) {
        if (row_id)
            *row_id = sqlite3_column_int64(st, 0);
    } else if (rc == SQLITE_DONE) {
        if (row_id)
            *row_id = DB_NULL;
    } else {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        result = -1;
    }
    sqlite3_finalize(st);
    return result;
}

int db_insert_run(struct db *db, const struct db_run *r, int64_t *id_out)
{
    if (db_run_sql(db, "INSERT INTO runs (uuid, started_at, host, wasmlab_version, command_line,"
                    " experiment) VALUES (?,?,?,?,?,?)", NULL, "tttttt",
                r->uuid, r->started_at, r->host, r->version, r->command_line,
                r->experiment) < 0)
        return -1;
    *id_out = sqlite3_last_insert_rowid(db->sq);
    return 0;
}

int db_finish_run(struct db *db, int64_t run_id, const char *finished_at, const char *status)
{
    return db_run_sql(db, "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", NULL, "tti",
                   finished_at, status, run_id);
}

int db_run_set_questions(struct db *db, int64_t run_id, const char *questions_json)
{
    return db_run_sql(db, "UPDATE runs SET questions = ? WHERE id = ?", NULL, "ti",
                      questions_json, run_id);
}

int db_find_unfinished_run(struct db *db, int64_t *run_id)
{
    return db_run_sql(db, "SELECT id FROM runs WHERE status <> 'completed' ORDER BY id DESC LIMIT 1",
                   run_id, "");
}

int db_count_config_loads(struct db *db, int64_t run_id, int64_t browser_id,
                          int64_t module_id, const char *api, const char *condition,
                          int64_t *n)
{
    return db_run_sql(db, "SELECT COUNT(*) FROM loads WHERE run_id = ? AND browser_id = ?"
                       " AND module_id = ? AND api = ? AND condition = ?", n, "iiitt",
                   run_id, browser_id, module_id, api, condition ? condition : "default");
}

int db_upsert_browser(struct db *db, const struct db_browser *b, int64_t *id_out)
{
    int64_t id = DB_NULL;
    if (db_run_sql(db, "SELECT id FROM browsers WHERE path = ? AND product IS ? AND revision IS ?",
                &id, "ttt", b->path, b->product, b->revision) < 0)
        return -1;
    if (id == DB_NULL) {
        if (db_run_sql(db, "INSERT INTO browsers (path, kind, product, revision, v8_version,"
                        " user_agent, protocol_version) VALUES (?,?,?,?,?,?,?)", NULL, "ttttttt",
                    b->path, b->kind, b->product, b->revision, b->v8_version, b->user_agent,
                    b->protocol_version) < 0)
            return -1;
        id = sqlite3_last_insert_rowid(db->sq);
    }
    *id_out = id;
    return 0;
}

int db_upsert_module(struct db *db, const struct db_module *m, int64_t *id_out)
{
    int64_t id = DB_NULL;
    if (db_run_sql(db, "SELECT id FROM modules WHERE name = ? AND sha256 = ?", &id, "tt",
                m->name, m->sha256) < 0)
        return -1;
    if (id == DB_NULL) {
        if (db_run_sql(db, "INSERT INTO modules (name, path, language, workload, target, toolchain,"
                        " toolchain_version, build_flags, bytes, sha256)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?)", NULL, "ttttttttit",
                    m->name, m->path, m->language, m->workload, m->target, m->toolchain,
                    m->toolchain_version, m->build_flags, m->bytes, m->sha256) < 0)
            return -1;
        id = sqlite3_last_insert_rowid(db->sq);
    }
    *id_out = id;
    return 0;
}

int db_insert_load(struct db *db, const struct db_load *l, int64_t *id_out)
{
    sqlite3_stmt *st = stmt(db, S_LOAD);
    if (!st)
        return -1;
    int i = 1;
    db_bind_int(st, i++, l->run_id);
    db_bind_int(st, i++, l->browser_id);
    db_bind_int(st, i++, l->module_id);
    db_bind_int(st, i++, l->seq);
    db_bind_text(st, i++, l->api);
    db_bind_text(st, i++, l->condition ? l->condition : "default");
    db_bind_text(st, i++, l->status);
    db_bind_text(st, i++, l->error);
    db_bind_text(st, i++, l->started_at);
    db_bind_real(st, i++, l->wall_ms);
    db_bind_int(st, i++, l->request_sent_us);
    db_bind_int(st, i++, l->response_received_us);
    db_bind_int(st, i++, l->last_byte_us);
    db_bind_int(st, i++, l->stream_start_us);
    db_bind_int(st, i++, l->compile_finished_us);
    db_bind_text(st, i++, l->compile_finished_event);
    db_bind_int(st, i++, l->load_end_us);
    db_bind_int(st, i++, l->bytes_received);
    db_bind_int(st, i++, l->chunk_count);
    db_bind_int(st, i++, l->first_byte_to_compile_us);
    db_bind_int(st, i++, l->last_byte_to_compile_us);
    db_bind_real(st, i++, l->page_compile_ms);
    db_bind_int(st, i++, l->trace_bytes);
    db_bind_int(st, i++, l->trace_events);
    db_bind_int(st, i++, l->trace_data_loss);
    db_bind_int(st, i++, l->renderer_pid);
    db_bind_text(st, i++, l->page_output);
    db_bind_text(st, i++, l->args);
    db_bind_int(st, i++, l->js_churn_mb);
    db_bind_real(st, i++, l->trace_buffer_pct);
    if (db_step_done(db, st) < 0)
        return -1;
    *id_out = sqlite3_last_insert_rowid(db->sq);
    return 0;
}

int db_insert_chunk(struct db *db, int64_t load_id, int64_t seq, int64_t ts_us,
                    int64_t bytes, const char *source)
{
    sqlite3_stmt *st = stmt(db, S_CHUNK);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_int(st, 2, seq);
    db_bind_int(st, 3, ts_us);
    db_bind_int(st, 4, bytes);
    db_bind_text(st, 5, source);
    return db_step_done(db, st);
}

int db_insert_compile_event(struct db *db, int64_t load_id, int64_t seq,
                            const char *name, const char *category, char phase,
                            int64_t ts_us, int64_t dur_us, int64_t pid,
                            int64_t tid, const char *compile_id)
{
    sqlite3_stmt *st = stmt(db, S_EVENT);
    if (!st)
        return -1;
    char ph[2] = { phase ? phase : '?', 0 };
    db_bind_int(st, 1, load_id);
    db_bind_int(st, 2, seq);
    db_bind_text(st, 3, name);
    db_bind_text(st, 4, category);
    db_bind_text(st, 5, ph);
    db_bind_int(st, 6, ts_us);
    db_bind_int(st, 7, dur_us < 0 ? DB_NULL : dur_us);
    db_bind_int(st, 8, pid);
    db_bind_int(st, 9, tid);
    db_bind_text(st, 10, compile_id && *compile_id ? compile_id : NULL);
    return db_step_done(db, st);
}

int db_insert_mark(struct db *db, int64_t load_id, const char *name,
                   double page_ms, int64_t ts_us)
{
    sqlite3_stmt *st = stmt(db, S_MARK);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_text(st, 2, name);
    db_bind_real(st, 3, page_ms);
    db_bind_int(st, 4, ts_us);
    return db_step_done(db, st);
}

int db_insert_trace(struct db *db, int64_t load_id, const char *format,
                    const char *encoding, int64_t raw_bytes, const void *data,
                    size_t len)
{
    sqlite3_stmt *st = stmt(db, S_TRACE);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_text(st, 2, format);
    db_bind_text(st, 3, encoding);
    db_bind_int(st, 4, raw_bytes);
    sqlite3_bind_blob64(st, 5, data, (sqlite3_uint64)len, SQLITE_STATIC);
    return db_step_done(db, st);
}

int db_insert_gc_pause(struct db *db, int64_t load_id, int64_t seq,
                       const struct db_gc_pause *p)
{
    sqlite3_stmt *st = stmt(db, S_GC);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_int(st, 2, seq);
    db_bind_text(st, 3, p->source);
    db_bind_text(st, 4, p->kind);
    db_bind_text(st, 5, p->name);
    db_bind_int(st, 6, p->is_pause);
    db_bind_int(st, 7, p->start_us);
    db_bind_int(st, 8, p->dur_us);
    db_bind_int(st, 9, p->heap_before);
    db_bind_int(st, 10, p->heap_after);
    db_bind_int(st, 11, p->tid);
    db_bind_int(st, 12, p->gc_num);
    return db_step_done(db, st);
}

int db_insert_long_task(struct db *db, int64_t load_id, int64_t seq, int64_t start_us,
                        int64_t dur_us, const char *name)
{
    sqlite3_stmt *st = stmt(db, S_LONG);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_int(st, 2, seq);
    db_bind_int(st, 3, start_us);
    db_bind_int(st, 4, dur_us);
    db_bind_text(st, 5, name);
    return db_step_done(db, st);
}

int db_insert_alloc_histogram(struct db *db, int64_t load_id, const char *op,
                              int64_t sample_every, int64_t samples, int64_t sum_ns,
                              int64_t max_ns, int64_t clock_res_ns, const char *buckets_json)
{
    sqlite3_stmt *st = stmt(db, S_HIST);
    if (!st)
        return -1;
    db_bind_int(st, 1, load_id);
    db_bind_text(st, 2, op);
    db_bind_int(st, 3, sample_every);
    db_bind_int(st, 4, samples);
    db_bind_int(st, 5, sum_ns);
    db_bind_int(st, 6, max_ns);
    db_bind_int(st, 7, clock_res_ns);
    db_bind_text(st, 8, buckets_json);
    return db_step_done(db, st);
}

int db_insert_auto_sampling(struct db *db, int64_t run_id, int64_t module_id, const char *api,
                            const char *condition, int64_t baseline_browser_id,
                            int64_t candidate_browser_id, int64_t n_baseline,
                            int64_t n_candidate, double ci_low_ms, double ci_high_ms,
                            double target_width_ms, const char *stop_reason)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->sq,
                           "INSERT OR REPLACE INTO auto_sampling (run_id, module_id, api, condition,"
                           " baseline_browser_id, candidate_browser_id, n_baseline, n_candidate,"
                           " ci_low_ms, ci_high_ms, target_width_ms, stop_reason)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
        db_set_error(db, "%s", sqlite3_errmsg(db->sq));
        return -1;
    }
    db_bind_int(st, 1, run_id);
    db_bind_int(st, 2, module_id);
    db_bind_text(st, 3, api);
    db_bind_text(st, 4, condition);
    db_bind_int(st, 5, baseline_browser_id);
    db_bind_int(st, 6, candidate_browser_id);
    db_bind_int(st, 7, n_baseline);
    db_bind_int(st, 8, n_candidate);
    db_bind_real(st, 9, ci_low_ms);
    db_bind_real(st, 10, ci_high_ms);
    db_bind_real(st, 11, target_width_ms);
    db_bind_text(st, 12, stop_reason);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    return rc;
}
