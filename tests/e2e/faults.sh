#!/usr/bin/env bash
# Reliability: faults injected for real into real runs (headless Chromium 156,
# real modules, real SQLite), one scenario at a time. Each must end with the
# fault recorded, the run going on (or stopping cleanly), every stored load
# kept, and no browser process or profile left behind.
source "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
# ~1 s loads, so a fault lands mid-load
SLOW=(--module go/gc-churn --args "--live-mb 8 --rounds 400")

# wait_loads DB N: until the DB holds N loads (at most 120 s)
wait_loads() {
  for _ in $(seq 1 1200); do
    [ -f "$1" ] && [ "$(q "$1" "SELECT COUNT(*) FROM loads" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# browser_pid WASMLAB_PID: the browser wasmlab launched (its direct child)
browser_pid() { pgrep -P "$1" -f -- '--remote-debugging-port=0' | head -n1; }
no_leftovers() {  # SCENARIO
  local left
  left=$(pgrep -f -- "--user-data-dir=$TMPDIR/" || true)
  check "$1: no browser processes left ($left)" test -z "$left"
  check "$1: no profiles left ($(ls "$TMPDIR"))" test -z "$(ls -A "$TMPDIR")"
}

# 1. The browser is SIGKILLed mid-load: stored as browser_crashed, restarted.
DB=$TMP/kill.db
"$WASMLAB" run "${SLOW[@]}" --loads 3 --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 1 && sleep 0.4 && kill -9 "$(browser_pid $W)"
rc=0; wait $W || rc=$?
check "browser SIGKILL: run completes with exit 3 (got $rc: $(tail -c 300 "$TMP/err"))" test "$rc" -eq 3
check "browser SIGKILL: 3 loads stored, 1 browser_crashed, 2 ok (1 after the restart)" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'browser_crashed') || ':' || SUM(status = 'ok') FROM loads")" = "3:1:2"
check "browser SIGKILL: the summary counts the crash" grep -q "1 browser crashes" "$TMP/err"
check "browser SIGKILL: the crashed load says how" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE status = 'browser_crashed' AND error LIKE '%killed by signal 9%'")" -eq 1
no_leftovers "browser SIGKILL"

# 2. The renderer crashes mid-load (Inspector.targetCrashed): stored, run goes on.
DB=$TMP/renderer.db
"$WASMLAB" run "${SLOW[@]}" --loads 3 --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 1 && sleep 0.4
B=$(browser_pid $W)
# every process of the browser shares its process group
for r in $(ps -eo pid=,pgid=,args= | awk -v g="$B" '$2 == g && /--type=renderer/ {print $1}'); do kill -9 "$r"; done
rc=0; wait $W || rc=$?
check "renderer crash: exit 3 (got $rc)" test "$rc" -eq 3
check "renderer crash: 3 loads, 1 renderer_crashed, 2 ok" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'renderer_crashed') || ':' || SUM(status = 'ok') FROM loads")" = "3:1:2"
no_leftovers "renderer crash"

# 3. The browser hangs (SIGSTOP): the load times out, the browser is killed
#    and reaped, a new one serves the rest. The stopped load waits out the
#    whole --timeout, so it is short: 8 s, 3x a 100-round load on a busy
#    2-core machine (~2.7 s; ~1 s quiet).
DB=$TMP/hang.db
"$WASMLAB" run --module go/gc-churn --args "--live-mb 8 --rounds 100" --loads 3 --timeout 8 \
  --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 1 && sleep 0.4
B=$(browser_pid $W); kill -STOP "$B"
rc=0; wait $W || rc=$?
check "hang: exit 3 (got $rc)" test "$rc" -eq 3
# (the stop lands in the page wait or in a command: both end as timeout)
check "hang: 3 loads, 1 timeout, 2 ok" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'timeout') || ':' || SUM(status = 'ok') FROM loads")" = "3:1:2"
check "hang: the stopped browser was killed and reaped" bash -c "! kill -0 $B 2>/dev/null"
no_leftovers "hang"

# 4. The DevTools websocket drops, closed on the browser's side: detected,
#    stored as connection_lost, the browser restarted.
DB=$TMP/ws.db
"$WASMLAB" run "${SLOW[@]}" --loads 3 --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 1 && sleep 0.4
PORT=$(head -n1 "$TMPDIR"/wasmlab-profile-*/DevToolsActivePort)
ss -K src 127.0.0.1 sport = "$PORT" >/dev/null 2>&1
rc=0; wait $W || rc=$?
check "websocket drop: exit 3 (got $rc)" test "$rc" -eq 3
check "websocket drop: 3 loads, 1 connection_lost, 2 ok" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'connection_lost') || ':' || SUM(status = 'ok') FROM loads")" = "3:1:2"
no_leftovers "websocket drop"

# 5. The module's response is cut off halfway: the page's compile error is stored.
DB=$TMP/cut.db
rc=0; WASMLAB_FAULT=cut-body:1000000 "$WASMLAB" run --module go/hello --loads 2 --db "$DB" -q >/dev/null 2>&1 || rc=$?
check "cut response: exit 3 (got $rc)" test "$rc" -eq 3
check "cut response: both loads compile_error with the browser's message" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE status = 'compile_error' AND error LIKE '%Network error%'")" -eq 2

# 6. SIGTERM to wasmlab mid-run: browser closed, loads kept, exit 130; then
#    --resume finishes the run without redoing stored loads.
DB=$TMP/term.db
"$WASMLAB" run "${SLOW[@]}" --module c/hello --loads 3 --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 2 && sleep 0.3 && kill -TERM $W
rc=0; wait $W || rc=$?
check "SIGTERM: exit 130 (got $rc)" test "$rc" -eq 130
stored=$(q "$DB" "SELECT group_concat(id || ':' || status) FROM loads")
check "SIGTERM: run marked interrupted" test "$(q "$DB" "SELECT status FROM runs")" = "interrupted"
no_leftovers "SIGTERM"
rc=0; "$WASMLAB" run "${SLOW[@]}" --module c/hello --loads 3 --db "$DB" --resume -q >/dev/null 2>&1 || rc=$?
check "resume: exit 0 (got $rc)" test "$rc" -eq 0
check "resume: exactly 3 loads per module in the one run" \
  test "$(q "$DB" "SELECT group_concat(n) FROM (SELECT COUNT(*) AS n FROM loads GROUP BY module_id)")" = "3,3"
check "resume: loads stored before are unchanged" \
  test "$(q "$DB" "SELECT group_concat(id || ':' || status) FROM loads WHERE id <= $(echo "$stored" | tr ',' '\n' | wc -l)")" = "$stored"
check "resume: one run, completed" test "$(q "$DB" "SELECT COUNT(*) || ':' || MAX(status) FROM runs")" = "1:completed"

# 7. SIGKILL of wasmlab: at most the load in progress is lost, the DB passes
#    integrity_check, the browser dies with it, the next run cleans the profile.
DB=$TMP/sigkill.db
"$WASMLAB" run "${SLOW[@]}" --loads 4 --db "$DB" >"$TMP/out" 2>"$TMP/err" & W=$!
wait_loads "$DB" 2 && sleep 0.3
before=$(q "$DB" "SELECT COUNT(*) FROM loads")
kill -9 $W; wait $W 2>/dev/null || true
# PDEATHSIG takes the browser down at once; wait for it (at most 5 s), not a fixed 2 s.
for _ in $(seq 1 50); do
  pgrep -f -- "--user-data-dir=$TMPDIR/" >/dev/null || break
  sleep 0.1
done
check "wasmlab SIGKILL: DB integrity ok" test "$(q "$DB" "PRAGMA integrity_check")" = "ok"
check "wasmlab SIGKILL: stored loads kept ($before)" test "$(q "$DB" "SELECT COUNT(*) FROM loads")" -ge "$before"
left=$(pgrep -f -- "--user-data-dir=$TMPDIR/" || true)
check "wasmlab SIGKILL: the browser died with it ($left)" test -z "$left"
"$WASMLAB" run "${SLOW[@]}" --loads 4 --db "$DB" --resume >/dev/null 2>"$TMP/err" || fail "resume after SIGKILL: $(tail -c 300 "$TMP/err")"
check "wasmlab SIGKILL: the next run removed the stale profile" grep -q "removed 1 browser profile" "$TMP/err"
check "wasmlab SIGKILL: resume completed 4 loads" test "$(q "$DB" "SELECT COUNT(*) FROM loads")" -eq 4
no_leftovers "wasmlab SIGKILL"

# 8. The DB is locked by another writer: wasmlab waits (busy timeout) and goes on.
DB=$TMP/locked.db
"$WASMLAB" run --module c/hello --loads 1 --db "$DB" -q >/dev/null 2>&1
python3 -c 'import sqlite3,sys,time
c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN EXCLUSIVE"); time.sleep(3); c.execute("COMMIT")' "$DB" &
L=$!; sleep 0.5
rc=0; "$WASMLAB" run --module c/hello --loads 2 --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
wait $L
check "locked DB: waited and stored (exit $rc: $(head -c 200 "$TMP/err"))" test "$rc" -eq 0
check "locked DB: 3 loads" test "$(q "$DB" "SELECT COUNT(*) FROM loads")" -eq 3

# 9. The disk fills: a clear error, exit 1, and what was stored stays intact.
FULL=$TMP/full
mkdir -p "$FULL"
if mount -t tmpfs -o size=700k tmpfs "$FULL"; then
  rc=0; "$WASMLAB" run --module go/hello --loads 30 --db "$FULL/r.db" -q >/dev/null 2>"$TMP/err" || rc=$?
  check "disk full: exit 1 (got $rc)" test "$rc" -eq 1
  check "disk full: one clear line naming the DB ($(cat "$TMP/err"))" grep -q "DB $FULL/r.db: database or disk is full" "$TMP/err"
  check "disk full: DB intact" test "$(q "$FULL/r.db" "PRAGMA integrity_check")" = "ok"
  check "disk full: loads stored before the disk filled are there" test "$(q "$FULL/r.db" "SELECT COUNT(*) FROM loads WHERE status='ok'")" -ge 1
  umount "$FULL"
else
  fail "disk full: cannot mount a small tmpfs to fill (needs root)"
fi

# 10. Two runs into different DBs at once, and a report reading a DB while a
#     run writes it.
"$WASMLAB" run --module c/hello --loads 6 --db "$TMP/a.db" -q >/dev/null 2>&1 & A=$!
"$WASMLAB" run --module c/hello --loads 6 --db "$TMP/b.db" -q >/dev/null 2>&1 & Bp=$!
wait_loads "$TMP/a.db" 2
rrc=0; "$WASMLAB" report gc --db "$TMP/a.db" >/dev/null 2>"$TMP/err" || rrc=$?
check "report during a run works (exit $rrc: $(head -c 200 "$TMP/err"))" test "$rrc" -eq 0
ra=0; wait $A || ra=$?; rb=0; wait $Bp || rb=$?
check "concurrent runs both complete ($ra, $rb)" test "$ra$rb" = "00"
check "concurrent runs: 6 + 6 loads" test "$(q "$TMP/a.db" "SELECT COUNT(*) FROM loads")$(q "$TMP/b.db" "SELECT COUNT(*) FROM loads")" = "66"
no_leftovers "concurrent"
finish
