#!/usr/bin/env bash
# Sweeps on real parts: two real Chromium versions (Debian's headless_shell
# 156 and @sparticuz/chromium 126 from the browser store, cached under the
# build tree so re-runs download nothing), real modules, real SQLite.
# Interleaving, warm-up, shards merged equal to an unsharded run, resume after
# SIGINT, and compare across the two versions.
source "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
export WASMLAB_BROWSER_STORE=${WASMLAB_TEST_BROWSER_CACHE:-$BUILD/browser-cache}/store
mkdir -p "$WASMLAB_BROWSER_STORE"

cat >"$TMP/exp.json" <<'JSON'
{ "name": "two-versions", "browsers": ["headless-shell", "chromium@126"],
  "modules": ["c/hello", "go/hello"], "loads": 2, "warmup": 1 }
JSON
DB=$TMP/sweep.db
rc=0; "$WASMLAB" sweep "$TMP/exp.json" --db "$DB" -q --json >"$TMP/summary.json" 2>"$TMP/err" || rc=$?
check "sweep exits 0 ($(tail -c 300 "$TMP/err"))" test "$rc" -eq 0
check "two browsers, 126 and 156, both headless_shell" \
  test "$(q "$DB" "SELECT group_concat(v) FROM (SELECT substr(product, 16, 3) || ':' || kind AS v FROM browsers ORDER BY 1)")" = "126:headless_shell,156:headless_shell"
check "2 loads per configuration, warm-up not stored, all ok" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'ok') || ':' || COUNT(DISTINCT browser_id || '-' || module_id) FROM loads")" = "8:8:4"
# interleaved: round 0 of every configuration before round 1 of any
check "rounds interleave across configurations" \
  test "$(q "$DB" "SELECT group_concat(seq, '') FROM (SELECT seq FROM loads ORDER BY id)")" = "00001111"
check "run records the experiment" test "$(q "$DB" "SELECT experiment FROM runs")" = "two-versions"
check "summary has one row per configuration" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d) == 4 and all(r["loads_ok"] == 2 for r in d) else 1)' "$TMP/summary.json"

# Shards 1/3, 2/3, 3/3 cover the matrix exactly once; merged, they hold the
# same configurations as the unsharded run. One load a configuration and no
# warm-up: the configurations are what is compared, not the loads.
sed 's/"loads": 2, "warmup": 1/"loads": 1/' "$TMP/exp.json" >"$TMP/exp1.json"
for k in 1 2 3; do
  "$WASMLAB" sweep "$TMP/exp1.json" --db "$TMP/shard$k.db" --shard "$k/3" -q >/dev/null 2>&1 \
    || fail "shard $k/3"
done
"$WASMLAB" merge "$TMP/merged.db" "$TMP/shard1.db" "$TMP/shard2.db" "$TMP/shard3.db" >/dev/null 2>&1 \
  || fail "merge of the shards"
cfgs() { q "$1" "SELECT group_concat(c) FROM (SELECT DISTINCT b.product || '|' || m.name || '|' || l.api || '|' || l.condition AS c FROM loads l JOIN browsers b ON b.id = l.browser_id JOIN modules m ON m.id = l.module_id ORDER BY c)"; }
check "merged shards = unsharded configurations" test "$(cfgs "$TMP/merged.db")" = "$(cfgs "$DB")"
check "shards are disjoint (4 loads in all)" test "$(q "$TMP/merged.db" "SELECT COUNT(*) FROM loads")" -eq 4
check "three runs, one per shard" test "$(q "$TMP/merged.db" "SELECT COUNT(DISTINCT uuid) FROM runs")" -eq 3
expect_fail 2 "--shard 4/3" "$WASMLAB" sweep "$TMP/exp.json" --db "$TMP/x.db" --shard 4/3

# SIGINT mid-sweep, then --resume: no stored load lost or redone.
cat >"$TMP/long.json" <<'JSON'
{ "name": "resume", "browsers": ["headless-shell"], "modules": ["c/hello", "go/hello"], "loads": 4 }
JSON
DB=$TMP/resume.db
"$WASMLAB" sweep "$TMP/long.json" --db "$DB" -q >/dev/null 2>&1 & W=$!
for _ in $(seq 1 600); do
  [ -f "$DB" ] && [ "$(q "$DB" "SELECT COUNT(*) FROM loads" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.1
done
kill -INT $W
rc=0; wait $W || rc=$?
check "SIGINT: exit 130 (got $rc)" test "$rc" -eq 130
before=$(q "$DB" "SELECT group_concat(id || ':' || first_byte_to_compile_us) FROM loads")
"$WASMLAB" sweep "$TMP/long.json" --db "$DB" --resume -q >/dev/null 2>&1 || fail "resume"
check "resume: 4 loads per module, one run, completed" \
  test "$(q "$DB" "SELECT group_concat(n) || ':' || (SELECT COUNT(*) || MAX(status) FROM runs) FROM (SELECT COUNT(*) AS n FROM loads GROUP BY module_id)")" = "4,4:1completed"
check "resume: stored loads untouched" \
  test "$(q "$DB" "SELECT group_concat(id || ':' || first_byte_to_compile_us) FROM loads WHERE id <= $(echo "$before" | tr ',' '\n' | wc -l)")" = "$before"

# Bad experiment files: one line naming the file and the problem.
echo '{"name": "x", "browsers": ["headless-shell"], "modules": ["c/hello"], "lods": 3}' >"$TMP/bad1.json"
expect_fail 2 "experiment $TMP/bad1.json: unknown key \"lods\"" "$WASMLAB" sweep "$TMP/bad1.json" --db "$TMP/x.db"
echo '{"name": "x", "browsers": [], "modules": ["c/hello"]}' >"$TMP/bad2.json"
expect_fail 2 "\"browsers\" must be a list" "$WASMLAB" sweep "$TMP/bad2.json" --db "$TMP/x.db"
echo '{"name": "x", "browsers": ["headless-shell"], "modules": ["c/hello"], "loads": 0}' >"$TMP/bad3.json"
expect_fail 2 "\"loads\" must be a whole number from 1" "$WASMLAB" sweep "$TMP/bad3.json" --db "$TMP/x.db"
echo '{"name": "x", "browsers": ["headless-shell"], ' >"$TMP/bad4.json"
expect_fail 2 "experiment $TMP/bad4.json: line" "$WASMLAB" sweep "$TMP/bad4.json" --db "$TMP/x.db"
expect_fail 2 "experiment $TMP/none.json: No such file" "$WASMLAB" sweep "$TMP/none.json" --db "$TMP/x.db"
echo '{"name": "x", "browsers": ["chromium@1"], "modules": ["c/hello"]}' >"$TMP/bad5.json"
expect_fail 2 "chromium@1" "$WASMLAB" sweep "$TMP/bad5.json" --db "$TMP/x.db" --no-fetch

# Auto-sampling: after 3 loads, keep sampling each pair until the CI of the
# difference is at most 0.05 ms wide (it will not be) or 6 loads a side.
cat >"$TMP/auto.json" <<'JSON'
{ "name": "auto", "browsers": ["headless-shell", "chromium@126"], "modules": ["c/hello"],
  "loads": 3, "auto_sample": {"baseline": "headless-shell", "ci_width_ms": 0.05, "max_loads": 6} }
JSON
DB=$TMP/auto.db
"$WASMLAB" sweep "$TMP/auto.json" --db "$DB" -q >/dev/null 2>&1 || fail "auto-sampling sweep"
check "auto-sampling: one pair, stopped at max_loads with 6 a side" \
  test "$(q "$DB" "SELECT COUNT(*) || ':' || MAX(stop_reason) || ':' || MAX(n_baseline) || ':' || MAX(n_candidate) FROM auto_sampling")" = "1:max_loads:6:6"
check "auto-sampling: the CI it stopped at is recorded and wider than the target" \
  test "$(q "$DB" "SELECT ci_high_ms - ci_low_ms > target_width_ms FROM auto_sampling")" -eq 1
check "auto-sampling: 12 loads stored" test "$(q "$DB" "SELECT COUNT(*) FROM loads")" -eq 12
sed 's/"ci_width_ms": 0.05/"ci_width_ms": 1000/' "$TMP/auto.json" >"$TMP/auto2.json"
"$WASMLAB" sweep "$TMP/auto2.json" --db "$TMP/auto2.db" -q >/dev/null 2>&1 || fail "auto-sampling sweep 2"
check "auto-sampling: a wide target stops at once (ci_narrow, 3 a side)" \
  test "$(q "$TMP/auto2.db" "SELECT stop_reason || ':' || n_baseline || ':' || n_candidate FROM auto_sampling")" = "ci_narrow:3:3"

# Nightly: the first has nothing to compare; the second compares per browser.
cat >"$TMP/nightly.json" <<'JSON'
{ "name": "nightly-test", "browsers": ["headless-shell", "chromium@126"], "modules": ["c/hello"], "loads": 3 }
JSON
DB=$TMP/nightly.db
rc=0; "$WASMLAB" nightly "$TMP/nightly.json" --db "$DB" --report "$TMP/n1.md" -q >/dev/null 2>"$TMP/err" || rc=$?
check "first nightly: exit 0 ($(tail -c 300 "$TMP/err"))" test "$rc" -eq 0
check "first nightly says there is nothing to compare" grep -q "nothing to compare" "$TMP/n1.md"
rc=0; "$WASMLAB" nightly "$TMP/nightly.json" --db "$DB" --report "$TMP/n2.md" -q >/dev/null 2>"$TMP/err" || rc=$?
check "second nightly: exit 0 or 4, never an error (got $rc)" bash -c "[ $rc -eq 0 ] || [ $rc -eq 4 ]"
check "second nightly compares each browser" \
  test "$(grep -c '^## HeadlessChrome/1[25]6' "$TMP/n2.md")" -eq 2
# 3 loads a side: Mann-Whitney's smallest p is 2/C(6,3) = 0.1, so no verdict
# but "too few loads", with the 4 a side that could reach 0.05.
check "its verdicts are in the report: too few loads at 3/3" \
  grep -q 'too few loads: smallest reachable p at n=3/3 is 0.1 > 0.05; need at least 4 loads a side' "$TMP/n2.md"
check "the table's verdict column says too few loads" grep -Eq '\| too few loads +\|' "$TMP/n2.md"
expect_fail 2 "--threshold -1" "$WASMLAB" nightly "$TMP/nightly.json" --db "$DB" --threshold -1
expect_fail 2 "--shard 3/2" "$WASMLAB" nightly "$TMP/nightly.json" --db "$DB" --shard 3/2

# Nightly interrupted by SIGINT, then finished with --resume: one run, all
# its loads, compared with the previous nightly.
cat >"$TMP/nr.json" <<'JSON'
{ "name": "nightly-resume", "browsers": ["headless-shell"], "modules": ["c/hello", "go/hello"], "loads": 4 }
JSON
DB=$TMP/nightly-resume.db
"$WASMLAB" nightly "$TMP/nr.json" --db "$DB" --report "$TMP/nr1.md" -q >/dev/null 2>&1 ||
  fail "nightly-resume: the first nightly"
"$WASMLAB" nightly "$TMP/nr.json" --db "$DB" --report "$TMP/nr2.md" -q >/dev/null 2>&1 & W=$!
for _ in $(seq 1 600); do
  [ "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE run_id = 2" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.1
done
kill -INT $W
rc=0; wait $W || rc=$?
check "nightly SIGINT: exit 130 (got $rc)" test "$rc" -eq 130
check "nightly SIGINT: the report says how to finish" grep -q -- "--resume" "$TMP/nr2.md"
check "nightly SIGINT: run 2 is not completed" test "$(q "$DB" "SELECT status FROM runs WHERE id = 2")" != completed
loads2() { q "$DB" "SELECT group_concat(v) FROM (SELECT id || ':' || first_byte_to_compile_us AS v FROM loads WHERE run_id = 2 AND id <= $1 ORDER BY id)"; }
last2=$(q "$DB" "SELECT MAX(id) FROM loads WHERE run_id = 2")
before=$(loads2 "$last2")
rc=0; "$WASMLAB" nightly "$TMP/nr.json" --db "$DB" --report "$TMP/nr2.md" --resume -q >/dev/null 2>"$TMP/err" || rc=$?
check "nightly --resume: exit 0 or 4 (got $rc: $(tail -c 300 "$TMP/err"))" bash -c "[ $rc -eq 0 ] || [ $rc -eq 4 ]"
check "nightly --resume: two runs, both completed, 4 loads per module each" \
  test "$(q "$DB" "SELECT group_concat(v) FROM (SELECT run_id || ':' || module_id || ':' || COUNT(*) AS v FROM loads GROUP BY run_id, module_id ORDER BY 1)"):$(q "$DB" "SELECT group_concat(status) FROM runs")" = "1:1:4,1:2:4,2:1:4,2:2:4:completed,completed"
check "nightly --resume: stored loads untouched" test "$(loads2 "$last2")" = "$before"
uuid1=$(q "$DB" "SELECT uuid FROM runs WHERE id = 1"); uuid2=$(q "$DB" "SELECT uuid FROM runs WHERE id = 2")
check "nightly --resume: the report compares run 2 with run 1" \
  grep -q "Run \`$uuid2\` compared with the previous nightly \`$uuid1\`" "$TMP/nr2.md"
check "nightly --resume: both modules compared" \
  test "$(grep -Ec '^\| (c|go)/hello +\| streaming' "$TMP/nr2.md")" -eq 2

# A sharded nightly runs only its share (one of the two configurations) and
# compares it with the previous run that has it.
for k in 1 2; do
  rc=0; "$WASMLAB" nightly "$TMP/nr.json" --db "$DB" --report "$TMP/ns$k.md" --shard "$k/2" -q >/dev/null 2>"$TMP/err" || rc=$?
  check "nightly --shard $k/2: exit 0 or 4 (got $rc: $(tail -c 300 "$TMP/err"))" bash -c "[ $rc -eq 0 ] || [ $rc -eq 4 ]"
  check "nightly --shard $k/2: one module, 4 loads" \
    test "$(q "$DB" "SELECT COUNT(DISTINCT module_id) || ':' || COUNT(*) FROM loads WHERE run_id = $((k + 2))")" = "1:4"
  check "nightly --shard $k/2: the report names the shard and compares one module" \
    bash -c "grep -q '(shard $k/2) compared with the previous nightly' '$TMP/ns$k.md' && [ \$(grep -Ec '^\| (c|go)/hello +\| streaming' '$TMP/ns$k.md') -eq 1 ]"
done
check "nightly shards 1/2 and 2/2: disjoint, together both modules" \
  test "$(q "$DB" "SELECT COUNT(DISTINCT module_id) || ':' || COUNT(*) FROM loads WHERE run_id IN (3, 4)")" = "2:8"

check "no browser processes left" test -z "$(pgrep -f -- "--user-data-dir=$TMPDIR/" || true)"
finish
