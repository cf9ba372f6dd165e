#!/usr/bin/env bash
# End to end on real parts: headless Chromium 156 (Debian's headless_shell)
# loads the real c/hello and go/hello modules built by clang-16 and Go 1.22,
# and the rows in the real SQLite file must hold together; then an outside
# Emscripten-built module through --module-file.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/r.db
# Browser profiles go here, so the leftovers check below sees only ours.
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"

rc=0
"$WASMLAB" run --loads 3 --db "$DB" --json -q >"$TMP/summary.json" 2>"$TMP/err" || rc=$?
check "run exits 0 (stderr: $(head -c 500 "$TMP/err"))" test "$rc" -eq 0

check "6 loads, all ok" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE status='ok'")" -eq 6
check "both modules" test "$(q "$DB" "SELECT group_concat(name) FROM (SELECT name FROM modules ORDER BY name)")" = "c/hello,go/hello"
check "default browser is headless_shell 156" \
  test "$(q "$DB" "SELECT kind || ' ' || substr(product, 1, 19) FROM browsers")" = "headless_shell HeadlessChrome/156."

# Moments in causal order, metrics as defined, chunks adding up to the module.
bad=$(q "$DB" "
  SELECT COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id
  WHERE NOT (request_sent_us <= response_received_us
         AND response_received_us < compile_finished_us
         AND compile_finished_us <= load_end_us
         AND last_byte_us <= compile_finished_us
         AND first_byte_to_compile_us = compile_finished_us - response_received_us
         AND last_byte_to_compile_us = compile_finished_us - last_byte_us
         AND bytes_received = m.bytes
         AND chunk_count = (SELECT COUNT(*) FROM net_chunks c WHERE c.load_id = l.id)
         AND m.bytes = (SELECT SUM(bytes) FROM net_chunks c WHERE c.load_id = l.id)
         AND compile_finished_event = 'wasm.OnCompilationSucceeded'
         AND trace_data_loss = 0)")
check "every load's moments, metrics and chunks hold together ($bad bad)" test "$bad" -eq 0

# The page's own marks, put on the trace clock by Chrome (user timing), must
# fall after what the trace says caused them: fetch resolves after the
# response arrived; the compile promise resolves after OnCompilationSucceeded.
bad=$(q "$DB" "
  SELECT COUNT(*) FROM loads l
  JOIN page_marks r ON r.load_id = l.id AND r.name = 'wasmlab:response'
  JOIN page_marks c ON c.load_id = l.id AND c.name = 'wasmlab:compiled'
  WHERE NOT (r.ts_us >= l.response_received_us AND c.ts_us >= l.compile_finished_us
             AND c.ts_us <= l.load_end_us)")
check "page marks agree with the trace's order ($bad bad)" test "$bad" -eq 0
check "the modules ran: hello lines in the page output" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE page_output LIKE 'hello from %'")" -eq 6

# The printed summary equals what SQL computes from the stored rows
# (median/p95 by linear interpolation, as base/stats.h defines).
check "summary matches the DB" python3 - "$DB" "$TMP/summary.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
summary = {o["module"]: o for o in json.load(open(sys.argv[2]))}
def q(v, p):
    h = (len(v) - 1) * p; lo = int(h)
    return v[lo] if lo + 1 >= len(v) else v[lo] + (h - lo) * (v[lo + 1] - v[lo])
ok = len(summary) == 2
for (name, nbytes) in db.execute("SELECT name, bytes FROM modules"):
    v = sorted(r[0] for r in db.execute(
        "SELECT first_byte_to_compile_us FROM loads l JOIN modules m ON m.id = l.module_id"
        " WHERE m.name = ? AND status = 'ok'", (name,)))
    s = summary[name]
    want = dict(loads_ok=len(v), loads_failed=0, bytes=nbytes, median_us=q(v, .5),
                p95_us=q(v, .95), min_us=v[0], max_us=v[-1])
    for k, w in want.items():
        if abs(s[k] - w) > 1e-6:
            print(f"{name} {k}: summary {s[k]} db {w}", file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY

# A second run appends; nothing stored before changes.
before=$(q "$DB" "SELECT group_concat(id || ':' || first_byte_to_compile_us) FROM loads")
"$WASMLAB" run --loads 1 --module c/hello --db "$DB" -q >/dev/null 2>&1 || fail "second run"
check "second run appends one load" test "$(q "$DB" "SELECT COUNT(*) FROM loads")" -eq 7
check "two runs" test "$(q "$DB" "SELECT COUNT(*) FROM runs WHERE status='completed'")" -eq 2
check "earlier loads unchanged" test "$(q "$DB" "SELECT group_concat(id || ':' || first_byte_to_compile_us) FROM loads WHERE id <= 6")" = "$before"

# An outside module (Emscripten-built, needs imports: compile only).
outside=$(bash "$SRC/scripts/fetch-outside-module.sh" "$BUILD/test-cache")
rc=0
"$WASMLAB" run --module-file "$outside" --loads 2 --db "$DB" --json -q >"$TMP/o.json" 2>"$TMP/err" || rc=$?
check "outside module measured (stderr: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "outside module rows" test "$(q "$DB" "SELECT COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = 'file:sql-wasm.wasm@' || substr(m.sha256, 1, 8) AND status = 'ok' AND bytes_received = 655300 AND first_byte_to_compile_us > 0")" -eq 2
check "buffered API works" "$WASMLAB" run --api buffered --loads 1 --module go/hello --db "$DB" -q --json >/dev/null
check "buffered load stored" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE api='buffered' AND status='ok' AND first_byte_to_compile_us > 0")" -eq 1

# No browser or profile left behind.
check "no browser processes left" test -z "$(pgrep -f "$TMPDIR/wasmlab-profile-" || true)"
check "no profiles or browser logs left" test -z "$(ls -A "$TMPDIR")"
finish
