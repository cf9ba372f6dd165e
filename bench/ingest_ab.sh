#!/usr/bin/env bash
# Before/after of import-trace on one trace, interleaved, each round in a
# random order (a fixed order puts one side first in every round; a coin
# flip spreads any order effect over both): wall seconds, CPU seconds (user+sys,
# all threads) and peak RSS of each run, then the medians and the fastest
# wall time. CPU seconds are the figure to trust on a shared machine.
# usage: bash bench/ingest_ab.sh OLD_WASMLAB NEW_WASMLAB TRACE.json [ROUNDS]
set -euo pipefail
old=$1 new=$2 trace=$3 rounds=${4:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmlab-ab.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bytes=$(stat -c %s "$trace")
cat "$trace" >/dev/null
for r in $(seq "$rounds"); do
    order="old new"
    [ $((RANDOM % 2)) = 0 ] && order="new old"
    for tag in $order; do
        exe=$old; [ $tag = new ] && exe=$new
        rm -f "$tmp/$tag.db"*
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$exe" import-trace "$trace" --db "$tmp/$tag.db" -q >/dev/null
        read -r wall user sys rss <"$tmp/t"
        echo "$tag $wall $user $sys $rss" | tee -a "$tmp/all" >&2
    done
done
python3 - "$tmp/all" "$bytes" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
mb = int(sys.argv[2]) / 1e6
for tag in ("old", "new"):
    r = [x for x in rows if x[0] == tag]
    wall = statistics.median(float(x[1]) for x in r)
    fastest = min(float(x[1]) for x in r)
    cpu = statistics.median(float(x[2]) + float(x[3]) for x in r)
    rss = max(int(x[4]) for x in r)
    print(f"{tag}: {mb:.0f} MB, median wall {wall:.2f} s ({mb / wall:.1f} MB/s, fastest {fastest:.2f} s), "
          f"median CPU {cpu:.2f} s ({mb / cpu:.1f} MB per CPU-s), peak RSS {rss / 1024:.1f} MB")
PY
