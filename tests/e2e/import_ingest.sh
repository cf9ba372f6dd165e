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
                  (SELECT count(*) FROM gc_pauses WHERE load_id = l.id),
                  (SELECT sum(ts_us) || ':' || sum(coalesce(dur_us, -1)) || ':' ||
                          sum(seq * (ts_us % 997)) || ':' || count(DISTINCT tid) || ':' ||
                          count(DISTINCT name) || ':' || count(DISTINCT compile_id)
                   FROM compile_events WHERE load_id = l.id),
                  (SELECT sum(start_us) || ':' || sum(coalesce(dur_us, -1)) || ':' ||
                          sum(seq * (start_us % 997)) || ':' || sum(coalesce(heap_after, -1))
                   FROM gc_pauses WHERE load_id = l.id)
           FROM loads l WHERE id = $1"
}
browser_of() {   # what the trace's metadata gave the load's browser row
  q "$DB" "SELECT b.product, b.revision, b.v8_version, b.user_agent
           FROM loads l JOIN browsers b ON b.id = l.browser_id
           WHERE l.id = $1"
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

# Both passes read a plain file of 16 MB or more in two halves on two
# threads (collector/cli/import_detect.c), when pass 1 proves the split
# point; a gzipped file is read on one thread. The same trace, plain and
# gzipped, must measure alike whatever the halves hold (each variant ends
# with one.json's metadata, read by the second half):
#  late:     the measured load's events moved to the end (its request, the
#            earliest, is found by the second half; pass 2 keeps its events
#            there);
#  straddle: the measured load's events around the middle (pass 2's two
#            extractors each keep part of them, merged);
#  string:   a 3 MB string of "},{" across the middle (the split point looked
#            for is inside it: the first half's parser reads on, and pass 2
#            reads on one thread);
#  paths:    70 more .wasm paths in the second half (over the 64 candidates
#            the halves can merge exactly: pass 1's first half reads on;
#            pass 2 still splits).
#  foreign:  the module's response and finish events moved to the file's
#            end, on another pid (pass 2 reads only the span that holds the
#            load: it must reach them by their request id, as the extractor
#            matches them).
python3 - "$TMP/big.json" "$TMP/one.json" "$TMP" <<'PY'
import json, sys
big, one, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
ev = big["traceEvents"]
n_one = len(one["traceEvents"] if isinstance(one, dict) else one)
meta = json.dumps(one["metadata"], separators=(",", ":"))
def write(name, events):
    with open(f"{out}/{name}.json", "w") as f:
        f.write('{"traceEvents":[\n' + ",\n".join(json.dumps(e, separators=(",", ":")) for e in events) +
                '\n],"metadata":' + meta + "}\n")
write("late", ev[n_one:] + ev[:n_one])
# the first load's events from about the middle of the events on, so that
# the middle byte falls inside them (the copies around it are of equal size)
rest = ev[n_one:]
mid = len(rest) // 2 - n_one // 2
write("straddle", rest[:mid] + ev[:n_one] + rest[mid:])
blob = {"name": "Blob", "cat": "x", "ph": "X", "pid": 1, "tid": 1, "ts": 1, "dur": 1,
        "args": {"s": "},{" * (1 << 20)}}
# the blob's string must hold the middle: put it where the text reaches
# the middle less half the blob
sizes = [len(json.dumps(e, separators=(",", ":"))) + 2 for e in ev]
total, acc, at = sum(sizes) + (3 << 20), 0, 0
while acc < total // 2 - (3 << 19):
    acc += sizes[at]
    at += 1
write("string", ev[:at] + [blob] + ev[at:])
last_ts = max(e.get("ts", 0) for e in ev)
extra = [{"name": "ResourceSendRequest", "cat": "devtools.timeline", "ph": "I", "s": "t",
          "pid": 7, "tid": 7, "ts": last_ts + i,
          "args": {"data": {"requestId": f"x.{i}", "url": f"http://127.0.0.1/x/m{i}.wasm"}}}
         for i in range(70)]
q3 = len(ev) * 3 // 4   # well inside the second half
write("paths", ev[:q3] + extra + ev[q3:])
def module_response(events):
    """The module request's response and finish among events."""
    req = next(e["args"]["data"]["requestId"] for e in events
               if e.get("name") == "ResourceSendRequest" and
               e["args"]["data"].get("url", "").endswith("/hello.wasm"))
    moved = [e for e in events if e.get("name") in ("ResourceReceiveResponse", "ResourceFinish")
             and e["args"]["data"].get("requestId") == req]
    assert len(moved) == 2, moved
    return moved
def elsewhere(moved):   # on another pid
    return [dict(m, pid=99999, tid=99999) for m in moved]
moved = module_response(ev[:n_one])
kept = [e for e in ev if not any(e is m for m in moved)]
write("foreign", kept + elsewhere(moved))
# longid: foreign, with the module request's id 90 bytes long (pass 1's
# span keys and the extractor both cut ids to 63 bytes)
req = moved[0]["args"]["data"]["requestId"]
long_req = req + "." + "9" * (89 - len(req))
def renamed(e):
    d = e.get("args", {}).get("data")
    if not isinstance(d, dict) or d.get("requestId") != req:
        return e
    return dict(e, args=dict(e["args"], data=dict(d, requestId=long_req)))
write("longid", [renamed(e) for e in kept + elsewhere(moved)])
# many-pids (below): one load, 70,000 other pids ahead of it
one_ev = one["traceEvents"]
moved = module_response(one_ev)
rest = [e for e in one_ev if not any(e is m for m in moved)]
ts = min(e["ts"] for e in one_ev if "ts" in e)
gc = [{"name": "MinorGC", "cat": "v8", "ph": "X", "pid": 100000 + i, "tid": 1, "ts": ts, "dur": 1}
      for i in range(70000)]
json.dump({"traceEvents": gc + rest + elsewhere(moved), "metadata": one["metadata"]},
          open(f"{out}/many-pids.json", "w"), separators=(",", ":"))
PY
for v in late straddle string paths foreign longid; do
  check "$v.json is big enough to be split" test "$(stat -c %s "$TMP/$v.json")" -ge $((16 << 20))
  gzip -1 -c "$TMP/$v.json" >"$TMP/$v.json.gz"
  P=$("$WASMLAB" import-trace "$TMP/$v.json" --db "$DB" -q) || fail "import $v.json"
  G=$("$WASMLAB" import-trace "$TMP/$v.json.gz" --db "$DB" -q) || fail "import $v.json.gz"
  check "$v: split (plain) and one-thread (gzipped) reads measure alike" \
    test "$(measured "$P")" = "$(measured "$G")"
  check "$v: measures as its first load alone" test "$(measured "$P")" = "$(measured "$ONE")"
  check "$v: the metadata after the events names the browser" \
    test "$(browser_of "$P")" = "$(browser_of "$G")" -a "$(browser_of "$P")" = "$(browser_of "$ONE")"
  check "$v: the same number of events" test \
    "$(q "$DB" "SELECT trace_events FROM loads WHERE id = $P")" = "$(q "$DB" "SELECT trace_events FROM loads WHERE id = $G")"
done

# More pids than pass 1 keeps spans for (65,536), ahead of the load's: the
# span is unknown and pass 2 reads the whole file (the request's span alone,
# its response and finish moved to the file's end on another pid, would
# hold none of the renderer's events).
M=$("$WASMLAB" import-trace "$TMP/many-pids.json" --db "$DB" -q) || fail "import many-pids.json"
check "over 65,536 pids: the whole file is read, and it measures as its load alone" \
  test "$(measured "$M")" = "$(measured "$ONE")"

# an error in the second half: the same line as from one thread
python3 - "$TMP/big.json" "$TMP/bad.json" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b'":', len(b) * 3 // 4)
b[i + 1:i + 2] = b";"    # '"name";...': a ':' is required after a key
open(sys.argv[2], "wb").write(b)
PY
gzip -1 -c "$TMP/bad.json" >"$TMP/bad.json.gz"
n=$(q "$DB" "SELECT count(*) FROM loads")
expect_fail 2 "invalid trace JSON at byte" "$WASMLAB" import-trace "$TMP/bad.json" --db "$DB"
plain_err=$(sed "s|$TMP/bad.json|FILE|" "$TMP/err")
expect_fail 2 "invalid trace JSON at byte" "$WASMLAB" import-trace "$TMP/bad.json.gz" --db "$DB"
check "the second half's error is the one-thread error, at the same byte" \
  test "$plain_err" = "$(sed "s|$TMP/bad.json.gz|FILE|" "$TMP/err")"
check "nothing stored for the bad trace" test "$(q "$DB" "SELECT count(*) FROM loads")" = "$n"

# gzip's magic, then garbage: zlib's reason, the file named once
printf '\037\213\010garbage' >"$TMP/junk.json.gz"
expect_fail 2 "junk.json.gz: " "$WASMLAB" import-trace "$TMP/junk.json.gz" --db "$DB"
check "zlib's error names the file once" test "$(grep -o 'junk.json.gz' "$TMP/err" | wc -l)" = 1
check "nothing stored for the garbage" test "$(q "$DB" "SELECT count(*) FROM loads")" = "$n"

# a cut many-load trace: refused, nothing stored
n=$(q "$DB" "SELECT count(*) FROM loads")
head -c 3000000 "$TMP/small.json" >"$TMP/cut.json"
expect_fail 2 "cut.json: trace JSON ends early" "$WASMLAB" import-trace "$TMP/cut.json" --db "$DB"
check "nothing stored for the cut trace" test "$(q "$DB" "SELECT count(*) FROM loads")" = "$n"
finish
