#include "db/read_rows.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "db/read_internal.h"

struct db_rows {
    sqlite3_stmt *st;
};

struct db_rows *db_rows_wrap(sqlite3_stmt *st)
{
    struct db_rows *r = xcalloc(1, sizeof *r);
    r->st = st;
    return r;
}

int db_rows_step(struct db_rows *r)
{
    int rc = sqlite3_step(r->st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_rows_columns(const struct db_rows *r) { return sqlite3_column_count(r->st); }
const char *db_rows_name(struct db_rows *r, int col) { return sqlite3_column_name(r->st, col); }

enum db_value_type db_rows_type(struct db_rows *r, int col)
{
    switch (sqlite3_column_type(r->st, col)) {
    case SQLITE_INTEGER: return DB_VALUE_INTEGER;
    case SQLITE_FLOAT: return DB_VALUE_FLOAT;
    case SQLITE_TEXT: return DB_VALUE_TEXT;
    case SQLITE_BLOB: return DB_VALUE_BLOB;
    default: return DB_VALUE_NULL;
    }
}

int64_t db_rows_int(struct db_rows *r, int col) { return sqlite3_column_int64(r->st, col); }
double db_rows_real(struct db_rows *r, int col) { return sqlite3_column_double(r->st, col); }

const char *db_rows_text(struct db_rows *r, int col, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(r->st, col);
    if (len)
        *len = (size_t)sqlite3_column_bytes(r->st, col);
    return t;
}

const unsigned char *db_rows_blob(struct db_rows *r, int col, size_t *len)
{
    const unsigned char *b = sqlite3_column_blob(r->st, col);
    if (len)
        *len = (size_t)sqlite3_column_bytes(r->st, col);
    return b;
}

void db_rows_close(struct db_rows *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->st);
    free(r);
}

const char *db_read_error(struct db *db) { return sqlite3_errmsg(db_sqlite(db)); }

int db_has_table(struct db *db, const char *name)
{
    sqlite3_stmt *st;
    int yes = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        yes = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
    }
    return yes;
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

int64_t db_col_i64(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? DB_NULL : sqlite3_column_int64(st, col);
}

void db_col_copy(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(out, len, "%s", t ? t : "");
}

void db_grow(void **v, size_t elem, size_t n, size_t *cap)
{
    if (n < *cap)
        return;
    *cap = *cap ? *cap * 2 : 32;
    *v = xrealloc(*v, *cap * elem);
}
