/* merge: result DBs from shards or machines into one, idempotently.
 *
 * Runs are keyed by UUID, loads within a run by (seq, module name+sha256,
 * api, condition, started_at), browsers by path+product+revision, modules by
 * name+sha256. Everything else is classified by its columns, so tables added
 * by later migrations merge without changes here:
 *   - a table with load_id: rows of the loads being copied, load_id (and any
 *     run_id, browser_id, module_id) remapped; its own INTEGER PRIMARY KEY
 *     `id`, if any, assigned anew;
 *   - else a table with run_id: rows of runs new to OUT, remapped likewise;
 *   - else a content table (keyed by content, e.g. module_sizes by sha256):
 *     INSERT OR IGNORE.
 * A table merge cannot remap (an `id` others refer to, a content table keyed
 * by a row id) is refused with an error rather than merged wrongly.
 * Each input is merged in one transaction: all of it or none. An input is
 * only read: one at an older schema is merged from a migrated temporary copy.
 *
 * Errors: functions return 0, or -1 with one line in err. */
#ifndef WASMLAB_DB_MERGE_H
#define WASMLAB_DB_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_merge_counts {
    int64_t runs_seen;         /* runs in the input */
    int64_t runs_new;          /* ... copied (OUT lacked their UUID) */
    int64_t runs_updated;      /* ... OUT had as running, now finished */
    int64_t loads;             /* loads copied */
    int64_t browsers, modules; /* browser and module rows added to OUT */
    int64_t rows;              /* detail rows copied (every other table) */
    int schema_from;           /* the input's schema version */
    int schema_to;             /* the version it was merged at (newest) */
};

/* The newest schema version this build knows. */
int db_merge_newest_schema(void);

/* Checks, reading only, that path is a wasmlab results DB this build can
 * merge: a regular file, an SQLite DB with the runs/loads/browsers/modules
 * tables, a schema version not newer than db_merge_newest_schema(). *version
 * gets its schema version. Errors name the file. */
int db_merge_check_input(const char *path, int *version, char *err, size_t errlen);

/* Merges the DB at in_path into out (one transaction). An input at an older
 * schema is copied into a temporary folder ($TMPDIR or /tmp), the copy
 * migrated and merged, and the folder removed; the input is never written.
 * On error nothing of the input is in out. */
int db_merge(struct db *out, const char *in_path, struct db_merge_counts *counts, char *err,
             size_t errlen);

#endif
