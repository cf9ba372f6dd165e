#!/usr/bin/env bash
# `wasmlab plot pauses` on real parts: go/gc-churn and c/gc-churn loads in
# real headless Chromium 156, the real gnuplot, a real SQLite file.
#   - PNG (signature, IHDR size: the default and --width/--height) and SVG
#     (well-formed, titled);
#   - what is drawn is what the DB holds: the kept data files (WASMLAB_PLOT_KEEP)
#     have one point per pause of the load (SQL count), and one CDF point per
#     pause inside an ok load's workload window; each curve's n, p50 and p95
#     equal `report gc`'s gc_count, p50_ms and p95_ms;
#   - the default load (--module), --out naming;
#   - a load or run without pauses, and a DB without gc_pauses: one line, exit 2.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/gc.db
export TMPDIR=$TMP/tmp   # browser profiles and plot temp folders go here
mkdir -p "$TMPDIR" "$TMP/charts"

rc=0
"$WASMLAB" run --module go/gc-churn --module c/gc-churn --loads 2 --db "$DB" -q \
  >/dev/null 2>"$TMP/err" || rc=$?
check "gc-churn run exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
RUN=$(q "$DB" "SELECT MAX(id) FROM runs")
load_of() {   # the first ok load of a module
  q "$DB" "SELECT l.id FROM loads l JOIN modules m ON m.id = l.module_id
           WHERE m.name = '$1' AND l.status = 'ok' ORDER BY l.id LIMIT 1"
}
GOL=$(load_of go/gc-churn)
CL=$(load_of c/gc-churn)
n_pauses() {  # DB LOAD [SOURCE]: the load's pauses, as the timeline panel draws them
  q "$1" "SELECT COUNT(*) FROM gc_pauses WHERE load_id = $2 AND is_pause = 1
          AND start_us IS NOT NULL AND dur_us IS NOT NULL ${3:+AND source = '$3'}"
}
check "the Go load has Go pauses ($(n_pauses "$DB" "$GOL" go))" test "$(n_pauses "$DB" "$GOL" go)" -gt 0

png_size() {   # prints "W H" of a PNG, or fails
  python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(32)
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG signature'
assert d[12:16] == b'IHDR', 'no IHDR first'
w, h = struct.unpack('>II', d[16:24])
print(w, h)
PY
}
png_ok() { png_size "$1" >/dev/null; }
svg_ok() {     # well-formed XML with an <svg> root and the text in it
  python3 - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag
assert sys.argv[2] in open(sys.argv[1], encoding='utf-8').read(), 'title missing'
PY
}

# ---- PNG and SVG ----
rc=0
out=$("$WASMLAB" plot pauses --db "$DB" --load "$GOL" -o "$TMP/charts/p.png" 2>"$TMP/err") || rc=$?
check "plot pauses --load exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "it prints the image's path" test "$out" = "$TMP/charts/p.png"
check "a PNG of the default size, 1200x1000 ($(png_size "$TMP/charts/p.png" 2>&1))" \
  test "$(png_size "$TMP/charts/p.png")" = "1200 1000"
check "the note counts the load's pauses" \
  grep -qF "load $GOL (go/gc-churn): $(n_pauses "$DB" "$GOL") pauses over time" "$TMP/err"
"$WASMLAB" plot pauses --db "$DB" --load "$CL" -o "$TMP/charts/c.png" --width 900 --height 700 \
  >/dev/null 2>&1 || fail "plot pauses --width --height"
check "--width and --height give that PNG" test "$(png_size "$TMP/charts/c.png")" = "900 700"
rc=0
"$WASMLAB" plot pauses --db "$DB" --load "$GOL" --format svg --out "$TMP/charts" >/dev/null \
  2>"$TMP/err" || rc=$?
check "SVG exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "SVG named pauses-loadID.svg, well-formed, titled" \
  svg_ok "$TMP/charts/pauses-load$GOL.svg" "GC pauses: load $GOL over time"
check "-o x.svg draws SVG" bash -c "'$WASMLAB' plot pauses --db '$DB' --load $CL -o '$TMP/charts/c.svg' >/dev/null 2>&1 && grep -q '<svg' '$TMP/charts/c.svg'"
# without --load: the run's ok load of --module nearest its median
PICK=$(q "$DB" "WITH ok AS (SELECT l.id, l.first_byte_to_compile_us v FROM loads l
  JOIN modules m ON m.id = l.module_id WHERE l.run_id = $RUN AND m.name = 'go/gc-churn'
  AND l.status = 'ok'), r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY v, id) rn,
  COUNT(*) OVER () n FROM ok) SELECT id FROM r WHERE rn = (n + 1) / 2")
"$WASMLAB" plot pauses --db "$DB" --module go/gc-churn --out "$TMP/charts" >/dev/null 2>&1 \
  || fail "plot pauses --module"
check "--module draws its median load, pauses-load$PICK.png" png_ok "$TMP/charts/pauses-load$PICK.png"

# ---- plot timeline of a long load (go/gc-churn runs ~2 s after a short
# compile): by default the window shows the compile, not a thin strip ----
timeline_window() {   # LOAD [OPTIONS...]: prints "x_min x_max cf_ms" of the kept script
  local load=$1; shift
  WASMLAB_PLOT_KEEP=1 "$WASMLAB" plot timeline --db "$DB" --load "$load" "$@" \
    -o "$TMP/charts/t.png" >/dev/null 2>"$TMP/terr" || return 1
  local kept; kept=$(sed -n 's/.*kept the script and data in //p' "$TMP/terr")
  python3 - "$kept/script.gp" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
print(*(re.search(rf'^{v} = (\S+)$', s, re.M).group(1) for v in ("x_min", "x_max", "cf_ms")))
PY
  rm -rf "$kept"
}
read -r x0 x1 cf <<<"$(timeline_window "$GOL")" || true
load_ms=$(q "$DB" "SELECT (load_end_us - request_sent_us) / 1000.0 FROM loads WHERE id = $GOL")
check "timeline window ($x0..$x1 ms) holds the request (0) and compile finished ($cf ms)" \
  python3 -c "import sys; a, b, c = map(float, sys.argv[1:]); sys.exit(not (a <= 0 and b >= c))" "$x0" "$x1" "$cf"
check "the default window is narrower than the ${load_ms} ms load" \
  python3 -c "import sys; a, b, l = map(float, sys.argv[1:]); sys.exit(not (b - a < l / 4))" "$x0" "$x1" "$load_ms"
check "the note says how to see the whole load" grep -qF -- "--window load for the whole load" "$TMP/terr"
read -r y0 y1 cf <<<"$(timeline_window "$GOL" --window load)" || true
check "--window load shows the whole load ($y0..$y1 ms, load $load_ms ms)" \
  python3 -c "import sys; a, b, l = map(float, sys.argv[1:]); sys.exit(not (a <= 0 and b >= l))" "$y0" "$y1" "$load_ms"

# ---- what is drawn is what the DB holds ----
rc=0
WASMLAB_PLOT_KEEP=1 "$WASMLAB" plot pauses --db "$DB" --load "$GOL" -o "$TMP/charts/k.png" \
  >/dev/null 2>"$TMP/err" || rc=$?
KEPT=$(sed -n 's/.*kept the script and data in //p' "$TMP/err")
check "WASMLAB_PLOT_KEEP=1 keeps the data ($KEPT)" test -d "$KEPT" -a "$rc" -eq 0
"$WASMLAB" report gc --db "$DB" --run "$RUN" --format json >"$TMP/report.json" || fail "report gc"
check "the timeline's points are the load's pauses, each CDF curve is report gc's row" \
  python3 - "$DB" "$GOL" "$RUN" "$KEPT" "$TMP/report.json" "$SRC/db/read_pauses.c" <<'PY'
import json, re, sqlite3, sys
db, load, run, kept = sqlite3.connect(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
report = json.load(open(sys.argv[5]))
def blocks(path):   # gnuplot data blocks, split by two blank lines
    return [[tuple(map(float, l.split())) for l in b.strip().splitlines()]
            for b in open(path).read().split('\n\n\n') if b.strip()]
ok = True
def expect(what, got, want):
    global ok
    if got != want:
        print(f"{what}: drawn {got}, DB {want}", file=sys.stderr); ok = False
# top: one point per pause of the load, x = ms since the window's t0
win_sql = re.search(r'#define WINDOW_SQL \\\n(.*?)\n\n', open(sys.argv[6]).read(), re.S).group(1)
win_sql = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', win_sql))
t0 = db.execute(f"SELECT t0 FROM ({win_sql}) WHERE load_id = ?", (load,)).fetchone()[0]
want = sorted((round((s - t0) / 1000, 4), round(d / 1000, 4)) for s, d in db.execute(
    "SELECT start_us, dur_us FROM gc_pauses WHERE load_id = ?"
    " AND (is_pause = 1 OR (source = 'go' AND kind = 'cycle-cpu'))", (load,)))
got = sorted(p for b in blocks(f"{kept}/timeline.dat") for p in b)
expect("timeline points", got, want)
script = open(f"{kept}/script.gp", encoding='utf-8').read()
for src, title in (('go', 'Go runtime'), ('v8', 'V8')):
    n = db.execute("SELECT COUNT(*) FROM gc_pauses WHERE load_id = ? AND is_pause = 1 AND source = ?",
                   (load, src)).fetchone()[0]
    drawn = sum(int(m) for m in re.findall(rf"tl_title\[\d+\] = '{title}[^:]*: (\d+),", script))
    expect(f"{src} pauses in the key", drawn, n)
n_cyc = db.execute("SELECT COUNT(*) FROM gc_pauses WHERE load_id = ? AND kind = 'cycle-cpu'",
                   (load,)).fetchone()[0]
drawn = sum(int(m) for m in re.findall(r"tl_title\[\d+\] = 'Go GC cycle[^:]*: (\d+),", script))
expect("Go GC cycles in the key", drawn, n_cyc)
if n_cyc == 0:
    print("the Go load has no cycle-cpu rows", file=sys.stderr); ok = False
# bottom: a curve per module x condition x source = report gc's rows with pauses
curves = blocks(f"{kept}/cdf.dat")
titles = re.findall(r"cdf_title\[\d+\] = '(.*)'", script)
rows = [r for r in report if r['gc_count'] > 0]
expect("curves", len(curves), len(rows))
n_window = db.execute(f"""WITH win AS ({win_sql}) SELECT COUNT(*) FROM gc_pauses g
    JOIN loads l ON l.id = g.load_id JOIN win ON win.load_id = l.id
    WHERE l.run_id = ? AND l.status = 'ok'
    AND (g.is_pause = 1 OR (g.source = 'go' AND g.kind = 'cycle-cpu'))
    AND g.start_us >= win.t0 AND g.start_us <= win.t1""", (run,)).fetchone()[0]
expect("CDF points (less each curve's leading 0 %)", sum(len(c) - 1 for c in curves), n_window)
for r in rows:
    src = {'go': 'Go STW', 'go-cycle-cpu': 'Go GC cycle'}.get(r['source'], 'V8')
    want = f"{r['module']} · {src}: n={r['gc_count']} " if r['condition'] == 'default' else \
           f"{r['module']} · {r['condition']} · {src}: n={r['gc_count']} "
    t = [t for t in titles if t.startswith(want)]
    if len(t) != 1:
        print(f"no curve '{want}' in {titles}", file=sys.stderr); ok = False; continue
    p50, p95 = map(float, re.search(r'p50 ([\d.]+), p95 ([\d.]+) ms', t[0]).groups())
    # the legend prints the quantile to 2 decimals, report gc's JSON to 3:
    # the same number when they differ by at most half the legend's last
    # digit (rounding 0.725 again would make 0.72 out of the legend's 0.73)
    for name, drawn_q, db_q in (("p50", p50, r['p50_ms']), ("p95", p95, r['p95_ms'])):
        if abs(drawn_q - db_q) > 0.005 + 0.0005 + 1e-9:
            expect(f"{want} {name}", drawn_q, db_q)
    c = curves[titles.index(t[0])]
    expect(f"{want} ends at 100 %", c[-1][1], 100.0)
sys.exit(0 if ok else 1)
PY
rm -rf "$KEPT"

# ---- nothing to draw ----
cp "$DB" "$TMP/noload.db"
q "$TMP/noload.db" "DELETE FROM gc_pauses WHERE load_id = $CL"
expect_fail 2 "load $CL (c/gc-churn) has no GC pauses; in run $RUN, load" \
  "$WASMLAB" plot pauses --db "$TMP/noload.db" --load "$CL" -o "$TMP/charts/x.png"
cp "$DB" "$TMP/norun.db"
q "$TMP/norun.db" "DELETE FROM gc_pauses"
expect_fail 2 "run $RUN has no GC pauses" \
  "$WASMLAB" plot pauses --db "$TMP/norun.db" --load "$GOL" -o "$TMP/charts/x.png"
expect_fail 2 "run $RUN has no GC pauses" \
  "$WASMLAB" plot pauses --db "$TMP/norun.db" --out "$TMP/charts"
cp "$DB" "$TMP/old.db"
q "$TMP/old.db" "DROP TABLE gc_pauses"
expect_fail 2 "the DB has no gc_pauses table" \
  "$WASMLAB" plot pauses --db "$TMP/old.db" --load "$GOL" -o "$TMP/charts/x.png"
expect_fail 2 "--load 99999: no such load" "$WASMLAB" plot pauses --db "$DB" --load 99999
check "no image written when there was nothing to draw" test ! -e "$TMP/charts/x.png"
check "plot pauses is in plot --help" bash -c "'$WASMLAB' plot --help | grep -q '^  pauses '"

check "no browser processes left" test -z "$(pgrep -f "$TMPDIR/wasmlab-profile-" || true)"
check "no temp files left" test -z "$(ls -A "$TMPDIR")"
finish
