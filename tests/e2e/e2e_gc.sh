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

go_n=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses g JOIN loads l ON l.id = g.load_id JOIN modules m ON m.id = l.module_id WHERE m.name = 'go/gc-churn' AND g.source = 'go' AND g.kind = 'stw'")
check "Go pauses recorded ($go_n)" test "$go_n" -gt 0
check "every Go pause has a duration > 0" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND is_pause = 1 AND NOT (dur_us > 0 AND kind = 'stw' AND gc_num > 0)")" -eq 0
# Go's PauseEnd is Date-based (ms): placement is good to ~1 ms (page_clock.h).
check "Go pauses lie inside their load's run window (±1.5 ms)" \
  test "$(q "$DB" "$W SELECT COUNT(*) FROM gc_pauses g JOIN win ON win.load_id = g.load_id
                    WHERE g.source = 'go' AND NOT (g.start_us >= win.t0 - 1500 AND g.start_us + g.dur_us <= win.t1 + 1500)")" -eq 0
check "Go GC cycles numbered without gaps within a load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM (SELECT load_id, kind, MAX(gc_num) - MIN(gc_num) + 1 AS span, COUNT(*) AS n FROM gc_pauses WHERE source = 'go' GROUP BY load_id, kind) WHERE span <> n")" -eq 0
# Each cycle's main-thread GC time (runtime/metrics) next to its STW pause:
# one per STW cycle, the same cycle numbers, and never below the pause.
cpu_n=$(q "$DB" "SELECT COUNT(*) FROM gc_pauses WHERE source = 'go' AND kind = 'cycle-cpu' AND is_pause = 0 AND dur_us >= 0 AND gc_num > 0")
check "Go cycles' main-thread GC time recorded ($cpu_n)" test "$cpu_n" -gt 0
check "as many cycle-cpu rows as STW pauses ($cpu_n vs $go_n)" test "$cpu_n" -eq "$go_n"
check "each cycle-cpu row has the STW pause of the same cycle" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses c LEFT JOIN gc_pauses s ON s.load_id = c.load_id AND s.gc_num = c.gc_num AND s.source = 'go' AND s.kind = 'stw' WHERE c.kind = 'cycle-cpu' AND s.seq IS NULL")" -eq 0
check "each cycle's main-thread GC time >= its STW pause (±1 µs rounding)" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses c JOIN gc_pauses s ON s.load_id = c.load_id AND s.gc_num = c.gc_num AND s.source = 'go' AND s.kind = 'stw' WHERE c.kind = 'cycle-cpu' AND c.dur_us + 1 < s.dur_us")" -eq 0
check "cycle-cpu rows end where their STW pause ends (±1 µs)" \
  test "$(q "$DB" "SELECT COUNT(*) FROM gc_pauses c JOIN gc_pauses s ON s.load_id = c.load_id AND s.gc_num = c.gc_num AND s.source = 'go' AND s.kind = 'stw' WHERE c.kind = 'cycle-cpu' AND ABS((c.start_us + c.dur_us) - (s.start_us + s.dur_us)) > 1")" -eq 0
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
ok = len(rows) == 4   # go/gc-churn: v8 + go + go-cycle-cpu; c/gc-churn: v8
ok = ok and {r["source"] for r in rows if r["module"] == "go/gc-churn"} == {"v8", "go", "go-cycle-cpu"}
for r in rows:
    durs = sorted(d / 1000 for (d,) in db.execute(win + """
        SELECT g.dur_us FROM gc_pauses g JOIN loads l ON l.id = g.load_id
        JOIN modules m ON m.id = l.module_id JOIN win ON win.load_id = l.id
        WHERE l.run_id = 1 AND m.name = ? AND g.source = ?
          AND (CASE WHEN ? THEN g.kind = 'cycle-cpu' ELSE g.is_pause = 1 END)
          AND g.start_us BETWEEN win.t0 AND win.t1""",
        (r["module"], r["source"].replace("go-cycle-cpu", "go"), r["source"] == "go-cycle-cpu")))
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

# report gc as text fits 100 columns (it printed 235-character lines) and
# shows the JSON's counts; csv and markdown keep every column.
"$WASMLAB" report gc --db "$DB" --run 1 >"$TMP/report.txt" || fail "report gc text"
width=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMP/report.txt")
check "report gc text: no line over 100 columns (widest $width)" test "$width" -le 100
check "report gc text: the JSON's pauses per group and source" \
  python3 - "$TMP/report.txt" "$TMP/report.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
rows = json.load(open(sys.argv[2]))
groups, pauses, table = {}, [], None
for l in lines:
    f = l.split()
    if not f:
        continue
    if f[0] == '#':
        table = 'g' if f[1] == 'module' else 'p'
        continue
    if table == 'g' and f[0].isdigit():
        groups[f[0]] = f[1]
    elif table == 'p' and f[0].isdigit():
        pauses.append((groups[f[0]], f[1], int(f[3])))
want = sorted((r["module"], r["source"], r["gc_count"]) for r in rows)
sys.exit(0 if sorted(pauses) == want and len(want) > 0 else 1)
PY
"$WASMLAB" report gc --db "$DB" --run 1 --format csv >"$TMP/report.csv" || fail "report gc csv"
check "report gc csv keeps all 16 columns" \
  test "$(head -1 "$TMP/report.csv")" = "module,condition,browser,args,js_churn_mb,source,loads,gc_count,total_pause_ms,p50_ms,p95_ms,p99_ms,max_ms,pauses_per_s,paused_fraction,workload_ms"
check "report gc markdown keeps all 16 columns" \
  bash -c "'$WASMLAB' report gc --db '$DB' --run 1 --format markdown | head -1 | grep -o '|' | wc -l | grep -qx 17"

# report alloc: the C allocator histograms of the c/gc-churn loads, summed
# per op, recomputed here from the rows (quantiles from the log2 buckets).
"$WASMLAB" report alloc --db "$DB" --run 1 --format json >"$TMP/alloc.json" || fail "report alloc"
check "report alloc matches the alloc_histograms rows" python3 - "$DB" "$TMP/alloc.json" <<'PY'
import json, math, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = {(r["module"], r["op"]): r for r in json.load(open(sys.argv[2]))}
ok = set(rows) == {("c/gc-churn", "malloc"), ("c/gc-churn", "free")}
def quantile(b, mx, p):
    total = sum(b); rank = max(1, math.ceil(p * total)); below = 0
    for i, c in enumerate(b):
        if c == 0 or below + c < rank:
            below += c; continue
        if i == 0:
            return 0
        v = 2 ** (i - 1) + 2 ** (i - 1) * (rank - below) / c
        return min(v, mx) if mx > 0 else v
for op in ("malloc", "free"):
    hs = db.execute("""SELECT samples, sum_ns, max_ns, log2_buckets FROM alloc_histograms a
        JOIN loads l ON l.id = a.load_id JOIN modules m ON m.id = l.module_id
        WHERE l.run_id = 1 AND l.status = 'ok' AND m.name = 'c/gc-churn' AND a.op = ?""", (op,)).fetchall()
    r = rows.get(("c/gc-churn", op))
    if not r or not hs:
        ok = False; continue
    samples = sum(h[0] for h in hs); mx = max(h[2] for h in hs)
    b = [0] * 65
    for h in hs:
        for i, c in enumerate(json.loads(h[3])):
            b[i] += c
    want = {"loads": len(hs), "samples": samples, "max_ns": mx,
            "mean_ns": round(sum(h[1] for h in hs) / samples, 1),
            "p50_ns": quantile(b, mx, .5), "p95_ns": quantile(b, mx, .95)}
    for k, w in want.items():
        # quantiles interpolate inside a log2 bucket: the report may print
        # them whole or with decimals, so they match within rounding to 1 ns
        if r[k] is None or abs(r[k] - w) > (0.51 if k.startswith("p") else 0.051):
            print(op, k, "report", r[k], "rows", w, file=sys.stderr); ok = False
    if not (r["p50_ns"] <= r["p95_ns"] <= r["max_ns"]):
        ok = False
sys.exit(0 if ok else 1)
PY
"$WASMLAB" report alloc --db "$DB" --run 1 >"$TMP/alloc.txt" || fail "report alloc text"
check "report alloc text: both ops of c/gc-churn" \
  test "$(grep -cE '^c/gc-churn +[a-z]+ +(malloc|free) ' "$TMP/alloc.txt")" -eq 2
width=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMP/alloc.txt")
check "report alloc text: no line over 100 columns (widest $width)" test "$width" -le 100
check "report lists alloc" bash -c "'$WASMLAB' report --help | grep -q '^  alloc '"
expect_fail 2 "report alloc: --run 999: no such run" "$WASMLAB" report alloc --db "$DB" --run 999
expect_fail 2 "report alloc: --format x" "$WASMLAB" report alloc --db "$DB" --format x

# A trace that overflows its buffer is flagged, not silently accepted.
rc=0
"$WASMLAB" run --module go/gc-churn --loads 1 --trace-buffer-kb 64 --db "$DB" -q >/dev/null 2>&1 || rc=$?
check "lossy trace: exit 3 (got $rc)" test "$rc" -eq 3
check "lossy trace stored as trace_data_loss" \
  test "$(q "$DB" "SELECT status || ':' || trace_data_loss FROM loads WHERE id = (SELECT MAX(id) FROM loads)")" = "trace_data_loss:1"
finish
