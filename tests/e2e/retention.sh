#!/usr/bin/env bash
# Trace retention on real parts (headless Chromium, c/hello, a few loads):
# each --keep-traces rule stores the traces it promises and records itself in
# runs.keep_traces; the experiment key keep_traces does the same for sweep;
# `wasmlab prune` removes traces by rule, keeps every load's row and numbers
# (export json --table loads before and after), and --vacuum shrinks the file;
# export trace of a pruned load says so in one line; bad inputs exit 2.
source "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"

kept() { q "$1" "SELECT group_concat(seq, '') FROM (SELECT l.seq FROM loads l JOIN load_traces t ON t.load_id = l.id ORDER BY l.seq)"; }
for rule in all failed sample:3 none; do
  db=$TMP/${rule/:/}.db
  "$WASMLAB" run -q --module c/hello --loads 6 --keep-traces "$rule" --db "$db" >/dev/null 2>"$TMP/err" \
    || fail "run --keep-traces $rule: $(tail -c 300 "$TMP/err")"
  check "$rule: stored as the run's rule" test "$(q "$db" "SELECT keep_traces FROM runs")" = "$rule"
  check "$rule: 6 ok loads stored" test "$(q "$db" "SELECT COUNT(*) || ':' || SUM(status = 'ok') FROM loads")" = "6:6"
done
check "all keeps every trace" test "$(kept "$TMP/all.db")" = "012345"
check "failed keeps none of the ok loads'" test -z "$(kept "$TMP/failed.db")"
check "sample:3 keeps seq 0 and 3" test "$(kept "$TMP/sample3.db")" = "03"
check "none keeps none" test -z "$(kept "$TMP/none.db")"
check "measurements stored without a trace" \
  test "$(q "$TMP/none.db" "SELECT COUNT(*) FROM loads WHERE first_byte_to_compile_us IS NOT NULL")" = "6"

cat >"$TMP/exp.json" <<'JSON'
{ "name": "retain", "browsers": ["headless-shell"], "modules": ["c/hello"], "loads": 2, "keep_traces": "none" }
JSON
"$WASMLAB" sweep "$TMP/exp.json" -q --db "$TMP/sweep.db" >/dev/null 2>"$TMP/err" || fail "sweep: $(tail -c 300 "$TMP/err")"
check "experiment keep_traces none" test "$(q "$TMP/sweep.db" "SELECT keep_traces || ':' || (SELECT COUNT(*) FROM load_traces) FROM runs")" = "none:0"
"$WASMLAB" sweep "$TMP/exp.json" -q --keep-traces all --db "$TMP/sweep.db" >/dev/null 2>"$TMP/err" || fail "sweep --keep-traces all: $(tail -c 300 "$TMP/err")"
check "--keep-traces overrides the experiment" test "$(q "$TMP/sweep.db" "SELECT keep_traces FROM runs WHERE id = 2")" = "all"
check "... and keeps both traces" test "$(q "$TMP/sweep.db" "SELECT COUNT(*) FROM load_traces")" = "2"

# prune: the 'all' DB down to sample:3, then none, with --vacuum
DB=$TMP/all.db
"$WASMLAB" export json --table loads --db "$DB" >"$TMP/loads-before.json" || fail "export before"
"$WASMLAB" prune --db "$DB" --keep sample:3 --dry-run >"$TMP/out" 2>&1 || fail "prune --dry-run"
check "dry run counts 4 traces" grep -q "^would remove 4 traces" "$TMP/out"
check "dry run removes nothing" test "$(kept "$DB")" = "012345"
"$WASMLAB" prune --db "$DB" --keep sample:3 >"$TMP/out" 2>&1 || fail "prune sample:3"
check "prune sample:3 removes 4" grep -q "^removed 4 traces" "$TMP/out"
check "prune sample:3 keeps seq 0 and 3" test "$(kept "$DB")" = "03"
size_before=$(stat -c %s "$DB")
"$WASMLAB" prune --db "$DB" --run 1 --keep none --vacuum >"$TMP/out" 2>&1 || fail "prune none --vacuum: $(cat "$TMP/out")"
check "prune none removes the last 2" grep -q "^removed 2 traces" "$TMP/out"
check "--vacuum shrinks the file ($size_before -> $(stat -c %s "$DB"))" test "$(stat -c %s "$DB")" -lt "$size_before"
"$WASMLAB" export json --table loads --db "$DB" >"$TMP/loads-after.json" || fail "export after"
check "every load's row and numbers unchanged" cmp -s "$TMP/loads-before.json" "$TMP/loads-after.json"
expect_fail 2 "load 1 has no stored trace" "$WASMLAB" export trace --load 1 --db "$DB" -o "$TMP/t.json"

# bad input: one usage line, exit 2
expect_usage prune "--db FILE is required" "$WASMLAB" prune
expect_usage prune "no such file" "$WASMLAB" prune --db "$TMP/missing.db"
expect_usage prune "--keep bogus" "$WASMLAB" prune --db "$DB" --keep bogus
expect_usage prune "--keep all" "$WASMLAB" prune --db "$DB" --keep all
expect_usage prune "--keep sample:0" "$WASMLAB" prune --db "$DB" --keep sample:0
expect_usage prune "--older-than" "$WASMLAB" prune --db "$DB" --older-than soon
expect_usage prune "no such run" "$WASMLAB" prune --db "$DB" --run 99
expect_usage prune "no run of it" "$WASMLAB" prune --db "$DB" --experiment nope
expect_usage prune "not both" "$WASMLAB" prune --db "$DB" --run 1 --experiment retain
expect_usage run "--keep-traces sample:x" "$WASMLAB" run --keep-traces sample:x --db "$TMP/x.db"
expect_usage sweep "--keep-traces some" "$WASMLAB" sweep "$TMP/exp.json" --keep-traces some --db "$TMP/x.db"
check "no DB created by bad input" test ! -e "$TMP/x.db" -a ! -e "$TMP/missing.db"

check "no browser processes left" test -z "$(pgrep -f -- "--user-data-dir=$TMPDIR/" || true)"
finish
