-- The WASI census (wasmlab wasi): which WASI calls work under which runtime.
-- A census run (wasi_runs) holds one outcome per (browser or Node, runtime,
-- module) and, under each, one row per WASI call the module made through
-- the logging wrapper (pages/wasi-log.js) and one per `wasi-step` line the
-- probe printed (what the program saw through its language's own API).
CREATE TABLE wasi_runs (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  command TEXT
);
CREATE TABLE wasi_outcomes (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES wasi_runs(id),
  host TEXT NOT NULL,            -- Browser.getVersion's product, or "node v20.x"
  runtime TEXT NOT NULL,         -- wasmlab | browser_wasi_shim | wasmer | node
  module TEXT NOT NULL,          -- manifest name, or file:NAME@HASH8
  language TEXT,                 -- c | go | NULL (an outside file)
  status TEXT NOT NULL,          -- ok | exit | trapped | not_provided | timeout | crashed | error
  exit_code INTEGER,             -- proc_exit's code (or start()'s), NULL when none
  trapped INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  reason TEXT,                   -- one line: why, for anything but ok
  imports TEXT,                  -- JSON array: the WASI functions the module imports
  missing TEXT,                  -- JSON array: those the runtime did not provide
  stdout_bytes INTEGER,          -- all bytes written to fd 1
  stdout TEXT,                   -- the first 64 KiB of them
  stderr_bytes INTEGER,          -- all bytes written to fd 2
  stderr TEXT,                   -- the first 64 KiB of them (Go's fatal errors land here)
  calls_recorded INTEGER,
  calls_dropped INTEGER,         -- past the wrapper's cap (counted, not stored)
  wall_ms REAL
);
CREATE INDEX wasi_outcomes_run ON wasi_outcomes(run_id);
CREATE TABLE wasi_calls (
  outcome_id INTEGER NOT NULL REFERENCES wasi_outcomes(id),
  seq INTEGER NOT NULL,          -- call order within the outcome, from 1
  fn TEXT NOT NULL,
  args TEXT,                     -- short summary: fd=, path=, clock=, ...
  errno INTEGER,                 -- what the wasm code got back; NULL when none
  result TEXT NOT NULL,          -- ok | errno name | trapped | exit | not-provided
  us REAL,                       -- time in the shim, µs
  step TEXT,                     -- the probe step it belongs to (wasi-step), or NULL
  PRIMARY KEY (outcome_id, seq)
);
CREATE TABLE wasi_steps (
  outcome_id INTEGER NOT NULL REFERENCES wasi_outcomes(id),
  idx INTEGER NOT NULL,
  step TEXT NOT NULL,
  result TEXT NOT NULL,          -- ok, an errno symbol (C) or err (Go)
  detail TEXT,
  PRIMARY KEY (outcome_id, idx)
);
