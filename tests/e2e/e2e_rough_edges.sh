#!/usr/bin/env bash
# The rough edges of run and sweep a new user met (issue 10), on real parts:
# the progress line on a real terminal (script(1)): its total fixed from the
# first line, cleared at the end, never sharing a line with a message; the run
# id and uuid printed and in --json; the summary header naming the metric; a
# failed module's times as "-" (text) and null (JSON); outside files with the
# same base name told apart by a content hash; --save-traces files named by
# the stored load ids.
source "$(dirname "$0")/../lib.sh"
export WASMLAB_BROWSER_STORE=${WASMLAB_TEST_BROWSER_CACHE:-$BUILD/browser-cache}/store
mkdir -p "$WASMLAB_BROWSER_STORE"
DB=$TMP/r.db

# What a terminal shows after the bytes in $1: \r, \n and ESC[K applied.
# Fails when a progress line ([k/N]) is left on screen or shares its line with
# anything else, or when the totals are not all $2 with k counting 1..$2.
screen_check() {
  python3 - "$1" "$2" <<'PY'
import re, sys
raw = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
want = int(sys.argv[2])
lines, line, col, i = [], [], 0, 0
while i < len(raw):
    if raw.startswith("\x1b[K", i):
        del line[col:]; i += 3; continue
    c = raw[i]
    if c == "\r": col = 0
    elif c == "\n": lines.append("".join(line)); line, col = [], 0
    else:
        if col < len(line): line[col] = c
        else: line.append(c)
        col += 1
    i += 1
lines.append("".join(line))
ok = True
marks = re.findall(r"\[(\d+)/(\d+)\]", raw)
if [int(n) for _, n in marks] != [want] * len(marks) or [int(k) for k, _ in marks] != list(range(1, want + 1)):
    print(f"progress marks {marks}, want 1..{want} of {want}", file=sys.stderr); ok = False
for l in lines:
    if re.search(r"\[\d+/\d+\]", l):
        print(f"left on screen: {l!r}", file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY
}

# ---- run: progress, run id, header ----
"$WASMLAB" run --loads 1 --db "$DB" --module c/hello --module go/hello --save-traces "$TMP" >/dev/null 2>&1 \
  || fail "first run"   # the DB now holds loads 1-2: ids must not be guessed
rm -f "$TMP"/load-*.json
rc=0
script -qec "'$WASMLAB' run --loads 3 --db '$DB' --module c/hello --module go/hello" /dev/null \
  >"$TMP/tty.out" 2>&1 || rc=$?
check "run on a terminal exits 0 ($(tail -c 300 "$TMP/tty.out"))" test "$rc" -eq 0
check "run: progress total fixed at 6 from the first line, nothing left on screen" \
  screen_check "$TMP/tty.out" 6
run2=$(q "$DB" "SELECT MAX(id) FROM runs")
uuid2=$(q "$DB" "SELECT uuid FROM runs WHERE id = $run2")
check "run id and uuid printed at the start" grep -qF "run $run2 ($uuid2) in $DB" "$TMP/tty.out"
check "run id printed at the end" grep -qF "run $run2: 6 loads in" "$TMP/tty.out"
check "summary header names the metric and the run" \
  grep -qF "first_byte_to_compile, ms (run $run2, $uuid2)" "$TMP/tty.out"

# --save-traces: one file per stored load, named by its id, nothing pending
"$WASMLAB" run --loads 1 --db "$DB" --module c/hello --module go/hello --save-traces "$TMP/traces" \
  -q >/dev/null 2>&1 && fail "--save-traces to a missing folder accepted"
mkdir "$TMP/traces"
"$WASMLAB" run --loads 1 --db "$DB" --module c/hello --module go/hello --save-traces "$TMP/traces" \
  -q >/dev/null 2>&1 || fail "run with --save-traces"
want=$(q "$DB" "SELECT group_concat('load-' || id || '.json', ' ') FROM (SELECT id FROM loads WHERE run_id = (SELECT MAX(id) FROM runs) ORDER BY id)")
got=$(cd "$TMP/traces" && ls -A | sort -V | tr '\n' ' ' | sed 's/ $//')
check "trace files are named by the stored ids ($got, want $want)" test "$got" = "$want"
check "each saved trace is the load's own (its bytes = trace_bytes)" test "$(
  for f in "$TMP"/traces/load-*.json; do
    id=${f##*/load-}; id=${id%.json}
    [ "$(stat -c %s "$f")" = "$(q "$DB" "SELECT trace_bytes FROM loads WHERE id = $id")" ] || echo bad
  done)" = ""

# --json: run_id and run_uuid beside the existing keys
"$WASMLAB" run --loads 1 --db "$DB" --module c/hello --json -q >"$TMP/s.json" 2>/dev/null || fail "json run"
run4=$(q "$DB" "SELECT MAX(id) FROM runs")
check "--json rows carry run_id and run_uuid, keep the old keys" python3 - "$TMP/s.json" "$run4" \
  "$(q "$DB" "SELECT uuid FROM runs WHERE id = $run4")" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
keys = {"module", "bytes", "loads_ok", "loads_failed", "median_us", "p95_us", "min_us", "max_us"}
sys.exit(0 if rows and all(keys <= r.keys() and r["run_id"] == int(sys.argv[2])
                           and r["run_uuid"] == sys.argv[3] for r in rows) else 1)
PY

# ---- a failed module: "-" in the table, null in JSON ----
mkdir -p "$TMP/a" "$TMP/b"
printf '\000asm\001\000\000\000\377\377\377' >"$TMP/bad.wasm"
rc=0; "$WASMLAB" run --module-file "$TMP/bad.wasm" --loads 1 --db "$DB" -q >"$TMP/bad.txt" 2>/dev/null || rc=$?
check "a failing module exits 3" test "$rc" -eq 3
check "its times print as - (not nan)" \
  python3 -c 'import sys; t=open(sys.argv[1]).read(); r=[l for l in t.splitlines() if l.startswith("file:bad.wasm@")]; sys.exit(0 if "nan" not in t and len(r) == 1 and r[0].split()[3:7] == ["-"]*4 else 1)' "$TMP/bad.txt"
rc=0; "$WASMLAB" run --module-file "$TMP/bad.wasm" --loads 1 --db "$DB" -q --json >"$TMP/bad.json" 2>/dev/null || rc=$?
check "and as null in JSON" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; sys.exit(0 if r["loads_failed"] == 1 and all(r[k] is None for k in ("median_us","p95_us","min_us","max_us")) else 1)' "$TMP/bad.json"

# ---- outside files with one base name: two modules, each keeping its name ----
printf '\000asm\001\000\000\000' >"$TMP/a/x.wasm"
printf '\000asm\001\000\000\000\000\002\001x' >"$TMP/b/x.wasm"
"$WASMLAB" run --module-file "$TMP/a/x.wasm" --module-file "$TMP/b/x.wasm" --loads 1 --db "$DB" -q \
  >/dev/null 2>&1 || fail "run of two x.wasm"
name_a="file:x.wasm@$(sha256sum "$TMP/a/x.wasm" | cut -c1-8)"
name_b="file:x.wasm@$(sha256sum "$TMP/b/x.wasm" | cut -c1-8)"
check "two files called x.wasm are two module names" \
  test "$(q "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM modules WHERE name LIKE 'file:x.wasm%' ORDER BY name)")" = "$(printf '%s\n' "$name_a" "$name_b" | sort | tr '\n' ' ' | sed 's/ $//')"
"$WASMLAB" run --module-file "$TMP/a/x.wasm" --loads 1 --db "$DB" -q >/dev/null 2>&1 || fail "second run of a/x.wasm"
check "the same file keeps its name (one row, two loads)" \
  test "$(q "$DB" "SELECT COUNT(DISTINCT m.id) || ':' || COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = '$name_a'")" = "1:2"

# ---- sweep: progress and run id ----
cat >"$TMP/exp.json" <<'JSON'
{ "name": "rough-edges", "browsers": ["headless-shell"], "modules": ["c/hello", "go/hello"],
  "loads": 2, "warmup": 1 }
JSON
rc=0
script -qec "'$WASMLAB' sweep '$TMP/exp.json' --db '$TMP/s.db'" /dev/null >"$TMP/sweep.out" 2>&1 || rc=$?
check "sweep on a terminal exits 0 ($(tail -c 300 "$TMP/sweep.out"))" test "$rc" -eq 0
check "sweep: progress total fixed at 4 from the first line, nothing left on screen" \
  screen_check "$TMP/sweep.out" 4
check "sweep prints its run id and uuid" \
  grep -qF "run 1 ($(q "$TMP/s.db" "SELECT uuid FROM runs WHERE id = 1"))" "$TMP/sweep.out"
finish
