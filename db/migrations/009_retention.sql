-- Trace retention: which traces a run kept (wasmlab run/sweep --keep-traces).
-- 'all', 'failed', 'sample:N' or 'none'; NULL for runs written before this
-- migration, which kept every trace. A load's trace was kept when its
-- load_traces row is present (wasmlab prune may remove it later).
ALTER TABLE runs ADD COLUMN keep_traces TEXT;
