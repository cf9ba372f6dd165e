/* loads: one load and everything measured about it, written and read back.
 *
 * A load is written whole or not at all: db_store_load puts the loads row,
 * its chunks, compile events, marks, GC pauses, long tasks, allocator
 * histograms and its raw trace in ONE transaction, and returns the new id.
 * Callers describe the load with the plain structs below (db/ knows nothing
 * of traces or pages); every pointer is borrowed for the call only.
 *
 * Errors: 0 on success, -1 on failure with db_errmsg(db) saying why. */
#ifndef WASMLAB_DB_LOADS_H
#define WASMLAB_DB_LOADS_H

#include <stddef.h>
#include <stdint.h>

#include "db/code_cache.h"
#include "db/db.h"

struct db_chunk {
    int64_t ts_us, bytes;
};

struct db_compile_event {
    const char *name, *category;
    char phase;                    /* 'X', 'B', 'I', ...; 0 stored as '?' */
    int64_t ts_us, dur_us;         /* dur_us < 0: none */
    int64_t pid, tid;
    const char *compile_id;        /* NULL or "" = none */
};

struct db_mark {
    const char *name;
    double page_ms;                /* NaN: unknown */
    int64_t ts_us;                 /* DB_NULL: not in the trace */
};

struct db_long_task {
    int64_t start_us, dur_us;
    const char *name;
};

struct db_alloc_histogram {
    const char *op;                /* "malloc" | "free" */
    int64_t sample_every;          /* DB_NULL: unknown */
    int64_t samples, sum_ns, max_ns, clock_res_ns;
    const char *buckets_json;      /* JSON array of log2 bucket counts */
};

/* The load's raw trace: from memory (data, len), or, when data is NULL, the
 * first len bytes of the file fd (read with pread in pieces, so a big trace is
 * stored in bounded memory; the fd is not closed). */
struct db_trace_blob {
    const char *format;            /* "chrome-json" */
    const char *encoding;          /* "gzip" */
    int64_t raw_bytes;             /* size before encoding */
    const void *data;
    size_t len;
    int fd;
};

/* The load's compile phases (migration 008; meanings in db/README.md, one
 * definition of each in collector/trace/extract.h). Integers DB_NULL and NaN
 * reals store NULL; strings are borrowed, NULL stores NULL. */
struct db_load_phases {
    int64_t compile_start_us;
    const char *compile_start_event;
    int64_t instantiate_end_us;
    const char *instantiate_end_source;
    int64_t first_output_us, startup_us;
    int64_t compile_work_us, overlap_us;
    double compile_before_last_byte_pct;
};

/* How the load's module was served (migration 007). */
struct db_network {
    const char *profile;           /* "lan", "4g", "custom", ... */
    int64_t bandwidth;             /* bytes/s; <= 0 stored as NULL (unshaped) */
    int64_t latency_ms, chunk;
    const char *encoding;          /* "identity" | "gzip" | "br" */
    const char *shaper;            /* "server" | "cdp" */
    int64_t encoded_bytes;         /* DB_NULL: unknown */
};

/* Which browser served the load, with which flags, and its compile work by
 * tier (migration 010; meanings in db/README.md, definitions in
 * collector/trace/tiers.h). Integers DB_NULL store NULL; strings are
 * borrowed, NULL stores NULL. */
struct db_load_tiers {
    int64_t browser_pid;
    const char *v8_tier, *js_flags, *browser_flags;
    int64_t liftoff_us, turbofan_us, lazy_us, tierup_us;
    int64_t first_export_return_us, first_export_us;
};

/* The load's isolation and host interference (migration 013, load_host;
 * meanings in db/README.md). Integers DB_NULL and NaN reals store NULL. */
struct db_load_host {
    int64_t renderer_pid, renderer_pid_new;
    int64_t from_cache, from_service_worker, encoded_data_length;
    int64_t code_cache_events, other_renderers, other_renderer_events, documents;
    const char *isolation;
    double window_ms;
    int64_t host_cpus;
    double host_busy_ms, own_cpu_ms, other_cpu_ms, other_share;
    int64_t noisy;
    /* migration 015: batched tracing; DB_NULL = traced alone */
    int64_t batch_size, batch_index, trace_load_id;
    const char *trace_format;   /* migration 016: "json", "proto"; NULL: no trace read */
};

/* Everything of one load. Array elements are stored in order; each table's
 * seq is the element's index. */
struct db_load_record {
    struct db_load load;
    const char *chunk_source;      /* net_chunks.source of every chunk */
    const struct db_chunk *chunks;
    size_t n_chunks;
    const struct db_compile_event *events;
    size_t n_events;
    const struct db_mark *marks;
    size_t n_marks;
    const struct db_gc_pause *gc_pauses;
    size_t n_gc_pauses;
    const struct db_long_task *long_tasks;
    size_t n_long_tasks;
    const struct db_alloc_histogram *hists;
    size_t n_hists;
    const struct db_trace_blob *trace;   /* NULL: no trace kept */
    const struct db_load_phases *phases; /* NULL: all NULL */
    const struct db_network *network;    /* NULL: columns stay NULL */
    const struct db_load_tiers *tiers;   /* NULL: columns stay NULL */
    const struct db_load_host *host;     /* NULL: no load_host row */
    const struct db_chunk *sends;        /* chunk_sends rows (server writes) */
    size_t n_sends;
    const struct db_code_cache *code_cache;   /* migration 011; NULL: columns stay NULL */
};

/* Writes the whole record in one transaction and sets *load_id to the new
 * loads.id. On failure nothing of the load is stored (rolled back). Must not
 * be called inside a transaction of the caller's. */
int db_store_load(struct db *db, const struct db_load_record *r, int64_t *load_id);

/* 1 when loads.id = load_id exists, 0 when not, -1 on a DB error. */
int db_load_exists(struct db *db, int64_t load_id);

/* 1 when module `name` has at least one load, 0 when not, -1 on error. */
int db_module_has_loads(struct db *db, const char *name);

/* One configuration of a run: what identifies its loads. */
struct db_config {
    int64_t run_id, browser_id, module_id;
    const char *api;
    const char *condition;         /* NULL = "default" */
};

/* The ok loads' first_byte_to_compile of cfg, in ms, in load order: a new
 * array in *ms (free it) of *n values. Returns 0 or -1 (*ms NULL, *n 0). */
int db_config_first_byte_ms(struct db *db, const struct db_config *cfg, double **ms, size_t *n);

#endif
