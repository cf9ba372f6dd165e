/* The DB schema as an ordered list of migrations (db/migrations/NNN_*.sql),
 * embedded at build time by cmake/embed_migrations.cmake. Migration N brings
 * the schema from PRAGMA user_version N-1 to N. */
#ifndef WASMLAB_DB_MIGRATIONS_H
#define WASMLAB_DB_MIGRATIONS_H

struct db_migration {
    int version;
    const char *file;
    const char *sql;
};

extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
