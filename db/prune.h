/* prune: which loads keep their raw trace (load_traces), as a rule a run
 * stores loads by (--keep-traces) and as a rule `wasmlab prune` deletes
 * stored traces by. Only load_traces rows are ever deleted here: loads and
 * every measurement stay.
 *
 * Rules: all, failed (failed loads' traces only), sample:N (failed loads' and
 * every Nth ok load's: seq % N == 0, deterministic), none.
 *
 * Errors: functions returning int give 0 on success, -1 with db_errmsg(db). */
#ifndef WASMLAB_DB_PRUNE_H
#define WASMLAB_DB_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum db_keep_kind { DB_KEEP_ALL, DB_KEEP_FAILED, DB_KEEP_SAMPLE, DB_KEEP_NONE };

struct db_keep_rule {
    enum db_keep_kind kind;
    int64_t every;                 /* sample:N: N (1..1000000); else 0 */
};

/* Parses "all", "failed", "sample:N" or "none". 0, or -1 on anything else
 * (*rule untouched). */
int db_keep_rule_parse(const char *text, struct db_keep_rule *rule);

/* The rule as text ("sample:10") into buf (at least 32 bytes). */
void db_keep_rule_format(const struct db_keep_rule *rule, char *buf, size_t len);

/* Whether a load with this outcome and seq keeps its trace under the rule. */
bool db_keep_rule_keeps(const struct db_keep_rule *rule, bool ok, int64_t seq);

/* Records the rule run_id stored its loads by (runs.keep_traces). */
int db_run_set_keep_traces(struct db *db, int64_t run_id, const struct db_keep_rule *rule);

/* Which stored traces a prune looks at; every given field must match. */
struct db_prune_scope {
    int64_t run_id;                /* <= 0: any run */
    const char *experiment;        /* NULL: any */
    double older_than_days;        /* < 0: any age; else runs started before now - days */
};

struct db_prune_result {
    int64_t traces;                /* load_traces rows removed (or that would be) */
    int64_t bytes;                 /* their stored (compressed) bytes */
};

/* Deletes, in one transaction, the traces in scope that the rule does not
 * keep, and counts them in *out. dry_run: only counts. A DB locked by a
 * writer is waited for (the handle's busy timeout); on any error nothing is
 * deleted. Must not be called inside a transaction of the caller's. */
int db_prune_traces(struct db *db, const struct db_prune_scope *scope,
                    const struct db_keep_rule *rule, bool dry_run, struct db_prune_result *out);

/* Gives the freed pages back to the file system: VACUUM (the file shrinks).
 * Outside any transaction. */
int db_reclaim_space(struct db *db);

/* 1 when some run has experiment = name, 0 when not, -1 on error. */
int db_experiment_exists(struct db *db, const char *name);

/* The file's size in bytes as SQLite sees it (page_count * page_size), or -1. */
int64_t db_file_bytes(struct db *db);

#endif
