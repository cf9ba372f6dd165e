#!/usr/bin/env bash
# Go's GC seen two ways in real headless Chromium: go/gc-churn --gctrace (the
# harness sets GODEBUG=gctrace=1) prints Go's own per-cycle trace on stderr
# next to its wasmlab-gc (MemStats STW) and wasmlab-gc-cpu (runtime/metrics)
# lines; the collector stores each gctrace cycle as "gctrace-clock" (A+B+C,
# the cycle's wall time) and "gctrace-stw" (A+C, its two STW phases) rows.
# Cross-checks that must hold on one thread (js/wasm):
#   - one gctrace cycle per MemStats cycle, same numbers;
#   - gctrace's STW sum holds MemStats' pause of the same cycle (within
#     gctrace's printing);
#   - gctrace's STW sum <= the cycle's main-thread GC time (cycle-cpu), and
#     never exceeds the cycle's wall time;
#   - report gc shows both new sources.
# One load, 8 MB, 10 rounds: bounded.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/gctrace.db
rc=0
"$WASMLAB" run --module go/gc-churn --args "--live-mb 8 --rounds 10 --gctrace" --loads 1 \
  --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
check "go/gc-churn --gctrace run exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0

n_stw=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND kind = 'stw'")
n_clock=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND kind = 'gctrace-clock' AND is_pause = 0 AND dur_us >= 0")
n_tstw=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND kind = 'gctrace-stw' AND is_pause = 0 AND dur_us >= 0")
check "gctrace cycles recorded ($n_clock; loads: $(q "$DB" "SELECT status || ' ' || IFNULL(error, '') FROM loads"); rows: $(q "$DB" "SELECT group_concat(kind || '=' || n, ' ') FROM (SELECT kind, COUNT(*) AS n FROM gc_pauses GROUP BY kind)"))" \
  test "$n_clock" -gt 0
check "one gctrace-clock and one gctrace-stw row per STW cycle ($n_clock, $n_tstw vs $n_stw)" \
  test "$n_clock" -eq "$n_stw" -a "$n_tstw" -eq "$n_stw"
J="FROM gc_pauses t JOIN gc_pauses s ON s.load_id = t.load_id AND s.gc_num = t.gc_num AND s.source = 'go'"
check "every gctrace cycle has the MemStats cycle of the same number" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses t LEFT JOIN gc_pauses s ON s.load_id = t.load_id AND s.gc_num = t.gc_num AND s.kind = 'stw' WHERE t.kind LIKE 'gctrace-%' AND s.seq IS NULL")" -eq 0
# gctrace truncates ms to 2-3 significant digits (10% or 0.1 ms). Its phases
# start before the world stops (tSweepTerm), so they hold the MemStats pause
# and sometimes more (measured: up to +17 ms under load), never less.
check "MemStats pause <= gctrace STW per cycle (within gctrace's rounding)" \
  test "$(q "$DB" "SELECT COUNT(*) $J AND s.kind = 'stw' WHERE t.kind = 'gctrace-stw' AND s.dur_us > t.dur_us + MAX(100, s.dur_us / 10)")" -eq 0
check "gctrace STW <= the cycle's main-thread GC time (cycle-cpu) per cycle" \
  test "$(q "$DB" "SELECT COUNT(*) $J AND s.kind = 'cycle-cpu' WHERE t.kind = 'gctrace-stw' AND t.dur_us > s.dur_us + MAX(100, s.dur_us / 10)")" -eq 0
check "gctrace STW <= the cycle's wall time per cycle" \
  test "$(q "$DB" "SELECT COUNT(*) $J AND s.kind = 'gctrace-clock' WHERE t.kind = 'gctrace-stw' AND t.dur_us > s.dur_us + 1")" -eq 0
check "gctrace-clock rows end where the cycle's STW pause ends (±1 µs)" \
  test "$(q "$DB" "SELECT COUNT(*) $J AND s.kind = 'stw' WHERE t.kind = 'gctrace-clock' AND ABS((t.start_us + t.dur_us) - (s.start_us + s.dur_us)) > 1")" -eq 0
check "gctrace heap sizes stored (before >= 1 MB)" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE kind LIKE 'gctrace-%' AND (heap_before IS NULL OR heap_after IS NULL)")" -eq 0

"$WASMLAB" report gc --db "$DB" --format csv >"$TMP/gc.csv" 2>"$TMP/err" || fail "report gc: $(cat "$TMP/err")"
for src in go go-cycle-cpu gctrace-stw gctrace-clock; do
  check "report gc has a $src row" grep -q ",$src," "$TMP/gc.csv"
done
gc_count() { awk -F, -v s="$1" '$6 == s { print $8 }' "$TMP/gc.csv"; }
check "report gc: as many gctrace cycles as STW pauses in the window" \
  test "$(gc_count gctrace-clock)" = "$(gc_count go)"
finish
