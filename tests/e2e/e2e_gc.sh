#!/usr/bin/env bash
# GC pauses on real parts: go/gc-churn and c/gc-churn (real toolchains) and a
# JS-heap churn in real headless Chromium 156; rows checked against the load
# windows, the report recomputed in SQL, and a lossy trace flagged.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/gc.db
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"

rc=0
"$WASMLAB" run --module go/gc-churn --module c/gc-churn --loads 2 --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
check "gc-churn run exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
W="WITH win AS (SELECT load_id,
      MAX(CASE WHEN name = 'wasmlab:run-start' THEN ts_us END) AS t0,
      MAX(CASE WHEN name = 'wasmlab:run-end' THEN ts_us END) AS t1
    FROM page_marks GROUP BY load_id)"

go_n=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses g JOIN loads l ON l.id = g.load_id JOIN modules m ON m.id = l.module_id WHERE m.name = 'go/gc-churn' AND g.source = 'go'")
check "Go pauses recorded ($go_n)" test "$go_n" -gt 0
check "every Go pause has a duration > 0" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND NOT (dur_us > 0 AND kind = 'stw' AND gc_num > 0)")" -eq 0
# Go's PauseEnd is Date-based (ms): placement is good to ~1 ms (page_clock.h).
check "Go pauses lie inside their load's run window (±1.5 ms)" \
  test "$(q "$DB" "$W SELECT COUNT(*) FROM gc_pauses g JOIN win ON win.load_id = g.load_id
                    WHERE g.source = 'go' AND NOT (g.start_us >= win.t0 - 1500 AND g.start_us + g.dur_us <= win.t1 + 1500)")" -eq 0
check "Go GC cycles numbered without gaps within a load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM (SELECT load_id, MAX(gc_num) - MIN(gc_num) + 1 AS span, COUNT(*) AS n FROM gc_pauses WHERE source = 'go' GROUP BY load_id) WHERE span <> n")" -eq 0
check "C's gc-churn has no Go pauses" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses g JOIN loads l ON l.id = g.load_id JOIN modules m ON m.id = l.module_id WHERE m.name = 'c/gc-churn' AND g.source = 'go'")" -eq 0
check "C's malloc/free latency histograms stored" \
  test "$(q "$DB" "SELECT COUNT(*) FROM alloc_histograms h JOIN loads l ON l.id = h.load_id JOIN modules m ON m.id = l.module_id WHERE m.name = 'c/gc-churn' AND samples > 0 AND op IN ('malloc','free')")" -eq 4
check "no trace data lost" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE trace_data_loss <> 0 OR status <> 'ok'")" -eq 0

# A page that churns the JS heap: V8's collector must show up, with heap sizes.
"$WASMLAB" run --module c/hello --js-churn 96 --loads 1 --db "$DB" -q >/dev/null 2>&1 || fail "js-churn run"
JL=$(q "$DB" "SELECT MAX(id) FROM loads")
check "V8 minor GCs with heap sizes in the JS-churn load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE load_id = $JL AND source = 'v8' AND kind = 'minor' AND dur_us > 0 AND heap_before > heap_after")" -gt 0
check "V8 major GC or incremental marking in the JS-churn load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE load_id = $JL AND source = 'v8' AND kind IN ('major', 'incremental_step', 'incremental_start')")" -gt 0
# (The trace covers the renderer until Tracing.end, so V8 may also collect
# before the module's request or after the done mark: the churn's own
# window is what must hold GCs, and what report gc counts.)
check "V8 scavenges fall inside the JS churn's window" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses g
                    JOIN page_marks s ON s.load_id = g.load_id AND s.name = 'wasmlab:jschurn-start'
                    JOIN page_marks e ON e.load_id = g.load_id AND e.name = 'wasmlab:jschurn-end'
                    WHERE g.load_id = $JL AND g.source = 'v8' AND g.kind = 'minor'
                      AND g.start_us BETWEEN s.ts_us AND e.ts_us")" -gt 0

# The report's numbers, recomputed from the rows in SQL (+ quantiles in Python).
"$WASMLAB" report gc --db "$DB" --run 1 --format json >"$TMP/report.json" || fail "report gc"
check "report gc matches SQL" python3 - "$DB" "$TMP/report.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = json.load(open(sys.argv[2]))
win = """WITH win AS (SELECT load_id,
   MAX(CASE WHEN name='wasmlab:run-start' THEN ts_us END) t0,
   MAX(CASE WHEN name IN ('wasmlab:run-end','wasmlab:jschurn-end') THEN ts_us END) t1
   FROM page_marks GROUP BY load_id)"""
def q7(v, p):
    h = (len(v) - 1) * p; lo = int(h)
    return v[lo] if lo + 1 >= len(v) else v[lo] + (h - lo) * (v[lo + 1] - v[lo])
ok = len(rows) == 3   # go/gc-churn: v8 + go; c/gc-churn: v8
for r in rows:
    durs = sorted(d / 1000 for (d,) in db.execute(win + """
        SELECT g.dur_us FROM gc_pauses g JOIN loads l ON l.id = g.load_id
        JOIN modules m ON m.id = l.module_id JOIN win ON win.load_id = l.id
        WHERE l.run_id = 1 AND m.name = ? AND g.source = ? AND g.is_pause = 1
          AND g.start_us BETWEEN win.t0 AND win.t1""", (r["module"], r["source"])))
    work = db.execute(win + """SELECT SUM(t1 - t0) FROM loads l JOIN modules m ON m.id = l.module_id
        JOIN win ON win.load_id = l.id WHERE l.run_id = 1 AND m.name = ?""", (r["module"],)).fetchone()[0]
    want = {"gc_count": len(durs), "total_pause_ms": sum(durs), "workload_ms": work / 1000}
    if durs:
        want.update(p50_ms=q7(durs, .5), p95_ms=q7(durs, .95), p99_ms=q7(durs, .99),
                    max_ms=durs[-1], paused_fraction=sum(durs) * 1000 / work,
                    pauses_per_s=len(durs) / (work / 1e6))
    for k, w in want.items():
        if abs(r[k] - w) > 1e-6 * max(1, abs(w)):
            print(r["module"], r["source"], k, "report", r[k], "sql", w, file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY

# A trace that overflows its buffer is flagged, not silently accepted.
rc=0
"$WASMLAB" run --module go/gc-churn --loads 1 --trace-buffer-kb 64 --db "$DB" -q >/dev/null 2>&1 || rc=$?
check "lossy trace: exit 3 (got $rc)" test "$rc" -eq 3
check "lossy trace stored as trace_data_loss" \
  test "$(q "$DB" "SELECT status || ':' || trace_data_loss FROM loads WHERE id = (SELECT MAX(id) FROM loads)")" = "trace_data_loss:1"
finish
