#!/usr/bin/env bash
# Issue 11, the experiment report and the streaming chart, on real headless
# Chromium: a small real sweep (go/hello, buffered vs streaming, one shaped
# network, 2 loads each, ~30 s) answered by `report experiment` as one
# sentence per question with its 95% CI in text, markdown and json (the json's
# medians are the DB's); on the shaped load buffered compiles after the last
# byte while streaming starts before it; `plot streaming` draws a PNG whose
# data holds every chunk and the load's compile work; bad input exits 2 with
# one line.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/exp.db
NET="bw=4000000,latency=20"
cat >"$TMP/exp.json" <<JSON
{"name": "report-test", "browsers": ["headless-shell"], "modules": ["go/hello"],
 "apis": ["buffered", "streaming"], "loads": 2, "keep_traces": "none",
 "conditions": [{"name": "shaped", "network": "$NET"}],
 "questions": [{"vary": "api", "baseline": "buffered", "metric": "first_byte_to_compile"},
               {"vary": "api", "baseline": "buffered", "metric": "first_byte_to_instance"}]}
JSON

# --- a bad question stops the sweep before anything runs ---
sed 's/"metric": "first_byte_to_instance"/"metric": "speed"/' "$TMP/exp.json" >"$TMP/badq.json"
expect_fail 2 'questions[1].metric speed: must be' "$WASMLAB" sweep "$TMP/badq.json" --db "$TMP/badq.db"
sed 's/"vary": "api", "baseline": "buffered", "metric": "first_byte_to_compile"/"vary": "tier"/' \
  "$TMP/exp.json" >"$TMP/badq.json"
expect_fail 2 'questions[0].vary must be api, condition, module or browser' \
  "$WASMLAB" sweep "$TMP/badq.json" --db "$TMP/badq.db"
check "a bad question wrote no DB" test ! -e "$TMP/badq.db"

rc=0
"$WASMLAB" sweep "$TMP/exp.json" --db "$DB" -q >/dev/null 2>"$TMP/err" || rc=$?
check "sweep exits 0 ($(tail -c 300 "$TMP/err"))" test "$rc" -eq 0
check "4 ok loads" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE status = 'ok'")" -eq 4

# --- on a shaped load: buffered after the last byte, streaming before it ---
check "buffered compiles after the last byte, with no overlap" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads WHERE api = 'buffered' AND net_bandwidth = 4000000
    AND compile_start_us >= last_byte_us AND overlap_us = 0")" -eq 2
check "streaming starts compiling before the last byte and overlaps the download" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE api = 'streaming' AND chunk_count > 4
    AND compile_start_us < last_byte_us AND overlap_us > 0")" -eq 2

# --- report experiment: text, markdown, json ---
R=("$WASMLAB" report experiment --db "$DB" --experiment "$TMP/exp.json")
rc=0; "${R[@]}" >"$TMP/text" 2>"$TMP/err" || rc=$?
check "text: exit 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "text: one sentence per question, each with a 95% CI" \
  test "$(grep -cE '^  - on shaped, go/hello: streaming (finished compiling|had an instance of) go/hello [0-9.]+ ms \(95% CI -?[0-9.]+\.\.-?[0-9.]+\) (before|after) buffered' "$TMP/text")" -eq 2
check "text: both questions titled" test "$(grep -c '^Q[12]\. api: ' "$TMP/text")" -eq 2
rc=0; "${R[@]}" --format markdown >"$TMP/md" 2>"$TMP/err" || rc=$?
check "markdown: exit 0" test "$rc" -eq 0
check "markdown: a heading per question and a bullet per answer" \
  test "$(grep -c '^## Q' "$TMP/md") $(grep -c '^- on shaped, go/hello: streaming .*95% CI' "$TMP/md")" = "2 2"
rc=0; "${R[@]}" --format json >"$TMP/json" 2>"$TMP/err" || rc=$?
check "json: exit 0" test "$rc" -eq 0
# the figures are the DB's: medians of each side, diff = candidate - baseline,
# the CI around the diff, the sentence present
check "json: parses, has the fields, medians match the DB" python3 - "$TMP/json" "$DB" <<'PY'
import json, sqlite3, statistics, sys
doc = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
def med(api, expr):
    return statistics.median(v for (v,) in db.execute(
        f"SELECT {expr} FROM loads WHERE status = 'ok' AND api = ?", (api,)))
exprs = {"first_byte_to_compile": "first_byte_to_compile_us / 1000.0",
         "first_byte_to_instance": "(instantiate_end_us - response_received_us) / 1000.0"}
assert doc["experiment"] == "report-test" and doc["run_id"] == 1, doc
assert len(doc["questions"]) == 2
for q in doc["questions"]:
    assert q["vary"] == "api" and q["baseline"] == "buffered", q
    assert len(q["answers"]) == 1, q
    a = q["answers"][0]
    for k in ("baseline", "candidate", "context", "n_baseline", "n_candidate",
              "median_baseline_ms", "median_candidate_ms", "diff_ms", "ci_low_ms",
              "ci_high_ms", "p", "verdict", "sentence"):
        assert k in a, k
    assert a["candidate"] == "streaming" and a["context"]["condition"] == "shaped"
    assert a["n_baseline"] == 2 and a["n_candidate"] == 2
    e = exprs[q["metric"]]
    assert abs(a["median_baseline_ms"] - med("buffered", e)) < 1e-6
    assert abs(a["median_candidate_ms"] - med("streaming", e)) < 1e-6
    assert abs(a["diff_ms"] - (a["median_candidate_ms"] - a["median_baseline_ms"])) < 1e-6
    assert a["ci_low_ms"] <= a["diff_ms"] <= a["ci_high_ms"], a
    assert "95% CI" in a["sentence"]
PY
# without --experiment: the questions the sweep stored with the run
check "the run keeps its questions" \
  test "$(q "$DB" "SELECT json_array_length(questions) FROM runs")" -eq 2
rc=0; "$WASMLAB" report experiment --db "$DB" >"$TMP/stored" 2>"$TMP/err" || rc=$?
check "stored questions: exit 0, the same answers as with the file" \
  test "$rc $(diff <(grep '^  - ' "$TMP/text") <(grep '^  - ' "$TMP/stored") >/dev/null && echo same)" = "0 same"
# a run without questions: every varied dimension (here: api) vs its first value
cp "$DB" "$TMP/noq.db"
q "$TMP/noq.db" "UPDATE runs SET questions = NULL"
rc=0; "$WASMLAB" report experiment --db "$TMP/noq.db" >"$TMP/dflt" 2>"$TMP/err" || rc=$?
check "default questions: exit 0, the api question answered" \
  test "$rc $(grep -c '^  - on shaped, go/hello: streaming finished compiling go/hello .* before\|after buffered' "$TMP/dflt")" = "0 1"

# --- plot streaming: the chunks and the compile work of one load ---
for api in streaming buffered; do
  id=$(q "$DB" "SELECT id FROM loads WHERE api = '$api' ORDER BY id LIMIT 1")
  rc=0
  WASMLAB_PLOT_KEEP=1 "$WASMLAB" plot streaming --db "$DB" --load "$id" -o "$TMP/$api.png" \
    >/dev/null 2>"$TMP/err" || rc=$?
  check "plot streaming $api: exit 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
  check "plot streaming $api: a non-empty PNG" \
    test "$(head -c 4 "$TMP/$api.png" | od -An -c | tr -d ' ')" = '211PNG'
  dir=$(sed -n 's/.*kept the script and data in //p' "$TMP/err")
  check "plot streaming $api: every chunk, summing to the module" test "$(wc -l <"$dir/received.dat") \
$(awk 'END {print $3}' "$dir/received.dat")" = \
    "$(q "$DB" "SELECT (chunk_count + 1) || ' ' || bytes_received FROM loads WHERE id = $id")"
  check "plot streaming $api: the compile work drawn is the load's compile_work_us" \
    awk -v want="$(q "$DB" "SELECT compile_work_us / 1000.0 FROM loads WHERE id = $id")" \
    'END {d = $2 - want; exit !(d < 0.002 && d > -0.002 && want > 0)}' "$dir/compile.dat"
  # compile work done before the last byte: > 0 streaming, none buffered
  last=$(q "$DB" "SELECT (last_byte_us - response_received_us) / 1000.0 FROM loads WHERE id = $id")
  before=$(awk -v t="$last" '$1 < t && $2 > w {w = $2} END {print w + 0}' "$dir/compile.dat")
  if [ "$api" = streaming ]; then
    check "plot streaming: compile work before the last byte ($before ms)" awk -v b="$before" 'BEGIN {exit !(b > 0)}'
  else
    check "plot buffered: no compile work before the last byte ($before ms)" test "$before" = 0
  fi
  rm -rf "$dir"
done

# --- bad input: one line, exit 2 ---
expect_fail 2 '--run 99: no such run' "$WASMLAB" report experiment --db "$DB" --run 99
expect_fail 2 'DB /nonexistent.db' "$WASMLAB" report experiment --db /nonexistent.db
sed 's/"name": "report-test"/"name": "other"/' "$TMP/exp.json" >"$TMP/other.json"
expect_fail 2 "its name other is not run 1's experiment report-test" \
  "$WASMLAB" report experiment --db "$DB" --experiment "$TMP/other.json"
sed 's/"baseline": "buffered", "metric": "first_byte_to_instance"/"baseline": "buffered", "candidates": ["worker-sync"]/' \
  "$TMP/exp.json" >"$TMP/cand.json"
expect_fail 2 'questions[1]: candidate worker-sync is not a api of run 1' \
  "$WASMLAB" report experiment --db "$DB" --experiment "$TMP/cand.json"
# a plain `wasmlab run` is not an experiment
rc=0
"$WASMLAB" run -q --module c/hello --loads 1 --db "$TMP/plain.db" >/dev/null 2>"$TMP/err" || rc=$?
check "plain run exits 0" test "$rc" -eq 0
expect_fail 2 'has no run of an experiment' "$WASMLAB" report experiment --db "$TMP/plain.db"
expect_fail 2 'run 1 ran no experiment' "$WASMLAB" report experiment --db "$TMP/plain.db" --run 1
# one load a side: too few to answer
cat >"$TMP/one.json" <<'JSON'
{"name": "one", "browsers": ["headless-shell"], "modules": ["c/hello"],
 "apis": ["buffered", "streaming"], "loads": 1, "keep_traces": "none"}
JSON
rc=0; "$WASMLAB" sweep "$TMP/one.json" --db "$TMP/one.db" -q >/dev/null 2>"$TMP/err" || rc=$?
check "one-load sweep exits 0" test "$rc" -eq 0
expect_fail 2 'run 1: too few ok loads to answer any question' \
  "$WASMLAB" report experiment --db "$TMP/one.db"
finish
