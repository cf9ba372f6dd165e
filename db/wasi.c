#include "db/wasi.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/db_internal.h"

int db_wasi_run_start(struct db *db, const char *started_at, const char *command, int64_t *id,
                      char *uuid)
{
    uuid4(uuid);
    if (db_run_sql(db, "INSERT INTO wasi_runs (uuid, started_at, command) VALUES (?, ?, ?)",
                   NULL, "ttt", uuid, started_at, command) < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(db_sqlite(db));
    return 0;
}

int db_wasi_run_finish(struct db *db, int64_t id, const char *finished_at)
{
    return db_run_sql(db, "UPDATE wasi_runs SET finished_at = ? WHERE id = ?", NULL, "ti",
                      finished_at, id);
}

int db_wasi_latest_run(struct db *db, int64_t *id)
{
    int64_t v = DB_NULL;
    if (db_run_sql(db, "SELECT MAX(id) FROM wasi_runs", &v, "") < 0)
        return -1;
    *id = v == DB_NULL ? 0 : v;
    return 0;
}

int db_wasi_run_exists(struct db *db, int64_t id)
{
    int64_t n = 0;
    if (db_run_sql(db, "SELECT COUNT(*) FROM wasi_runs WHERE id = ?", &n, "i", id) < 0)
        return -1;
    return n > 0;
}

static int insert_outcome(struct db *db, int64_t run_id, const struct db_wasi_outcome *o,
                          int64_t *outcome_id)
{
    sqlite3_stmt *st = db_prepare(db,
        "INSERT INTO wasi_outcomes (run_id, host, runtime, module, language, status, exit_code,"
        " trapped, timed_out, reason, imports, missing, stdout_bytes, stdout, calls_recorded,"
        " calls_dropped, wall_ms, stderr_bytes, stderr)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_int(st, 1, run_id);
    db_bind_text(st, 2, o->host);
    db_bind_text(st, 3, o->runtime);
    db_bind_text(st, 4, o->module);
    db_bind_text(st, 5, o->language);
    db_bind_text(st, 6, o->status);
    db_bind_int(st, 7, o->exit_code);
    db_bind_int(st, 8, o->trapped);
    db_bind_int(st, 9, o->timed_out);
    db_bind_text(st, 10, o->reason);
    db_bind_text(st, 11, o->imports_json);
    db_bind_text(st, 12, o->missing_json);
    db_bind_int(st, 13, o->stdout_bytes);
    db_bind_text(st, 14, o->stdout_text);
    db_bind_int(st, 15, o->calls_recorded);
    db_bind_int(st, 16, o->calls_dropped);
    db_bind_real(st, 17, o->wall_ms);
    db_bind_int(st, 18, o->stderr_bytes);
    db_bind_text(st, 19, o->stderr_text);
    int rc = db_step_done(db, st);
    sqlite3_finalize(st);
    if (rc == 0)
        *outcome_id = sqlite3_last_insert_rowid(db_sqlite(db));
    return rc;
}

static int insert_calls(struct db *db, int64_t oid, const struct db_wasi_call *calls, size_t n)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO wasi_calls (outcome_id, seq, fn, args, errno,"
                                      " result, us, step) VALUES (?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        db_bind_int(st, 1, oid);
        db_bind_int(st, 2, calls[i].seq);
        db_bind_text(st, 3, calls[i].fn);
        db_bind_text(st, 4, calls[i].args);
        db_bind_int(st, 5, calls[i].errno_value);
        db_bind_text(st, 6, calls[i].result);
        db_bind_real(st, 7, calls[i].us);
        db_bind_text(st, 8, calls[i].step);
        rc = db_step_done(db, st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_steps(struct db *db, int64_t oid, const struct db_wasi_step *steps, size_t n)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO wasi_steps (outcome_id, idx, step, result,"
                                      " detail) VALUES (?,?,?,?,?)");
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        db_bind_int(st, 1, oid);
        db_bind_int(st, 2, (int64_t)i);
        db_bind_text(st, 3, steps[i].step);
        db_bind_text(st, 4, steps[i].result);
        db_bind_text(st, 5, steps[i].detail);
        rc = db_step_done(db, st);
    }
    sqlite3_finalize(st);
    return rc;
}

int db_wasi_store(struct db *db, int64_t run_id, const struct db_wasi_outcome *o,
                  const struct db_wasi_call *calls, size_t n_calls,
                  const struct db_wasi_step *steps, size_t n_steps, int64_t *outcome_id)
{
    if (db_begin(db) < 0)
        return -1;
    int64_t oid = 0;
    int rc = insert_outcome(db, run_id, o, &oid);
    if (rc == 0)
        rc = insert_calls(db, oid, calls, n_calls);
    if (rc == 0)
        rc = insert_steps(db, oid, steps, n_steps);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        return -1;
    }
    if (outcome_id)
        *outcome_id = oid;
    return 0;
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? xstrdup((const char *)s) : NULL;
}

static int64_t col_int(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? DB_NULL : sqlite3_column_int64(st, i);
}

/* Calls and steps of every outcome, in seq / idx order. */
static int read_details(struct db *db, struct db_wasi_result *r)
{
    sqlite3_stmt *c = db_prepare(db, "SELECT fn, result, step FROM wasi_calls"
                                     " WHERE outcome_id = ? ORDER BY seq");
    sqlite3_stmt *s = c ? db_prepare(db, "SELECT step, result, detail FROM wasi_steps"
                                         " WHERE outcome_id = ? ORDER BY idx") : NULL;
    int rc = c && s ? 0 : -1;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        struct db_wasi_read_outcome *o = &r->outcomes[i];
        size_t cap = 0;
        db_bind_int(c, 1, o->id);
        while (sqlite3_step(c) == SQLITE_ROW) {
            if (o->n_calls == cap) {
                cap = cap ? cap * 2 : 64;
                o->calls = xrealloc(o->calls, cap * sizeof *o->calls);
            }
            o->calls[o->n_calls++] = (struct db_wasi_read_call){
                col_text(c, 0), col_text(c, 1), col_text(c, 2) };
        }
        sqlite3_reset(c);
        cap = 0;
        db_bind_int(s, 1, o->id);
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (o->n_steps == cap) {
                cap = cap ? cap * 2 : 32;
                o->steps = xrealloc(o->steps, cap * sizeof *o->steps);
            }
            o->steps[o->n_steps++] = (struct db_wasi_read_step){
                col_text(s, 0), col_text(s, 1), col_text(s, 2) };
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(c);
    sqlite3_finalize(s);
    return rc;
}

int db_wasi_read(struct db *db, int64_t run_id, struct db_wasi_result *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(db,
        "SELECT id, host, runtime, module, language, status, reason, imports, missing,"
        " exit_code, stdout_bytes, calls_dropped, trapped, timed_out FROM wasi_outcomes"
        " WHERE run_id = ? ORDER BY id");
    if (!st)
        return -1;
    db_bind_int(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->outcomes = xrealloc(out->outcomes, cap * sizeof *out->outcomes);
        }
        struct db_wasi_read_outcome *o = &out->outcomes[out->n++];
        memset(o, 0, sizeof *o);
        o->id = sqlite3_column_int64(st, 0);
        o->host = col_text(st, 1);
        o->runtime = col_text(st, 2);
        o->module = col_text(st, 3);
        o->language = col_text(st, 4);
        o->status = col_text(st, 5);
        o->reason = col_text(st, 6);
        o->imports_json = col_text(st, 7);
        o->missing_json = col_text(st, 8);
        o->exit_code = col_int(st, 9);
        o->stdout_bytes = col_int(st, 10);
        o->calls_dropped = col_int(st, 11);
        o->trapped = sqlite3_column_int(st, 12);
        o->timed_out = sqlite3_column_int(st, 13);
    }
    if (rc != SQLITE_DONE)
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || read_details(db, out) < 0) {
        db_wasi_result_free(out);
        return -1;
    }
    return 0;
}

void db_wasi_result_free(struct db_wasi_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct db_wasi_read_outcome *o = &r->outcomes[i];
        for (size_t k = 0; k < o->n_calls; k++) {
            free(o->calls[k].fn);
            free(o->calls[k].result);
            free(o->calls[k].step);
        }
        for (size_t k = 0; k < o->n_steps; k++) {
            free(o->steps[k].step);
            free(o->steps[k].result);
            free(o->steps[k].detail);
        }
        free(o->calls);
        free(o->steps);
        free(o->host);
        free(o->runtime);
        free(o->module);
        free(o->language);
        free(o->status);
        free(o->reason);
        free(o->imports_json);
        free(o->missing_json);
    }
    free(r->outcomes);
    memset(r, 0, sizeof *r);
}
