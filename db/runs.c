#include "db/runs.h"

#include <stdio.h>

#include "db/db_internal.h"

int db_run_exists(struct db *db, int64_t run_id)
{
    int64_t n = 0;
    if (db_run_sql(db, "SELECT COUNT(*) FROM runs WHERE id = ?", &n, "i", run_id) < 0)
        return -1;
    return n > 0;
}

int db_latest_run_with_loads(struct db *db, const char *module, int64_t *run_id)
{
    int64_t id = DB_NULL;
    if (db_run_sql(db, "SELECT MAX(l.run_id) FROM loads l JOIN modules m ON m.id = l.module_id"
                       " WHERE ?1 IS NULL OR m.name = ?1", &id, "t", module) < 0)
        return -1;
    /* MAX over no rows is one NULL row, which reads back as 0 */
    *run_id = id == DB_NULL ? 0 : id;
    return 0;
}

int db_run_uuid(struct db *db, int64_t run_id, char *uuid, size_t len)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT IFNULL(uuid, '') FROM runs WHERE id = ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, run_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(uuid, len, "%s", (const char *)sqlite3_column_text(st, 0));
    } else if (rc == SQLITE_DONE) {
        db_set_error(db, "no run %lld", (long long)run_id);
    } else {
        db_set_error(db, "%s", sqlite3_errmsg(db_sqlite(db)));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}
