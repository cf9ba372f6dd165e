/* read_pauses: GC pauses (gc_pauses), the workload window they are counted
 * in, and the C allocator's latency histograms (alloc_histograms).
 *
 * The workload window of an ok load, on the trace clock: from
 * wasmlab:run-start (or, with no run, jschurn-start / compiled) to the last
 * of wasmlab:run-end and wasmlab:jschurn-end. It has this one definition,
 * used by `report gc` and `plot pauses` alike.
 *
 * Errors: 0 on success, -1 on a failed query (db_read_error says why);
 * arrays handed out are the caller's to free(). Older DBs have no gc_pauses
 * table: check db_has_table first. */
#ifndef WASMLAB_DB_READ_PAUSES_H
#define WASMLAB_DB_READ_PAUSES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/read_runs.h"

/* The load's workload window; t0/t1 are DB_NULL when a mark is missing. */
int db_read_workload_window(struct db *db, int64_t load_id, int64_t *t0_us, int64_t *t1_us);

/* One pause (is_pause = 1, with a duration). */
struct db_pause {
    char source[8];                /* "v8" | "go" */
    char kind[40];                 /* "minor", "major", "incremental...", ... */
    int64_t start_us, dur_us;      /* start_us DB_NULL when unknown */
};
/* The load's pauses, by start time. */
int db_read_load_pauses(struct db *db, int64_t load_id, struct db_pause **rows, size_t *n);
/* The load's Go GC cycles' main-thread time (source "go", kind "cycle-cpu",
 * not pauses: the cycle's GC work, drawn as [end - time, end]), by start. */
int db_read_load_go_cycles(struct db *db, int64_t load_id, struct db_pause **rows, size_t *n);

/* The run's load with the most pauses (ok loads first), with its module
 * name; 0 when the run has no pauses. */
int64_t db_read_busiest_pause_load(struct db *db, int64_t run_id, char *module, size_t len);

/* A pause inside its load's workload window, with the load's group. */
struct db_window_pause {
    char module[256], condition[120], product[160], kind[32], api[32];
    char source[8];                /* "v8", "go" (STW) or "go-cpu" (a cycle's main-thread time) */
    int64_t dur_us;
    int64_t group_first_load;      /* the group's (module, condition, browser, api) first load id */
    int64_t load_id;
};
/* The scope's ok loads' pauses inside their workload windows, and Go's GC
 * cycles' main-thread times (source "go-cpu"), ordered by group (its first
 * load), source, duration. */
int db_read_window_pauses(struct db *db, const struct db_scope *scope,
                          struct db_window_pause **rows, size_t *n);

/* ---- report gc ---- */

/* The ok loads of one run with a workload window, grouped by module,
 * browser, workload arguments and condition. */
struct db_gc_group {
    int64_t module_id, browser_id, js_churn_mb;   /* js_churn_mb 0 = none */
    char args[256];                               /* "" = none */
    char module[256], language[16], product[160], kind[32], condition[120];
    int64_t loads;
    double workload_us;                           /* the windows' total length */
};
/* In order of the groups' first load. */
int db_read_gc_groups(struct db *db, int64_t run_id, struct db_gc_group **rows, size_t *n);
/* The group's pauses of one source inside the loads' windows, in ms,
 * ascending. */
int db_read_gc_group_pauses(struct db *db, int64_t run_id, const struct db_gc_group *g,
                            const char *source, double **ms, size_t *n);
/* The group's Go GC cycles' main-thread time (rows source "go", kind
 * "cycle-cpu", is_pause 0) inside the loads' windows, in ms, ascending;
 * none in DBs written before they were recorded. */
int db_read_gc_group_cycle_cpu(struct db *db, int64_t run_id, const struct db_gc_group *g,
                               double **ms, size_t *n);
/* The same for any kind of Go row (source "go"): "gctrace-stw" and
 * "gctrace-clock" (GODEBUG=gctrace=1, per cycle) among them. */
int db_read_gc_group_go_kind(struct db *db, int64_t run_id, const struct db_gc_group *g,
                             const char *kind, double **ms, size_t *n);

/* ---- report alloc ---- */

#define DB_ALLOC_BUCKETS 65

/* One module x condition x browser x op of a run: its loads' histograms
 * summed. As modules/c/gc-churn.c writes them: bucket[0] counts samples of
 * 0 ns, bucket[i] those in [2^(i-1), 2^i) ns. */
struct db_alloc_group {
    char module[256], condition[120], product[160], kind[32], op[16];
    int64_t loads, samples, sum_ns, max_ns, sample_every, clock_res_ns;
    int64_t bucket[DB_ALLOC_BUCKETS];
    int n_buckets;                 /* the longest histogram seen */
    int bad_buckets;               /* loads whose log2_buckets did not parse */
};
/* The run's ok loads that have alloc_histograms rows, in order of the
 * groups' first load. */
int db_read_alloc_groups(struct db *db, int64_t run_id, struct db_alloc_group **rows,
                         size_t *n);

#endif
