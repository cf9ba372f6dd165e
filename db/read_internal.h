/* read_internal: what the db/read_*.c files share (not for callers). */
#ifndef WASMLAB_DB_READ_INTERNAL_H
#define WASMLAB_DB_READ_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "db/db_internal.h"
#include "db/read_rows.h"

/* Wraps a prepared statement (taken over) as a row cursor. */
struct db_rows *db_rows_wrap(sqlite3_stmt *st);
/* NULL for a NULL value, else the text ("" never NULL otherwise). */
const char *db_col_text(sqlite3_stmt *st, int col);
/* DB_NULL for a NULL value. */
int64_t db_col_i64(sqlite3_stmt *st, int col);
/* snprintf of the column's text ("" for NULL) into out. */
void db_col_copy(sqlite3_stmt *st, int col, char *out, size_t len);
/* Grows *v (element size elem) so it holds n + 1 elements. */
void db_grow(void **v, size_t elem, size_t n, size_t *cap);

#endif
