-- Code cache (issue 11): each load's cache condition and what V8's wasm code
-- cache did in it, from Blink's trace events (collector/trace/extract.h,
-- docs/code-cache.md). NULL on loads stored before this migration: they were
-- all cold (fresh off-the-record context, Cache-Control: no-store).
ALTER TABLE loads ADD COLUMN cache TEXT;                        -- 'cold' | 'warm'
ALTER TABLE loads ADD COLUMN code_cache_hit INTEGER;            -- v8.wasm.moduleCacheHit events
ALTER TABLE loads ADD COLUMN code_cache_consumed_bytes INTEGER; -- its consumedCacheSize
ALTER TABLE loads ADD COLUMN code_cache_invalid INTEGER;        -- moduleCacheInvalid(Digest) events
ALTER TABLE loads ADD COLUMN code_cache_compiled INTEGER;       -- v8.wasm.compiledModule events
ALTER TABLE loads ADD COLUMN code_cache_produced INTEGER;       -- v8.wasm.cachedModule events
ALTER TABLE loads ADD COLUMN code_cache_produced_bytes INTEGER; -- largest producedCacheSize
-- A warm load's priming loads (run before it in the same profile, not stored):
ALTER TABLE loads ADD COLUMN cache_primes INTEGER;              -- how many ran
ALTER TABLE loads ADD COLUMN cache_primed_by INTEGER;           -- the one that produced the entry (1-based), NULL none
ALTER TABLE loads ADD COLUMN cache_prime_bytes INTEGER;         -- its producedCacheSize
ALTER TABLE loads ADD COLUMN cache_prime_after_us INTEGER;      -- its cachedModule - its compile finished
