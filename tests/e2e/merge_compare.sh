# wasmlab merge and wasmlab compare on real result DBs (two small runs in
# Debian's headless shell), then on loads whose values are set by hand so the
# expected statistics are known: merge keeps every row of every table, and a
# second merge changes nothing; compare's p-value equals the exact
# Mann-Whitney value computed here independently (2 / C(12, 6) for two
# separated samples of 6).
source "$(dirname "$0")/../lib.sh"

rc=0
"$WASMLAB" run -q --module c/hello --loads 6 --db "$TMP/a.db" >/dev/null 2>"$TMP/err" || rc=$?
"$WASMLAB" run -q --module c/hello --module go/hello --loads 6 --db "$TMP/b.db" >/dev/null 2>>"$TMP/err" || rc=$?
if [ "$rc" -ne 0 ]; then
  fail "the two runs: $(tail -3 "$TMP/err")"
  finish
  exit 1
fi

# Every row of every table, with ids replaced by what they stand for (run
# UUID, load's run+seq+module, browser path+product, module name+sha256):
# equal for OUT and the union of the inputs when the merge kept everything.
canon() {
  python3 - "$@" <<'EOF'
import sqlite3, sys
rows = []
for path in sys.argv[1:]:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    runs = {i: u for i, u in db.execute("SELECT id, uuid FROM runs")}
    browsers = {i: (p, pr) for i, p, pr in db.execute("SELECT id, path, product FROM browsers")}
    modules = {i: (n, s) for i, n, s in db.execute("SELECT id, name, sha256 FROM modules")}
    loads = {i: (runs[r], seq, modules[m]) for i, r, seq, m in
             db.execute("SELECT id, run_id, seq, module_id FROM loads")}
    for t in tables:
        cols = [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')]
        for row in db.execute(f'SELECT * FROM "{t}"'):
            d = dict(zip(cols, row))
            if t in ("runs", "browsers", "modules", "loads"):
                d.pop("id")
            for k, m in (("run_id", runs), ("load_id", loads), ("browser_id", browsers),
                         ("module_id", modules)):
                if k in d and d[k] is not None:
                    d[k] = m[d[k]]
            rows.append(t + " " + repr(sorted(d.items(), key=lambda kv: kv[0])))
rows.sort()
# browsers and modules are shared between inputs: count each once.
out, seen = [], set()
for r in rows:
    if r.startswith(("browsers ", "modules ", "module_sizes ", "module_sections ",
                     "module_imports ")):
        if r in seen:
            continue
        seen.add(r)
    out.append(r)
print("\n".join(out))
EOF
}

# --- merge ---
"$WASMLAB" merge "$TMP/out.db" "$TMP/a.db" "$TMP/b.db" >"$TMP/merge1" 2>"$TMP/err" ||
  fail "merge: $(cat "$TMP/err")"
check "merge reports a.db's run as new" grep -q "^$TMP/a.db: 1 runs (1 new, 0 already present" "$TMP/merge1"
check "merge copied 6 + 12 loads" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM loads")" = 18 ]
check "one browser row (same path, product, revision)" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM browsers")" = 1 ]
check "two module rows" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM modules")" = 2 ]
canon "$TMP/out.db" >"$TMP/canon.out"
canon "$TMP/a.db" "$TMP/b.db" >"$TMP/canon.in"
check "every row of every table arrives, ids remapped (canonical dumps equal)" \
  cmp -s "$TMP/canon.out" "$TMP/canon.in"
check "the canonical dump is not trivially small" [ "$(wc -l <"$TMP/canon.out")" -gt 1000 ]
for t in $(q "$TMP/out.db" "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type='table' AND p.name='load_id'"); do
  want=$(( $(q "$TMP/a.db" "SELECT COUNT(*) FROM $t") + $(q "$TMP/b.db" "SELECT COUNT(*) FROM $t") ))
  check "$t: all rows copied" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM $t")" = "$want" ]
done
check "no dangling load_id" [ "$(q "$TMP/out.db" "PRAGMA foreign_key_check")" = "" ]

# Idempotent: merging the same inputs again changes nothing.
sum1=$(sqlite3 "$TMP/out.db" .dump | sha256sum)
"$WASMLAB" merge "$TMP/out.db" "$TMP/a.db" "$TMP/b.db" >"$TMP/merge2" 2>"$TMP/err" ||
  fail "merge again: $(cat "$TMP/err")"
check "second merge: nothing new" grep -q "(0 new, 1 already present), 0 loads" "$TMP/merge2"
check "second merge: the DB is byte-for-byte the same dump" [ "$sum1" = "$(sqlite3 "$TMP/out.db" .dump | sha256sum)" ]
"$WASMLAB" merge "$TMP/out.db" "$TMP/out.db.copy" >/dev/null 2>&1 && fail "merging a missing file worked" || pass

# Order does not matter.
"$WASMLAB" merge "$TMP/ba.db" "$TMP/b.db" "$TMP/a.db" >/dev/null 2>&1 || fail "merge b a"
check "merge b then a: same content" cmp -s <(canon "$TMP/ba.db") "$TMP/canon.in"

# A run merged while still running gets its later loads on the next merge.
cp "$TMP/a.db" "$TMP/part.db"
last=$(q "$TMP/part.db" "SELECT MAX(id) FROM loads")
for t in $(q "$TMP/part.db" "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type='table' AND p.name='load_id'"); do
  q "$TMP/part.db" "DELETE FROM $t WHERE load_id = $last"
done
q "$TMP/part.db" "DELETE FROM loads WHERE id = $last; UPDATE runs SET status = 'running', finished_at = NULL"
"$WASMLAB" merge "$TMP/p.db" "$TMP/part.db" >/dev/null 2>&1 || fail "merge part"
check "partial run: 5 loads" [ "$(q "$TMP/p.db" "SELECT COUNT(*) FROM loads")" = 5 ]
"$WASMLAB" merge "$TMP/p.db" "$TMP/a.db" >"$TMP/merge3" 2>&1 || fail "merge the finished run"
check "the finished run adds its last load" grep -q "(0 new, 1 already present, some marked finished), 1 loads" "$TMP/merge3"
check "the run is marked completed" [ "$(q "$TMP/p.db" "SELECT status FROM runs")" = completed ]
check "partial then whole = whole" cmp -s <(canon "$TMP/p.db") <(canon "$TMP/a.db")

# An input at an older schema is merged from a migrated copy; it is not written.
sqlite3 "$TMP/old.db" <"$SRC/db/migrations/001_init.sql"
sqlite3 "$TMP/old.db" "PRAGMA user_version = 1;
INSERT INTO runs (uuid, started_at, status) VALUES ('00000000-0000-4000-8000-000000000001', '2026-01-01T00:00:00.000Z', 'completed');
INSERT INTO browsers (path, kind, product, revision) VALUES ('/old/chrome', 'headless_shell', 'HeadlessChrome/120.0.1.0', '@old');
INSERT INTO modules (name, bytes, sha256) VALUES ('c/hello', 10, 'abc');
INSERT INTO loads (run_id, browser_id, module_id, seq, api, status, started_at, first_byte_to_compile_us)
  VALUES (1, 1, 1, 0, 'streaming', 'ok', '2026-01-01T00:00:01.000Z', 1234);
INSERT INTO net_chunks VALUES (1, 0, 5, 10, 'wasm.OnBytesReceived');"
old_sum=$(sha256sum <"$TMP/old.db")
"$WASMLAB" merge "$TMP/out.db" "$TMP/old.db" >"$TMP/merge4" 2>"$TMP/err" || fail "merge old: $(cat "$TMP/err")"
check "older schema: says it migrated a copy" grep -q "schema version 1; merging a copy migrated" "$TMP/err"
check "older schema: its load arrived" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM loads l JOIN runs r ON r.id = l.run_id WHERE r.uuid = '00000000-0000-4000-8000-000000000001' AND l.first_byte_to_compile_us = 1234")" = 1 ]
check "older schema: its chunk arrived" [ "$(q "$TMP/out.db" "SELECT COUNT(*) FROM net_chunks c JOIN loads l ON l.id = c.load_id JOIN browsers b ON b.id = l.browser_id WHERE b.path = '/old/chrome'")" = 1 ]
check "older schema: the input file is untouched" [ "$old_sum" = "$(sha256sum <"$TMP/old.db")" ]
check "older schema: still version 1" [ "$(q "$TMP/old.db" "PRAGMA user_version")" = 1 ]

# Bad inputs: refused before anything is written.
cp "$TMP/a.db" "$TMP/new.db"
q "$TMP/new.db" "PRAGMA user_version = 999"
sum2=$(sqlite3 "$TMP/out.db" .dump | sha256sum)
expect_fail 2 "newer than this wasmlab knows" "$WASMLAB" merge "$TMP/out.db" "$TMP/a.db" "$TMP/new.db"
echo "not a database at all, just text that is long enough to be read as a header...." >"$TMP/text.db"
expect_fail 2 "not an SQLite database" "$WASMLAB" merge "$TMP/out.db" "$TMP/text.db"
sqlite3 "$TMP/other.db" "CREATE TABLE t (x)"
expect_fail 2 "not a wasmlab results DB" "$WASMLAB" merge "$TMP/out.db" "$TMP/other.db"
expect_fail 2 "No such file" "$WASMLAB" merge "$TMP/out.db" "$TMP/missing.db"
expect_fail 2 "is the output DB itself" "$WASMLAB" merge "$TMP/out.db" "$TMP/a.db" "$TMP/out.db"
expect_fail 2 "at least one IN.db" "$WASMLAB" merge "$TMP/out.db"
expect_fail 2 "unknown option --frob" "$WASMLAB" merge --frob "$TMP/out.db" "$TMP/a.db"
check "refused merges wrote nothing" [ "$sum2" = "$(sqlite3 "$TMP/out.db" .dump | sha256sum)" ]

# --- compare, on hand-set values ---
C=$TMP/cmp.db
"$WASMLAB" merge "$C" "$TMP/a.db" "$TMP/b.db" >/dev/null 2>&1 || fail "merge for compare"
product=$(q "$C" "SELECT product FROM browsers")
major=$(echo "$product" | sed 's|.*/\([0-9]*\)\..*|\1|')
# run 1: c/hello 1.0 .. 1.5 ms; run 2: c/hello 2.0 .. 2.5 ms, go/hello 3.0 .. 3.5 ms.
q "$C" "UPDATE loads SET first_byte_to_compile_us = 1000 + 100 * seq WHERE run_id = 1;
UPDATE loads SET first_byte_to_compile_us = 2000 + 100 * seq WHERE run_id = 2 AND module_id = (SELECT id FROM modules WHERE name = 'c/hello');
UPDATE loads SET first_byte_to_compile_us = 3000 + 100 * seq WHERE run_id = 2 AND module_id = (SELECT id FROM modules WHERE name = 'go/hello');"
python3 -c 'import math; print(repr(2 / math.comb(12, 6)))' >"$TMP/p_exact"

rc=0
"$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --format json >"$TMP/cmp.json" 2>"$TMP/err" || rc=$?
check "a regression exits 4 (got $rc: $(cat "$TMP/err"))" [ "$rc" -eq 4 ]
python3 - "$TMP/cmp.json" "$(cat "$TMP/p_exact")" >"$TMP/py" 2>&1 <<'EOF' || fail "compare json: $(cat "$TMP/py")"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, rows                 # c/hello only: go/hello is on one side
r = rows[0]
assert r["module"] == "c/hello" and r["api"] == "streaming" and r["condition"] == "default", r
assert r["n_baseline"] == 6 and r["n_candidate"] == 6, r
assert abs(r["median_baseline_ms"] - 1.25) < 1e-9 and abs(r["median_candidate_ms"] - 2.25) < 1e-9, r
assert abs(r["diff_ms"] - 1.0) < 1e-9 and abs(r["change_pct"] - 80.0) < 1e-6, r
assert r["u"] == 0, r
assert abs(r["p"] - float(sys.argv[2])) < 1e-9, (r["p"], sys.argv[2])
# Every resampled median difference lies between 2.0-1.5 and 2.5-1.0.
assert 0.5 <= r["ci_low_ms"] <= 1.0 <= r["ci_high_ms"] <= 1.5, r
assert r["verdict"] == "slower", r
assert r["kind_baseline"] == r["kind_candidate"] == "headless_shell", r
EOF
pass
check "one configuration on one side only is noted" grep -q "1 configuration with loads on one side only" "$TMP/err"

"$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --format json --seed 7 >"$TMP/c1" 2>/dev/null || true
"$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --format json --seed 7 >"$TMP/c2" 2>/dev/null || true
check "same seed, same output" cmp -s "$TMP/c1" "$TMP/c2"

# Three loads a side (the others marked failed): Mann-Whitney cannot go below
# p = 2 / C(6, 3) = 0.1, so no verdict is possible at alpha 0.05; compare says
# so, with the loads a side that could reach it (2 / C(8, 4) = 0.029 < 0.05).
cp "$C" "$TMP/few.db"
q "$TMP/few.db" "UPDATE loads SET status = 'failed' WHERE seq >= 3"
few_line='too few loads: smallest reachable p at n=3/3 is 0.1 > 0.05; need at least 4 loads a side (1 configuration)'
rc=0
"$WASMLAB" compare --db "$TMP/few.db" --baseline run:1 --candidate run:2 >"$TMP/out" 2>"$TMP/err" || rc=$?
check "too few loads: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "too few loads: the verdict says so" grep -q "^c/hello .* too few loads" "$TMP/out"
check "too few loads: the text explains it" grep -qF "$few_line" "$TMP/out"
check "too few loads: never 'no significant change'" bash -c "! grep -q 'no significant change' '$TMP/out'"
"$WASMLAB" compare --db "$TMP/few.db" --baseline run:1 --candidate run:2 --format markdown >"$TMP/out" 2>/dev/null || true
check "too few loads: markdown explains it" grep -qF "$few_line" "$TMP/out"
"$WASMLAB" compare --db "$TMP/few.db" --baseline run:1 --candidate run:2 --format json >"$TMP/out" 2>"$TMP/err" || true
python3 - "$TMP/out" >"$TMP/py" 2>&1 <<'EOF2' || fail "too few loads, json: $(cat "$TMP/py")"
import json, sys
r = json.load(open(sys.argv[1]))[0]
assert r["n_baseline"] == 3 and r["n_candidate"] == 3, r
assert r["verdict"] == "too few loads", r
assert abs(r["p"] - 0.1) < 1e-9 and abs(r["min_p"] - 0.1) < 1e-9, r
assert r["loads_needed"] == 4, r
EOF2
pass
check "too few loads: json explains it on stderr" grep -qF "wasmlab: compare: $few_line" "$TMP/err"

rc=0
"$WASMLAB" compare --db "$C" --baseline run:2 --candidate run:1 >"$TMP/out" 2>"$TMP/err" || rc=$?
check "the other way round is faster, exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "text output says faster" grep -q "c/hello .* faster" "$TMP/out"
check "text output names the metric" grep -q "^metric: first_byte_to_compile" "$TMP/out"
rc=0
"$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --threshold 100 >"$TMP/out" 2>&1 || rc=$?
check "below the threshold: no significant change, exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "below the threshold: says so" grep -q "no significant change" "$TMP/out"

# Selectors: run UUIDs, run:last, modules against each other, browser versions.
uuid1=$(q "$C" "SELECT uuid FROM runs WHERE id = 1")
"$WASMLAB" compare --db "$C" --baseline "$uuid1" --candidate run:last --format json >"$TMP/c3" 2>/dev/null || true
check "UUID and run:last select the same runs" cmp -s "$TMP/c3" "$TMP/cmp.json"
rc=0
"$WASMLAB" compare --db "$C" --baseline run:2,module:c/hello --candidate run:2,module:go/hello --format csv >"$TMP/out" 2>"$TMP/err" || rc=$?
check "module vs module is compared (exit $rc)" [ "$rc" -eq 4 ]
check "module vs module: the configuration names both" grep -q '^c/hello vs go/hello,streaming,default' "$TMP/out"
rc=0
"$WASMLAB" compare --db "$C" --baseline "browser:$major" --candidate "browser:$product" --format json >"$TMP/out" 2>"$TMP/err" || rc=$?
check "browser:MAJOR and browser:PRODUCT select the same loads" [ "$rc" -eq 0 ]
check "same loads: the selectors overlap warning" grep -q "share .* loads; the selectors overlap" "$TMP/err"

# Different kinds: a warning, since the kind confounds a version difference.
q "$C" "INSERT INTO browsers (path, kind, product, revision) VALUES ('/x/chromium', 'chromium', 'Chrome/150.0.1.2', '@x');
UPDATE loads SET browser_id = (SELECT id FROM browsers WHERE kind = 'chromium') WHERE run_id = 2"
rc=0
"$WASMLAB" compare --db "$C" --baseline "browser:$major" --candidate browser:150 >"$TMP/out" 2>"$TMP/err" || rc=$?
check "kinds differ: still compared (exit $rc)" [ "$rc" -eq 4 ]
check "kinds differ: warned" grep -q "browser kinds differ in 1 configuration (baseline headless_shell, candidate chromium)" "$TMP/err"
"$WASMLAB" compare --db "$C" --baseline kind:headless_shell --candidate kind:chromium >"$TMP/out" 2>/dev/null || true
check "kind: selectors" grep -q "^c/hello .* slower" "$TMP/out"

# Bad usage.
expect_fail 2 "give both --baseline and --candidate" "$WASMLAB" compare --db "$C" --baseline run:1
expect_fail 2 "unknown key 'frob'" "$WASMLAB" compare --db "$C" --baseline frob:1 --candidate run:2
expect_fail 2 "is not KEY:VALUE" "$WASMLAB" compare --db "$C" --baseline 156 --candidate run:2
expect_fail 2 "matches no ok loads" "$WASMLAB" compare --db "$C" --baseline run:99 --candidate run:2
expect_fail 2 "run:x is not a run id" "$WASMLAB" compare --db "$C" --baseline run:x --candidate run:2
expect_fail 2 "--metric bogus" "$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --metric bogus
expect_fail 2 "--threshold -3" "$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --threshold -3
expect_fail 2 "--resamples 5" "$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2 --resamples 5
expect_fail 2 "No such file" "$WASMLAB" compare --db "$TMP/missing.db" --baseline run:1 --candidate run:2
q "$C" "UPDATE loads SET api = 'buffered' WHERE run_id = 2"
expect_fail 2 "no configuration has loads on both sides" "$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2
rc=0
"$WASMLAB" compare --db "$C" --baseline run:1 --candidate run:2,api:buffered --metric last_byte_to_compile >/dev/null 2>&1 || rc=$?
check "api varied by the selectors: compared (other metric) (exit $rc)" bash -c "[ $rc -eq 0 ] || [ $rc -eq 4 ]"
"$WASMLAB" compare --help | grep -q "Mann-Whitney" && pass || fail "compare --help"
"$WASMLAB" merge --help | grep -q "idempotently\|merging the same file twice" && pass || fail "merge --help"
finish
