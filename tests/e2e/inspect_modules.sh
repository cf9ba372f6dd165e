#!/usr/bin/env bash
# `wasmlab inspect` on every built module and every valid fixture:
#   - --json parses, and 8 + the section sizes == "bytes" == the file size,
#     with sections contiguous and the counts consistent;
#   - the sections (payload offset and size, order, custom names) agree with
#     `wasm-objdump -h`, which prints payload ranges as start=/end=/size=;
#   - brotli_bytes equals `brotli -q 11 -c FILE | wc -c`; gzip_bytes equals
#     Python's zlib at level 9 with a gzip wrapper, and is within 2% of
#     `gzip -9 -n -c FILE | wc -c` (GNU gzip's deflate is not zlib's);
#   - the text report's section table ends "(= file size)".
# Fails if the modules dir holds no .wasm (build with WASMLAB_BUILD_MODULES).
# Files are checked in parallel (brotli -q 11 of a 3 MB Go module takes ~4 s).
#
# Which files get which checks: every C module and fixture, and a Go sample
# (FULL_GO: js/wasm hello and json, one wasip1+s-w build), get all of the
# above. The other Go modules (~2.5 MB each, 15 of them) get `inspect --json`
# and every check that needs no extra compression (layout, counts, sha256
# recomputed, wasm-objdump); the brotli CLI, zlib, gzip and the text report
# would each compress them again (brotli -q 11 ~3.5 s per module, three times),
# which was most of this test's 206 s. Those checks exercise the same code
# (module_sizes.c, the text printer) on every build of the same toolchain, so
# the sample keeps their coverage for Go.
# Usage: inspect_modules.sh WASMLAB SOURCE_DIR BINARY_DIR [MODULES_DIR]
set -euo pipefail
wasmlab=$1 src=$2 build=$3 modules=${4:-$3/modules}

for tool in wasm-objdump brotli gzip python3; do
  command -v "$tool" >/dev/null || { echo "inspect_modules: $tool not found" >&2; exit 1; }
done

exec python3 - "$wasmlab" "$src" "$modules" <<'EOF'
import concurrent.futures, glob, hashlib, json, os, re, subprocess, sys, zlib

wasmlab, src, modules = sys.argv[1:4]

built = sorted(glob.glob(os.path.join(modules, "**", "*.wasm"), recursive=True))
if not built:
    sys.exit(f"inspect_modules: no .wasm under {modules} (are the modules built?)")
fixtures = sorted(glob.glob(os.path.join(src, "tests", "fixtures", "wasm", "*.wasm")))
# Go modules that get the compression and text-report checks (see the header).
FULL_GO = {"go/hello.wasm", "go/json.wasm", "go/hello/wasip1+s-w.wasm"}


def full_checks(path):
    rel = os.path.relpath(path, modules)
    return not (path in built and rel.startswith("go" + os.sep)) or rel in FULL_GO

# wasm-objdump -h prints "<Name> start=0x... end=0x... (size=0x...) ..." per
# section, start/end/size being the payload; custom sections end with their
# name in quotes. Names of 9+ letters ("DataCount") lose the indent.
OBJDUMP_IDS = {"Custom": 0, "Type": 1, "Import": 2, "Function": 3, "Table": 4,
               "Memory": 5, "Global": 6, "Export": 7, "Start": 8, "Elem": 9,
               "Code": 10, "Data": 11, "DataCount": 12, "Tag": 13}
OBJDUMP_LINE = re.compile(r'^\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) '
                          r'\(size=0x([0-9a-f]+)\)(?: "(.*)")?')


def run(args):
    return subprocess.run(args, capture_output=True)


# The file as an argument, not on stdin: the brotli CLI picks its window
# from the file size only when it knows it.
def compressed_size(cmd, path):
    return len(subprocess.run(cmd + [path], capture_output=True, check=True).stdout)


def check_file(path):
    problems = []

    def check(ok, what):
        if not ok:
            problems.append(what)

    p = run([wasmlab, "inspect", "--json", path])
    if p.returncode != 0:
        return path, [f"inspect --json exit {p.returncode}: {p.stderr.decode(errors='replace').strip()}"], ""
    r = json.loads(p.stdout)
    size = os.path.getsize(path)
    secs = r["sections"]
    check(r["bytes"] == size, f"bytes {r['bytes']} != file size {size}")
    check(r["header_bytes"] == 8, "header_bytes != 8")
    total = 8 + sum(s["size"] for s in secs)
    check(total == size, f"8 + section sizes = {total} != file size {size}")
    pos = 8
    for i, s in enumerate(secs):
        check(s["index"] == i, f"section {i}: index {s['index']}")
        check(s["offset"] == pos, f"section {i}: offset {s['offset']} != {pos}")
        check(s["payload_offset"] == s["offset"] + s["header_size"], f"section {i}: payload_offset")
        check(s["size"] == s["header_size"] + s["payload_size"], f"section {i}: size")
        check((s["name"] is None) == (s["id"] != 0), f"section {i}: a name iff custom")
        pos = s["offset"] + s["size"]
    c = r["counts"]
    check(c["functions"] == c["imported_functions"] + c["defined_functions"], "function count")
    check(c["imports"] == sum(c["imports_by_kind"].values()), "imports by kind")
    check(c["imported_functions"] == c["imports_by_kind"]["func"], "imported functions")
    groups = r["imports_by_module"]
    check(sum(g["count"] for g in groups) == c["imports"], "import groups add up")
    check(all(g["count"] == len(g["imports"]) for g in groups), "group counts")
    check(len({g["module"] for g in groups}) == len(groups), "one group per module")
    with open(path, "rb") as fh:
        data = fh.read()
    check(r["sha256"] == hashlib.sha256(data).hexdigest(), "sha256 != hashlib's")

    if not full_checks(path):
        # A 2.5 MB Go module compresses to well under its size (no extra
        # compression here to say by how much).
        check(0 < r["brotli_bytes"] < size and 0 < r["gzip_bytes"] < size,
              f"compressed sizes {r['gzip_bytes']}, {r['brotli_bytes']} not in (0, {size})")
        return path, problems, (f"{len(secs)} sections, {size} bytes, gzip {r['gzip_bytes']}, "
                                f"brotli {r['brotli_bytes']} (layout checks only)")

    brotli_cli = compressed_size(["brotli", "-q", "11", "-c"], path)
    gzip_cli = compressed_size(["gzip", "-9", "-n", "-c"], path)
    check(r["brotli_bytes"] == brotli_cli,
          f"brotli_bytes {r['brotli_bytes']} != brotli -q 11 {brotli_cli}")
    # Exactly what zlib writes with the same settings (level 9, gzip
    # wrapper, memLevel 8); GNU gzip has its own deflate, within 2%.
    z = zlib.compressobj(9, zlib.DEFLATED, 31, 8)
    zlib_size = len(z.compress(data) + z.flush())
    check(r["gzip_bytes"] == zlib_size,
          f"gzip_bytes {r['gzip_bytes']} != zlib level 9 gzip {zlib_size}")
    check(abs(r["gzip_bytes"] - gzip_cli) <= max(2, gzip_cli // 50),
          f"gzip_bytes {r['gzip_bytes']} not within 2% of gzip -9 -n {gzip_cli}")

    t = run([wasmlab, "inspect", path])
    text = t.stdout.decode("utf-8", errors="replace")
    check(t.returncode == 0 and re.search(rf"^total +{size}  \(= file size\)$", text, re.M),
          f"text report: exit {t.returncode}, no 'total {size}  (= file size)' line")

    summary = (f"{len(secs)} sections, {size} bytes, gzip {r['gzip_bytes']} "
               f"(gzip -9 -n {gzip_cli}), brotli {r['brotli_bytes']}")
    return path, problems, summary


files = built + fixtures
failures = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    for path, problems, summary in pool.map(check_file, files):
        if problems:
            failures += 1
            for p in problems:
                print(f"FAIL {path}: {p}", file=sys.stderr)
        else:
            print(f"ok {path}: {summary}")
light = sum(not full_checks(f) for f in files)
missing = FULL_GO - {os.path.relpath(f, modules) for f in built}
if missing:
    failures += 1
    print(f"FAIL: the Go sample {sorted(missing)} is not built", file=sys.stderr)
print(f"inspect_modules: {len(files)} files ({len(built)} built modules, {light} with "
      f"layout checks only), {failures} failed")
sys.exit(1 if failures else 0)
EOF
