-- Each load's raw trace, as Chrome streamed it (Chrome's JSON trace format),
-- gzip-compressed: `wasmlab export trace` writes it back out for Perfetto UI or
-- chrome://tracing, and it lets extraction be re-run on stored loads.
CREATE TABLE load_traces (
  load_id   INTEGER PRIMARY KEY REFERENCES loads(id) ON DELETE CASCADE,
  format    TEXT NOT NULL,      -- 'chrome-json'
  encoding  TEXT NOT NULL,      -- 'gzip'
  raw_bytes INTEGER NOT NULL,   -- size before compression
  data      BLOB NOT NULL
);
