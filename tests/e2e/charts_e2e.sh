#!/usr/bin/env bash
# Charts and exports on real parts: a real run (headless Chromium 156, the
# real c/hello and go/hello), the real gnuplot, real SQLite files.
#   - every plot kind draws a valid PNG (signature, IHDR size) and SVG;
#   - report html opens in real headless Chromium without errors and its
#     images decode (tests/e2e/report_html_view.c, through cdp/session);
#   - export trace -> import-trace preserves the measurements;
#   - folded stacks sum to the slices' total time;
#   - csv/json exports match the DB; unknown tables are refused;
#   - missing gnuplot and other bad input give one-line errors;
#   - a 200 MB trace imports in bounded memory.
# $4: the report_html_view binary.
source "$(dirname "$0")/../lib.sh"
HTML_CHECK=$4
DB=$TMP/r.db
export TMPDIR=$TMP/tmp   # browser profiles and plot temp folders go here
mkdir -p "$TMPDIR"

rc=0
"$WASMLAB" run --loads 3 --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
check "run exits 0 (stderr: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
for m in c/hello go/hello; do
  f=$(q "$DB" "SELECT path FROM modules WHERE name = '$m'")
  "$WASMLAB" inspect "$f" --db "$DB" >/dev/null || fail "inspect $m"
done
RUN=$(q "$DB" "SELECT MAX(id) FROM runs")
GOLOAD=$(q "$DB" "SELECT l.id FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = 'go/hello' AND status = 'ok' ORDER BY l.id LIMIT 1")

# ---- every kind, PNG and SVG ----
png_size() {   # prints "W H" of a PNG, or fails
  python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(32)
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG signature'
assert d[12:16] == b'IHDR', 'no IHDR first'
w, h = struct.unpack('>II', d[16:24])
assert w > 0 and h > 0
print(w, h)
PY
}
png_ok() { png_size "$1" >/dev/null; }
svg_ok() {     # well-formed XML with an <svg> root and the chart's title in it
  python3 - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag
text = open(sys.argv[1], encoding='utf-8').read()
assert sys.argv[2] in text, 'title missing'
PY
}
declare -A TITLE=([timeline]="Timeline of load" [latency]="First byte to compile finished"
                  [sweep]="per Chrome version" [sizes]="Section sizes" [throughput]="Compile speed")
mkdir -p "$TMP/charts"
for kind in timeline latency sweep sizes throughput; do
  for fmt in png svg; do
    rc=0
    out=$("$WASMLAB" plot $kind --db "$DB" --format $fmt --out "$TMP/charts" 2>"$TMP/err") || rc=$?
    if [ "$rc" -ne 0 ]; then
      fail "plot $kind $fmt exited $rc: $(head -c 300 "$TMP/err")"; continue
    fi
    check "plot $kind $fmt printed its file" test -s "$out"
    if [ $fmt = png ]; then
      check "plot $kind: a valid PNG ($out)" png_ok "$out"
    else
      check "plot $kind: a valid SVG with its title ($out)" svg_ok "$out" "${TITLE[$kind]}"
    fi
  done
done
check "timeline default name" test -f "$TMP/charts/timeline-load$(q "$DB" "SELECT l.id FROM loads l WHERE l.run_id = $RUN AND l.module_id = (SELECT module_id FROM loads WHERE run_id = $RUN ORDER BY id LIMIT 1) AND status = 'ok' ORDER BY first_byte_to_compile_us, id LIMIT 1 OFFSET 1").png"
check "latency named by run" test -f "$TMP/charts/latency-run$RUN.png"
check "sizes of every inspected module" test -f "$TMP/charts/sizes-all.png"
"$WASMLAB" plot timeline --db "$DB" --load "$GOLOAD" -o "$TMP/charts/go.png" --width 1000 --height 600 \
  >/dev/null 2>&1 || fail "plot timeline --load"
check "-o, --width and --height give that PNG" test "$(png_size "$TMP/charts/go.png")" = "1000 600"
"$WASMLAB" plot latency --db "$DB" -o "$TMP/charts/l.svg" >/dev/null 2>&1 || fail "plot -o x.svg"
check "-o x.svg draws SVG" svg_ok "$TMP/charts/l.svg" "First byte"
check "no plot temp folders left" test -z "$(ls "$TMPDIR" | grep wasmlab-plot || true)"

# ---- report html in real headless Chromium ----
rc=0
page=$("$WASMLAB" report html --db "$DB" --out "$TMP/html" 2>"$TMP/err") || rc=$?
check "report html exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "report html wrote index.html" test -s "$TMP/html/index.html"
check "report html names no outside resource" \
  bash -c "! grep -Eo '(src|href)=\"(https?:)?//' '$TMP/html/index.html'"
# 4 run-wide charts + a timeline per module
check "the page loads in headless Chromium, no errors, every image decodes" \
  "$HTML_CHECK" "$TMP/html/index.html" 6
"$WASMLAB" report html --db "$DB" --out "$TMP/html2" --no-charts >/dev/null 2>&1 || fail "--no-charts"
check "--no-charts page has tables and no images" \
  bash -c "grep -q '<table>' '$TMP/html2/index.html' && ! grep -q '<img' '$TMP/html2/index.html'"

# ---- export trace -> import-trace round trip ----
"$WASMLAB" export trace --db "$DB" --load "$GOLOAD" -o "$TMP/t.json" || fail "export trace"
check "exported trace is Chrome's JSON form" python3 -c "
import json,sys; t=json.load(open('$TMP/t.json')); assert len(t['traceEvents']) > 1000"
check "exported trace is byte-identical to what was stored" test \
  "$(stat -c %s "$TMP/t.json")" = "$(q "$DB" "SELECT raw_bytes FROM load_traces WHERE load_id = $GOLOAD")"
DB2=$TMP/imported.db
rc=0
NEW=$("$WASMLAB" import-trace "$TMP/t.json" --db "$DB2" -q 2>"$TMP/err") || rc=$?
check "import-trace exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
gzip -c "$TMP/t.json" >"$TMP/t.json.gz"
NEWGZ=$("$WASMLAB" import-trace "$TMP/t.json.gz" --db "$DB2" -q 2>/dev/null) || fail "import .gz"
same() {   # same DB_A LOAD_A DB_B LOAD_B [other-text]: the measurements of two loads
           # agree (other-text: the same events written differently, so not trace_bytes)
  python3 - "$@" <<'PY'
import sqlite3, sys
a, la, b, lb = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
A, B = sqlite3.connect(a), sqlite3.connect(b)
cols = ("request_sent_us, response_received_us, last_byte_us, stream_start_us,"
        " compile_finished_us, compile_finished_event, load_end_us, bytes_received,"
        " chunk_count, first_byte_to_compile_us, last_byte_to_compile_us, renderer_pid,"
        " trace_events, api, status" + ("" if len(sys.argv) > 5 else ", trace_bytes"))
q = {
  'load': f"SELECT {cols} FROM loads WHERE id = ?",
  'chunks': "SELECT seq, ts_us, bytes, source FROM net_chunks WHERE load_id = ? ORDER BY seq",
  'events': "SELECT seq, name, category, phase, ts_us, dur_us, pid, tid, compile_id"
            " FROM compile_events WHERE load_id = ? ORDER BY seq",
  'marks': "SELECT name, ts_us FROM page_marks WHERE load_id = ? ORDER BY name",
  'v8 gc': "SELECT kind, name, is_pause, start_us, dur_us FROM gc_pauses"
           " WHERE load_id = ? AND source = 'v8' ORDER BY seq",
}
ok = True
for what, sql in q.items():
    ra, rb = A.execute(sql, (la,)).fetchall(), B.execute(sql, (lb,)).fetchall()
    if ra != rb or (what == 'load' and not ra):
        print(f"{what} differ: {ra[:3]} vs {rb[:3]}", file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY
}
python3 -c "import json; json.dump(json.load(open('$TMP/t.json'))['traceEvents'], open('$TMP/array.json', 'w'))"
NEWARR=$("$WASMLAB" import-trace "$TMP/array.json" --db "$DB2" -q 2>/dev/null) || fail "import array form"
check "round trip: loads, chunks, compile events, marks, V8 GC all equal" same "$DB" "$GOLOAD" "$DB2" "$NEW"
check "round trip through .gz too" same "$DB" "$GOLOAD" "$DB2" "$NEWGZ"
check "the bare-array form gives the same measurements" same "$DB" "$GOLOAD" "$DB2" "$NEWARR" other-text
check "imported rows as documented" test "$(q "$DB2" "
  SELECT b.kind || '|' || m.name || '|' || m.bytes || '|' || length(m.sha256) || '|' || b.product
  FROM loads l JOIN browsers b ON b.id = l.browser_id JOIN modules m ON m.id = l.module_id
  WHERE l.id = $NEW")" = "imported|import:/modules/go/hello.wasm|$(q "$DB" "SELECT bytes FROM modules WHERE name='go/hello'")|64|$(q "$DB" "SELECT product FROM browsers LIMIT 1")"
check "a .json and its .gz are one module row (the array form is another trace)" \
  test "$(q "$DB2" "SELECT COUNT(*) FROM modules")" -eq 2
check "import stores the trace: export again gives the same bytes" \
  bash -c "'$WASMLAB' export trace --db '$DB2' --load $NEW | cmp -s - '$TMP/t.json'"
check "imported load draws a timeline" "$WASMLAB" plot timeline --db "$DB2" --load "$NEW" -o "$TMP/charts/imp.png"

# ---- folded stacks ----
"$WASMLAB" export folded --db "$DB" --load "$GOLOAD" -o "$TMP/f.txt" 2>/dev/null || fail "export folded"
check "folded lines are 'frame;frame count'" bash -c "! grep -Ev '^[^;]+(;[^;]+)* [0-9]+$' '$TMP/f.txt'"
check "folded counts sum to the union of the renderer threads' slices" python3 - "$TMP/t.json" \
  "$(q "$DB" "SELECT renderer_pid FROM loads WHERE id = $GOLOAD")" "$TMP/f.txt" <<'PY'
# Independent of collector/trace/trace_slices.c: per thread, the measure of the
# union of its slices (X events; B/E pairs, a B never closed ending at the
# thread's last timestamp). For slices that nest, that is the top-level
# total, which the folded counts must add up to exactly.
import collections, json, sys
t = json.load(open(sys.argv[1])); pid = int(sys.argv[2])
ev = [e for e in t['traceEvents'] if e.get('pid') == pid and e.get('ph') in ('X', 'B', 'E') and 'ts' in e]
iv, last, open_ = collections.defaultdict(list), collections.defaultdict(int), collections.defaultdict(list)
for e in ev:
    last[e['tid']] = max(last[e['tid']], round(e['ts']) + round(e.get('dur', 0)))
    if e['ph'] == 'X' and 'dur' in e:
        iv[e['tid']].append((round(e['ts']), round(e['ts']) + round(e['dur'])))
for e in sorted((e for e in ev if e['ph'] in 'BE'), key=lambda e: e['ts']):
    if e['ph'] == 'B': open_[e['tid']].append(round(e['ts']))
    elif open_[e['tid']]: iv[e['tid']].append((open_[e['tid']].pop(), round(e['ts'])))
for tid, starts in open_.items():
    iv[tid] += [(s, last[tid]) for s in starts]
union = 0
for spans in iv.values():
    cur = None
    for a, b in sorted(spans):
        if cur and a <= cur[1]: cur[1] = max(cur[1], b); continue
        if cur: union += cur[1] - cur[0]
        cur = [a, b]
    if cur: union += cur[1] - cur[0]
folded = sum(int(l.rsplit(' ', 1)[1]) for l in open(sys.argv[3]))
print(f"union {union} µs, folded {folded} µs")
sys.exit(0 if union == folded and folded > 0 else 1)
PY
"$WASMLAB" export folded --db "$DB" --load "$GOLOAD" --all-processes >"$TMP/fa.txt" 2>/dev/null || fail "folded --all-processes"
check "--all-processes names processes" grep -q '^Renderer [0-9]*;CrRendererMain;' "$TMP/fa.txt"

# ---- csv / json ----
"$WASMLAB" export csv --db "$DB" --table loads --run "$RUN" -o "$TMP/loads.csv" || fail "export csv"
"$WASMLAB" export json --db "$DB" --table loads --run "$RUN" -o "$TMP/loads.json" || fail "export json"
check "csv and json equal the DB" python3 - "$DB" "$RUN" "$TMP/loads.csv" "$TMP/loads.json" <<'PY'
import csv, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.row_factory = sqlite3.Row
rows = [dict(r) for r in db.execute("SELECT * FROM loads WHERE run_id = ? ORDER BY id", (int(sys.argv[2]),))]
js = json.load(open(sys.argv[4]))
assert js == rows, "json differs"
with open(sys.argv[3], newline='') as f:
    cs = list(csv.DictReader(f))
assert len(cs) == len(rows) and list(cs[0].keys()) == list(rows[0].keys())
for c, r in zip(cs, rows):
    for k, v in r.items():
        want = '' if v is None else str(v)
        if isinstance(v, float): assert float(c[k]) == v, (k, c[k], v)
        else: assert c[k] == want, (k, c[k], want)
PY
check "every documented table exports" bash -c "for t in runs browsers modules loads net_chunks compile_events page_marks module_sizes module_sections module_imports; do '$WASMLAB' export json --db '$DB' --table \$t | python3 -c 'import json,sys; json.load(sys.stdin)' || exit 1; done"
expect_fail 2 "--table nosuch: no such table" "$WASMLAB" export csv --db "$DB" --table nosuch
expect_fail 2 "no such table" "$WASMLAB" export json --db "$DB" --table "loads; DROP TABLE runs"
check "the DB survived" test "$(q "$DB" "SELECT COUNT(*) FROM runs")" -ge 1
expect_fail 2 "export trace --load ID" "$WASMLAB" export csv --db "$DB" --table load_traces
expect_fail 2 "--run 999: no such run" "$WASMLAB" export csv --db "$DB" --table loads --run 999

# ---- missing gnuplot, bad input ----
expect_fail 2 "gnuplot not found: WASMLAB_GNUPLOT=/nonexistent/gnuplot" \
  env WASMLAB_GNUPLOT=/nonexistent/gnuplot "$WASMLAB" plot latency --db "$DB" --out "$TMP/charts"
expect_fail 2 "gnuplot not found on PATH (install gnuplot-nox" \
  env PATH=/nonexistent "$WASMLAB" plot latency --db "$DB" --out "$TMP/charts"
expect_fail 2 "gnuplot not found" env WASMLAB_GNUPLOT=/nonexistent "$WASMLAB" report html --db "$DB" --out "$TMP/h3"
expect_fail 2 "unknown kind bogus" "$WASMLAB" plot bogus --db "$DB"
expect_fail 2 "--run 999: no such run" "$WASMLAB" plot latency --db "$DB" --run 999
expect_fail 2 "--load 99999: no such load" "$WASMLAB" plot timeline --db "$DB" --load 99999
expect_fail 2 "--load abc: not a load id" "$WASMLAB" export trace --db "$DB" --load abc
expect_fail 2 "--module nosuch: no loads of that module" "$WASMLAB" plot latency --db "$DB" --module nosuch
expect_fail 2 "--load is for per-load kinds" "$WASMLAB" plot latency --db "$DB" --load 1
expect_fail 2 "--format gif: must be png or svg" "$WASMLAB" plot latency --db "$DB" --format gif
expect_fail 2 "DB $TMP/none.db: No such file" "$WASMLAB" plot latency --db "$TMP/none.db"
touch "$TMP/afile"
expect_fail 2 "--out $TMP/afile: not a folder" "$WASMLAB" plot latency --db "$DB" --out "$TMP/afile"
expect_fail 2 "--out $TMP/afile/x: Not a directory" "$WASMLAB" report html --db "$DB" --out "$TMP/afile/x"
cp "$DB" "$TMP/notrace.db"
q "$TMP/notrace.db" "DELETE FROM load_traces WHERE load_id = $GOLOAD"
expect_fail 2 "load $GOLOAD has no stored trace" "$WASMLAB" export trace --db "$TMP/notrace.db" --load "$GOLOAD"
expect_fail 2 "load $GOLOAD has no stored trace" "$WASMLAB" plot timeline --db "$TMP/notrace.db" --load "$GOLOAD"
printf '[{"ph":"X","name":"x","ts":1' >"$TMP/broken.json"
expect_fail 2 "broken.json: trace JSON ends early" "$WASMLAB" import-trace "$TMP/broken.json" --db "$DB2"
expect_fail 2 "no request for a .wasm URL" "$WASMLAB" import-trace "$SRC/tests/fixtures/traces/expected.json" --db "$DB2"
expect_fail 2 "nosuch.json: No such file" "$WASMLAB" import-trace "$TMP/nosuch.json" --db "$DB2"

# ---- a big trace, streamed: 200 MB of filler around a real load ----
python3 - "$TMP/t.json" "$TMP/big.json" <<'PY'
import json, sys
real = json.load(open(sys.argv[1]))['traceEvents']
pad = 'x' * 120
with open(sys.argv[2], 'w') as f:
    f.write('{"traceEvents":[\n')
    chunk = []
    for i in range(1_150_000):
        chunk.append('{"name":"Filler","cat":"test","ph":"X","ts":%d,"dur":1,"pid":1,"tid":%d,"args":{"pad":"%s"}},\n' % (i, i % 7, pad))
        if len(chunk) == 20000:
            f.write(''.join(chunk)); chunk = []
    f.write(''.join(chunk))
    f.write(',\n'.join(json.dumps(e) for e in real))
    f.write('\n]}\n')
PY
size_mb=$(( $(stat -c %s "$TMP/big.json") / 1048576 ))
check "big trace is over 200 MB ($size_mb MB)" test "$size_mb" -ge 200
rc=0
BIG=$(/usr/bin/time -f '%M' -o "$TMP/rss" "$WASMLAB" import-trace "$TMP/big.json" --db "$DB2" -q 2>"$TMP/err") || rc=$?
check "big trace imports ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
rss_kb=$(tail -1 "$TMP/rss")
check "big trace imported in bounded memory ($((rss_kb / 1024)) MB max RSS for $size_mb MB)" test "$rss_kb" -lt 81920
check "big trace: same measurements as the load it wraps" \
  python3 -c "
import sqlite3,sys
a=sqlite3.connect('$DB').execute('SELECT first_byte_to_compile_us, chunk_count, bytes_received FROM loads WHERE id=$GOLOAD').fetchone()
b=sqlite3.connect('$DB2').execute('SELECT first_byte_to_compile_us, chunk_count, bytes_received FROM loads WHERE id=$BIG').fetchone()
sys.exit(0 if a == b else 1)"
rm -f "$TMP/big.json"

check "no browser processes left" test -z "$(pgrep -f "$TMPDIR/wasmlab-profile-" || true)"
check "no temp files left" test -z "$(ls -A "$TMPDIR")"
finish
