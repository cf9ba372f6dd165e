/* sizes: see sizes.h. The SQL moved here from collector/wasm/module_sizes.c. */
#include "db/sizes.h"

#include <stdio.h>

#include "base/util.h"
#include "db/db_internal.h"

static void bind_bytes(sqlite3_stmt *st, int col, struct db_bytes b)
{
    sqlite3_bind_text64(st, col, b.len ? b.bytes : "", b.len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* Steps a statement that returns no rows and readies it for the next row. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int fail(sqlite3 *sq, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s", sqlite3_errmsg(sq));
    return -1;
}

static int delete_rows(sqlite3 *sq, const char *sha256)
{
    static const char *const deletes[] = {
        "DELETE FROM module_sections WHERE module_sha256 = ?1",
        "DELETE FROM module_imports WHERE module_sha256 = ?1",
        "DELETE FROM module_sizes WHERE module_sha256 = ?1",
    };
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(sq, deletes[i], -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
        int rc = step_done(st);
        sqlite3_finalize(st);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int insert_sizes_row(sqlite3 *sq, const struct db_module_sizes *m)
{
    char now[32];
    utc_iso8601(now, sizeof now);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq,
            "INSERT INTO module_sizes (module_sha256, file, bytes, gzip_bytes, "
            "brotli_bytes, functions, imported_functions, imports, exports, inspected_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, m->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, m->bytes);
    sqlite3_bind_int64(st, 4, m->gzip_bytes);
    sqlite3_bind_int64(st, 5, m->brotli_bytes);
    sqlite3_bind_int64(st, 6, m->functions);
    sqlite3_bind_int64(st, 7, m->imported_functions);
    sqlite3_bind_int64(st, 8, m->imports);
    sqlite3_bind_int64(st, 9, m->exports);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    int rc = step_done(st);
    sqlite3_finalize(st);
    return rc;
}

static int insert_sections(sqlite3 *sq, const struct db_module_sizes *m)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq,
            "INSERT INTO module_sections (module_sha256, section_index, id, name, offset, "
            "size, payload_offset, payload_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < m->n_sections && rc == 0; i++) {
        const struct db_section_row *s = &m->sections[i];
        sqlite3_bind_text(st, 1, m->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int(st, 3, s->id);
        if (s->id == 0)
            bind_bytes(st, 4, s->name);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, s->offset);
        sqlite3_bind_int64(st, 6, s->size);
        sqlite3_bind_int64(st, 7, s->payload_offset);
        sqlite3_bind_int64(st, 8, s->payload_size);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_imports(sqlite3 *sq, const struct db_module_sizes *m)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq,
            "INSERT INTO module_imports (module_sha256, import_index, module, field, kind) "
            "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < m->n_import_rows && rc == 0; i++) {
        const struct db_import_row *imp = &m->import_rows[i];
        sqlite3_bind_text(st, 1, m->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_bytes(st, 3, imp->module);
        bind_bytes(st, 4, imp->field);
        sqlite3_bind_text(st, 5, imp->kind, -1, SQLITE_STATIC);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int db_sizes_store(struct db *db, const struct db_module_sizes *m, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    if (delete_rows(sq, m->sha256) < 0 || insert_sizes_row(sq, m) < 0 ||
        insert_sections(sq, m) < 0 || insert_imports(sq, m) < 0)
        return fail(sq, err, errlen);
    return 0;
}

int db_sizes_lookup(struct db *db, const char *sha256, int64_t bytes, int64_t *gzip_bytes,
                    int64_t *brotli_bytes, char *err, size_t errlen)
{
    sqlite3 *sq = db_sqlite(db);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sq, "SELECT gzip_bytes, brotli_bytes FROM module_sizes"
                               " WHERE module_sha256 = ?1 AND bytes = ?2", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(sq, err, errlen);
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, bytes);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        *gzip_bytes = sqlite3_column_int64(st, 0);
        *brotli_bytes = sqlite3_column_int64(st, 1);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = fail(sq, err, errlen);
    }
    sqlite3_finalize(st);
    return found;
}
