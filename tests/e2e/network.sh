#!/usr/bin/env bash
# Network conditions (issue 11, docs/network.md) on real headless Chromium
# with c/json (~41 KB), one load per condition (~25 s in all): the server
# shaper's latency, pacing and send log on the trace clock; gzip and br
# bodies decoded and compiled; the cdp shaper's transfer time; and every bad
# --network value (and in an experiment file) refused with one line, exit 2.
# Timing checks are lower bounds only (a loaded machine is slower, never
# faster); 1 ms of slack covers rounding between the renderer's clock reads.
source "$(dirname "$0")/../lib.sh"

# --- bad input: before anything runs ---
for bad in "bw=0" "bw=-5" "5g" "encoding=zstd" "shaper=tc" "bw=1x" "4g,,latency=3"; do
  expect_usage run "$bad" "$WASMLAB" run --module c/json --loads 1 --db "$TMP/bad.db" --network "$bad"
done
check "bad --network wrote no DB" test ! -e "$TMP/bad.db"
for net in '"3g-fast"' '{"bw": 0}' '{"encoding": "lzma"}' '{"profile": "4g", "speed": 1}' '7'; do
  printf '{"name": "n", "browsers": ["headless-shell"], "modules": ["c/json"], "loads": 1, "conditions": [{"name": "x", "network": %s}]}\n' \
    "$net" >"$TMP/bad.json"
  rc=0; "$WASMLAB" sweep "$TMP/bad.json" --db "$TMP/bad.db" >"$TMP/out" 2>"$TMP/err" || rc=$?
  check "experiment network $net: exit 2 (got $rc)" test "$rc" -eq 2
  check "experiment network $net: one line ($(cat "$TMP/err"))" test "$(wc -l <"$TMP/err")" -eq 1
  check "experiment network $net: names the condition" grep -q 'conditions.\[0\]' "$TMP/err"
done

BW=200000; LAT=100; CHUNK=8192
# run_one NAME NETWORK: one load of c/json into $TMP/NAME.db
run_one() {
  local rc=0
  "$WASMLAB" run -q --module c/json --loads 1 --db "$TMP/$1.db" --network "$2" \
    >"$TMP/$1.out" 2>"$TMP/$1.err" || rc=$?
  check "$1: run exits 0 ($(tail -c 300 "$TMP/$1.err"))" test "$rc" -eq 0
  check "$1: the load is ok" test "$(q "$TMP/$1.db" "SELECT status FROM loads")" = ok
}

# --- server shaper: latency, pacing, sends before receives ---
run_one server "bw=$BW,latency=$LAT,chunk=$CHUNK"
DB=$TMP/server.db
SIZE=$(q "$DB" "SELECT bytes FROM modules")
check "server: condition recorded" test "$(q "$DB" "SELECT net_profile || ' ' || net_bandwidth || ' ' || \
  net_latency_ms || ' ' || net_chunk || ' ' || net_encoding || ' ' || net_shaper || ' ' || net_encoded_bytes FROM loads")" \
  = "custom $BW $LAT $CHUNK identity server $SIZE"
check "server: latency delays the first byte by >= $LAT ms ($(q "$DB" "SELECT response_received_us - request_sent_us FROM loads") us)" \
  test "$(q "$DB" "SELECT response_received_us - request_sent_us >= $LAT * 1000 FROM loads")" = 1
FIRST_LAST=$(q "$DB" "SELECT MAX(ts_us) - MIN(ts_us) FROM net_chunks")
check "server: first -> last byte $FIRST_LAST us >= ($SIZE - $CHUNK)/$BW s" \
  test "$FIRST_LAST" -ge $(( (SIZE - CHUNK) * 1000000 / BW - 1000 ))
check "server: receives in order" test "$(q "$DB" "SELECT COUNT(*) FROM net_chunks a JOIN net_chunks b \
  ON a.load_id = b.load_id AND b.seq = a.seq + 1 WHERE b.ts_us < a.ts_us")" = 0
check "server: several paced chunks received" test "$(q "$DB" "SELECT COUNT(*) FROM net_chunks")" -ge 4
# byte offset B cannot arrive before (B - chunk)/bw after the first byte
check "server: every receive follows the pacing (lower bound by bytes before it)" \
  test "$(q "$DB" "WITH r AS (SELECT ts_us, SUM(bytes) OVER (ORDER BY seq) - bytes AS before FROM net_chunks)
    SELECT COUNT(*) FROM r WHERE ts_us - (SELECT MIN(ts_us) FROM net_chunks) < (before - $CHUNK) * 1000000 / $BW - 1000")" = 0
check "server: one send per chunk, bytes sum to the module" \
  test "$(q "$DB" "SELECT COUNT(*) >= 4 AND SUM(bytes) = $SIZE FROM chunk_sends")" = 1
# each receive's bytes had all been sent before it (same clock: CLOCK_MONOTONIC)
check "server: sends precede receives on the trace clock" \
  test "$(q "$DB" "WITH s AS (SELECT ts_us, SUM(bytes) OVER (ORDER BY seq) AS cum FROM chunk_sends),
    r AS (SELECT ts_us, SUM(bytes) OVER (ORDER BY seq) AS cum FROM net_chunks)
    SELECT COUNT(*) FROM r WHERE (SELECT MIN(s.ts_us) FROM s WHERE s.cum >= r.cum) > r.ts_us")" = 0

# --- encodings: decoded, compiled, really encoded ---
for enc in gzip br; do
  run_one "$enc" "lan,encoding=$enc"
  DB=$TMP/$enc.db
  check "$enc: bytes_received is the decoded size" \
    test "$(q "$DB" "SELECT l.bytes_received = m.bytes FROM loads l JOIN modules m ON m.id = l.module_id")" = 1
  check "$enc: sent encoded (fewer bytes on the wire)" \
    test "$(q "$DB" "SELECT l.net_encoded_bytes < m.bytes AND l.net_encoding = '$enc' FROM loads l JOIN modules m ON m.id = l.module_id")" = 1
  check "$enc: the wire bytes are what the server sent" \
    test "$(q "$DB" "SELECT SUM(bytes) FROM chunk_sends")" = "$(q "$DB" "SELECT net_encoded_bytes FROM loads")"
done

# --- cdp shaper: Chrome's network service paces it ---
run_one cdp "bw=$BW,latency=$LAT,shaper=cdp"
DB=$TMP/cdp.db
check "cdp: shaper recorded" test "$(q "$DB" "SELECT net_shaper FROM loads")" = cdp
T=$(q "$DB" "SELECT last_byte_us - request_sent_us FROM loads")
check "cdp: request -> last byte $T us >= $SIZE/$BW s" test "$T" -ge $(( SIZE * 1000000 / BW ))
# the server sent it unpaced: all writes well inside the configured time
check "cdp: the server did not pace it" \
  test "$(q "$DB" "SELECT MAX(ts_us) - MIN(ts_us) < $SIZE * 1000000 / $BW / 2 FROM chunk_sends")" = 1
finish
