# import-trace at scale (issue 12): a trace of many loads made of real
# recorded events (bench/make_trace.py) imports to the same measurements as
# its first load alone (the second pass keeps only that load's events), in
# peak RSS that does not grow with the trace (5x the trace, at most 1.3x the
# memory); the stored copy is zstd and reads back byte for byte (export
# trace, export folded); a damaged copy and a cut trace fail in one line.
source "$(dirname "$0")/../lib.sh"

FIX=$SRC/tests/fixtures/traces
python3 "$SRC/bench/make_trace.py" "$TMP/small.json" 4 >/dev/null
python3 "$SRC/bench/make_trace.py" "$TMP/big.json" 20 >/dev/null
# make_trace.py's first copy: the first go-hello-streaming fixture by name
first=$(ls "$FIX"/*go-hello-streaming*.json.gz | sort | head -1)
zcat "$first" >"$TMP/one.json"

DB=$TMP/i.db
ONE=$("$WASMLAB" import-trace "$TMP/one.json" --db "$DB" -q) || fail "import one load"
rss() {   # rss FILE: peak RSS (KB) of importing FILE into DB; prints "ID KB"
  /usr/bin/time -f %M -o "$TMP/rss" "$WASMLAB" import-trace "$1" --db "$DB" -q >"$TMP/id" \
    || fail "import $1"
  echo "$(cat "$TMP/id") $(tail -1 "$TMP/rss")"
}
read -r SMALL small_kb < <(rss "$TMP/small.json")
read -r BIG big_kb < <(rss "$TMP/big.json")

measured() {   # the measured columns of a load, one line
  q "$DB" "SELECT request_sent_us, response_received_us, last_byte_us, stream_start_us,
                  compile_finished_us, compile_finished_event, load_end_us, bytes_received,
                  chunk_count, first_byte_to_compile_us, last_byte_to_compile_us,
                  renderer_pid, api, status,
                  (SELECT count(*) FROM compile_events WHERE load_id = l.id),
                  (SELECT count(*) FROM net_chunks WHERE load_id = l.id),
                  (SELECT count(*) FROM page_marks WHERE load_id = l.id),
                  (SELECT count(*) FROM gc_pauses WHERE load_id = l.id)
           FROM loads l WHERE id = $1"
}
check "the one-load trace measures ok" test "$(q "$DB" "SELECT status FROM loads WHERE id = $ONE")" = ok
check "many loads (4 MB) measure as their first load alone" test "$(measured "$SMALL")" = "$(measured "$ONE")"
check "many loads (20 MB) measure as their first load alone" test "$(measured "$BIG")" = "$(measured "$ONE")"
check "events counted over the whole trace" test \
  "$(q "$DB" "SELECT trace_events > 10 * (SELECT trace_events FROM loads WHERE id = $ONE) FROM loads WHERE id = $BIG")" = 1
check "peak RSS flat: ${small_kb} KB for 4 MB, ${big_kb} KB for 20 MB" \
  test "$big_kb" -le $((small_kb * 13 / 10))

# the stored copy: zstd, and every reader gets the input back
check "stored as zstd" test "$(q "$DB" "SELECT encoding FROM load_traces WHERE load_id = $BIG")" = zstd
check "raw_bytes is the input's size" test \
  "$(q "$DB" "SELECT raw_bytes FROM load_traces WHERE load_id = $BIG")" = "$(stat -c %s "$TMP/big.json")"
"$WASMLAB" export trace --db "$DB" --load "$BIG" -o "$TMP/back.json" || fail "export trace"
check "export trace gives the input back byte for byte" cmp -s "$TMP/back.json" "$TMP/big.json"
"$WASMLAB" export folded --db "$DB" --load "$SMALL" -o "$TMP/folded.txt" || fail "export folded"
check "export folded parses the zstd copy" test -s "$TMP/folded.txt"
check "the copy is smaller than gzip -1 would keep it at most 2x" test \
  "$(q "$DB" "SELECT length(data) FROM load_traces WHERE load_id = $BIG")" -le \
  $(( $(gzip -1 -c "$TMP/big.json" | wc -c) * 2 ))

# a damaged copy: one line naming the load, exit 1 (as a damaged gzip copy), no crash
q "$DB" "UPDATE load_traces SET data = substr(data, 1, length(data) / 2) WHERE load_id = $SMALL"
expect_fail 1 "load $SMALL: stored trace is truncated" "$WASMLAB" export trace --db "$DB" --load "$SMALL" -o "$TMP/x.json"

# a cut many-load trace: refused, nothing stored
n=$(q "$DB" "SELECT count(*) FROM loads")
head -c 3000000 "$TMP/small.json" >"$TMP/cut.json"
expect_fail 2 "cut.json: trace JSON ends early" "$WASMLAB" import-trace "$TMP/cut.json" --db "$DB"
check "nothing stored for the cut trace" test "$(q "$DB" "SELECT count(*) FROM loads")" = "$n"
finish
