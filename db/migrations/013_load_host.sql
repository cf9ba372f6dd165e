-- Issue 12: each load's isolation, as its trace shows it, and the CPU time
-- the rest of the host took during its measured window (Page.navigate to
-- the harness's report). One row per live load stored after this migration;
-- none for imported traces or older loads. Definitions:
-- collector/trace/isolation.h and base/host_cpu.h; meanings: db/README.md.
-- Observations, not verdicts on the load: a warm code-cache load shows its
-- cache hit here and stays a good load.
CREATE TABLE load_host (
  load_id               INTEGER PRIMARY KEY REFERENCES loads(id) ON DELETE CASCADE,
  renderer_pid          INTEGER,   -- the module request's renderer (trace pid)
  renderer_pid_new      INTEGER,   -- 1: no earlier load of the browser used it
  from_cache            INTEGER,   -- module response: ResourceReceiveResponse fromCache
  from_service_worker   INTEGER,   -- ... fromServiceWorker
  encoded_data_length   INTEGER,   -- ResourceFinish: bytes on the wire
  code_cache_events     INTEGER,   -- v8.wasm.moduleCacheHit / wasm.Deserialize on the renderer
  other_renderers       INTEGER,   -- other Renderer processes in the trace (an idle spare is usual)
  other_renderer_events INTEGER,   -- their events other than metadata and RunTask (0: idle)
  documents             INTEGER,   -- Document requests in the trace (1: the harness)
  isolation             TEXT,      -- 'isolated' or what broke it: 'pid_reused,from_cache,...'
  window_ms             REAL,      -- the measured window, wall time
  host_cpus             INTEGER,
  host_busy_ms          REAL,      -- all CPUs' non-idle time in the window (/proc/stat)
  own_cpu_ms            REAL,      -- the browser's process group + wasmlab
  other_cpu_ms          REAL,      -- host_busy_ms - own_cpu_ms, at least 0
  other_share           REAL,      -- other_cpu_ms / (window_ms * host_cpus)
  noisy                 INTEGER    -- other_share > 0.25 (base/host_cpu.h)
);
