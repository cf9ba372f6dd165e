/* read_export: the tables `wasmlab export csv|json` dumps, whole or only
 * the rows that belong to one run, in primary-key order.
 *
 * Table names come from the user: they are only ever compared against the
 * DB's own list (db_export_tables), never put into SQL as given. */
#ifndef WASMLAB_DB_READ_EXPORT_H
#define WASMLAB_DB_READ_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/read_rows.h"
#include "db/read_runs.h"

/* The exportable tables (every table but SQLite's own and load_traces), in
 * creation order. Free with db_strings_free. 0, or -1 on a failed query. */
int db_export_tables(struct db *db, char ***names, size_t *n);

enum {
    DB_EXPORT_OK = 0,
    DB_EXPORT_FAILED = -1,     /* query failed: db_read_error */
    DB_EXPORT_NOT_A_TABLE = -2,
    DB_EXPORT_NO_RUN = -3,     /* run_id given, but the table's rows belong to no run */
};
/* Opens the dump of table (one of db_export_tables) for run_id, or every
 * row with DB_ALL_RUNS. *out is the cursor (close with db_rows_close). */
int db_export_open(struct db *db, const char *table, int64_t run_id, struct db_rows **out);

#endif
