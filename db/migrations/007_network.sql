-- Network conditions (issue 11, docs/network.md): how each load's module was
-- served. NULL on loads stored before this migration (served unshaped over
-- loopback, identity, 64 KiB writes: what 'lan' means now).
ALTER TABLE loads ADD COLUMN net_profile TEXT;           -- 'lan', '4g', ..., 'custom'
ALTER TABLE loads ADD COLUMN net_bandwidth INTEGER;      -- bytes/s; NULL = unshaped
ALTER TABLE loads ADD COLUMN net_latency_ms INTEGER;     -- added before the first byte
ALTER TABLE loads ADD COLUMN net_chunk INTEGER;          -- bytes per paced write
ALTER TABLE loads ADD COLUMN net_encoding TEXT;          -- identity | gzip | br
ALTER TABLE loads ADD COLUMN net_shaper TEXT;            -- server | cdp
ALTER TABLE loads ADD COLUMN net_encoded_bytes INTEGER;  -- body bytes on the wire (Content-Length)

-- When wasmlab's server handed each .wasm body write to the kernel, on the
-- trace clock (CLOCK_MONOTONIC µs, as Chrome's trace ts on Linux), beside
-- net_chunks' receive times.
CREATE TABLE chunk_sends (
  load_id INTEGER NOT NULL REFERENCES loads(id),
  seq     INTEGER NOT NULL,
  ts_us   INTEGER NOT NULL,
  bytes   INTEGER NOT NULL,
  PRIMARY KEY (load_id, seq)
);
