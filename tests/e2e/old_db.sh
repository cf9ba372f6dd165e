#!/usr/bin/env bash
# A DB written by the previous version (tests/fixtures/db/stop9, schema 6,
# wasmlab at cc304a6) opens in today's wasmlab, is not changed by the
# commands that only read it, and reports the same numbers it did then:
# report gc, compare, the exported tables (every column the old version had),
# a load's stored trace and its folded stacks. Then it merges into a new DB.
source "$(dirname "$0")/../lib.sh"
FIX=$SRC/tests/fixtures/db/stop9
DB=$TMP/old.db
gunzip -c "$FIX/results.db.gz" >"$DB"
before=$(sha256sum "$DB" | cut -c1-64)

"$WASMLAB" report gc --db "$DB" --run 1 --format json >"$TMP/report-gc.json" ||
  fail "report gc on the old DB"
"$WASMLAB" compare --db "$DB" --baseline run:1 --candidate run:2 --format json \
  >"$TMP/compare.json" 2>"$TMP/compare.err" || fail "compare on the old DB"
for t in loads gc_pauses runs modules; do
  "$WASMLAB" export json --table "$t" --db "$DB" -o "$TMP/$t.json" || fail "export json $t"
done
"$WASMLAB" export trace --load 1 --db "$DB" -o "$TMP/trace1.json" || fail "export trace"
check "the stored trace comes back byte for byte" \
  test "$(sha256sum "$TMP/trace1.json" | cut -c1-64)" = "$(cat "$FIX/trace-load1.sha256")"
"$WASMLAB" export folded --load 1 --db "$DB" -o "$TMP/folded.txt" 2>/dev/null || fail "export folded"
check "folded stacks as the old version made them" cmp -s "$TMP/folded.txt" "$FIX/folded-load1.txt"
check "read-only commands left the old DB unchanged" \
  test "$(sha256sum "$DB" | cut -c1-64)" = "$before"

python3 - "$FIX" "$TMP" <<'PY' || fail "numbers differ from the old version's (above)"
import json, math, sys
fix, tmp = sys.argv[1], sys.argv[2]
bad = 0
def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b
def rows(name_old, name_new, what, key_skip=()):
    global bad
    old = json.load(open(f"{fix}/{name_old}"))
    new = json.load(open(f"{tmp}/{name_new}"))
    if len(old) != len(new):
        print(f"{what}: {len(old)} rows then, {len(new)} now"); bad += 1; return 0
    n = 0
    for i, (o, w) in enumerate(zip(old, new)):
        for k, v in o.items():        # every column the old version had
            if k in key_skip:
                continue
            n += 1
            if k not in w or not same(v, w[k]):
                print(f"{what} row {i} {k}: {v!r} then, {w.get(k, '<missing>')!r} now"); bad += 1
    return n
checked = rows("report-gc-run1.json", "report-gc.json", "report gc")
checked += rows("compare-run1-run2.json", "compare.json", "compare", key_skip=("verdict",))
for t in ("loads", "gc_pauses", "runs", "modules"):
    checked += rows(f"{t}.json", f"{t}.json", f"export {t}")
# verdicts: the same, except that 3 loads a side can no longer be called
# "no significant change": the test cannot reach p < 0.05 there.
old = json.load(open(f"{fix}/compare-run1-run2.json"))
new = json.load(open(f"{tmp}/compare.json"))
for o, w in zip(old, new):
    checked += 1
    if not (o["verdict"] == w["verdict"] or
            (o["verdict"] == "no significant change" and w["verdict"] == "too few loads")):
        print(f"compare {o['module']}: verdict {o['verdict']!r} then, {w['verdict']!r} now"); bad += 1
print(f"old_db: {checked} values compared with the old version's, {bad} differ")
sys.exit(1 if bad or checked < 500 else 0)
PY

# The write path: merging the old file into a new DB copies every load.
"$WASMLAB" merge "$TMP/new.db" "$DB" >/dev/null 2>"$TMP/merge.err" || fail "merge the old DB: $(cat "$TMP/merge.err")"
check "merge copied all 15 loads" test "$(q "$TMP/new.db" 'SELECT COUNT(*) FROM loads')" = 15
check "merge left the old DB unchanged" test "$(sha256sum "$DB" | cut -c1-64)" = "$before"
finish
