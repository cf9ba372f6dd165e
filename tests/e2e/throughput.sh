#!/usr/bin/env bash
# Issue 12 on real parts (headless Chromium 156, the real c/hello and
# go/hello, a real SQLite file): the pipelined load loop (WASMLAB_PIPELINE=1)
# and the serial default (it reuses the tab, on a new origin per load) keep
# every load isolated and say so per load (load_host: a renderer no earlier load used,
# the module from the network, no code-cache hit, no other page at work),
# with the host's CPU interference; the summary counts both; a harness
# that throws while held is the load's failure, not the browser's; and
# `sweep --dry-run` lists exactly the configurations a shard runs, without
# starting anything.
source "$(dirname "$0")/../lib.sh"

# 1. Five loads back to back, pipelined and serial (the serial loop reuses
#    the tab, each load on an origin of its own: load.c, reuse_page): each in
#    its own renderer, proven from its trace.
for mode in pipelined serial; do
if [ $mode = serial ]; then unset WASMLAB_PIPELINE; else export WASMLAB_PIPELINE=1; fi
DB=$TMP/r-$mode.db
rc=0
"$WASMLAB" run --module c/hello --loads 5 --db "$DB" -q >"$TMP/summary.txt" 2>"$TMP/err" || rc=$?
check "$mode: run exits 0 (stderr: $(head -c 500 "$TMP/err"))" test "$rc" -eq 0
check "$mode: a load_host row per load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads l JOIN load_host h ON h.load_id = l.id")" -eq 5
check "$mode: five different renderers, each new to the browser" \
  test "$(q "$DB" "SELECT COUNT(DISTINCT renderer_pid) || ' ' || SUM(renderer_pid_new) FROM load_host")" = "5 5"
check "$mode: the renderer pid is the one the trace's module request came from" \
  test "$(q "$DB" "SELECT COUNT(*) FROM load_host h JOIN compile_events e ON e.load_id = h.load_id
                   WHERE e.pid <> h.renderer_pid")" -eq 0
check "$mode: module bytes from the network, no HTTP or code cache" \
  test "$(q "$DB" "SELECT COUNT(*) FROM load_host h JOIN loads l ON l.id = h.load_id
                   WHERE from_cache = 0 AND from_service_worker = 0 AND code_cache_events = 0
                     AND encoded_data_length >= l.bytes_received")" -eq 5
check "$mode: no other page at work" \
  test "$(q "$DB" "SELECT COUNT(*) FROM load_host WHERE other_renderer_events = 0")" -eq 5
# pipelined: every trace holds its harness's navigation; serial: only the
# first, the others' harness loaded ahead, held, before their trace began
want_docs="1 1 1 1 1"; [ $mode = serial ] && want_docs="1 0 0 0 0"
check "$mode: documents per trace: $want_docs" \
  test "$(q "$DB" "SELECT group_concat(documents, ' ') FROM (SELECT h.documents FROM load_host h JOIN loads l ON l.id = h.load_id ORDER BY l.seq)")" = "$want_docs"
bad=$(q "$DB" "SELECT group_concat(isolation) FROM load_host WHERE isolation <> 'isolated'")
check "$mode: every load proved isolated (saw: $bad)" test -z "$bad"
# Host interference: the window is real and the shares are shares.
check "$mode: host CPU figures hold together" \
  test "$(q "$DB" "SELECT COUNT(*) FROM load_host WHERE window_ms > 0 AND host_cpus >= 1
                   AND other_cpu_ms >= 0 AND other_share BETWEEN 0 AND 1
                   AND abs(other_cpu_ms - max(0, host_busy_ms - own_cpu_ms)) < 0.001
                   AND noisy = (other_share > 0.25)")" -eq 5
noisy=$(q "$DB" "SELECT COUNT(*) FROM load_host WHERE noisy = 1")
check "$mode: the summary counts the proof and the noisy loads" \
  grep -qx "isolation: 5 of 5 loads proved isolated by their traces; $noisy flagged noisy (other processes > 25% of the CPUs)" "$TMP/summary.txt"
"$WASMLAB" run --module c/hello --loads 1 --db "$DB" -q --json >"$TMP/s.json" 2>"$TMP/err" || true
check "$mode: the JSON summary carries the counts" python3 - "$TMP/s.json" "$DB" <<'PY'
import json, sqlite3, sys
o = json.load(open(sys.argv[1]))[0]
db = sqlite3.connect(sys.argv[2])
iso, noisy = db.execute("SELECT SUM(isolation = 'isolated'), SUM(noisy = 1) FROM load_host h"
                        " JOIN loads l ON l.id = h.load_id WHERE l.run_id = ?", (o["run_id"],)).fetchone()
sys.exit(0 if (o["loads_isolated"], o["loads_not_isolated"], o["loads_noisy"]) == (iso, 0, noisy) else 1)
PY
done
# pages_with DIR OLD NEW: a copy of pages/ in DIR whose harness.js has OLD,
# found exactly once, replaced by NEW.
pages_with() {
  cp -r "$SRC/pages" "$1"
  python3 - "$1/harness.js" "$2" "$3" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
assert s.count(old) == 1, old
open(p, "w").write(s.replace(old, new))
PY
}
# 1b. A harness that throws while held (a copy of pages/ whose harness.js
#     throws before "ready" when loaded ahead, i.e. on a reused tab): that
#     load is the page's failure, stored with the exception, not the
#     browser's; the next load opens a new tab and is measured.
pages_with "$TMP/pages-throw" $'  if (q.get("hold"))\n' \
  $'  if (q.get("hold")) throw new Error("held-boom");\n  if (q.get("hold"))\n'
rc=0
"$WASMLAB" run --module c/hello --loads 3 --pages "$TMP/pages-throw" --db "$TMP/throw.db" -q \
  >/dev/null 2>"$TMP/err" || rc=$?
check "held harness throws: exit 3, some loads failed (rc $rc)" test "$rc" -eq 3
check "held harness throws: the reused tab's load is a page_error, the others measured" \
  test "$(q "$TMP/throw.db" "SELECT group_concat(status, ' ') FROM (SELECT status FROM loads ORDER BY seq)")" = "ok page_error ok"
check "held harness throws: its error names the exception, in one line" \
  test "$(q "$TMP/throw.db" "SELECT COUNT(*) FROM loads WHERE error LIKE '%never reported ready: page exception: Error: held-boom'
                              AND instr(error, char(10)) = 0")" -eq 1
check "held harness throws: the browser was not restarted" \
  test "$(q "$TMP/throw.db" "SELECT COUNT(DISTINCT browser_pid) FROM loads")" -eq 1
# 1c. Go's wasm_exec.js is fetched before the window (held: before "ready").
#     When it cannot load, the page still says ready, is released, and
#     reports the failure from its window: a page_error in the phase
#     "wasm_exec.js", on the first tab and on the reused one alike.
pages_with "$TMP/pages-noexec" 'await loadScript(q.get("execjs"));' \
  'await loadScript("no-such-wasm_exec.js");'
rc=0
"$WASMLAB" run --module go/hello --loads 2 --pages "$TMP/pages-noexec" --db "$TMP/noexec.db" -q \
  >/dev/null 2>"$TMP/err" || rc=$?
check "wasm_exec.js missing: exit 3 (rc $rc)" test "$rc" -eq 3
check "wasm_exec.js missing: both loads say so from their window, held or not" \
  test "$(q "$TMP/noexec.db" "SELECT COUNT(*) FROM loads WHERE status = 'page_error'
                               AND error = 'wasm_exec.js failed: cannot load no-such-wasm_exec.js'")" -eq 2
check "wasm_exec.js missing: one browser" \
  test "$(q "$TMP/noexec.db" "SELECT COUNT(DISTINCT browser_pid) FROM loads")" -eq 1
check "no browser profile left behind" test -z "$(ls -A "$TMPDIR")"

# 2. sweep --dry-run: the shards' lists partition the matrix, nothing starts.
cat >"$TMP/exp.json" <<'EOF'
{ "name": "dry", "browsers": ["headless-shell", "chromium@126"],
  "modules": ["c/hello", "go/hello", "c/json"], "apis": ["streaming", "buffered"],
  "loads": 2, "warmup": 1 }
EOF
export WASMLAB_BROWSER_STORE=$TMP/empty-store   # chromium@126 is not there: nothing may fetch it
"$WASMLAB" sweep "$TMP/exp.json" --dry-run --db "$TMP/none.db" >"$TMP/all.tsv" 2>"$TMP/err"
check "dry-run exits 0 without a store build or a DB" test ! -e "$TMP/none.db"
check "dry-run started no browser" test -z "$(ls -A "$TMPDIR")"
check "dry-run lists 2 x 3 x 2 = 12 configurations" test "$(tail -n +2 "$TMP/all.tsv" | wc -l)" -eq 12
check "dry-run says what a shard runs on stderr" \
  grep -q "sweep --dry-run: shard 1/1 runs 12 of 12 configurations, 24 measured loads (+12 warm-up); nothing started" "$TMP/err"
check "in the plan's order: browser, module, api" \
  test "$(tail -n +2 "$TMP/all.tsv" | cut -f3-5 | head -3 | tr '\t\n' ' |')" = "headless-shell c/hello streaming|headless-shell c/hello buffered|headless-shell go/hello streaming|"
for n in 1 2 3 5 8; do
  : >"$TMP/union"
  for k in $(seq 1 $n); do
    "$WASMLAB" sweep "$TMP/exp.json" --dry-run --shard "$k/$n" 2>/dev/null | tail -n +2 >>"$TMP/union" || true
  done
  check "N=$n: the shards cover each configuration exactly once" \
    test "$(cut -f1,3- "$TMP/union" | sort)" = "$(tail -n +2 "$TMP/all.tsv" | cut -f1,3- | sort)"
done
"$WASMLAB" sweep "$TMP/exp.json" --dry-run --shard 2/5 --json >"$TMP/d.json" 2>/dev/null
check "dry-run --json: shard 2/5 holds indexes 1, 6, 11" python3 - "$TMP/d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [o["index"] for o in d] == [1, 6, 11] and all(o["shard"] == 2 and o["shards"] == 5 for o in d) else 1)
PY
rc=0
"$WASMLAB" sweep "$TMP/exp.json" --dry-run --shard 13/13 >"$TMP/out" 2>"$TMP/err" || rc=$?
check "an empty shard is refused in a dry run too (exit $rc)" test "$rc" -eq 2
unset WASMLAB_BROWSER_STORE

# 3. The dry run is what a real sweep runs: shard 2/2 of a one-browser matrix.
cat >"$TMP/exp2.json" <<'EOF'
{ "name": "dry2", "browsers": ["headless-shell"], "modules": ["c/hello", "go/hello"], "loads": 1 }
EOF
"$WASMLAB" sweep "$TMP/exp2.json" --dry-run --shard 2/2 2>/dev/null | tail -n +2 | cut -f4 >"$TMP/want"
rc=0
"$WASMLAB" sweep "$TMP/exp2.json" --shard 2/2 --db "$TMP/s2.db" -q >/dev/null 2>"$TMP/err" || rc=$?
check "the shard's sweep exits 0 (stderr: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "it ran the configurations its dry run listed" \
  test "$(q "$TMP/s2.db" "SELECT m.name FROM loads l JOIN modules m ON m.id = l.module_id")" = "$(cat "$TMP/want")"
finish
