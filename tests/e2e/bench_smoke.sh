# The benchmark's scripts run on a tiny matrix (bench/run.sh --quick) and
# write a results JSON with every section and plausible values: loads
# counted, every peer and floor load ok, ratios positive, ingest (stored as
# zstd, Node's JSON.parse and YAJL alone as its peers) and memory measured, DB growth for
# each retention rule; bench/agreement.sh and bench/throughput.sh run on one
# module too. Also: the peer's browser flags and trace categories are still
# wasmlab's (copied from cdp/browser.c and collector/measure/load.c).
# Skips (exit 0) only when node is missing.
source "$(dirname "$0")/../lib.sh"

if ! command -v node >/dev/null; then
  echo "SKIP: node is not installed (the bench's peers are Node scripts)"
  exit 0
fi

# Drift guard: every flag and category the peer uses is in wasmlab's source.
flags=$(node -e 'const c = require(process.argv[1]); console.log([...c.BROWSER_FLAGS].join("\n"))' \
        "$SRC/bench/peer/common.js")
for f in $flags; do
  check "peer flag $f is one of cdp/browser.c's" grep -qF "\"$f\"" "$SRC/cdp/browser.c"
done
check "peer has as many flags as cdp/browser.c (minus the debugging address/port)" \
  test "$(echo "$flags" | wc -l)" -eq \
       "$(($(sed -n '/base_flags\[\] = {/,/};/p' "$SRC/cdp/browser.c" | grep -c '"--') - 2))"
cats=$(node -e 'console.log(require(process.argv[1]).TRACE_CATEGORIES.join(" "))' "$SRC/bench/peer/common.js")
want=$(sed -n '/load_trace_categories\[\] = {/,/};/p' "$SRC/collector/measure/load.c" \
       | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ' | sed 's/ $//')
check "peer's trace categories equal load.c's ($want)" test "$cats" = "$want"

# bad options: one line and exit 2 before any load
expect_fail 2 "bench/run.sh: --batch 65: must be a whole number from 1 to 64" \
  bash "$SRC/bench/run.sh" --quick --batch 65 --build "$BUILD"
expect_fail 2 "bench/throughput.sh: --loads x: must be a whole number" \
  bash "$SRC/bench/throughput.sh" --loads x --build "$BUILD"

rc=0
bash "$SRC/bench/run.sh" --quick --wasmlab "$WASMLAB" --build "$BUILD" --out "$TMP/r.json" \
  >"$TMP/summary.md" 2>"$TMP/err" || rc=$?
if [ "$rc" -ne 0 ]; then
  fail "bench/run.sh --quick exited $rc: $(tail -5 "$TMP/err")"
  finish
  exit 1
fi
check "the summary table is printed" grep -q '^| wasmlab | 6 | 6 |' "$TMP/summary.md"

if ! python3 - "$TMP/r.json" >"$TMP/py" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
for k in ("machine", "throughput", "ratios", "agreement", "ingest", "memory", "db_growth"):
    want(k in r, f"section {k}")
m = r["machine"]
want(m["cores"] >= 1 and m["cpu_model"] and "Chromium" in (m["chromium"] or ""), f"machine {m}")
for tool in ("wasmlab", "wasmlab-batched", "wasmlab-batched-proto", "puppeteer", "floor"):
    t = r["throughput"][tool]
    want(t["loads"] == 6 and t["loads_ok"] == 6, f"{tool}: 6 loads, all ok: {t}")
    want(t["failed_invocations"] == 0, f"{tool}: every invocation exited 0: {t}")
    want(t["loads_per_s"] and 0.01 < t["loads_per_s"] < 100, f"{tool} loads/s plausible: {t}")
    pm = t.get("per_module", {})
    want(sorted(pm) == ["c/hello", "go/hello"] and all(x["loads"] == 3 for x in pm.values())
         and abs(sum(x["seconds"] for x in pm.values()) - t["seconds"]) < 0.01,
         f"{tool}: per module, 3 loads each, the module's seconds add up: {pm}")
for k, v in r["ratios"].items():
    want(v and v > 0, f"ratio {k} positive: {v}")
want([(a["tool"], a["module"]) for a in r["agreement"]] ==
     [(t, m) for t in ("wasmlab", "wasmlab-batched", "wasmlab-batched-proto")
      for m in ("c/hello", "go/hello")],
     "agreement per wasmlab mode and module")
for a in r["agreement"]:
    for tool in ("wasmlab", "puppeteer"):
        s = a[tool]
        want(s["n"] == 3 and 0 < s["median_ms"] < 10000, f"{a['module']} {tool} median: {s}")
        want(s["ci95_ms"][0] <= s["median_ms"] <= s["ci95_ms"][1], f"{a['module']} {tool} CI: {s}")
    want(isinstance(a["cis_overlap"], bool), "cis_overlap is a verdict")
for i in r["ingest"]:
    want(i["exit"] == 0 and i["bytes"] > 15e6 and i["mb_per_s"] > 0.5, f"ingest {i}")
    want(0 < i["peak_rss_kb"] < 1 << 20, f"ingest peak RSS {i}")
    st = i["stored_trace"] or {}
    want(st.get("encoding") == "zstd" and st.get("raw_bytes") == i["bytes"]
         and 0 < st.get("bytes", 0) < i["bytes"], f"ingest stored as the default retention does: {st}")
    n = i["node_json_parse"]
    want(n["ok"] and n["mb_per_s"] > 0 and i["over_node"] > 0, f"ingest peer (Node JSON.parse): {n}")
    y = i["yajl_parse_alone"]
    want(y["ok"] and y["mb_per_s"] > 0 and i["over_yajl"] > 0
         and i["target_scaled_mb_per_s"] == round(200 * y["mb_per_s"] / 296, 1),
         f"ingest yardstick (YAJL alone): {y}")
rules = {x["rule"]: x for x in r["db_growth"]["per_retention_rule"]}
want(sorted(rules) == sorted(["all", "failed", "sample:10", "none"]), f"retention rules {list(rules)}")
for x in rules.values():
    want(x["exit"] == 0 and x["loads"] == 3 and x["bytes_per_load"] > 0, f"retention run {x}")
if len(rules) == 4:
    want(rules["all"]["traces_kept"] == 3 and rules["none"]["traces_kept"] == 0
         and rules["sample:10"]["traces_kept"] == 1, f"traces kept per rule {rules}")
    want(rules["none"]["bytes_per_load"] < rules["all"]["bytes_per_load"], f"none grows less than all {rules}")
runs = r["memory"]["runs"]
want([x["loads"] for x in runs] == [2, 20], f"memory runs {runs}")
for x in runs:
    want(x["exit"] == 0 and 1000 < x["peak_rss_kb"] < 1 << 20, f"memory run {x}")
h = r["memory"]["heaviest_module"]
want(h["module"] == "go/hello" and h["loads"] == 2 and h["exit"] == 0
     and 1000 < h["peak_rss_kb"] < 1 << 20, f"heaviest module's memory run {h}")
want(r["db_growth"]["bytes_per_load"] > 100, f"db growth {r['db_growth']}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
then
  fail "results JSON: $(cat "$TMP/py")"
else
  pass
fi
# bench/agreement.sh on a tiny matrix: every variant measured, a JSON row
rc=0
bash "$SRC/bench/agreement.sh" --loads 2 --rounds 1 --modules c/hello --batch 2 --build "$BUILD" \
  --out "$TMP/agree.json" >"$TMP/agree.md" 2>"$TMP/err" || rc=$?
check "bench/agreement.sh exits 0 ($(tail -c 300 "$TMP/err"))" test "$rc" -eq 0
check "agreement: two loads of each variant, medians inside their CIs" python3 - "$TMP/agree.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["module"] for r in rows] == ["c/hello"], rows
for k in ("wasmlab plain", "wasmlab network-domain", "puppeteer"):
    n, med, lo, hi = rows[0][k]
    assert n == 2 and lo <= med <= hi and 0 < med < 10000, (k, rows[0][k])
PY
check "agreement: the table is printed" grep -q '^| c/hello | ' "$TMP/agree.md"

# bench/throughput.sh on a tiny matrix: every tool of the load loop ran its
# loads, with positive loads/s (floor-reuse: the floor on one reused tab;
# floor-traced(-proto): it and its trace export, which exits non-zero when
# the export is empty)
rc=0
bash "$SRC/bench/throughput.sh" --loads 2 --rounds 1 --modules c/hello --batch 2 --build "$BUILD" \
  --out "$TMP/tput.json" >"$TMP/tput.md" 2>"$TMP/err" || rc=$?
check "bench/throughput.sh exits 0 ($(tail -c 300 "$TMP/err"))" test "$rc" -eq 0
check "throughput: every tool's two loads, loads/s > 0" python3 - "$TMP/tput.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["throughput"]
want = {"pipelined", "batched", "batched-proto", "serial", "puppeteer", "floor", "floor-reuse", "floor-traced",
        "floor-traced-proto"}
assert want <= set(t), sorted(t)
for k in want:
    assert t[k]["loads"] == 2 and t[k]["loads_per_s"] > 0 and t[k]["failed_invocations"] == 0, (k, t[k])
# per module: every tool's c/hello row, each but the peer's with its ratio to it
pm = json.load(open(sys.argv[1]))["per_module"]
for k in want:
    r = pm[k + " c/hello"]
    assert r["loads"] == 2 and r["loads_per_s"] > 0, (k, r)
    assert (k == "puppeteer") == ("vs_puppeteer" not in r), (k, r)
PY
finish
