-- Auto-sampling (experiment "auto_sample"): for each pair of configurations
-- (the baseline browser vs another, same module/api/condition), why sampling
-- stopped: the bootstrap CI of the difference of medians got narrower than
-- the target ('ci_narrow'), a side reached max_loads ('max_loads'), or the
-- run was interrupted ('interrupted').
CREATE TABLE auto_sampling (
  run_id               INTEGER NOT NULL REFERENCES runs(id),
  module_id            INTEGER NOT NULL REFERENCES modules(id),
  api                  TEXT NOT NULL,
  condition            TEXT NOT NULL,
  baseline_browser_id  INTEGER NOT NULL REFERENCES browsers(id),
  candidate_browser_id INTEGER NOT NULL REFERENCES browsers(id),
  n_baseline           INTEGER NOT NULL,   -- ok loads when sampling stopped
  n_candidate          INTEGER NOT NULL,
  ci_low_ms            REAL,               -- 95% CI of median(candidate) - median(baseline)
  ci_high_ms           REAL,
  target_width_ms      REAL NOT NULL,
  stop_reason          TEXT NOT NULL,
  PRIMARY KEY (run_id, module_id, api, condition, baseline_browser_id, candidate_browser_id)
);
