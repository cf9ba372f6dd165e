/* selection: the --db / --run / --load / --module options that the reading
 * commands (plot, export, report html) share, checked against the DB with
 * one-line errors that name the culprit. Each function prints its own
 * "wasmlab: CMD: ..." line on failure and returns -1 (exit code 2). */
#ifndef WASMLAB_SELECTION_H
#define WASMLAB_SELECTION_H

#include <stdint.h>

#include "collector/plot/plot.h"
#include "db/db.h"

/* Opens an existing results DB read-only (db_open_read: never created,
 * never migrated). */
struct db *selection_open_db(const char *cmd, const char *path);

/* "all" -> PLOT_ALL_RUNS; a number -> that run, which must exist. */
int selection_run(const char *cmd, struct db *db, const char *arg, int64_t *run_id);
/* A load id that must exist in the DB. */
int selection_load(const char *cmd, struct db *db, const char *arg, int64_t *load_id);
/* A module name that must have loads in the DB. */
int selection_module(const char *cmd, struct db *db, const char *name);

/* The newest run with loads (of module, when not NULL); 0 when none. */
int64_t selection_latest_run(struct db *db, const char *module);

/* Makes dir if missing (its parent must exist) and checks it is a writable
 * folder. */
int selection_out_dir(const char *cmd, const char *dir);

#endif
