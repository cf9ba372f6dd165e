-- Sweeps: which experiment a run ran (wasmlab sweep/nightly), so a nightly
-- can find the previous run of the same experiment; and a lookup index for
-- resuming (loads per configuration).
ALTER TABLE runs ADD COLUMN experiment TEXT;   -- experiment name, NULL for wasmlab run
CREATE INDEX loads_by_config ON loads (run_id, browser_id, module_id, api, condition);
