# The multi-machine path (deploy/): the Kubernetes manifest and the CI
# workflow parse; their shard counts agree; the shard commands they run
# (executed here as written, with a stand-in wasmlab that records its
# arguments) cover the experiment's configuration matrix exactly once for
# N = 1..8; and N = 2 local shards of a tiny real sweep, run by the
# manifest's own command, merge to the same configurations as one unsharded
# sweep.
# wasmlab has no dry-run: configurations are computed from the experiment
# the way collector/measure/plan.c orders them (browser, module, api,
# condition; configuration i on shard K iff i mod N == K-1), and their count
# is checked against wasmlab's own (the empty-shard error names it).
source "$(dirname "$0")/../lib.sh"

K8S=$SRC/deploy/k8s/nightly-job.yaml
CI=$SRC/deploy/ci/nightly.yml

# 1. Parse: PyYAML when installed, else a hand parser of the few keys used.
python3 - "$K8S" "$CI" >"$TMP/cmds.json" 2>"$TMP/err" <<'PY' || fail "manifests: $(cat "$TMP/err")"
import json, re, sys
k8s_path, ci_path = sys.argv[1], sys.argv[2]
try:
    import yaml
    docs = [d for d in yaml.safe_load_all(open(k8s_path)) if d]
    jobs = [d for d in docs if d["kind"] == "Job"]
    shard_job = next(j for j in jobs if j["spec"].get("completionMode") == "Indexed")
    merge_job = next(j for j in jobs if j is not shard_job)
    spec = shard_job["spec"]
    c = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in c["env"]}
    k8s = {"completions": spec["completions"], "parallelism": spec["parallelism"],
           "shards": int(env["SHARDS"]), "experiment": env["EXPERIMENT"],
           "command": c["args"][0], "shell": c["command"]}
    mc = merge_job["spec"]["template"]["spec"]["containers"][0]
    k8s["merge_command"] = mc["args"][0]
    k8s["merge_shards"] = int({e["name"]: e["value"] for e in mc["env"]}["SHARDS"])
    ci = yaml.safe_load(open(ci_path))
    on = ci.get("on", ci.get(True))
    assert on and "schedule" in on, "workflow has no schedule trigger"
    sj = ci["jobs"]["shard"]
    step = next(s for s in sj["steps"] if "wasmlab sweep" in s.get("run", ""))
    merge_steps = [s.get("run", "") for s in ci["jobs"]["merge-and-compare"]["steps"]]
    assert ci["jobs"]["merge-and-compare"]["needs"] == "shard"
    ci_out = {"matrix": sj["strategy"]["matrix"]["shard"], "shards": int(ci["env"]["SHARDS"]),
              "experiment": ci["env"]["EXPERIMENT"], "command": step["run"],
              "merge": any("wasmlab merge" in r for r in merge_steps),
              "compare": any("wasmlab compare" in r and "exit $rc" in r for r in merge_steps),
              "artifacts": [s["with"]["name"] for s in sj["steps"] if "upload-artifact" in s.get("uses", "")]}
    parser = "yaml"
except ImportError:
    t = open(k8s_path).read()
    grab = lambda pat, s=t: re.search(pat, s, re.S).group(1)
    k8s = {"completions": int(grab(r"completions: (\d+)")), "parallelism": int(grab(r"parallelism: (\d+)")),
           "shards": int(grab(r"name: SHARDS\s+value: \"(\d+)\"")),
           "experiment": grab(r"name: EXPERIMENT\s+value: (\S+)"),
           "command": " ".join(l.strip() for l in grab(r"args:\n\s+- >-\n(.*?)\n\s+resources:").splitlines()),
           "shell": ["/bin/sh", "-c"], "merge_command": " ".join(grab(r"(wasmlab merge.*wasmlab compare)").split()), "merge_shards": None}
    assert "completionMode: Indexed" in t
    c = open(ci_path).read()
    ci_out = {"matrix": [int(x) for x in grab(r"shard: \[([\d, ]+)\]", c).split(",")],
              "shards": int(grab(r'SHARDS: "(\d+)"', c)), "experiment": grab(r"EXPERIMENT: (\S+)", c),
              "command": grab(r"(rc=0\n\s+build/wasmlab sweep.*?)\n\s+- uses", c),
              "merge": "wasmlab merge" in c, "compare": "wasmlab compare" in c,
              "artifacts": ["shard-${{ matrix.shard }}"]}
    parser = "hand"
print(json.dumps({"parser": parser, "k8s": k8s, "ci": ci_out}))
PY
[ -s "$TMP/cmds.json" ] || { finish; exit 1; }
jq_() { python3 -c "import json,sys; d=json.load(open('$TMP/cmds.json')); print($1)"; }
echo "manifests parsed with: $(jq_ 'd["parser"]')"
check "k8s: completions == parallelism == SHARDS == merge SHARDS" \
  test "$(jq_ 'len({d["k8s"]["completions"], d["k8s"]["parallelism"], d["k8s"]["shards"], d["k8s"]["merge_shards"] or d["k8s"]["shards"]})')" = 1
check "k8s: completionMode Indexed, the pod runs wasmlab sweep --shard" \
  grep -q 'JOB_COMPLETION_INDEX + 1))/$SHARDS' <<<"$(jq_ 'd["k8s"]["command"]')"
check "k8s: the merge step merges and compares" \
  grep -q 'wasmlab merge.*wasmlab compare' <<<"$(jq_ 'd["k8s"]["merge_command"]')"
check "ci: matrix.shard is 1..SHARDS" test "$(jq_ 'd["ci"]["matrix"] == list(range(1, d["ci"]["shards"] + 1))')" = True
check "ci: DBs are artifacts, merge and compare with its exit code" \
  test "$(jq_ 'bool(d["ci"]["artifacts"]) and d["ci"]["merge"] and d["ci"]["compare"]')" = True
k8s_cmd=$(jq_ 'd["k8s"]["command"]')
ci_cmd=$(jq_ 'd["ci"]["command"]')
exp_rel=$(jq_ 'd["ci"]["experiment"]')
check "k8s and ci run the same experiment" test "/src/$exp_rel" = "$(jq_ 'd["k8s"]["experiment"]')"
check "the experiment exists" test -f "$SRC/$exp_rel"

# 2. Coverage for N = 1..8: run both commands as written, with a stand-in
# wasmlab on PATH that records its arguments.
mkdir -p "$TMP/shim" "$TMP/out"
cat >"$TMP/shim/wasmlab" <<SH
#!/bin/sh
echo "\$*" >>"$TMP/calls"
SH
chmod +x "$TMP/shim/wasmlab"
ln -s "$TMP/shim/wasmlab" "$TMP/shim/build-wasmlab"
for n in 1 2 3 4 5 6 7 8; do
  for i in $(seq 0 $((n - 1))); do
    echo "k8s $n" >>"$TMP/calls"
    PATH="$TMP/shim:$PATH" JOB_COMPLETION_INDEX=$i SHARDS=$n OUT=$TMP/out EXPERIMENT="$SRC/$exp_rel" \
      sh -c "$k8s_cmd" || fail "k8s command for shard $i of $n"
    echo "ci $n" >>"$TMP/calls"
    (mkdir -p "$TMP/ci/build" && cd "$TMP/ci" && ln -sf "$TMP/shim/wasmlab" build/wasmlab &&
     SHARDS=$n EXPERIMENT="$SRC/$exp_rel" bash -euc "${ci_cmd//'${{ matrix.shard }}'/$((i + 1))}") \
      || fail "ci command for shard $((i + 1)) of $n"
  done
done
python3 - "$TMP/calls" "$SRC/$exp_rel" >"$TMP/cov" 2>&1 <<'PY' && pass || fail "coverage: $(cat "$TMP/cov")"
import json, re, sys
from collections import Counter
exp = json.load(open(sys.argv[2]))
configs = [(b, m, a, c["name"] if isinstance(c, dict) else c)
           for b in exp["browsers"] for m in exp["modules"] for a in exp.get("apis", ["streaming"])
           for c in exp.get("conditions", [{"name": "default"}])]
runs = {}
who = None
for line in open(sys.argv[1]):
    line = line.strip()
    if re.fullmatch(r"(k8s|ci) \d+", line):
        who = tuple(line.split())
        continue
    assert line.startswith("sweep "), line
    assert sys.argv[2] in line, f"{who}: not the experiment: {line}"
    k, n = map(int, re.search(r"--shard (\d+)/(\d+)", line).group(1, 2))
    assert n == int(who[1]), f"{who}: ran --shard {k}/{n}"
    runs.setdefault(who, []).append(k)
for (tool, n), ks in sorted(runs.items()):
    assert sorted(ks) == list(range(1, int(n) + 1)), f"{tool} N={n}: shards {ks}"
    got = Counter(cfg for k in ks for i, cfg in enumerate(configs) if i % int(n) == k - 1)
    assert all(got[c] == 1 for c in configs) and len(got) == len(configs), f"{tool} N={n}: {got}"
assert len(runs) == 16, sorted(runs)
print(len(configs))
PY
n_configs=$(tail -1 "$TMP/cov")
# wasmlab's own count of the experiment's configurations (no browser is
# started: the empty-shard check comes first); needs its browsers present.
if WASMLAB_BROWSER_STORE=${WASMLAB_TEST_BROWSER_CACHE:-$HOME/.cache/wasmlab/browsers} \
   "$WASMLAB" sweep "$SRC/$exp_rel" --shard 100000/100000 --no-fetch --db "$TMP/none.db" 2>"$TMP/err" >/dev/null; then
  fail "a shard beyond the configurations should be refused"
elif grep -q "of $n_configs configurations is empty" "$TMP/err"; then
  pass
else
  echo "note: wasmlab could not count $exp_rel's configurations here: $(tail -1 "$TMP/err")"
fi
# The same cross-check on an experiment whose browsers are always here.
cat >"$TMP/local.json" <<'JSON'
{ "name": "deploy-count", "browsers": ["headless-shell", "chromium"],
  "modules": ["c/hello", "go/hello", "c/json"], "apis": ["streaming", "buffered"], "loads": 1 }
JSON
"$WASMLAB" sweep "$TMP/local.json" --shard 100000/100000 --no-fetch --db "$TMP/none.db" 2>"$TMP/err" >/dev/null || true
check "wasmlab counts 2x3x2 = 12 configurations ($(tail -1 "$TMP/err"))" \
  grep -q "of 12 configurations is empty" "$TMP/err"

# 3. N = 2 real shards by the manifest's own command, merged, vs one sweep.
cat >"$TMP/tiny.json" <<'JSON'
{ "name": "deploy-tiny", "browsers": ["headless-shell"], "modules": ["c/hello", "go/hello"],
  "loads": 1, "warmup": 0 }
JSON
mkdir -p "$TMP/bin" "$TMP/k8s"
ln -s "$WASMLAB" "$TMP/bin/wasmlab"
for i in 0 1; do
  PATH="$TMP/bin:$PATH" JOB_COMPLETION_INDEX=$i SHARDS=2 OUT=$TMP/k8s EXPERIMENT="$TMP/tiny.json" \
    sh -c "$k8s_cmd" 2>>"$TMP/real.err" || fail "real shard $i/2: $(tail -3 "$TMP/real.err")"
  check "shard $i marked done" test -f "$TMP/k8s/shard-$i.db.done"
done
"$WASMLAB" merge "$TMP/merged.db" "$TMP/k8s/shard-0.db" "$TMP/k8s/shard-1.db" 2>>"$TMP/real.err" \
  || fail "merge: $(tail -3 "$TMP/real.err")"
"$WASMLAB" sweep "$TMP/tiny.json" --db "$TMP/one.db" -q 2>>"$TMP/real.err" \
  || fail "unsharded sweep: $(tail -3 "$TMP/real.err")"
configs_of() {
  q "$1" "SELECT DISTINCT m.name, l.api, l.condition, b.kind, b.product FROM loads l
          JOIN modules m ON m.id = l.module_id JOIN browsers b ON b.id = l.browser_id
          WHERE l.status = 'ok' ORDER BY 1, 2, 3, 4, 5"
}
check "each shard has loads" test -n "$(configs_of "$TMP/k8s/shard-0.db")" -a -n "$(configs_of "$TMP/k8s/shard-1.db")"
check "the shards hold disjoint configurations" \
  test -z "$(comm -12 <(configs_of "$TMP/k8s/shard-0.db") <(configs_of "$TMP/k8s/shard-1.db"))"
check "merged shards = one unsharded sweep: $(configs_of "$TMP/one.db" | tr '\n' ';')" \
  test "$(configs_of "$TMP/merged.db")" = "$(configs_of "$TMP/one.db")"
check "two configurations" test "$(configs_of "$TMP/one.db" | wc -l)" -eq 2
finish
