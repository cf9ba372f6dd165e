-- wasmlab schema v1: runs, browsers, modules, loads and their per-load detail.
-- Timestamps named *_us are microseconds on the trace clock (Chrome's
-- TimeTicks, CLOCK_MONOTONIC on Linux); durations named *_us are µs.
-- Documented column by column in db/README.md; names are a public interface.

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  status          TEXT NOT NULL DEFAULT 'running',
  host            TEXT,
  wasmlab_version TEXT,
  command_line    TEXT
);

CREATE TABLE browsers (
  id               INTEGER PRIMARY KEY,
  path             TEXT NOT NULL,
  kind             TEXT NOT NULL,
  product          TEXT,
  revision         TEXT,
  v8_version       TEXT,
  user_agent       TEXT,
  protocol_version TEXT,
  UNIQUE (path, product, revision)
);

CREATE TABLE modules (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL,
  path              TEXT,
  language          TEXT,
  workload          TEXT,
  target            TEXT,
  toolchain         TEXT,
  toolchain_version TEXT,
  build_flags       TEXT,
  bytes             INTEGER NOT NULL,
  sha256            TEXT NOT NULL,
  UNIQUE (name, sha256)
);

CREATE TABLE loads (
  id                        INTEGER PRIMARY KEY,
  run_id                    INTEGER NOT NULL REFERENCES runs(id),
  browser_id                INTEGER NOT NULL REFERENCES browsers(id),
  module_id                 INTEGER NOT NULL REFERENCES modules(id),
  seq                       INTEGER NOT NULL,
  api                       TEXT NOT NULL,
  condition                 TEXT NOT NULL DEFAULT 'default',
  status                    TEXT NOT NULL,
  error                     TEXT,
  started_at                TEXT NOT NULL,
  wall_ms                   REAL,
  request_sent_us           INTEGER,
  response_received_us      INTEGER,
  last_byte_us              INTEGER,
  stream_start_us           INTEGER,
  compile_finished_us       INTEGER,
  compile_finished_event    TEXT,
  load_end_us               INTEGER,
  bytes_received            INTEGER,
  chunk_count               INTEGER,
  first_byte_to_compile_us  INTEGER,
  last_byte_to_compile_us   INTEGER,
  page_compile_ms           REAL,
  trace_bytes               INTEGER,
  trace_events              INTEGER,
  trace_data_loss           INTEGER,
  renderer_pid              INTEGER,
  page_output               TEXT
);
CREATE INDEX loads_by_run ON loads (run_id, module_id);

CREATE TABLE net_chunks (
  load_id  INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  ts_us    INTEGER NOT NULL,
  bytes    INTEGER NOT NULL,
  source   TEXT NOT NULL,
  PRIMARY KEY (load_id, seq)
);

CREATE TABLE compile_events (
  load_id  INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  name     TEXT NOT NULL,
  category TEXT,
  phase    TEXT NOT NULL,
  ts_us    INTEGER NOT NULL,
  dur_us   INTEGER,
  pid      INTEGER,
  tid      INTEGER,
  compile_id TEXT,
  PRIMARY KEY (load_id, seq)
);

CREATE TABLE page_marks (
  load_id  INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  page_ms  REAL,
  ts_us    INTEGER,
  PRIMARY KEY (load_id, name)
);
