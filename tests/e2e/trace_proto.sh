#!/usr/bin/env bash
# --trace-format proto (issue 12): Chrome exports its protobuf trace and
# wasmlab converts it (collector/trace/perfetto_json.c). On real parts: the
# headless Chromium, the built c/hello and go/hello, a real SQLite file.
#   - batched, proto: every load ok and proved isolated, every figure the
#     JSON export gives is there (first byte to compile, its end event,
#     compile work, tiers, chunks), the batch's trace stored once, as JSON;
#   - the same loads exported as JSON by Chrome: for the events wasmlab
#     measures with, the converted trace has each one Chrome's own
#     converter has, with the same category and phase, on the load's
#     renderer; in both, causes come before their effects (request before
#     response before finish, compile start before compiled before
#     instantiated) on the one clock;
#   - unbatched, proto, --save-traces: the saved trace is JSON and holds the
#     load's module request;
#   - each load's load_host.trace_format says which export it had;
#   - an experiment's "trace_format", and --trace-format over it;
#   - bad --trace-format or "trace_format": an error naming it, the DB
#     untouched.
source "$(dirname "$0")/../lib.sh"

run_fmt() {   # run_fmt FORMAT DB [more options]
  local fmt=$1 db=$2; shift 2
  "$WASMLAB" run -q --trace-format "$fmt" --module c/hello --module go/hello --loads 3 \
    --db "$db" "$@" >/dev/null 2>"$TMP/err" || fail "run --trace-format $fmt $*: $(tail -c 400 "$TMP/err")"
}
run_fmt proto "$TMP/proto.db" --batch 6
run_fmt json "$TMP/json.db" --batch 6

for fmt in proto json; do
  DB=$TMP/$fmt.db
  check "$fmt: 6 ok loads" test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'ok') FROM loads")" = "6:6"
  check "$fmt: every load proved isolated" \
    test "$(q "$DB" "SELECT COUNT(*) FROM load_host WHERE isolation = 'isolated' AND documents = 1")" = 6
  check "$fmt: every figure there" test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE
      first_byte_to_compile_us > 0 AND compile_finished_event IS NOT NULL AND chunk_count > 0
      AND compile_work_us >= 0 AND compile_liftoff_us IS NOT NULL AND instantiate_end_us > 0")" = 6
  check "$fmt: the batch's trace stored once" test "$(q "$DB" "SELECT COUNT(*) FROM load_traces")" = 1
  id=$(q "$DB" "SELECT l.id FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = 'go/hello' ORDER BY l.seq DESC LIMIT 1")
  pid=$(q "$DB" "SELECT renderer_pid FROM loads WHERE id = $id")
  echo "$pid" >"$TMP/$fmt.pid"
  "$WASMLAB" export trace --db "$DB" --load "$id" --out "$TMP/$fmt.json" 2>"$TMP/err" ||
    fail "$fmt: export trace: $(cat "$TMP/err")"
done
check "each load stores how its trace came" test \
  "$(q "$TMP/proto.db" "SELECT group_concat(DISTINCT trace_format) || ':' || COUNT(trace_format) FROM load_host"):$(q "$TMP/json.db" "SELECT group_concat(DISTINCT trace_format) || ':' || COUNT(trace_format) FROM load_host")" = "proto:6:json:6"
check "the same end event either way" test \
  "$(q "$TMP/proto.db" "SELECT group_concat(DISTINCT compile_finished_event) FROM loads")" = \
  "$(q "$TMP/json.db" "SELECT group_concat(DISTINCT compile_finished_event) FROM loads")"

# Chrome's own JSON against wasmlab's conversion, for one go/hello load each
check "the converted trace has what Chrome's JSON has, for what wasmlab measures" \
  python3 - "$TMP/json.json" "$(cat "$TMP/json.pid")" "$TMP/proto.json" "$(cat "$TMP/proto.pid")" <<'PY'
import json, sys
MEASURED = {"ResourceSendRequest", "ResourceReceiveResponse", "ResourceReceivedData",
            "ResourceFinish", "wasm.StartStreamingCompilation", "wasm.OnBytesReceived",
            "wasm.FinishStreaming", "wasm.BaselineFinished", "wasm.OnCompilationSucceeded",
            "wasm.FinishAsyncCompile", "v8.wasm.streamFromResponseCallback",
            "v8.wasm.compileConsumeDone", "wasmlab:compile-start", "wasmlab:compiled",
            "wasmlab:instantiated", "process_name"}
# pairs that happen in this order in every load (cause, effect)
CAUSAL = [("ResourceSendRequest", "ResourceReceiveResponse"),
          ("ResourceReceiveResponse", "ResourceFinish"),
          ("wasm.StartStreamingCompilation", "wasm.FinishStreaming"),
          ("wasmlab:compile-start", "wasmlab:compiled"),
          ("wasmlab:compiled", "wasmlab:instantiated")]
def shape(path, pid):
    d = json.load(open(path))
    ev = [e for e in d["traceEvents"] if e.get("pid") == int(pid) and e.get("name") in MEASURED]
    ev.sort(key=lambda e: (e.get("ts", 0), e["name"]))
    seen, first = {}, {}
    for e in ev:
        key = (e["name"], e.get("cat"), e.get("ph"))
        seen.setdefault(key, e)
        if e["ph"] != "M":
            first.setdefault(e["name"], e["ts"])
        if e["ph"] == "X":
            assert e["dur"] >= 0, e
    for a, b in CAUSAL:
        assert first[a] <= first[b], (path, a, first[a], b, first[b])
    return seen
chrome = shape(sys.argv[1], sys.argv[2])
ours = shape(sys.argv[3], sys.argv[4])
assert len(chrome) >= 14, sorted(chrome)
assert set(chrome) == set(ours), (sorted(set(chrome) - set(ours)), sorted(set(ours) - set(chrome)))
for key, e in ours.items():     # the args wasmlab reads are there
    if key[0].startswith("Resource"):
        assert e["args"]["data"]["requestId"], e
ren = [e for e in ours.values() if e["name"] == "process_name"]
assert ren and ren[0]["args"]["name"] == "Renderer", ren
PY

# unbatched, with --save-traces: the saved file is the converted JSON
mkdir -p "$TMP/saved"
"$WASMLAB" run -q --trace-format proto --module c/hello --loads 1 --db "$TMP/one.db" \
  --save-traces "$TMP/saved" >/dev/null 2>"$TMP/err" || fail "unbatched proto run: $(tail -c 400 "$TMP/err")"
check "unbatched proto: ok" test "$(q "$TMP/one.db" "SELECT status FROM loads")" = ok
check "the saved trace is JSON with the load's module request" python3 - "$TMP/saved" <<'PY'
import glob, json, sys
[f] = glob.glob(sys.argv[1] + "/load-*.json")
d = json.load(open(f))
assert d["metadata"]["clock-domain"] == "LINUX_CLOCK_MONOTONIC"
urls = [e["args"]["data"]["url"] for e in d["traceEvents"] if e.get("name") == "ResourceSendRequest"]
assert any(u.endswith("/modules/c/hello.wasm") for u in urls), urls
PY

# an experiment's "trace_format" (what nightly and the scale-out manifests
# run), and --trace-format over it
cat >"$TMP/exp.json" <<'EOF'
{ "name": "proto", "browsers": ["headless-shell"], "modules": ["c/hello"], "loads": 2, "batch": 2,
  "trace_format": "proto" }
EOF
"$WASMLAB" sweep "$TMP/exp.json" -q --db "$TMP/exp.db" >/dev/null 2>"$TMP/err" ||
  fail "sweep with \"trace_format\": \"proto\": $(tail -c 400 "$TMP/err")"
"$WASMLAB" sweep "$TMP/exp.json" -q --trace-format json --db "$TMP/exp.db" >/dev/null 2>"$TMP/err" ||
  fail "sweep --trace-format json over the file's proto: $(tail -c 400 "$TMP/err")"
check "sweep: the experiment's proto, then --trace-format json over it (2 ok loads each)" test \
  "$(q "$TMP/exp.db" "SELECT group_concat(f, ' ') FROM (SELECT r.id, h.trace_format || ':' || COUNT(*) || ':' || SUM(l.status = 'ok') AS f FROM loads l JOIN load_host h ON h.load_id = l.id JOIN runs r ON r.id = l.run_id GROUP BY r.id ORDER BY r.id)")" = "proto:2:2 json:2:2"
sed 's/"proto" }/"Proto" }/' "$TMP/exp.json" >"$TMP/bad-exp.json"
expect_fail 2 '"trace_format" must be "json" or "proto"' "$WASMLAB" sweep "$TMP/bad-exp.json" --db "$TMP/exp.db"
check "a bad \"trace_format\" stored nothing" test "$(q "$TMP/exp.db" "SELECT COUNT(*) FROM loads")" = 4

before=$(q "$TMP/one.db" "SELECT COUNT(*) FROM loads")
expect_usage run "--trace-format xml: must be json or proto" \
  "$WASMLAB" run --trace-format xml --module c/hello --loads 1 --db "$TMP/one.db"
check "a bad --trace-format stored nothing" test "$(q "$TMP/one.db" "SELECT COUNT(*) FROM loads")" = "$before"
expect_usage sweep "--trace-format PROTO: must be json or proto" \
  "$WASMLAB" sweep --trace-format PROTO "$SRC/experiments/startup.json"
expect_usage nightly "--trace-format xml: must be json or proto" \
  "$WASMLAB" nightly --trace-format xml --db "$TMP/one.db" "$SRC/experiments/startup.json"
finish
