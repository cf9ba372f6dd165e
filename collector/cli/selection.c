#include "collector/cli/selection.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

struct db *selection_open_db(const char *cmd, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        warnf("%s: DB %s: %s", cmd, path, strerror(errno));
        return NULL;
    }
    char err[512];
    struct db *db = db_open_read(path, err, sizeof err);   /* its callers only read */
    if (!db)
        warnf("%s: %s", cmd, err);
    return db;
}

static int64_t count_rows(struct db *db, const char *sql, int64_t id, const char *text)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int selection_run(const char *cmd, struct db *db, const char *arg, int64_t *run_id)
{
    if (strcmp(arg, "all") == 0) {
        *run_id = PLOT_ALL_RUNS;
        return 0;
    }
    long v;
    if (parse_long(arg, 1, 0x7fffffffL, &v) < 0) {
        warnf("%s: --run %s: not a run id (a number, or 'all')", cmd, arg);
        return -1;
    }
    if (count_rows(db, "SELECT COUNT(*) FROM runs WHERE id = ?", v, NULL) != 1) {
        warnf("%s: --run %s: no such run in the DB", cmd, arg);
        return -1;
    }
    *run_id = v;
    return 0;
}

int selection_load(const char *cmd, struct db *db, const char *arg, int64_t *load_id)
{
    long v;
    if (parse_long(arg, 1, 0x7fffffffL, &v) < 0) {
        warnf("%s: --load %s: not a load id (a number)", cmd, arg);
        return -1;
    }
    if (count_rows(db, "SELECT COUNT(*) FROM loads WHERE id = ?", v, NULL) != 1) {
        warnf("%s: --load %s: no such load in the DB", cmd, arg);
        return -1;
    }
    *load_id = v;
    return 0;
}

int selection_module(const char *cmd, struct db *db, const char *name)
{
    if (count_rows(db,
                   "SELECT COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id"
                   " WHERE m.name = ?", 0, name) <= 0) {
        warnf("%s: --module %s: no loads of that module in the DB", cmd, name);
        return -1;
    }
    return 0;
}

int64_t selection_latest_run(struct db *db, const char *module)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
                           "SELECT MAX(l.run_id) FROM loads l JOIN modules m ON m.id = l.module_id"
                           " WHERE ?1 IS NULL OR m.name = ?1", -1, &st, NULL) != SQLITE_OK)
        return 0;
    if (module)
        sqlite3_bind_text(st, 1, module, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int selection_out_dir(const char *cmd, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        if (errno != ENOENT || mkdir(dir, 0755) < 0) {
            warnf("%s: --out %s: %s", cmd, dir, strerror(errno));
            return -1;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        warnf("%s: --out %s: not a folder", cmd, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) < 0) {
        warnf("%s: --out %s: not writable (%s)", cmd, dir, strerror(errno));
        return -1;
    }
    return 0;
}
