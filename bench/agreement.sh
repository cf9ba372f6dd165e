#!/usr/bin/env bash
# Issue 12's agreement question, side by side: first-byte-to-compile as
# wasmlab measures it (plain: wasmlab enables only Runtime on the page), as
# wasmlab measures it with the DevTools Network domain enabled on the page
# (condition network-domain: --network lan,shaper=cdp sends Network.enable
# and an emulation without limits), and as the puppeteer peer measures it
# (puppeteer enables Network, Page, Log and auto-attach on every page).
# The three alternate per round and module on one `wasmlab serve`; then the
# median of each with its 95% CI (order statistics) and whether the peer's
# CI overlaps each wasmlab variant's. Ratios within one run only.
#
# usage: bash bench/agreement.sh [--loads N] [--rounds R] [--modules "go/hello go/json c/json"]
#                                [--batch N] [--out FILE.json] [--build DIR]
#   defaults: 15 loads per invocation, 2 rounds, batch 10
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/lib.sh"
loads=15 rounds=2 modules="go/hello go/json c/json" batch=10 out="" build="$root/build"
while [ $# -gt 0 ]; do
    case $1 in
    --loads) loads=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --modules) modules=$2; shift ;;
    --batch) batch=$2; shift ;;
    --out) out=$2; shift ;;
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/agreement.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
wasmlab=$build/wasmlab
[ -x "$wasmlab" ] || { echo "bench/agreement.sh: $wasmlab is not built" >&2; exit 2; }
bench_peers "$build"
[ -n "$out" ] || { mkdir -p "$root/bench/results"; out="$root/bench/results/agreement-$(date -u +%Y-%m-%dT%H%M)-$(hostname -s).json"; }

bench_serve agree "$wasmlab"

echo "agreement: $modules x $loads loads x $rounds rounds, alternating" >&2
for r in $(seq "$rounds"); do
    for m in $modules; do
        echo "  round $r: $m" >&2
        "$wasmlab" run --module "$m" --loads "$loads" --batch "$batch" --condition plain \
            --browser "$browser" --db "$tmp/w.db" -q >/dev/null 2>>"$tmp/err" || true
        "$wasmlab" run --module "$m" --loads "$loads" --batch "$batch" --condition network-domain \
            --network lan,shaper=cdp --browser "$browser" --db "$tmp/w.db" -q >/dev/null 2>>"$tmp/err" || true
        node "$root/bench/peer/puppeteer-peer.js" --port "$port" --manifest "$manifest" \
            --module "$m" --loads "$loads" --browser "$browser" >>"$tmp/peer.jsonl" 2>>"$tmp/err" || true
    done
done

python3 - "$tmp/w.db" "$tmp/peer.jsonl" "$out" "$modules" <<'PY'
import json, sqlite3, sys
dbf, peerf, out, modules = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()

def median_ci(xs):
    """Median and its 95% CI from order statistics (binomial, normal approx.)."""
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None, None, None
    med = xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    k = max(0, int(n / 2 - 1.96 * n ** 0.5 / 2))
    return med, xs[k], xs[min(n - 1, n - 1 - k)]

db = sqlite3.connect(dbf)
peer = [json.loads(l) for l in open(peerf) if l.strip()]
rows = []
for m in modules:
    r = {"module": m}
    for cond in ("plain", "network-domain"):
        xs = [v / 1000.0 for (v,) in db.execute(
            "SELECT l.first_byte_to_compile_us FROM loads l JOIN modules m ON m.id = l.module_id"
            " WHERE m.name = ? AND l.condition = ? AND l.status = 'ok'", (m, cond))]
        r["wasmlab " + cond] = (len(xs),) + median_ci(xs)
    xs = [p["first_byte_to_compile_us"] / 1000.0 for p in peer
          if p.get("module") == m and p.get("ok") and p.get("first_byte_to_compile_us") is not None]
    r["puppeteer"] = (len(xs),) + median_ci(xs)
    rows.append(r)
json.dump(rows, open(out, "w"), indent=1)
f = lambda v: "-" if v is None else f"{v:.2f}"
print("| module | wasmlab (Runtime only) | wasmlab + Network.enable | puppeteer | peer CI overlaps plain | overlaps + Network |")
print("|---|---|---|---|---|---|")
for r in rows:
    cells = []
    for k in ("wasmlab plain", "wasmlab network-domain", "puppeteer"):
        n, med, lo, hi = r[k]
        cells.append(f"{f(med)} [{f(lo)}, {f(hi)}] (n={n})")
    def overlap(a, b):
        return None if a[1] is None or b[1] is None else (a[2] <= b[3] and b[2] <= a[3])
    print(f"| {r['module']} | {' | '.join(cells)} | {overlap(r['puppeteer'], r['wasmlab plain'])} "
          f"| {overlap(r['puppeteer'], r['wasmlab network-domain'])} |")
print(f"\nresults: {out}", file=sys.stderr)
PY
