/* read_sizes: the module variants `wasmlab inspect --db` stored
 * (module_sizes, module_sections), for `plot sizes`.
 *
 * Errors: 0 on success, -1 on a failed query (db_read_error says why);
 * arrays handed out are the caller's to free(). */
#ifndef WASMLAB_DB_READ_SIZES_H
#define WASMLAB_DB_READ_SIZES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/read_runs.h"

/* One module content (sha256) with the names it was measured as. */
struct db_size_variant {
    char sha256[65];
    int64_t bytes;
    char file[512];          /* the inspected file */
    char names[512];         /* the modules rows' names, ", "-joined; "" when none */
};
/* Every inspected variant (scoped = false), or those the scope's loads used,
 * ordered by names (variants without one last), then file. */
int db_read_size_variants(struct db *db, const struct db_scope *scope, int scoped,
                          struct db_size_variant **rows, size_t *n);

struct db_section {
    int id;                  /* the section id; 0 = custom */
    char name[128];          /* a custom section's name */
    int64_t size;
};
int db_read_sections(struct db *db, const char *sha256, struct db_section **rows, size_t *n);

#endif
