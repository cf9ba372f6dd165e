#include "db/read_traces.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "db/read_internal.h"

/* A batched load's events are in its batch's trace, stored with another load
 * (migration 015); any other load's trace is its own. */
static int64_t trace_row_of(sqlite3 *sq, int64_t load_id)
{
    sqlite3_stmt *st = NULL;
    int64_t holder = load_id;
    if (sqlite3_prepare_v2(sq, "SELECT trace_load_id FROM load_host WHERE load_id = ?"
                               " AND trace_load_id IS NOT NULL", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return load_id;   /* a DB from before migration 015 */
    }
    sqlite3_bind_int64(st, 1, load_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        holder = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return holder;
}

int db_read_trace_info(struct db *db, int64_t load_id, char *encoding, size_t enclen,
                       int64_t *raw_bytes, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    int64_t asked = load_id;
    load_id = trace_row_of(sq, load_id);
    if (sqlite3_prepare_v2(sq, "SELECT encoding, raw_bytes FROM load_traces WHERE load_id = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "the DB has no load_traces table (%s)", sqlite3_errmsg(sq));
        return DB_TRACE_MISSING;
    }
    sqlite3_bind_int64(st, 1, load_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (asked != load_id)
            snprintf(err, errlen, "load %lld has no stored trace (its batch's trace was"
                     " stored with load %lld)", (long long)asked, (long long)load_id);
        else
            snprintf(err, errlen, "load %lld has no stored trace", (long long)load_id);
        return DB_TRACE_MISSING;
    }
    db_col_copy(st, 0, encoding, enclen);
    if (raw_bytes)
        *raw_bytes = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return DB_TRACE_OK;
}

int db_read_trace_data(struct db *db, int64_t load_id, size_t piece, db_trace_piece_fn fn,
                       void *arg, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_blob *blob = NULL;
    load_id = trace_row_of(sq, load_id);
    if (sqlite3_blob_open(sq, "main", "load_traces", "data", load_id, 0, &blob) != SQLITE_OK) {
        snprintf(err, errlen, "load %lld: cannot read its trace (%s)", (long long)load_id,
                 sqlite3_errmsg(sq));
        sqlite3_blob_close(blob);
        return DB_TRACE_UNREADABLE;
    }
    int size = sqlite3_blob_bytes(blob);
    int max = piece > 0 && piece < (1u << 30) ? (int)piece : 64 * 1024;
    unsigned char *in = xmalloc((size_t)max);
    int rc = DB_TRACE_OK;
    for (int off = 0; off < size && rc == DB_TRACE_OK;) {
        int n = size - off < max ? size - off : max;
        if (sqlite3_blob_read(blob, in, n, off) != SQLITE_OK) {
            snprintf(err, errlen, "load %lld: reading its trace: %s", (long long)load_id,
                     sqlite3_errmsg(sq));
            rc = DB_TRACE_UNREADABLE;
            break;
        }
        off += n;
        if (fn(arg, in, (size_t)n) < 0)
            rc = DB_TRACE_STOPPED;
    }
    sqlite3_blob_close(blob);
    free(in);
    return rc;
}
