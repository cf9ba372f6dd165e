/* db: migration from an empty file, idempotent reopen, one transaction per
 * load, refusal of files that are not ours, and NULL handling; db_open_read
 * on the newest schema, on every older one (through a migrated copy that is
 * deleted on close, the file untouched), on a newer one, on a file that is
 * not a DB and on a missing file. */
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "tests/check.h"
#include "db/db_internal.h"   /* the raw handle: this test checks db/ itself */
#include "db/db_migrations.h"

static int64_t scalar(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Files in folder dir (not . and ..). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *b = malloc((size_t)*len + 1);
    if (fread(b, 1, (size_t)*len, f) != (size_t)*len)
        *len = -1;
    fclose(f);
    return b;
}

/* A DB as an older wasmlab left it: the first n migrations, and one run. */
static void make_old_db(const char *path, int n)
{
    sqlite3 *sq;
    CHECK_INT(sqlite3_open(path, &sq), SQLITE_OK);
    CHECK_INT(sqlite3_exec(sq, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
    for (int i = 0; i < n; i++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", db_migrations[i].version);
        CHECK_INT(sqlite3_exec(sq, db_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
        CHECK_INT(sqlite3_exec(sq, bump, NULL, NULL, NULL), SQLITE_OK);
    }
    CHECK_INT(sqlite3_exec(sq, "INSERT INTO runs (uuid, started_at) VALUES ('old', 't')", NULL,
                           NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);
}

static int raw_version(const char *path)
{
    sqlite3 *sq;
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_open_v2(path, &sq, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(sq, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(sq);
    return v;
}

static void test_open_read(const char *dir)
{
    char tmp[256], path[300], err[512], err2[512];
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    CHECK_INT(mkdir(tmp, 0700), 0);
    setenv("TMPDIR", tmp, 1);
    int newest = db_migrations[db_migrations_count - 1].version;

    /* the newest schema: read in place, no write gets through */
    snprintf(path, sizeof path, "%s/newest.db", dir);
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    CHECK_INT(db_exec(db, "INSERT INTO runs (uuid, started_at) VALUES ('u', 't')"), 0);
    db_close(db);
    db = db_open_read(path, err, sizeof err);
    CHECK(db != NULL);
    if (db) {
        CHECK_INT(db_schema_version(db), newest);
        CHECK_INT(scalar(db, "SELECT COUNT(*) FROM runs"), 1);
        CHECK_INT(db_exec(db, "INSERT INTO runs (uuid, started_at) VALUES ('v', 't')"), -1);
        CHECK(strstr(db_errmsg(db), path) != NULL);
        CHECK_INT(count_files(tmp), 0);
        db_close(db);
    }

    /* every older schema: read through a migrated copy, the file untouched */
    for (int n = 1; n < db_migrations_count; n++) {
        snprintf(path, sizeof path, "%s/old%d.db", dir, n);
        make_old_db(path, n);
        long len0 = 0, len1 = 0;
        char *before = slurp(path, &len0);
        db = db_open_read(path, err, sizeof err);
        CHECK(db != NULL);
        if (!db) {
            fprintf(stderr, "schema %d: %s\n", n, err);
            free(before);
            continue;
        }
        CHECK_INT(db_schema_version(db), newest);
        CHECK_INT(scalar(db, "SELECT COUNT(*) FROM runs WHERE uuid = 'old'"), 1);
        /* tables of every later migration are there to read */
        CHECK_INT(scalar(db, "SELECT COUNT(*) FROM auto_sampling"), 0);
        CHECK_INT(scalar(db, "SELECT COUNT(*) FROM gc_pauses"), 0);
        CHECK_INT(db_exec(db, "INSERT INTO runs (uuid, started_at) VALUES ('w', 't')"), -1);
        CHECK_INT(count_files(tmp), 1);   /* the copy, while open */
        db_close(db);
        CHECK_INT(count_files(tmp), 0);   /* deleted on close */
        CHECK_INT(raw_version(path), db_migrations[n - 1].version);
        char *after = slurp(path, &len1);
        CHECK(before && after && len0 == len1 && memcmp(before, after, (size_t)len0) == 0);
        free(before);
        free(after);
    }

    /* a newer schema: refused, naming the file and both versions */
    snprintf(path, sizeof path, "%s/newer.db", dir);
    make_old_db(path, 1);
    sqlite3 *sq;
    CHECK_INT(sqlite3_open(path, &sq), SQLITE_OK);
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d", newest + 5);
    CHECK_INT(sqlite3_exec(sq, bump, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);
    CHECK(db_open_read(path, err, sizeof err) == NULL);
    char want[600];
    snprintf(want, sizeof want,
             "DB %s: schema version %d is newer than this wasmlab knows (%d); upgrade wasmlab",
             path, newest + 5, newest);
    CHECK_STR(err, want);
    CHECK_INT(raw_version(path), newest + 5);

    /* not a DB: db_open's message, the file kept */
    snprintf(path, sizeof path, "%s/junk.db", dir);
    CHECK(db_open(path, err, sizeof err) == NULL);
    CHECK(db_open_read(path, err2, sizeof err2) == NULL);
    CHECK_STR(err2, err);

    /* missing: refused, not created */
    snprintf(path, sizeof path, "%s/missing.db", dir);
    CHECK(db_open_read(path, err, sizeof err) == NULL);
    snprintf(want, sizeof want, "DB %s: No such file or directory", path);
    CHECK_STR(err, want);
    CHECK(access(path, F_OK) < 0);
    CHECK(db_open_read("/nonexistent-wasmlab/x.db", err, sizeof err) == NULL);
    CHECK(strstr(err, "folder /nonexistent-wasmlab does not exist") != NULL);
    CHECK_INT(count_files(tmp), 0);
}

int main(void)
{
    char dir[] = "/tmp/wasmlab-test-db-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/r.db", dir);

    /* empty file -> newest schema */
    FILE *f = fopen(path, "w");
    fclose(f);
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return check_result();
    CHECK_INT(db_schema_version(db), db_migrations[db_migrations_count - 1].version);
    CHECK_INT(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                         "('runs','browsers','modules','loads','net_chunks','compile_events','page_marks')"), 7);
    CHECK_INT(scalar(db, "SELECT COUNT(*) FROM pragma_table_info('loads') WHERE name IN "
                         "('first_byte_to_compile_us','last_byte_to_compile_us','status','error')"), 4);
    CHECK_INT(scalar(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);

    int64_t run, br, br2, mod, mod2, load;
    struct db_run r = { "u-1", "2026-01-01T00:00:00.000Z", "h", "0", "wasmlab run", NULL };
    CHECK_INT(db_insert_run(db, &r, &run), 0);
    struct db_browser b = { .path = "/b", .kind = "headless_shell", .product = "P/1", .revision = "@x" };
    CHECK_INT(db_upsert_browser(db, &b, &br), 0);
    CHECK_INT(db_upsert_browser(db, &b, &br2), 0);
    CHECK_INT(br, br2);
    struct db_module m = { .name = "c/hello", .bytes = 10, .sha256 = "ab" };
    CHECK_INT(db_upsert_module(db, &m, &mod), 0);
    CHECK_INT(db_upsert_module(db, &m, &mod2), 0);
    CHECK_INT(mod, mod2);
    m.sha256 = "cd";   /* same name, other bytes: another row */
    CHECK_INT(db_upsert_module(db, &m, &mod2), 0);
    CHECK(mod != mod2);

    struct db_load l = {
        .run_id = run, .browser_id = br, .module_id = mod, .seq = 0, .api = "streaming",
        .status = "ok", .started_at = "t", .wall_ms = 1.5,
        .request_sent_us = 1, .response_received_us = 2, .last_byte_us = 3,
        .stream_start_us = DB_NULL, .compile_finished_us = 5, .load_end_us = 6,
        .bytes_received = 10, .chunk_count = 1, .first_byte_to_compile_us = 3,
        .last_byte_to_compile_us = 2, .page_compile_ms = 0.0 / 0.0,
        .trace_bytes = 100, .trace_events = 2, .trace_data_loss = 0, .renderer_pid = DB_NULL,
    };
    CHECK_INT(db_begin(db), 0);
    CHECK_INT(db_insert_load(db, &l, &load), 0);
    CHECK_INT(db_insert_chunk(db, load, 0, 3, 10, "wasm.OnBytesReceived"), 0);
    CHECK_INT(db_insert_compile_event(db, load, 0, "wasm.X", "v8.wasm", 'X', 4, -1, 1, 1, ""), 0);
    CHECK_INT(db_insert_mark(db, load, "wasmlab:done", 1.0, 6), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(scalar(db, "SELECT stream_start_us FROM loads"), -999);
    CHECK_INT(scalar(db, "SELECT page_compile_ms FROM loads"), -999);
    CHECK_INT(scalar(db, "SELECT condition = 'default' FROM loads"), 1);
    CHECK_INT(scalar(db, "SELECT dur_us FROM compile_events"), -999);

    /* a failed transaction leaves nothing behind */
    CHECK_INT(db_begin(db), 0);
    int64_t load2;
    CHECK_INT(db_insert_load(db, &l, &load2), 0);
    CHECK_INT(db_insert_chunk(db, load2, 0, 3, 10, "x"), 0);
    CHECK_INT(db_insert_chunk(db, load2, 0, 3, 10, "x"), -1);  /* duplicate key */
    CHECK(strstr(db_errmsg(db), "UNIQUE") != NULL);
    CHECK(strstr(db_errmsg(db), path) != NULL);
    db_rollback(db);
    CHECK_INT(scalar(db, "SELECT COUNT(*) FROM loads"), 1);
    db_close(db);

    /* reopening migrates nothing and keeps the data */
    db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    CHECK_INT(scalar(db, "SELECT COUNT(*) FROM loads"), 1);
    /* a DB from a newer wasmlab is refused, untouched */
    db_exec(db, "PRAGMA user_version = 9999");
    db_close(db);
    db = db_open(path, err, sizeof err);
    CHECK(db == NULL);
    CHECK(strstr(err, "newer than this wasmlab") != NULL);

    /* not a database: refused and not overwritten */
    char junk[256];
    snprintf(junk, sizeof junk, "%s/junk.db", dir);
    f = fopen(junk, "w");
    fputs("this is not sqlite, keep me\n", f);
    fclose(f);
    CHECK(db_open(junk, err, sizeof err) == NULL);
    CHECK(strstr(err, junk) != NULL);
    f = fopen(junk, "r");
    char line[64] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK_STR(line, "this is not sqlite, keep me\n");

    /* a folder that does not exist */
    CHECK(db_open("/nonexistent-wasmlab/x.db", err, sizeof err) == NULL);
    CHECK(strstr(err, "folder /nonexistent-wasmlab does not exist") != NULL);

    test_open_read(dir);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    return check_result();
}
