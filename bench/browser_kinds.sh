#!/usr/bin/env bash
# Cost per load of full Chromium vs headless_shell (both Debian's 156), and
# their first-byte-to-compile, measured in the same sweep with loads
# interleaved (so machine drift hits both alike). Prints medians and the
# full/headless ratios.
# usage: bench/browser_kinds.sh [WASMLAB] [LOADS]   (default build/wasmlab, 15)
set -euo pipefail
wasmlab=${1:-build/wasmlab}
loads=${2:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/exp.json" <<JSON
{ "name": "bench-browser-kinds", "browsers": ["headless-shell", "chromium"],
  "modules": ["c/hello", "go/hello"], "loads": $loads, "warmup": 2 }
JSON
"$wasmlab" sweep "$tmp/exp.json" --db "$tmp/b.db" -q >/dev/null
python3 - "$tmp/b.db" <<'PY'
import sqlite3, statistics, sys
db = sqlite3.connect(sys.argv[1])
def med(sql, *a):
    v = [r[0] for r in db.execute(sql, a)]
    return statistics.median(v), len(v)
print(f"{'kind':16} {'module':10} {'n':>3} {'wall ms/load':>13} {'first-byte-to-compile ms':>25}")
res = {}
for kind in ("headless_shell", "chromium"):
    for mod in ("c/hello", "go/hello"):
        q = ("SELECT {} FROM loads l JOIN browsers b ON b.id = l.browser_id JOIN modules m ON m.id = l.module_id"
             " WHERE b.kind = ? AND m.name = ? AND l.status = 'ok'")
        w, n = med(q.format("wall_ms"), kind, mod)
        f, _ = med(q.format("first_byte_to_compile_us / 1000.0"), kind, mod)
        res[kind, mod] = (w, f)
        print(f"{kind:16} {mod:10} {n:>3} {w:>13.1f} {f:>25.3f}")
for mod in ("c/hello", "go/hello"):
    (wh, fh), (wc, fc) = res["headless_shell", mod], res["chromium", mod]
    print(f"{mod}: full/headless cost per load {wc / wh:.2f}x, first-byte-to-compile {fc / fh:.2f}x")
PY
