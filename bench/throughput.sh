#!/usr/bin/env bash
# Issue 12's load-loop part on its own, quicker than run.sh: loads/s of
# wasmlab pipelined (WASMLAB_PIPELINE=1), wasmlab serial (the default: each
# load reuses the previous load's tab on a new origin), optionally another
# wasmlab binary (--before EXE, e.g. main at a2baad7 built in a separate
# dir; --before-pages DIR: its own pages/, e.g. from `git archive`, else
# this tree's), wasmlab --batch N (one tracing session for N loads, default 10),
# the same with --trace-format proto (batched-proto: Chrome exports its
# protobuf trace, wasmlab converts it),
# the puppeteer peer, the raw-CDP floor (a new tab per load), that floor
# reusing one tab on a new origin per load as wasmlab does (floor-reuse),
# and the traced floor: wasmlab --batch's loop and trace export with nothing
# else (floor-traced; floor-traced-proto exports Chrome's protobuf trace
# instead of JSON: the floor of a collector that read proto), all
# run ALTERNATELY (per round and module, every tool once) on one `wasmlab
# serve`; then the time to a verdict of each wasmlab variant
# (bench/verdict.py). Ratios within one run only.
#
# usage: bash bench/throughput.sh [--loads N] [--rounds R] [--modules "c/hello go/hello"]
#                                 [--before EXE [--before-pages DIR]] [--batch N]
#                                 [--out FILE.json] [--build DIR]
#   --batch: 1..64 (wasmlab run's limit); an invocation that fails is named
#   on stderr at once, and the script then exits 1
#   defaults: 10 loads per invocation, 3 rounds, c/hello and go/hello
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/lib.sh"
batch=10 loads=10 rounds=3 modules="c/hello go/hello" before="" out="" build="$root/build"
before_pages="$root/pages"
while [ $# -gt 0 ]; do
    case $1 in
    --loads) loads=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --modules) modules=$2; shift ;;
    --before) before=$2; shift ;;
    --before-pages) before_pages=$2; shift ;;
    --batch) batch=$2; shift ;;
    --out) out=$2; shift ;;
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/throughput.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
wasmlab=$build/wasmlab
bench_int bench/throughput.sh --batch "$batch" 1 64
bench_int bench/throughput.sh --loads "$loads" 1 100000
bench_int bench/throughput.sh --rounds "$rounds" 1 1000
[ -x "$wasmlab" ] || { echo "bench/throughput.sh: $wasmlab is not built" >&2; exit 2; }
[ -z "$before" ] || [ -x "$before" ] || { echo "bench/throughput.sh: --before $before is not executable" >&2; exit 2; }
[ -f "$before_pages/harness.html" ] || { echo "bench/throughput.sh: --before-pages $before_pages has no harness.html" >&2; exit 2; }
bench_peers "$build"
[ -n "$out" ] || { mkdir -p "$root/bench/results"; out="$root/bench/results/throughput-$(date -u +%Y-%m-%dT%H%M)-$(hostname -s).json"; }

bench_serve tput "$wasmlab"

now() { date +%s.%N; }
failed=0
timed() {   # timed TOOL MODULE CMD...: appends {"tool","module","seconds","rc"}
    local tool=$1 m=$2; shift 2
    local t0 rc=0; t0=$(now)
    "$@" >/dev/null 2>"$tmp/last.err" || rc=$?
    cat "$tmp/last.err" >>"$tmp/stderr"
    # a failed invocation says so now: its DB may not exist for verdict.py
    [ "$rc" -eq 0 ] || { failed=$((failed + 1)); echo "  $tool $m failed (exit $rc): $(tail -n 1 "$tmp/last.err")" >&2; }
    echo "{\"tool\": \"$tool\", \"module\": \"$m\", \"loads\": $loads, \"seconds\": $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'), \"rc\": $rc}" >>"$tmp/timings.jsonl"
}
echo "throughput: $modules x $loads loads x $rounds rounds, alternating" >&2
for r in $(seq "$rounds"); do
    for m in $modules; do
        echo "  round $r: $m" >&2
        timed pipelined "$m" env WASMLAB_PIPELINE=1 "$wasmlab" run --module "$m" --loads "$loads" --browser "$browser" \
            --db "$tmp/pipelined.db" -q
        timed batched "$m" "$wasmlab" run --module "$m" --loads "$loads" --batch "$batch" \
            --browser "$browser" --db "$tmp/batched.db" -q
        timed batched-proto "$m" "$wasmlab" run --module "$m" --loads "$loads" --batch "$batch" \
            --trace-format proto --browser "$browser" --db "$tmp/batched-proto.db" -q
        timed serial "$m" "$wasmlab" run --module "$m" --loads "$loads" \
            --browser "$browser" --db "$tmp/serial.db" -q
        if [ -n "$before" ]; then
            timed before "$m" "$before" run --module "$m" --loads "$loads" --browser "$browser" \
                --manifest "$manifest" --pages "$before_pages" --db "$tmp/before.db" -q
        fi
        timed puppeteer "$m" node "$root/bench/peer/puppeteer-peer.js" --port "$port" \
            --manifest "$manifest" --module "$m" --loads "$loads" --browser "$browser"
        timed floor "$m" node "$root/bench/peer/cdp-floor.js" --port "$port" \
            --manifest "$manifest" --module "$m" --loads "$loads" --browser "$browser"
        timed floor-reuse "$m" node "$root/bench/peer/cdp-floor.js" --port "$port" --variant reuse \
            --manifest "$manifest" --module "$m" --loads "$loads" --browser "$browser"
        timed floor-traced "$m" node "$root/bench/peer/cdp-floor.js" --port "$port" --variant traced \
            --manifest "$manifest" --module "$m" --loads "$loads" --browser "$browser"
        timed floor-traced-proto "$m" node "$root/bench/peer/cdp-floor.js" --port "$port" \
            --variant traced --trace-format proto \
            --manifest "$manifest" --module "$m" --loads "$loads" --browser "$browser"
    done
done
dbs=("pipelined=$tmp/pipelined.db" "batched=$tmp/batched.db" "batched-proto=$tmp/batched-proto.db"
     "serial=$tmp/serial.db")
[ -z "$before" ] || dbs+=("before=$tmp/before.db")
python3 "$root/bench/verdict.py" --timings "$tmp/timings.jsonl" --out "$out" \
    --host "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" "${dbs[@]}"
echo "results: $out" >&2
[ "$failed" -eq 0 ] || { echo "bench/throughput.sh: $failed invocation(s) exited non-zero (above); one that did not complete is left out of the rates" >&2; exit 1; }
