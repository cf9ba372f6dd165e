-- GC pauses from both places they happen, long tasks, and C's allocator
-- latency; plus what a load was asked to do (args) and how full the trace
-- buffer got. Documented in db/README.md.

ALTER TABLE loads ADD COLUMN args TEXT;               -- the module's argv (JSON array)
ALTER TABLE loads ADD COLUMN js_churn_mb INTEGER;     -- harness JS-heap churn, MB live (NULL: none)
ALTER TABLE loads ADD COLUMN trace_buffer_pct REAL;   -- max Tracing.bufferUsage percentFull (0..100)

CREATE TABLE gc_pauses (
  load_id     INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  source      TEXT NOT NULL,        -- 'v8' (trace) | 'go' (Go runtime, via the harness)
  kind        TEXT NOT NULL,        -- v8: minor, major, incremental_step, ..., *_phase; go: stw
  name        TEXT,                 -- trace event name (v8) / 'runtime.MemStats' (go)
  is_pause    INTEGER NOT NULL,     -- 1: counts as a main-thread pause; 0: a phase inside one
  start_us    INTEGER NOT NULL,     -- trace clock
  dur_us      INTEGER,              -- NULL when the trace had no end for it
  heap_before INTEGER,              -- bytes (v8: usedHeapSizeBefore)
  heap_after  INTEGER,
  tid         INTEGER,
  gc_num      INTEGER,              -- go: the cycle number (NumGC)
  PRIMARY KEY (load_id, seq)
);
CREATE INDEX gc_pauses_by_source ON gc_pauses (source, kind);

CREATE TABLE long_tasks (
  load_id   INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  start_us  INTEGER NOT NULL,       -- trace clock
  dur_us    INTEGER NOT NULL,
  name      TEXT,                   -- PerformanceLongTaskTiming name ('self', ...)
  PRIMARY KEY (load_id, seq)
);

CREATE TABLE alloc_histograms (
  load_id      INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  op           TEXT NOT NULL,       -- 'malloc' | 'free'
  sample_every INTEGER,             -- every Nth call was timed
  samples      INTEGER,
  sum_ns       INTEGER,
  max_ns       INTEGER,
  clock_res_ns INTEGER,             -- the clock's resolution in the page
  log2_buckets TEXT NOT NULL,       -- JSON array: count of samples in [2^i, 2^(i+1)) ns
  PRIMARY KEY (load_id, op)
);
