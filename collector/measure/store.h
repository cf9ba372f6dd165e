/* store: writes one load and everything measured about it (chunks, compile
 * events, page marks, GC pauses, long tasks, allocator histograms, the raw
 * trace) in ONE transaction through db/loads.h: after a crash a load is either
 * all there or not there at all. This file only translates a load_outcome
 * (trace extraction, the page's report) into db/'s plain rows. */
#ifndef WASMLAB_STORE_H
#define WASMLAB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/measure/code_cache.h"
#include "collector/measure/load.h"
#include "collector/measure/network.h"
#include "db/db.h"

/* A compressed trace kept in a file rather than in the outcome (import-trace:
 * a big trace stays out of memory). Borrowed; the fd is not closed. */
struct load_trace_file {
    int fd;
    size_t gz_bytes;           /* the file's size: bytes stored */
    int64_t raw_bytes;         /* size before compression */
    const char *encoding;      /* "zstd", "gzip" (NULL = gzip) */
};

/* Where a load belongs: the rows it points at and how it was run. */
struct load_key {
    int64_t run_id, browser_id, module_id;
    int64_t seq;
    const char *api;
    const char *condition;     /* NULL = "default" */
    const char *started_at;
    const char *args_json;     /* the module's argv as run, NULL = none */
    int js_churn_mb;           /* 0 = none */
    /* import-trace: no page report, so the marks come from the trace alone
     * (page_ms unknown), and the trace from a file. NULL/false for live loads. */
    const struct load_trace_file *trace_file;
    bool marks_from_trace;
    /* how the module was served (loads.net_*); NULL = not recorded */
    const struct net_condition *net;
    /* the run's retention rule (--keep-traces) drops this load's trace:
     * everything else is stored, load_traces gets no row */
    bool drop_trace;
    /* the browser that served it and its flags (loads.browser_pid, v8_tier,
     * js_flags, browser_flags); DB_NULL/NULL = not recorded */
    int64_t browser_pid;
    const char *v8_tier, *js_flags, *browser_flags;
    /* the cache condition (loads.cache: "cold" | "warm"; NULL = not
     * recorded) and, for a warm load, what its priming loads did */
    const char *cache;
    const struct code_cache_prime *prime;
    /* batched (load.h): the load whose stored trace holds this load's
     * events (load_host.trace_load_id); 0 = its own or none */
    int64_t trace_load_id;
};

/* Inserts the runs row for this process: a new UUID (copied into uuid_out,
 * at least 37 bytes, when not NULL), the host and wasmlab's version beside
 * started_at (utc_iso8601), command_line and experiment (NULL for none).
 * Returns 0 or -1 (db_errmsg tells why). */
int store_run(struct db *db, const char *started_at, const char *command_line,
              const char *experiment, int64_t *run_id, char *uuid_out);

/* Stores the load and sets *load_id to its new loads.id. Returns 0, or -1
 * after a one-line warning (the transaction rolled back: nothing of the load
 * is stored). Not inside a transaction of the caller's. */
int store_load(struct db *db, const struct load_key *key, const struct load_outcome *o,
               int64_t *load_id);

#endif
