-- V8 tiers and where compile work goes (issue 11; docs/tiers.md). Which
-- browser process served each load and with which flags, and the load's
-- compile work split by tier. Definitions: collector/trace/tiers.h; meanings:
-- db/README.md. NULL on loads stored before this migration (they ran with
-- the browser's default tiers unless their run's command line says
-- otherwise) and wherever the trace lacks the events.
ALTER TABLE loads ADD COLUMN browser_pid INTEGER;          -- the browser's main process
ALTER TABLE loads ADD COLUMN v8_tier TEXT;                 -- default | liftoff-only | turbofan-only | eager | lazy
ALTER TABLE loads ADD COLUMN js_flags TEXT;                -- the one --js-flags value it ran with; NULL = none
ALTER TABLE loads ADD COLUMN browser_flags TEXT;           -- its extra flags, a JSON array
ALTER TABLE loads ADD COLUMN compile_liftoff_us INTEGER;   -- background Liftoff units
ALTER TABLE loads ADD COLUMN compile_turbofan_us INTEGER;  -- TurboFan units not caused by tier-up
ALTER TABLE loads ADD COLUMN compile_lazy_us INTEGER;      -- on-first-call compiles (any tier)
ALTER TABLE loads ADD COLUMN compile_tierup_us INTEGER;    -- TurboFan units after a tier-up trigger
ALTER TABLE loads ADD COLUMN first_export_return_us INTEGER; -- trace clock: the first export call returned
ALTER TABLE loads ADD COLUMN first_export_us INTEGER;      -- that - the first byte
