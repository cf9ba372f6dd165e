/* db_internal: what the files of db/ share and nobody else may see.
 *
 * Every SQL statement of wasmlab lives in db/ (docs/architecture.md); the raw
 * SQLite handle is handed out only here, to the .c files of db/. */
#ifndef WASMLAB_DB_INTERNAL_H
#define WASMLAB_DB_INTERNAL_H

#include <sqlite3.h>

#include "db/db.h"

/* The raw handle. Borrowed. */
sqlite3 *db_sqlite(struct db *db);

#endif
