#include "collector/cli/selection.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "db/loads.h"
#include "db/runs.h"

struct db *selection_open_db(const char *cmd, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        warnf("%s: DB %s: %s", cmd, path, strerror(errno));
        return NULL;
    }
    char err[512];
    struct db *db = db_open_read(path, err, sizeof err);
    if (!db)
        warnf("%s: %s", cmd, err);
    return db;
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
    int found = db_run_exists(db, v);
    if (found < 0) {
        warnf("%s: %s", cmd, db_errmsg(db));
        return -1;
    }
    if (!found) {
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
    int found = db_load_exists(db, v);
    if (found < 0) {
        warnf("%s: %s", cmd, db_errmsg(db));
        return -1;
    }
    if (!found) {
        warnf("%s: --load %s: no such load in the DB", cmd, arg);
        return -1;
    }
    *load_id = v;
    return 0;
}

int selection_module(const char *cmd, struct db *db, const char *name)
{
    int found = db_module_has_loads(db, name);
    if (found < 0) {
        warnf("%s: %s", cmd, db_errmsg(db));
        return -1;
    }
    if (!found) {
        warnf("%s: --module %s: no loads of that module in the DB", cmd, name);
        return -1;
    }
    return 0;
}

int64_t selection_latest_run(struct db *db, const char *module)
{
    int64_t id = 0;
    if (db_latest_run_with_loads(db, module, &id) < 0)
        return 0;   /* callers say "no loads": a DB error shows on their next query */
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
