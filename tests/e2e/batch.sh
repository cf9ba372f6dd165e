#!/usr/bin/env bash
# Batched tracing (run --batch N, issue 12) on real parts: headless Chromium,
# the built c/hello and go/hello, a real SQLite file.
#   - 6 loads of c/hello in batches of 3: every load ok, each in a renderer
#     no other load used, its own module request (request ids distinct, sent
#     in load order), proved isolated by its share of the batch's trace;
#     load_host says batch size and place; a later batch's loads each ran on
#     an origin of their own in the reused tab; the batch's trace is stored once,
#     with its first load, and the others point there; exporting a batched
#     load's trace gives its batch's trace, which holds that load's request;
#   - c/hello and go/hello in ONE batch: each load's figures come from its own
#     module's request (decoded body = the module's bytes), so the split by
#     navigation time picks the right events;
#   - --keep-traces none stores no trace, every measurement still;
#   - loads a batch cannot hold (--save-traces, --cache warm) run traced
#     alone, every one of them ok;
#   - merge: the pointer to the batch's trace is remapped with the load ids;
#   - sweep: an experiment file's "batch", and --batch over it;
#   - bad --batch values: a usage error, nothing run.
source "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
MANIFEST=$BUILD/modules/manifest.json
bytes_of() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); e=m["modules"] if isinstance(m,dict) else m; print([x["bytes"] for x in e if x["name"]==sys.argv[2]][0])' "$MANIFEST" "$1"; }

DB=$TMP/batch.db
"$WASMLAB" run -q --module c/hello --loads 6 --batch 3 --db "$DB" >/dev/null 2>"$TMP/err" ||
  fail "run --batch 3: $(tail -c 400 "$TMP/err")"
check "6 ok loads" test "$(q "$DB" "SELECT COUNT(*) || ':' || SUM(status = 'ok') FROM loads")" = "6:6"
check "every load has first_byte_to_compile" \
  test "$(q "$DB" "SELECT COUNT(*) FROM loads WHERE first_byte_to_compile_us > 0")" = 6
check "batch size and place per load" \
  test "$(q "$DB" "SELECT group_concat(batch_size || '.' || batch_index, ' ') FROM (SELECT h.* FROM load_host h JOIN loads l ON l.id = h.load_id ORDER BY l.seq)")" = "3.0 3.1 3.2 3.0 3.1 3.2"
check "six distinct renderers, each new" \
  test "$(q "$DB" "SELECT COUNT(DISTINCT renderer_pid) || ':' || SUM(renderer_pid_new) FROM load_host")" = "6:6"
check "six distinct module requests" \
  test "$(q "$DB" "SELECT COUNT(DISTINCT request_sent_us) FROM loads")" = 6
check "request times rise with seq" test "$(q "$DB" "SELECT COUNT(*) FROM loads a JOIN loads b ON b.seq = a.seq + 1 WHERE b.request_sent_us <= a.request_sent_us")" = 0
# documents: the harness's navigation, in the batch's trace for every load
# (a batch's first load opens a tab of its own: the kept tab went before the
# previous batch's Tracing.end, load.c close_kept_tab)
check "every load proved isolated within its window (or flagged, never unknown)" \
  test "$(q "$DB" "SELECT group_concat(h.documents, ' ') FROM (SELECT h.* FROM load_host h JOIN loads l ON l.id = h.load_id WHERE h.isolation IS NOT NULL ORDER BY l.seq) h")" = "1 1 1 1 1 1"
check "two stored traces, one per batch, with the batches' first loads" \
  test "$(q "$DB" "SELECT group_concat(l.seq) FROM load_traces t JOIN loads l ON l.id = t.load_id ORDER BY l.seq")" = "0,3"
check "the others point at their batch's first load" \
  test "$(q "$DB" "SELECT COUNT(*) FROM load_host h JOIN loads l ON l.id = h.load_id JOIN loads f ON f.id = h.trace_load_id WHERE f.seq = l.seq - h.batch_index AND f.run_id = l.run_id")" = 4
id2=$(q "$DB" "SELECT id FROM loads WHERE seq = 4")
pid2=$(q "$DB" "SELECT renderer_pid FROM load_host WHERE load_id = $id2")
sent2=$(q "$DB" "SELECT request_sent_us FROM loads WHERE id = $id2")
"$WASMLAB" export trace --db "$DB" --load "$id2" --out "$TMP/t4.json" 2>"$TMP/err" ||
  fail "export trace of a batched load: $(cat "$TMP/err")"
check "a batched load's export holds its own module request (pid $pid2 at $sent2)" python3 - "$TMP/t4.json" "$pid2" "$sent2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"] if isinstance(d, dict) else d
pid, sent = int(sys.argv[2]), int(sys.argv[3])
sends = [e for e in ev if e.get("name") == "ResourceSendRequest"
         and e.get("args", {}).get("data", {}).get("url", "").endswith(".wasm")]
assert len(sends) == 3, len(sends)          # the batch's three loads
assert any(e["pid"] == pid and abs(e["ts"] - sent) <= 1 for e in sends)
# the batch's first load opened a tab of its own (the previous batch's kept
# tab went before its Tracing.end, load.c close_kept_tab), on 127.0.0.1; the
# next two reused it, each on an origin of its own (load.c, reuse_page):
# three hosts, three renderers
from urllib.parse import urlsplit
sends.sort(key=lambda e: e["ts"])
hosts = [urlsplit(e["args"]["data"]["url"]).hostname for e in sends]
assert hosts[0] == "127.0.0.1" and len(set(hosts)) == 3, hosts
assert all(h.endswith(".localhost") for h in hosts[1:]), hosts
assert len({e["pid"] for e in sends}) == 3
# the reused tab's harness pages were loaded ahead of their windows, held
# (load.c, reuse_page); the new tab's was not
docs = [e["args"]["data"]["url"] for e in sorted(ev, key=lambda e: e.get("ts", 0))
        if e.get("name") == "ResourceSendRequest"
        and e.get("args", {}).get("data", {}).get("resourceType") == "Document"]
docs = [u for u in docs if "harness.html" in u]
assert len(docs) == 3 and "&hold=1" not in docs[0], docs
assert all("&hold=1" in u for u in docs[1:]), docs
PY

# two modules in one batch: each load measured on its own module's request
# (bytes_received: the body's decoded bytes, from the trace)
DB2=$TMP/mixed.db
"$WASMLAB" run -q --module c/hello --module go/hello --loads 2 --batch 4 --db "$DB2" >/dev/null 2>"$TMP/err" ||
  fail "run two modules --batch 4: $(tail -c 400 "$TMP/err")"
check "4 ok loads in one batch" test "$(q "$DB2" "SELECT COUNT(*) || ':' || SUM(l.status = 'ok') || ':' || MAX(h.batch_size) FROM loads l JOIN load_host h ON h.load_id = l.id")" = "4:4:4"
for m in c/hello go/hello; do
  want=$(bytes_of "$m")
  check "$m: each load's decoded body is $m's $want bytes" \
    test "$(q "$DB2" "SELECT group_concat(l.bytes_received) FROM loads l JOIN modules m ON m.id = l.module_id WHERE m.name = '$m'")" = "$want,$want"
done

DB3=$TMP/none.db
"$WASMLAB" run -q --module c/hello --loads 3 --batch 3 --keep-traces none --db "$DB3" >/dev/null 2>"$TMP/err" ||
  fail "run --batch --keep-traces none: $(tail -c 400 "$TMP/err")"
check "keep none: no trace, no pointer, measurements kept" \
  test "$(q "$DB3" "SELECT (SELECT COUNT(*) FROM load_traces) || ':' || (SELECT COUNT(trace_load_id) FROM load_host) || ':' || (SELECT COUNT(*) FROM loads WHERE first_byte_to_compile_us > 0)")" = "0:0:3"

# loads --batch cannot hold trace alone, and the run goes on: --save-traces
# (each load's own trace file) and --cache warm (the default context). Both
# once left the batch's session open after their first load, and every later
# load failed with "a batched tracing session is still open".
mkdir -p "$TMP/saved"
"$WASMLAB" run -q --module c/hello --loads 3 --batch 3 --save-traces "$TMP/saved" --db "$TMP/saved.db" >/dev/null 2>"$TMP/err" ||
  fail "run --batch --save-traces (exit $?): $(tail -c 400 "$TMP/err") loads: $(q "$TMP/saved.db" "SELECT group_concat(status || ' ' || IFNULL(error, ''), '; ') FROM loads")"
check "--batch with --save-traces: 3 ok loads, each traced alone, 3 trace files" \
  test "$(q "$TMP/saved.db" "SELECT SUM(l.status = 'ok') || ':' || COUNT(h.batch_size) FROM loads l JOIN load_host h ON h.load_id = l.id"):$(ls "$TMP/saved" | grep -c '^load-[0-9]*\.json$')" = "3:0:3"
"$WASMLAB" run -q --module c/hello --loads 2 --batch 2 --cache warm --db "$TMP/warm.db" >/dev/null 2>"$TMP/err" ||
  fail "run --batch --cache warm (exit $?): $(tail -c 400 "$TMP/err") loads: $(q "$TMP/warm.db" "SELECT group_concat(status || ' ' || IFNULL(error, ''), '; ') FROM loads")"
check "--batch with --cache warm: 2 ok loads" \
  test "$(q "$TMP/warm.db" "SELECT COUNT(*) || ':' || SUM(status = 'ok') FROM loads")" = "2:2"

# merge into a DB that already holds loads: ids move, the pointers with them
"$WASMLAB" merge "$TMP/merged.db" "$DB3" "$DB" >/dev/null 2>"$TMP/err" || fail "merge: $(cat "$TMP/err")"
check "merged pointers land on the same loads (by run uuid and seq)" \
  test "$(q "$TMP/merged.db" "SELECT COUNT(*) FROM load_host h JOIN loads l ON l.id = h.load_id JOIN loads f ON f.id = h.trace_load_id WHERE f.seq = l.seq - h.batch_index AND f.run_id = l.run_id")" = 4
mid=$(q "$TMP/merged.db" "SELECT l.id FROM loads l JOIN load_host h ON h.load_id = l.id WHERE h.trace_load_id IS NOT NULL AND l.seq = 4")
"$WASMLAB" export trace --db "$TMP/merged.db" --load "$mid" --out "$TMP/m4.json" 2>"$TMP/err" ||
  fail "export from the merged DB: $(cat "$TMP/err")"
check "the merged export is the same trace" cmp -s "$TMP/t4.json" "$TMP/m4.json"

# the experiment file's "batch" (what `nightly` runs), and --batch over it
cat >"$TMP/exp.json" <<'EOF'
{ "name": "batched", "browsers": ["headless-shell"], "modules": ["c/hello"], "loads": 4, "batch": 2 }
EOF
"$WASMLAB" sweep "$TMP/exp.json" -q --db "$TMP/exp.db" >/dev/null 2>"$TMP/err" ||
  fail "sweep with \"batch\": 2 (exit $?): $(tail -c 400 "$TMP/err") loads: $(q "$TMP/exp.db" "SELECT group_concat(status || ' ' || IFNULL(error, ''), '; ') FROM loads")"
check "sweep: the experiment's batch of 2 (4 ok loads, 2 traces stored)" \
  test "$(q "$TMP/exp.db" "SELECT COUNT(*) || ':' || SUM(l.status = 'ok') || ':' || MAX(h.batch_size) || ':' || (SELECT COUNT(*) FROM load_traces) FROM loads l JOIN load_host h ON h.load_id = l.id")" = "4:4:2:2"
"$WASMLAB" sweep "$TMP/exp.json" -q --batch 4 --db "$TMP/exp4.db" >/dev/null 2>"$TMP/err" ||
  fail "sweep --batch 4 (exit $?): $(tail -c 400 "$TMP/err") loads: $(q "$TMP/exp4.db" "SELECT group_concat(status || ' ' || IFNULL(error, ''), '; ') FROM loads")"
check "sweep --batch 4 over the file's 2" \
  test "$(q "$TMP/exp4.db" "SELECT MAX(batch_size) || ':' || (SELECT COUNT(*) FROM load_traces) FROM load_host")" = "4:1"
echo '{ "name": "bad", "browsers": ["headless-shell"], "modules": ["c/hello"], "batch": 65 }' >"$TMP/bad-exp.json"
expect_fail 2 '"batch" must be a whole number from 1 to 64' "$WASMLAB" sweep "$TMP/bad-exp.json" --db "$TMP/bad.db"

expect_usage run "--batch 0: must be a whole number from 1 to 64" "$WASMLAB" run --batch 0 --db "$TMP/bad.db"
expect_usage run "--batch 65" "$WASMLAB" run --batch 65 --db "$TMP/bad.db"
expect_usage sweep "--batch x" "$WASMLAB" sweep "$TMP/none.json" --batch x
check "no DB made by a usage error" test ! -e "$TMP/bad.db"
finish
