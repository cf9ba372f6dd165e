/* db_internal: what the files of db/ share and nobody else may see.
 *
 * Every SQL statement of wasmlab lives in db/ (docs/architecture.md); the raw
 * SQLite handle is handed out only here, to the .c files of db/. */
#ifndef WASMLAB_DB_INTERNAL_H
#define WASMLAB_DB_INTERNAL_H

#include <sqlite3.h>

#include "db/db.h"

/* The raw handle. Borrowed. */
sqlite3 *db_sqlite(struct db *db);

/* Sets the handle's message (db_errmsg): "DB <path>: <what>". */
void db_set_error(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepares sql; on failure sets the message and returns NULL. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);
/* Binders that store NULL for NULL text, DB_NULL integers and NaN reals. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
void db_bind_int(sqlite3_stmt *st, int i, int64_t v);
void db_bind_real(sqlite3_stmt *st, int i, double v);
/* Steps a statement that returns no rows; resets it. 0 or -1 (message set). */
int db_step_done(struct db *db, sqlite3_stmt *st);
/* Runs a one-off statement with parameters typed by `types` ('t' text,
 * 'i' int64). When row_id is given: the first column of the first row, or
 * DB_NULL when no row came back. 0 or -1 (message set). */
int db_run_sql(struct db *db, const char *sql, int64_t *row_id, const char *types, ...);

#endif
