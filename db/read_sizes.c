#include "db/read_sizes.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/read_internal.h"

int db_read_size_variants(struct db *db, const struct db_scope *scope, int scoped,
                          struct db_size_variant **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db),
        "SELECT z.module_sha256, z.bytes, z.file,"
        " (SELECT group_concat(name, ', ') FROM (SELECT DISTINCT name FROM modules"
        "   WHERE sha256 = z.module_sha256 ORDER BY name))"
        " FROM module_sizes z"
        " WHERE ?4 = 0 OR z.module_sha256 IN (SELECT m.sha256 FROM loads l"
        "  JOIN modules m ON m.id = l.module_id"
        "  WHERE (?1 < 0 OR l.run_id = ?1) AND (?2 IS NULL OR m.name = ?2) AND (?3 = 0 OR l.id = ?3))"
        " ORDER BY 4 IS NULL, 4, z.file", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, scope->run_id);
    if (scope->module)
        sqlite3_bind_text(st, 2, scope->module, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, scope->load_id);
    sqlite3_bind_int(st, 4, scoped);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_size_variant *v = &(*rows)[(*n)++];
        db_col_copy(st, 0, v->sha256, sizeof v->sha256);
        v->bytes = sqlite3_column_int64(st, 1);
        db_col_copy(st, 2, v->file, sizeof v->file);
        db_col_copy(st, 3, v->names, sizeof v->names);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_read_sections(struct db *db, const char *sha256, struct db_section **rows, size_t *n)
{
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db_sqlite(db), "SELECT id, name, size FROM module_sections"
                           " WHERE module_sha256 = ?", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_grow((void **)rows, sizeof **rows, *n, &cap);
        struct db_section *s = &(*rows)[(*n)++];
        s->id = sqlite3_column_int(st, 0);
        db_col_copy(st, 1, s->name, sizeof s->name);
        s->size = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
