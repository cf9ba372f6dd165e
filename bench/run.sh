#!/usr/bin/env bash
# The benchmark of issue 12: wasmlab against the puppeteer-core loop a user
# would write (bench/peer/puppeteer-peer.js) and the raw-CDP floor
# (bench/peer/cdp-floor.js), run ALTERNATELY (rounds of wasmlab, peer, floor
# per module) on the same harness page and modules, served by `wasmlab serve`;
# then the ingest test (import-trace of traces made of real recorded events,
# against Node's JSON.parse of the same file), the memory test (wasmlab's own
# peak RSS over N loads vs N/10) and the DB growth per load for each
# retention rule (--keep-traces all, failed, sample:10, none). Writes
# bench/results/<date>-<host>.json and prints a Markdown summary. Figures are
# ratios within one run, not absolute claims.
#
# usage: bash bench/run.sh [--quick] [--ingest-only] [--batch N] [--out FILE.json] [--wasmlab EXE] [--build DIR]
#   --batch N: the wasmlab-batched rows (JSON and proto export) and the memory
#   test run --batch N (30: one tracing session per invocation)
#   --ingest-only: only the ingest test and the DB growth per retention rule
#   full:    c/hello go/hello c/json go/json, 3 rounds of 30 loads (each tool
#            runs 30 loads an invocation, as a sweep keeps its browser);
#            ingest 100 MB + 500 MB; memory N=1000; 6 loads of the plain peer;
#            30 loads per retention rule
#   --quick: c/hello go/hello, 3 loads in 1 round; ingest 20 MB; memory N=20;
#            1 load of the plain peer (its Tracing.end stalls ~5 s a load);
#            3 loads per retention rule
# Needs node + npm (scripts/bench-setup.sh installs the peer's packages under
# the build dir), python3, /usr/bin/time, Debian's chromium-headless-shell.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/lib.sh"
quick=0 out="" build="$root/build" wasmlab="" ingest_only=0 batch=30
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --ingest-only) ingest_only=1 ;;
    --batch) batch=$2; shift ;;
    --out) out=$2; shift ;;
    --wasmlab) wasmlab=$2; shift ;;
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
wasmlab=${wasmlab:-$build/wasmlab}
bench_int bench/run.sh --batch "$batch" 1 64
if [ $quick = 1 ]; then
    modules="c/hello go/hello" loads=3 rounds=1 ingest_mb="20" ingest_rounds=1 mem_n=20 plain_loads=1 mode=quick
    keep_loads=3
else
    modules="c/hello go/hello c/json go/json" loads=30 rounds=3 ingest_mb="100 500" ingest_rounds=3 mem_n=1000 plain_loads=6 mode=full
    keep_loads=30
fi
keep_rules="all failed sample:10 none"
# Every invocation runs `loads` loads. Until stop 25 a round ran loads/rounds
# (10): launch, first tab and trace flush, paid once an invocation by every
# tool, were then ~45% of wasmlab --batch's time (c/hello: ~1.1 s of ~2.4 s).
per_round=$loads
[ -x "$wasmlab" ] || { echo "bench/run.sh: $wasmlab is not built (bash scripts/build.sh build)" >&2; exit 2; }
command -v node >/dev/null || { echo "bench/run.sh: node is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/run.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
bench_peers "$build"
if [ -z "$out" ]; then
    mkdir -p "$root/bench/results"
    out="$root/bench/results/$(date -u +%Y-%m-%d)-$(hostname -s).json"
fi

bench_serve bench "$wasmlab"

now() { date +%s.%N; }
# timed LABEL CMD...: runs CMD, appends {"label","seconds","rc"} to timings.
timed() {
    local label=$1; shift
    local t0 rc=0; t0=$(now)
    "$@" || rc=$?
    echo "{\"label\": \"$label\", \"seconds\": $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'), \"rc\": $rc}" >>"$tmp/timings.jsonl"
}

if [ $ingest_only = 0 ]; then
echo "bench ($mode): $modules x $loads loads, $rounds round(s), alternating wasmlab / wasmlab --batch $batch (JSON, proto) / puppeteer / floor" >&2
for r in $(seq "$rounds"); do
    for m in $modules; do
        echo "  round $r: $m" >&2
        timed "wasmlab $m" "$wasmlab" run --module "$m" --loads "$per_round" --browser "$browser" \
            --db "$tmp/matrix.db" -q --json >/dev/null
        timed "wasmlab-batched $m" "$wasmlab" run --module "$m" --loads "$per_round" --batch "$batch" \
            --browser "$browser" --db "$tmp/matrix-batched.db" -q --json >/dev/null
        timed "wasmlab-batched-proto $m" "$wasmlab" run --module "$m" --loads "$per_round" \
            --batch "$batch" --trace-format proto --browser "$browser" \
            --db "$tmp/matrix-batched-proto.db" -q --json >/dev/null
        timed "puppeteer $m" node "$root/bench/peer/puppeteer-peer.js" --port "$port" \
            --manifest "$manifest" --module "$m" --loads "$per_round" --browser "$browser" >>"$tmp/peer.jsonl"
        timed "floor $m" node "$root/bench/peer/cdp-floor.js" --port "$port" \
            --manifest "$manifest" --module "$m" --loads "$per_round" --browser "$browser" >>"$tmp/floor.jsonl"
    done
done

# The shortest puppeteer loop (about:blank, tracing, goto): documented, not
# compared (its Tracing.end stalls ~5 s when the navigation swaps renderers).
echo "  puppeteer --variant plain: $plain_loads loads of c/hello" >&2
timed "plain c/hello" node "$root/bench/peer/puppeteer-peer.js" --port "$port" --variant plain \
    --manifest "$manifest" --module c/hello --loads "$plain_loads" --browser "$browser" >>"$tmp/plain.jsonl"

fi

# Ingest: import-trace (the copy stored as the default retention stores it),
# then the peers on the same file: Node's JSON.parse (readFileSync + parse:
# what a script would do; memory is not bounded, so only a speed peer), and
# YAJL's event parser alone (bench/peer/yajl-parse.c: tokenizes every byte,
# keeps nothing; the yardstick issue 12 quotes for its target).
echo "  ingest: $ingest_mb MB, $ingest_rounds rounds (import, Node, YAJL in turn)" >&2
cc -O2 -o "$tmp/yajl-parse" "$root/bench/peer/yajl-parse.c" -lyajl
for mb in $ingest_mb; do
    python3 "$root/bench/make_trace.py" "$tmp/trace-$mb.json" "$mb" >"$tmp/make-$mb.json"
    cat "$tmp/trace-$mb.json" >/dev/null   # all start from the page cache
    for r in $(seq "$ingest_rounds"); do
        rc=0
        rm -f "$tmp/ingest-$mb.db"*
        /usr/bin/time -v -o "$tmp/ingest-$mb-$r.time" "$wasmlab" import-trace "$tmp/trace-$mb.json" \
            --db "$tmp/ingest-$mb.db" -q >/dev/null || rc=$?
        echo "$rc" >"$tmp/ingest-$mb-$r.rc"
        rc=0
        /usr/bin/time -v -o "$tmp/node-$mb-$r.time" node --max-old-space-size=8192 -e \
            'const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
             process.stdout.write(String((t.traceEvents || t).length))' \
            "$tmp/trace-$mb.json" >"$tmp/node-$mb.events" 2>"$tmp/node-$mb.err" || rc=$?
        echo "$rc" >"$tmp/node-$mb-$r.rc"
        rc=0
        /usr/bin/time -v -o "$tmp/yajl-$mb-$r.time" "$tmp/yajl-parse" "$tmp/trace-$mb.json" \
            >/dev/null 2>"$tmp/yajl-$mb.err" || rc=$?
        echo "$rc" >"$tmp/yajl-$mb-$r.rc"
    done
    rm -f "$tmp/trace-$mb.json"
done

if [ $ingest_only = 0 ]; then
# The wasmlab process's own peak RSS (VmHWM), not the browser's: /usr/bin/time
# would report the largest process of the tree, i.e. a Chromium one.
own_peak_rss_kb() {
    local pid=$1 kb=0 k v rest
    while [ -r "/proc/$pid/status" ]; do
        while read -r k v rest; do [ "$k" = VmHWM: ] && kb=$v; done <"/proc/$pid/status" 2>/dev/null || true
        sleep 0.05
    done
    echo "$kb"
}
# memory_run TAG MODULE LOADS [wasmlab run options]: mem-TAG.{rss,rc,secs,db}
memory_run() {
    local tag=$1 module=$2 n=$3 t0 pid rc=0
    shift 3
    t0=$(now)
    "$wasmlab" run --module "$module" --loads "$n" --batch "$batch" --browser "$browser" \
        --db "$tmp/mem-$tag.db" -q "$@" >/dev/null &
    pid=$!
    own_peak_rss_kb "$pid" >"$tmp/mem-$tag.rss"
    wait "$pid" || rc=$?
    echo "$rc" >"$tmp/mem-$tag.rc"
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }' >"$tmp/mem-$tag.secs"
}
echo "  memory: $((mem_n / 10)) and $mem_n loads of c/hello" >&2
for n in $((mem_n / 10)) "$mem_n"; do
    memory_run "$n" c/hello "$n"
done
# The matrix's last module (go/json in full: the most events a load, so the
# biggest batch to hold), proto export, over N/10 loads.
heavy=${modules##* }
echo "  memory: $((mem_n / 10)) loads of $heavy (--trace-format proto)" >&2
memory_run heavy "$heavy" $((mem_n / 10)) --trace-format proto
echo "$heavy" >"$tmp/mem-heavy.module"
fi

# DB growth per load for each retention rule (--keep-traces), same loads.
echo "  retention: $keep_loads loads of c/hello per rule ($keep_rules)" >&2
for rule in $keep_rules; do
    f=${rule//:/-}
    rc=0
    "$wasmlab" run --module c/hello --loads "$keep_loads" --keep-traces "$rule" --browser "$browser" \
        --db "$tmp/keep-$f.db" -q >/dev/null || rc=$?
    echo "$rc" >"$tmp/keep-$f.rc"
done

python3 "$root/bench/summarize.py" --tmp "$tmp" --out "$out" --mode "$mode" --modules "$modules" \
    --loads "$loads" --rounds "$rounds" --ingest-mb "$ingest_mb" --ingest-rounds "$ingest_rounds" --mem-n "$mem_n" --browser "$browser" \
    --keep-rules "$keep_rules" --keep-loads "$keep_loads" \
    $([ $ingest_only = 1 ] && echo --ingest-only)
echo "results: $out" >&2
# The results keep a failed invocation (its rc, "exit"); the script's exit
# says so too, so a bench with holes is not taken for a result.
failed=$(cat "$tmp"/*.rc 2>/dev/null | grep -cv '^0$' || true)
# (no timings.jsonl with --ingest-only: grep prints nothing then)
bad_runs=$(grep -c '"rc": [1-9]' "$tmp/timings.jsonl" 2>/dev/null || true)
failed=$((failed + ${bad_runs:-0}))
if [ "$failed" -gt 0 ]; then
    echo "bench/run.sh: $failed invocation(s) failed (their exit codes are in $out)" >&2
    exit 1
fi
