-- Batched tracing (run/sweep --batch N, issue 12): one tracing session holds
-- up to N loads, each in its own new renderer, split by navigation time
-- (collector/measure/load.h). The batch's trace is stored once, with the
-- first stored load of the batch; the others point at that load. NULL for
-- loads traced one by one (and for loads stored before this migration).
ALTER TABLE load_host ADD COLUMN batch_size INTEGER;     -- loads in its tracing session
ALTER TABLE load_host ADD COLUMN batch_index INTEGER;    -- its place there, 0-based
ALTER TABLE load_host ADD COLUMN trace_load_id INTEGER;  -- the load whose load_traces row holds its events
