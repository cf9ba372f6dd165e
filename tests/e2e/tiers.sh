#!/usr/bin/env bash
# Issue 11, V8 tiers, on real headless Chromium 156 and c/hello (~35 s): each
# tier condition runs in its own browser with its own flags (recorded per
# load: pid, tier, the joined --js-flags, the browser's flags) and shows its
# tier's compile work in the trace: liftoff-only Liftoff > 0 and TurboFan 0,
# turbofan-only the reverse (V8 then compiles every function with TurboFan
# on its first call: all of it lazy), eager no lazy work; the first export
# returns after the compile; compare reads the tier metrics. Bad input (an
# unknown tier, malformed flags, browser flags that stop the browser from
# starting) is one line naming the value, exit 2, before anything runs.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/tiers.db

cat >"$TMP/tiers.json" <<'JSON'
{"name": "tiers-test", "browsers": ["headless-shell"], "modules": ["c/hello"],
 "browser_args": ["--js-flags=--no-wasm-native-module-cache"],
 "conditions": [{"name": "liftoff-only", "v8": "liftoff-only"},
                {"name": "turbofan-only", "v8": "turbofan-only"},
                {"name": "eager", "v8": "eager", "js_flags": "--wasm-num-compilation-tasks=2"}],
 "loads": 1}
JSON
rc=0
"$WASMLAB" sweep "$TMP/tiers.json" --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
check "sweep exits 0 (stderr: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "3 ok loads" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE status = 'ok'")" -eq 3

# The flags: browser_args' V8 flags first, then the tier's, then the
# condition's own, in ONE --js-flags switch (Chromium keeps only the last).
flags() { q "$DB" "SELECT ifnull(js_flags, 'NULL') || '|' || v8_tier || '|' || browser_flags
                   FROM loads WHERE condition = '$1'"; }
check "liftoff-only: --liftoff-only after them" test "$(flags liftoff-only)" = \
  '--no-wasm-native-module-cache --liftoff-only|liftoff-only|["--js-flags=--no-wasm-native-module-cache --liftoff-only"]'
check "turbofan-only: --no-liftoff --no-wasm-tier-up" test "$(flags turbofan-only)" = \
  '--no-wasm-native-module-cache --no-liftoff --no-wasm-tier-up|turbofan-only|["--js-flags=--no-wasm-native-module-cache --no-liftoff --no-wasm-tier-up"]'
check "eager: the tier's flag, then the condition's" test "$(flags eager)" = \
  '--no-wasm-native-module-cache --no-wasm-lazy-compilation --wasm-num-compilation-tasks=2|eager|["--js-flags=--no-wasm-native-module-cache --no-wasm-lazy-compilation --wasm-num-compilation-tasks=2"]'
check "each flag set served by its own browser process" test "$(q "$DB" "
  SELECT COUNT(DISTINCT browser_pid) FROM loads WHERE browser_pid > 0")" -eq 3
check "no browser process is a renderer of a load" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads WHERE browser_pid = renderer_pid")" -eq 0

tiers() { q "$DB" "SELECT compile_liftoff_us > 0, compile_turbofan_us > 0, compile_lazy_us > 0,
                          compile_tierup_us FROM loads WHERE condition = '$1'"; }
# liftoff-only: Liftoff only, lazily on first call (lazy compilation is V8's
# default); turbofan-only: TurboFan only, all of it lazy; eager: Liftoff in
# the background before the compile finishes, nothing on first call.
check "liftoff-only: Liftoff > 0, TurboFan 0, lazy, no tier-up" test "$(tiers liftoff-only)" = "1|0|1|0"
check "turbofan-only: TurboFan > 0, Liftoff 0, lazy, no tier-up" test "$(tiers turbofan-only)" = "0|1|1|0"
check "eager: Liftoff > 0, no lazy work" test "$(q "$DB" "
  SELECT compile_liftoff_us > 0 AND compile_lazy_us = 0 FROM loads WHERE condition = 'eager'")" = 1
check "turbofan-only: every TurboFan microsecond was a first-call compile" test "$(q "$DB" "
  SELECT compile_lazy_us = compile_turbofan_us FROM loads WHERE condition = 'turbofan-only'")" = 1
check "lazy compile work is the stored wasm.CompileLazy slices (one thread, in the window)" \
  test "$(q "$DB" "
  SELECT COUNT(*) FROM loads l WHERE l.compile_lazy_us = (
    SELECT ifnull(SUM(MIN(e.ts_us + e.dur_us, l.load_end_us) - e.ts_us), 0) FROM compile_events e
    WHERE e.load_id = l.id AND e.name = 'wasm.CompileLazy' AND e.phase = 'X')")" -eq 3
check "the first export returns after the compile, on the trace clock" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads WHERE first_export_us > first_byte_to_compile_us
    AND first_export_return_us = response_received_us + first_export_us
    AND first_export_return_us <= load_end_us")" -eq 3

# Where users look: compare slices by condition and reads the tier metrics.
rc=0
"$WASMLAB" compare --db "$DB" --baseline condition:liftoff-only --candidate condition:turbofan-only \
  --metric compile_turbofan >"$TMP/cmp" 2>"$TMP/err" || rc=$?
check "compare --metric compile_turbofan runs (rc $rc: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "compare names the metric" grep -q "compile_turbofan" "$TMP/cmp"
expect_usage compare "--metric compile_bogus" "$WASMLAB" compare --db "$DB" \
  --baseline condition:eager --candidate condition:liftoff-only --metric compile_bogus

# Bad input, each before anything runs.
expect_usage run "--v8 sparkplug: unknown tier" "$WASMLAB" run --v8 sparkplug --db "$TMP/bad.db"
expect_usage run "--js-flags liftoff: every V8 flag must start with '-'" \
  "$WASMLAB" run --js-flags "liftoff" --db "$TMP/bad.db"
cat >"$TMP/bad-tier.json" <<'JSON'
{"name": "bad", "browsers": ["headless-shell"], "modules": ["c/hello"],
 "conditions": [{"name": "x", "v8": "turbo"}]}
JSON
expect_fail 2 '"conditions"[0].v8: unknown tier turbo' "$WASMLAB" sweep "$TMP/bad-tier.json" \
  --db "$TMP/bad.db"
cat >"$TMP/bad-flags.json" <<'JSON'
{"name": "bad", "browsers": ["headless-shell"], "modules": ["c/hello"],
 "conditions": [{"name": "x", "js_flags": "--liftoff \"--x\""}]}
JSON
expect_fail 2 '"conditions"[0].js_flags' "$WASMLAB" sweep "$TMP/bad-flags.json" --db "$TMP/bad.db"
check "nothing stored for bad tiers or flags" test ! -e "$TMP/bad.db"
# --version makes the browser print its version and exit: every flag set is
# launched once before any load, and a set that stops a browser the bare
# executable starts is bad input naming the flags.
expect_fail 2 'browser flags ["--version"] (condition default) stop' \
  "$WASMLAB" run --module c/hello --loads 1 --browser-arg=--version --db "$TMP/bad2.db"
check "no run stored when a flag set does not start" test "$(q "$TMP/bad2.db" \
  "SELECT COUNT(*) FROM runs")" -eq 0

finish
