/* read_rows: a query's result read row by row, each value with its SQLite
 * type, for readers whose columns are not known in advance (the tables
 * `wasmlab export` dumps, the listings of `wasmlab report html`).
 *
 * The SQL stays in db/ (read_export.c, read_runs.c); callers only step and
 * read. Errors: the opening functions return NULL and db_read_error() says
 * why; db_rows_step returns -1 on a failed step. */
#ifndef WASMLAB_DB_READ_ROWS_H
#define WASMLAB_DB_READ_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_rows;

enum db_value_type {
    DB_VALUE_INTEGER = 1,
    DB_VALUE_FLOAT,
    DB_VALUE_TEXT,
    DB_VALUE_BLOB,
    DB_VALUE_NULL,
};

/* 1: a row is ready; 0: no more rows; -1: the query failed (db_read_error). */
int db_rows_step(struct db_rows *r);
int db_rows_columns(const struct db_rows *r);
/* The column's name (the header). Borrowed, valid until db_rows_close. */
const char *db_rows_name(struct db_rows *r, int col);
/* Of the current row. Text and blob pointers are borrowed until the next
 * step; text is never NULL for a TEXT value. */
enum db_value_type db_rows_type(struct db_rows *r, int col);
int64_t db_rows_int(struct db_rows *r, int col);
double db_rows_real(struct db_rows *r, int col);
const char *db_rows_text(struct db_rows *r, int col, size_t *len);
const unsigned char *db_rows_blob(struct db_rows *r, int col, size_t *len);
void db_rows_close(struct db_rows *r);

/* The last SQLite error on the handle, for "query failed: ..." lines. */
const char *db_read_error(struct db *db);

/* Whether the DB has a table of that name (tables added by later
 * migrations, e.g. gc_pauses, are missing from older files). */
int db_has_table(struct db *db, const char *name);

#endif
