#!/usr/bin/env bash
# `wasmlab report sizes` against the real built modules:
#   - the full manifest with --db and --format json: every hello/json
#     variant's bytes equal stat, gzip equals Python's zlib (level 9, gzip
#     wrapper, memLevel 8), brotli equals `brotli -q 11 -c FILE | wc -c`;
#     defaults and best variants agree with those; Go's breakdown (also
#     recomputed from the sections by a walker of our own) adds up to the
#     file; the seed rows carry the seed's claims and measured/claimed;
#   - the DB: one modules row per manifest entry (name, bytes, sha256 as the
#     manifest says), module_sizes per distinct content with the same sizes,
#     sections adding up to the file; running again adds no rows;
#   - on a small manifest of real modules (symlinks): csv parses and equals
#     json row for row; text and markdown show the same figures, their
#     tables are well formed, and the seed lines say "measured X vs claimed
#     Y: R×";
#   - errors: missing or malformed manifest, a missing, stale or malformed
#     module file, a manifest without go/json, bad options, a DB folder that
#     does not exist: exit 2, one line on stderr naming the culprit, nothing
#     on stdout;
#   - the cache of compressed sizes: a second run compresses nothing (-v
#     counts) and prints the same bytes, in the cache file and in --db; a
#     cache from other compressor versions is ignored; on a terminal a
#     progress line shows on stderr and is cleared at the end.
# Each module is brotli'd as few times as the checks need (Go's take ~5 s):
# the first cache run fills the cache the small reports then read; the
# terminal run starts with the Go modules cached and compresses the C ones.
# Usage: report_sizes.sh WASMLAB SOURCE_DIR BINARY_DIR [MODULES_DIR]
source "$(dirname "$0")/../lib.sh"
MODULES=${4:-$BUILD/modules}
MANIFEST=$MODULES/manifest.json
# The sizes cache file goes here, not into the build's modules folder.
export XDG_CACHE_HOME=$TMP/xdg

for tool in brotli python3 sqlite3; do
  command -v "$tool" >/dev/null || { echo "report_sizes: $tool not found" >&2; exit 1; }
done
[ -f "$MANIFEST" ] || { echo "report_sizes: no $MANIFEST (build the modules)" >&2; exit 1; }

# expect_error WANT_STDERR_SUBSTRING ARGS...: exit 2, exactly one line on
# stderr containing the substring, nothing on stdout.
expect_error() {
  local msg=$1; shift
  expect_fail 2 "$msg" "$WASMLAB" report sizes "$@"
  if [ -s "$TMP/out" ]; then fail "report sizes $*: wrote to stdout on error"; fi
  if [ "$(wc -l < "$TMP/err")" -ne 1 ]; then
    fail "report sizes $*: stderr is not one line: $(head -c 300 "$TMP/err")"
  fi
}

# ---- a small manifest of real modules: symlinks + their manifest entries ----
small=$TMP/small
python3 - "$MANIFEST" "$small" <<'EOF'
import json, os, sys
src, dst = sys.argv[1:3]
keep = ["c/hello", "c/hello/Oz+wasm-opt", "c/json", "c/json/O2+debug", "c/compute",
        "go/hello", "go/json"]
m = json.load(open(src))
mods = [e for e in m["modules"] if e["name"] in keep]
assert len(mods) == len(keep), [e["name"] for e in mods]
for e in mods:
    path = os.path.join(dst, e["file"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(os.path.join(os.path.dirname(os.path.abspath(src)), e["file"]), path)
json.dump({"version": 1, "modules": mods}, open(os.path.join(dst, "manifest.json"), "w"))
EOF

# Writes a variant of the small manifest into $TMP/$1/manifest.json (same
# module files) with a Python expression applied to its module list `mods`.
variant_manifest() {
  mkdir -p "$TMP/$1"
  python3 - "$small/manifest.json" "$TMP/$1/manifest.json" "$small" "$2" <<'EOF'
import json, os, sys
src, dst, folder, expr = sys.argv[1:5]
m = json.load(open(src))
mods = m["modules"]
for e in mods:                     # the same files, by absolute path via symlinks
    link = os.path.join(os.path.dirname(dst), e["file"])
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(os.path.realpath(os.path.join(folder, e["file"])), link)
exec(expr)
m["modules"] = mods
json.dump(m, open(dst, "w"))
EOF
}

# ---- errors ----
expect_error "$TMP/none/manifest.json: No such file or directory" --manifest "$TMP/none/manifest.json"
printf '{"version":1, "modules": [' > "$TMP/broken.json"
expect_error "module manifest $TMP/broken.json" --manifest "$TMP/broken.json"
variant_manifest missing 'mods.append(dict(mods[0], name="c/hello/gone", file="c/hello/gone.wasm"))'
expect_error "$TMP/missing/c/hello/gone.wasm: No such file or directory (manifest entry c/hello/gone" \
  --manifest "$TMP/missing/manifest.json"
variant_manifest stale 'mods[0]["bytes"] += 1'
expect_error "stale manifest" --manifest "$TMP/stale/manifest.json"
variant_manifest nogojson 'mods[:] = [e for e in mods if e["name"] != "go/json"]'
expect_error "no module go/json" --manifest "$TMP/nogojson/manifest.json"
variant_manifest notwasm 'mods.append(dict(mods[0], name="c/hello/elf", file="c/hello/elf.wasm"))'
printf '\177ELF\2\1\1\0' > "$TMP/notwasm/c/hello/elf.wasm"
expect_error "$TMP/notwasm/c/hello/elf.wasm: offset 0: bad magic number" --manifest "$TMP/notwasm/manifest.json"
expect_error "unknown option --bogus" --bogus
expect_error "unexpected argument extra" extra
expect_error "--format yaml: must be text, csv, json or markdown" --format yaml
expect_error "--db needs a value" --manifest "$small/manifest.json" --db
expect_error "--manifest needs a value" --manifest=
expect_error "$TMP/no/such/dir" --manifest "$small/manifest.json" --db "$TMP/no/such/dir/r.db"

# ---- help, and the kind is listed ----
check "report sizes --help" bash -c '"$1" report sizes --help | grep -q "^usage: wasmlab report sizes"' _ "$WASMLAB"
check "report --help lists sizes" bash -c '"$1" report --help | grep -q "^  sizes "' _ "$WASMLAB"

# ---- the cache, first run: an empty cache, every module compressed ----
# It fills $TMP/xdg, the cache (XDG_CACHE_HOME) the small reports below use,
# so they compress nothing again (each fresh compression of the small
# manifest brotlis go/hello and go/json, ~5 s each).
# verbose_counts FILE: "COMPRESSED CACHED" from the -v note, else "? ?".
verbose_counts() {
  sed -n 's/^wasmlab report sizes: \([0-9]*\) modules compressed, \([0-9]*\) sizes from the cache (.*)$/\1 \2/p' "$1" | grep . || echo "? ?"
}
cache_run() {   # cache_run NAME XDG ARGS...: out and err into $TMP/cache-NAME.*
  local name=$1 xdg=$2; shift 2
  XDG_CACHE_HOME=$xdg "$WASMLAB" report sizes --manifest "$small/manifest.json" -v "$@" \
    > "$TMP/cache-$name.out" 2> "$TMP/cache-$name.err" \
    || fail "report sizes -v $*: $(head -c 300 "$TMP/cache-$name.err")"
}
cache_run first "$TMP/xdg" --format csv

# ---- the small manifest in every format (text is the default), --db twice ----
run_small() {   # run_small OUTPUT ARGS...
  local out=$1; shift
  if ! "$WASMLAB" report sizes --manifest "$small/manifest.json" "$@" > "$out" 2> "$out.err"; then
    fail "report sizes $*: $(head -c 300 "$out.err")"
  elif [ -s "$out.err" ]; then
    fail "report sizes $*: wrote to stderr: $(head -c 300 "$out.err")"
  else
    pass
  fi
}
run_small "$TMP/small.text"
run_small "$TMP/small.markdown" --format=markdown
run_small "$TMP/small.json" --format json
run_small "$TMP/small.csv" --format csv --db "$TMP/small.db"
run_small "$TMP/small-again.csv" --db="$TMP/small.db" --format csv
check "--db again prints the same report" cmp -s "$TMP/small.csv" "$TMP/small-again.csv"
check "--db twice: one modules row per entry" test "$(q "$TMP/small.db" 'SELECT count(*) FROM modules')" = 7
check "--db twice: one module_sizes row per content" \
  test "$(q "$TMP/small.db" 'SELECT count(*) FROM module_sizes')" = 7

# ---- the full manifest, with --db: every figure checked independently ----
if ! "$WASMLAB" report sizes --manifest "$MANIFEST" --db "$TMP/full.db" --format json \
     > "$TMP/full.json" 2> "$TMP/full.err"; then
  fail "report sizes --db --format json: $(head -c 300 "$TMP/full.err")"
fi

python3 - "$MANIFEST" "$TMP" "$small" <<'EOF' || failures=$((failures + 1))
import concurrent.futures, csv, io, json, math, os, re, sqlite3, subprocess, sys, zlib

manifest_path, tmp, small = sys.argv[1:4]
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

manifest = json.load(open(manifest_path))["modules"]
folder = os.path.dirname(manifest_path)
by_name = {e["name"]: e for e in manifest}
scope = [e for e in manifest if e["language"] in ("c", "go") and e["workload"] in ("hello", "json")]
check(len(scope) >= 8, f"only {len(scope)} hello/json modules in the manifest")

# ---- independent figures ----
def leb(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]; pos += 1
        result |= (b & 0x7f) << shift; shift += 7
        if not b & 0x80:
            return result, pos

def walk(path):
    """(id, custom name, whole section size) per section."""
    buf = open(path, "rb").read()
    assert buf[:4] == b"\0asm", path
    pos, out = 8, []
    while pos < len(buf):
        start = pos
        sid = buf[pos]; pos += 1
        n, pos = leb(buf, pos)
        name = None
        if sid == 0:
            ln, p2 = leb(buf, pos)
            name = buf[p2:p2 + ln].decode()
        pos += n
        out.append((sid, name, pos - start))
    assert pos == len(buf), path
    return out

def measure(e):
    path = os.path.join(folder, e["file"])
    data = open(path, "rb").read()
    z = zlib.compressobj(9, zlib.DEFLATED, 31, 8)
    gz = len(z.compress(data) + z.flush())
    br = int(subprocess.run(f"brotli -q 11 -c '{path}' | wc -c", shell=True, check=True,
                            capture_output=True, text=True).stdout)
    return e["name"], {"bytes": os.stat(path).st_size, "gzip": gz, "brotli": br}

with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    truth = dict(pool.map(measure, scope))

# ---- the json report ----
rows = json.load(open(os.path.join(tmp, "full.json")))
check(isinstance(rows, list) and rows, "json: not a non-empty array")
def part(p):
    return [r for r in rows if r["part"] == p]

variants = part("variant")
seen = {}
for r in variants:
    seen.setdefault(r["module"], {})[r["metric"]] = r["bytes"]
check(set(seen) == set(truth), f"variant rows cover {sorted(set(seen) ^ set(truth))} wrongly")
for name, t in truth.items():
    for metric in ("bytes", "gzip", "brotli"):
        got = seen.get(name, {}).get(metric)
        check(got == t[metric], f"{name} {metric}: report {got}, independent {t[metric]}")

def group(lang, workload):
    return [e["name"] for e in scope if e["language"] == lang and e["workload"] == workload]

columns = [("hello", "bytes"), ("json", "bytes"), ("json", "gzip"), ("json", "brotli")]
for lang in ("c", "go"):
    for workload, metric in columns:
        d = [r for r in part("default") if r["language"] == lang and r["workload"] == workload
             and r["metric"] == metric]
        check(len(d) == 1 and d[0]["module"] == f"{lang}/{workload}"
              and d[0]["bytes"] == truth[f"{lang}/{workload}"][metric],
              f"default {lang}/{workload} {metric}: {d}")
        b = [r for r in part("best") if r["language"] == lang and r["workload"] == workload
             and r["metric"] == metric]
        want = min(truth[n][metric] for n in group(lang, workload))
        check(len(b) == 1 and b[0]["bytes"] == want and truth[b[0]["module"]][metric] == want,
              f"best {lang}/{workload} {metric}: {b}, want {want}")

# Go's breakdown: parts add up to the file, and match our own walk.
for name in ("go/hello", "go/json"):
    bd = {r["metric"]: r for r in part("breakdown") if r["module"] == name}
    size = truth[name]["bytes"]
    parts = ["code", "data", "name", "other_custom", "rest"]
    check(set(bd) == set(parts + ["total"]), f"{name}: breakdown parts {sorted(bd)}")
    if set(bd) != set(parts + ["total"]):
        continue
    check(sum(bd[p]["bytes"] for p in parts) == size,
          f"{name}: parts sum to {sum(bd[p]['bytes'] for p in parts)}, file is {size}")
    check(bd["total"]["bytes"] == size, f"{name}: total {bd['total']['bytes']} != {size}")
    check(abs(sum(bd[p]["percent"] for p in parts) - 100) < 1e-6, f"{name}: percents")
    own = {p: 0 for p in parts}
    own["rest"] = 8
    for sid, sname, n in walk(os.path.join(folder, by_name[name]["file"])):
        key = ("code" if sid == 10 else "data" if sid == 11 else
               "name" if sid == 0 and sname == "name" else
               "other_custom" if sid == 0 else "rest")
        own[key] += n
    for p in parts:
        check(bd[p]["bytes"] == own[p], f"{name} {p}: report {bd[p]['bytes']}, walk {own[p]}")
        check(abs(bd[p]["percent"] - 100 * own[p] / size) < 1e-6, f"{name} {p}: percent")
    check(own["code"] > 0 and own["data"] > 0 and own["name"] > 0, f"{name}: empty part")
    check("go:buildid" in bd["other_custom"]["note"], f"{name}: other custom lacks go:buildid")

# The seed's claims (seed 000_5e82831c72500002.txt), next to the defaults.
claims = [("c", "hello", "bytes", "42 KB", 42000), ("c", "json", "bytes", "186 KB", 186000),
          ("c", "json", "gzip", "61 KB", 61000), ("go", "hello", "bytes", "2.1 MB", 2100000),
          ("go", "json", "bytes", "4.7 MB", 4700000), ("go", "json", "gzip", "1.3 MB", 1300000)]
seed = part("seed")
closest = part("seed_closest")
check(len(seed) == 6 and len(closest) == 6, f"{len(seed)} seed rows, {len(closest)} closest")
for (lang, workload, metric, text, claim), s, c in zip(claims, seed, closest):
    measured = truth[f"{lang}/{workload}"][metric]
    check((s["language"], s["workload"], s["metric"], s["claimed"], s["claimed_bytes"],
           s["module"], s["bytes"]) == (lang, workload, metric, text, claim,
                                        f"{lang}/{workload}", measured),
          f"seed row {s}")
    check(abs(s["ratio"] - measured / claim) < 1e-9, f"seed ratio {s}")
    check("000_5e82831c72500002.txt" in s["note"], f"seed row names no seed file: {s}")
    best = min(group(lang, workload), key=lambda n: abs(math.log(truth[n][metric] / claim)))
    check(c["module"] == best and c["bytes"] == truth[best][metric], f"closest {c}, want {best}")

# ---- the DB ----
db = sqlite3.connect(os.path.join(tmp, "full.db"))
mods = {n: (b, s) for n, b, s in db.execute("SELECT name, bytes, sha256 FROM modules")}
check(len(mods) == len(manifest), f"modules has {len(mods)} rows, manifest {len(manifest)} entries")
for e in manifest:
    check(mods.get(e["name"]) == (e["bytes"], e["sha256"]), f"modules row of {e['name']}")
shas = {e["sha256"] for e in manifest}
sizes = {r[0]: r[1:] for r in db.execute(
    "SELECT module_sha256, bytes, gzip_bytes, brotli_bytes FROM module_sizes")}
check(set(sizes) == shas, f"module_sizes: {len(sizes)} rows, {len(shas)} distinct modules")
for name, t in truth.items():
    got = sizes.get(by_name[name]["sha256"])
    check(got == (t["bytes"], t["gzip"], t["brotli"]), f"module_sizes of {name}: {got}")
bad = db.execute("SELECT s.module_sha256 FROM module_sizes s JOIN module_sections x USING "
                 "(module_sha256) GROUP BY 1 HAVING 8 + sum(x.size) != max(s.bytes)").fetchall()
check(not bad, f"sections do not add up for {bad}")

# ---- the small manifest: csv == json; text and markdown show the same ----
srows = json.load(open(os.path.join(tmp, "small.json")))
crows = list(csv.DictReader(io.StringIO(open(os.path.join(tmp, "small.csv")).read())))
check(len(crows) == len(srows), f"csv {len(crows)} rows, json {len(srows)}")
def cell(v):
    return "" if v is None else str(v)
for c, j in zip(crows, srows):
    for k, v in j.items():
        if k in ("percent", "ratio") and v is not None:
            ok = abs(float(c[k]) - v) <= (0.006 if k == "percent" else 0.00006)
        else:
            ok = c.get(k) == cell(v)
        check(ok, f"csv {k}={c.get(k)!r}, json {v!r} ({j['part']} {j['module']} {j['metric']})")
for r in srows:     # the small manifest's figures are the full one's
    if r["part"] == "variant":
        check(truth[r["module"]][r["metric"]] == r["bytes"], f"small json: {r}")

text = open(os.path.join(tmp, "small.text")).read()
md = open(os.path.join(tmp, "small.markdown")).read()
labels = {("hello", "bytes"): "hello bytes", ("json", "bytes"): "json bytes",
          ("json", "gzip"): "json gzip -9", ("json", "brotli"): "json brotli -q 11"}
best_small = {(r["language"], r["workload"], r["metric"]): r for r in srows if r["part"] == "best"}
for lang, label in (("c", "C"), ("go", "Go")):
    for (workload, metric), col in labels.items():
        d = truth[f"{lang}/{workload}"][metric]
        b = best_small[(lang, workload, metric)]
        pat = (rf"^{label} +{re.escape(col)} +{lang}/{workload} +{d} +{b['bytes']} +"
               rf"{re.escape(b['module'])} +{d and b['bytes'] / d:.2f}$")
        check(re.search(pat, text, re.M), f"text: no sizes line /{pat}/")
        mdpat = (rf"^\| {label} +\| {re.escape(col)} +\| {lang}/{workload} +\| +{d} \| +"
                 rf"{b['bytes']} \| {re.escape(b['module'])} +\| +{b['bytes'] / d:.2f} \|$")
        check(re.search(mdpat, md, re.M), f"markdown: no sizes line /{mdpat}/")

def human(n):
    return f"{n / 1e3:.1f} KB" if n < 1e6 else f"{n / 1e6:.2f} MB"
for lang, workload, metric, text_claim, claim in claims:
    m = truth[f"{lang}/{workload}"][metric]
    words = f"measured {human(m)} vs claimed {text_claim}: {m / claim:.2f}× ({(m / claim - 1) * 100:+.1f}%)"
    check(words in text, f"text lacks '{words}'")
    check(words in md, f"markdown lacks '{words}'")
for name in ("go/hello", "go/json"):
    size = truth[name]["bytes"]
    got = [int(x) for x in re.findall(rf"^{re.escape(name)} +(?:code|data|name section|other custom|everything else) +(\d+) ",
                                      text, re.M)]
    check(len(got) == 5 and sum(got) == size, f"text breakdown of {name}: {got} vs {size}")
    check(re.search(rf"^{re.escape(name)} +total \(file\) +{size} +100\.00", text, re.M),
          f"text: no total line for {name}")

# markdown: every table row has its header's column count; a separator follows each header
tables, cur = [], []
for line in md.splitlines() + [""]:
    if line.startswith("|"):
        cur.append(line)
    elif cur:
        tables.append(cur); cur = []
check(len(tables) == 4, f"markdown: {len(tables)} tables, want 4")
for t in tables:
    n = t[0].count("|")
    check(all(l.count("|") == n for l in t), f"markdown: ragged table {t[0]}")
    check(re.fullmatch(r"(\|-+)+\|", t[1]) is not None, f"markdown: no separator under {t[0]}")

for p in problems:
    print("FAIL:", p, file=sys.stderr)
print(f"report_sizes: {len(truth)} modules checked independently, {len(problems)} problems")
sys.exit(1 if problems else 0)
EOF
checks=$((checks + 1))

# ---- the cache: counted compressions, identical output ----
# (the first run, into the empty cache $TMP/xdg, ran before the small reports)
cache_run second "$TMP/xdg" --format csv
read -r c1 h1 <<<"$(verbose_counts "$TMP/cache-first.err")"
read -r c2 h2 <<<"$(verbose_counts "$TMP/cache-second.err")"
check "first run compresses and finds nothing cached ($c1 $h1)" test "$c1" -gt 0 -a "$h1" -eq 0
check "second run compresses nothing, all $c1 from the cache ($c2 $h2)" test "$c2" -eq 0 -a "$h2" -eq "$c1"
check "the -v note names the cache file" grep -qF "($TMP/xdg/wasmlab/sizes-cache.tsv)" "$TMP/cache-second.err"
check "second run: the same output" cmp -s "$TMP/cache-first.out" "$TMP/cache-second.out"
check "cached output equals the computed one" cmp -s "$TMP/cache-first.out" "$TMP/small.csv"
# A cache written with other compressor versions is not trusted: its (wrong)
# sizes are ignored and everything is compressed again.
mkdir -p "$TMP/xdg-old/wasmlab"
{
  echo "wasmlab sizes cache 1 zlib 0.0.1 brotli 0.0.1"
  sed -n '2,$p' "$TMP/xdg/wasmlab/sizes-cache.tsv" | awk '{ print $1, $2, 1, 1 }'
} > "$TMP/xdg-old/wasmlab/sizes-cache.tsv"
cache_run old "$TMP/xdg-old" --format csv
read -r c3 h3 <<<"$(verbose_counts "$TMP/cache-old.err")"
check "an outdated cache is ignored ($c3 $h3)" test "$c3" -eq "$c1" -a "$h3" -eq 0
check "an outdated cache changes no figure" cmp -s "$TMP/cache-old.out" "$TMP/small.csv"
# With --db the DB is the cache: the third --db run on small.db compresses nothing.
cache_run db "$TMP/xdg-unused" --format csv --db "$TMP/small.db"
read -r c4 h4 <<<"$(verbose_counts "$TMP/cache-db.err")"
check "--db: the DB is the cache ($c4 $h4)" test "$c4" -eq 0 -a "$h4" -eq 7
check "--db: the cached report is the same" cmp -s "$TMP/cache-db.out" "$TMP/small.csv"
check "--db: no cache file is written" test ! -e "$TMP/xdg-unused/wasmlab/sizes-cache.tsv"

# ---- progress on a terminal (script gives stderr a pty; stdout to a file) ----
if command -v script >/dev/null; then
  # Its cache holds the two Go modules' sizes: the progress line needs only
  # some compressions (the C ones, small), not another brotli of 5 MB of Go.
  mkdir -p "$TMP/xdg-tty/wasmlab"
  gosha=$(python3 -c 'import json,sys; print("|".join(e["sha256"] for e in json.load(open(sys.argv[1]))["modules"] if e["language"] == "go"))' "$small/manifest.json")
  { head -n1 "$TMP/xdg/wasmlab/sizes-cache.tsv"; grep -E "^($gosha)[[:space:]]" "$TMP/xdg/wasmlab/sizes-cache.tsv"; } \
    > "$TMP/xdg-tty/wasmlab/sizes-cache.tsv"
  check "terminal: the seeded cache holds the 2 Go modules" \
    test "$(wc -l < "$TMP/xdg-tty/wasmlab/sizes-cache.tsv")" -eq 3
  XDG_CACHE_HOME=$TMP/xdg-tty script -qec \
    "'$WASMLAB' report sizes --manifest '$small/manifest.json' > '$TMP/tty.out'" "$TMP/tty.log" \
    >/dev/null 2>&1 || fail "report sizes on a terminal"
  check "terminal: a progress line [1/N] on stderr" grep -qa '\[1/[0-9]*\] compressed ' "$TMP/tty.log"
  check "terminal: the progress line is cleared at the end" \
    python3 -c 'import sys; d=open(sys.argv[1],"rb").read().split(b"\nScript done")[0]; sys.exit(0 if d.rstrip(b"\r\n").endswith(b"\r\x1b[K") else 1)' "$TMP/tty.log"
  check "terminal: stdout is the same report" cmp -s "$TMP/tty.out" "$TMP/small.text"
else
  fail "script not found (Debian package bsdutils)"
fi

finish
