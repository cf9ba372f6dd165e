#!/usr/bin/env bash
# Checks the built wasm modules with real runtimes (Node's node:wasi and Go's
# wasm_exec.js), through modules/tools/run-node.mjs, which feeds each module
# the stdin and args its manifest entry names:
#   - manifest.json: format, naming rule, every .wasm listed, bytes and sha256
#     recomputed with stat and sha256sum, imports, custom sections per variant;
#   - hello prints its line; json, compute and gc-churn print the same checksum
#     in C and Go, for every variant; compute's digest equals sha256sum of its
#     --dump output; json twins agree on edge cases and both reject bad input;
#   - gc-churn's wasmlab-gc / wasmlab-alloc-hist lines; wasi-probe's lines.
#
# usage: modules_run.sh <wasmlab> <source-dir> <build-dir> <modules-dir>
set -uo pipefail

SRC=$2
MODULES=${4:-$3/modules}
MANIFEST=$MODULES/manifest.json
RUNNER=$SRC/modules/tools/run-node.mjs
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is needed to run the modules (scripts/setup.sh installs it)"
command -v sha256sum >/dev/null || die "sha256sum is needed"
[ -f "$MANIFEST" ] || die "$MANIFEST missing: build the wasm_modules target first"

# Node 18 (Debian 12's own nodejs) still gates node:wasi behind a flag.
NODE_FLAGS=(--no-warnings)
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  NODE_FLAGS+=(--experimental-wasi-unstable-preview1)
fi
# run <name> [-- args...]: stdout in $TMP/out, stderr in $TMP/err, sets $rc.
run() {
  node "${NODE_FLAGS[@]}" "$RUNNER" "$MANIFEST" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
}
run_stdin() { # run_stdin <file> <name> [-- args...]
  local f=$1; shift
  node "${NODE_FLAGS[@]}" "$RUNNER" --stdin "$f" "$MANIFEST" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
}
field() { sed -n "s/^$1: //p" "$TMP/out"; }

# --- manifest ---------------------------------------------------------------
# Structure, names, imports and sections are checked in JS; the script prints
# "<file> <bytes> <sha256>" per module for the shell to recompute.
node --input-type=module -e '
import fs from "node:fs";
import path from "node:path";
const [manifestPath] = process.argv.slice(1);
const dir = path.dirname(manifestPath);
const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
let bad = 0;
const err = (s) => { console.error("FAIL: manifest: " + s); bad++; };
if (m.version !== 1) err("version " + m.version);
const fields = { name: "string", file: "string", language: "string", workload: "string",
  variant: "string", target: "string", runtime: "string", toolchain: "string",
  toolchain_version: "string", flags: "string", bytes: "number", sha256: "string" };
const names = new Set();
for (const x of m.modules) {
  for (const [k, t] of Object.entries(fields))
    if (typeof x[k] !== t) err(`${x.name}: ${k} is not a ${t}`);
  if (!(x.stdin === null || typeof x.stdin === "string")) err(`${x.name}: stdin`);
  if (!Array.isArray(x.args) || x.args.some((a) => typeof a !== "string")) err(`${x.name}: args`);
  if (names.has(x.name)) err(`${x.name} twice`);
  names.add(x.name);
  if (x.file !== x.name + ".wasm") err(`${x.name}: file ${x.file}`);
  const isDefault = x.language === "c" ? x.variant === "O2"
    : x.variant === (x.workload === "wasi-probe" ? "wasip1" : "default");
  const want = `${x.language}/${x.workload}` + (isDefault ? "" : "/" + x.variant);
  if (x.name !== want) err(`${x.name}: expected the name ${want}`);
  const rt = { "wasm32-wasi": "wasi", "wasip1/wasm": "wasi", "js/wasm": "gojs" }[x.target];
  if (x.runtime !== rt) err(`${x.name}: runtime ${x.runtime} for target ${x.target}`);
  if (!/^[0-9a-f]{64}$/.test(x.sha256)) err(`${x.name}: sha256 ${x.sha256}`);
  if (x.stdin !== null && !fs.existsSync(path.join(dir, x.stdin))) err(`${x.name}: no ${x.stdin}`);
  if (x.toolchain === "clang" && !/^16\./.test(x.toolchain_version)) err(`${x.name}: clang ${x.toolchain_version}`);
  if (x.toolchain === "go" && !/^go1\.22/.test(x.toolchain_version)) err(`${x.name}: ${x.toolchain_version}`);

  const bytes = fs.readFileSync(path.join(dir, x.file));
  let mod;
  try { mod = new WebAssembly.Module(bytes); } catch (e) { err(`${x.name}: ${e.message}`); continue; }
  const wantImport = x.runtime === "wasi" ? "wasi_snapshot_preview1" : "gojs";
  for (const i of WebAssembly.Module.imports(mod))
    if (i.module !== wantImport) err(`${x.name}: imports ${i.module}.${i.name}`);
  const has = (s) => WebAssembly.Module.customSections(mod, s).length > 0;
  if (x.language === "c") {
    const debug = x.variant.includes("debug"), strip = x.variant.includes("strip");
    if (has(".debug_info") !== debug) err(`${x.name}: .debug_info ${has(".debug_info") ? "present" : "missing"}`);
    const named = !strip && !x.variant.includes("wasm-opt");
    if (has("name") !== named) err(`${x.name}: name section ${has("name") ? "present" : "missing"}`);
    const opt = x.variant.startsWith("pad-") ? "O2" : x.variant.split("+")[0];
    if (!x.flags.includes(` -${opt} `)) err(`${x.name}: flags do not show -${opt}: ${x.flags}`);
  }
  const pad = /^pad-(\d+)(k|m)?(-before|-after)?$/.exec(x.variant);
  if (pad) {
    const want = Number(pad[1]) * ({ k: 1024, m: 1048576 }[pad[2]] ?? 1);
    const sec = WebAssembly.Module.customSections(mod, "wasmlab.pad");
    if (sec.length !== 1 || sec[0].byteLength !== want)
      err(`${x.name}: wasmlab.pad payload ${sec.map((s) => s.byteLength)}, expected ${want}`);
    // placement: the section order in the binary (id, LEB128 size, ...)
    const order = [];
    for (let p = 8; p < bytes.length;) {
      const id = bytes[p++];
      let size = 0, shift = 0, b;
      do { b = bytes[p++]; size += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      order.push(id === 0 && bytes.toString("latin1", p + 1, p + 1 + bytes[p]) === "wasmlab.pad" ? "pad" : id);
      p += size;
    }
    const where = { "-before": order.indexOf(10) - 1, "-after": order.indexOf(10) + 1 }[pad[3]] ?? order.length - 1;
    if (order[where] !== "pad") err(`${x.name}: wasmlab.pad not where its variant says: ${order}`);
  }
  console.log(`${x.file} ${x.bytes} ${x.sha256}`);
}
const required = [];
for (const w of ["hello", "json", "gc-churn", "compute", "wasi-probe"])
  required.push(`c/${w}`, `go/${w}`);
for (const v of ["O0", "O0+debug", "O2+debug", "O2+lto", "O2+strip", "O2+wasm-opt",
                 "Oz", "Oz+lto", "Oz+strip", "Oz+wasm-opt"]) required.push(`c/json/${v}`);
required.push("go/json/s-w", "go/json/wasip1", "go/json/wasip1+s-w",
              "c/hello/pad-0", "c/hello/pad-64k", "c/hello/pad-1m");
for (const pad of ["0", "64k", "1m"])
  required.push(`c/compute/pad-${pad}-before`, `c/compute/pad-${pad}-after`);
for (const r of required) if (!names.has(r)) err(`module ${r} missing`);
process.exitCode = bad ? 1 : 0;
' "$MANIFEST" >"$TMP/listed" || fail "manifest checks (above)"

nlisted=$(wc -l <"$TMP/listed")
[ "$nlisted" -gt 0 ] || die "manifest lists no modules"
while read -r file bytes sha; do
  size=$(stat -c %s "$MODULES/$file") || { fail "$file: missing"; continue; }
  [ "$size" = "$bytes" ] || fail "$file: manifest says $bytes bytes, file has $size"
  actual=$(sha256sum "$MODULES/$file" | cut -d' ' -f1)
  [ "$actual" = "$sha" ] || fail "$file: manifest sha256 $sha, sha256sum $actual"
done <"$TMP/listed"
(cd "$MODULES" && find . -name '*.wasm' -not -path './CMakeFiles/*' | sed 's|^\./||' | sort) >"$TMP/found"
cut -d' ' -f1 "$TMP/listed" | sort >"$TMP/listed-files"
comm -23 "$TMP/found" "$TMP/listed-files" | while read -r f; do echo "FAIL: $f is not in the manifest" >&2; done
[ -z "$(comm -23 "$TMP/found" "$TMP/listed-files")" ] || failures=$((failures + 1))
[ -f "$MODULES/wasm_exec.js" ] || fail "wasm_exec.js not copied"
echo "manifest: $nlisted modules checked"

names() { # names <workload>: every module of that workload
  node -e 'const m = require(process.argv[1]);
    for (const x of m.modules) if (x.workload === process.argv[2]) console.log(x.name);' \
    "$MANIFEST" "$1"
}

# --- hello --------------------------------------------------------------------
for n in $(names hello); do
  run "$n"
  case $n in c/*) want="hello from C" ;; *) want="hello from Go" ;; esac
  [ "$rc" = 0 ] && [ "$(cat "$TMP/out")" = "$want" ] ||
    fail "$n: exit $rc, stdout '$(head -c 200 "$TMP/out")', stderr '$(head -c 300 "$TMP/err")'"
done

# --- json -----------------------------------------------------------------------
ref=""
for n in $(names json); do
  run "$n"
  got="$(field values) $(field bytes) $(field checksum)"
  [ "$rc" = 0 ] || { fail "$n: exit $rc: $(head -c 300 "$TMP/err")"; continue; }
  [[ $(field checksum) =~ ^[0-9a-f]{16}$ ]] || fail "$n: no checksum line"
  [ -n "$ref" ] || ref=$got
  [ "$got" = "$ref" ] || fail "$n: '$got' differs from '$ref'"
done
echo "json: values/bytes/checksum $ref"

# Edge cases: the C parser and encoding/json must agree (or both reject).
printf '%s' '{"lone":"\ud800x","low":"\udc00","pair":"\ud83d\ude00","bad-pair":"\ud83d\u0041","esc":"\u0001\u001f\b\f\/\\\"","dup":1,"dup":2}' >"$TMP/j1"
printf '["\xff\xc0\x80\xed\xa0\x80ok\xf0\x9f\x98", "\xe2\x82\xac", {"\xf4\x90\x80\x80":null}]' >"$TMP/j2"
printf ' [0,-0,1e5,1E+5,-1.5e-10,12345678901234567890123,0.0e-0, true,false,null,[],{},""] \n' >"$TMP/j3"
{ printf '%.0s[' $(seq 256); printf '%.0s]' $(seq 256); } >"$TMP/j4"   # depth 256: accepted
good=("$TMP/j1" "$TMP/j2" "$TMP/j3" "$TMP/j4")
i=0
for t in '[1,]' '{"a" 1}' '01' '"abc' '[1] x' '' '"\x"' 'tru' '"a	b"' '[1e]' '-' '{"a":1,}' '"\u12"'; do
  i=$((i + 1)); printf '%s' "$t" >"$TMP/bad$i"
done
{ printf '%.0s[' $(seq 257); printf '%.0s]' $(seq 257); } >"$TMP/bad-deep"
for f in "${good[@]}"; do
  run_stdin "$f" c/json; c="$rc $(cat "$TMP/out")"
  run_stdin "$f" go/json; g="$rc $(cat "$TMP/out")"
  [ "$c" = "$g" ] && [[ $c == 0* ]] || fail "json $(basename "$f"): C '$c' vs Go '$g'"
done
for f in "$TMP"/bad*; do
  for n in c/json go/json; do
    run_stdin "$f" "$n"
    [ "$rc" = 1 ] && [ ! -s "$TMP/out" ] || fail "$n accepted bad input '$(head -c 40 "$f")' (exit $rc)"
  done
done

# --- compute ----------------------------------------------------------------------
run c/compute -- --dump
[ "$rc" = 0 ] || fail "c/compute --dump: exit $rc"
cp "$TMP/out" "$TMP/dump"
want=$(sha256sum "$TMP/dump" | cut -d' ' -f1)
[ "$(stat -c %s "$TMP/dump")" = 4194304 ] || fail "c/compute --dump: $(stat -c %s "$TMP/dump") bytes"
run go/compute -- -dump
cmp -s "$TMP/out" "$TMP/dump" || fail "go/compute -dump differs from c/compute --dump"
for n in $(names compute); do
  run "$n"
  [ "$rc" = 0 ] && [ "$(field checksum)" = "$want" ] && [ "$(field bytes)" = 4194304 ] ||
    fail "$n: exit $rc, checksum '$(field checksum)', sha256sum of the data $want"
done
echo "compute: sha256 $want"
for n in c/compute go/compute; do
  run "$n" -- --mb 0
  [ "$rc" = 2 ] || fail "$n --mb 0: exit $rc, expected 2"
done

# --- gc-churn -------------------------------------------------------------------
ref=""
for n in $(names gc-churn); do
  run "$n" -- --live-mb 2 --rounds 12
  [ "$rc" = 0 ] || { fail "$n: exit $rc: $(head -c 300 "$TMP/err")"; continue; }
  got="$(field nodes) $(field checksum)"
  [ -n "$ref" ] || ref=$got
  [ "$got" = "$ref" ] || fail "$n: '$got' differs from '$ref'"
  node -e '
    const fs = require("fs");
    const [out, lang] = process.argv.slice(1);
    const lines = fs.readFileSync(out, "utf8").split("\n");
    const json = (p) => lines.filter((l) => l.startsWith(p + " ")).map((l) => JSON.parse(l.slice(p.length + 1)));
    const fail = (s) => { console.error(s); process.exit(1); };
    if (lang === "go") {
      const gc = json("wasmlab-gc"), sum = json("wasmlab-gc-summary");
      if (sum.length !== 1) fail("no wasmlab-gc-summary line");
      if (sum[0].lost !== 0 || gc.length !== sum[0].num_gc || gc.length === 0)
        fail(`gc lines ${gc.length}, summary ${JSON.stringify(sum[0])}`);
      gc.forEach((g, i) => { if (g.num !== i + 1 || !(g.pause_ns > 0) || !(g.end_unix_ns > 1.6e18)) fail(JSON.stringify(g)); });
      if (gc.reduce((a, g) => a + g.pause_ns, 0) !== sum[0].pause_total_ns) fail("pauses do not add up to pause_total_ns");
    } else {
      const h = json("wasmlab-alloc-hist");
      if (h.length !== 2 || h[0].op !== "malloc" || h[1].op !== "free") fail("want malloc and free histograms");
      for (const x of h)
        if (!(x.samples > 0) || x.log2_buckets.reduce((a, b) => a + b, 0) !== x.samples) fail(JSON.stringify(x));
    }' "$TMP/out" "${n%%/*}" 2>"$TMP/err" || fail "$n: $(cat "$TMP/err")"
done
echo "gc-churn: nodes/checksum $ref"
run c/gc-churn; c=$(field checksum)
run go/gc-churn; g=$(field checksum)
[ -n "$c" ] && [ "$c" = "$g" ] || fail "gc-churn with the manifest args: C '$c' vs Go '$g'"

# --- wasi-probe -------------------------------------------------------------------
# The census protocol's tree (tests/e2e/wasi_probes.sh checks every line).
mkdir -p "$TMP/sandbox/sub" && printf 'hello from wasmlab\n' >"$TMP/sandbox/hello.txt"
steps="args environ clock-realtime clock-monotonic clock-res stdout stderr stdin prestat open read seek readdir stat mkdir unlink poll-timeout random yield sock-accept proc-exit"
raw="args_sizes_get args_get environ_sizes_get environ_get clock_res_get clock_res_get clock_time_get clock_time_get random_get fd_write fd_write fd_fdstat_get fd_read fd_seek fd_filestat_get fd_prestat_get fd_prestat_dir_name path_open fd_read fd_seek fd_close fd_readdir path_filestat_get path_create_directory path_remove_directory path_open fd_close path_unlink_file poll_oneoff sched_yield sock_accept fd_close proc_exit"
for n in $(names wasi-probe); do
  node "${NODE_FLAGS[@]}" "$RUNNER" --preopen "$TMP/sandbox" --env WASMLAB=1 "$MANIFEST" "$n" \
    >"$TMP/out" 2>"$TMP/err"
  rc=$?
  got=$(awk '$1 == "wasi-probe" { printf "%s ", $2 }' "$TMP/out")
  [ "$rc" = 3 ] && [ "$got" = "$raw " ] || fail "$n: exit $rc, calls '$got'"
  got=$(awk '$1 == "wasi-step" { printf "%s ", $2 }' "$TMP/out")
  [ "$got" = "$steps " ] || fail "$n: steps '$got'"
  grep -q '^wasi-probe args_sizes_get ok argc=2 ' "$TMP/out" || fail "$n: argc"
  for f in random_get fd_write clock_time_get poll_oneoff fd_prestat_get path_open; do
    grep -q "^wasi-probe $f ok" "$TMP/out" || fail "$n: $f not ok"
  done
  [ "$(tail -n1 "$TMP/out")" = "wasi-step proc-exit pending code=3" ] || fail "$n: last line"
done

if [ "$failures" -gt 0 ]; then
  echo "modules_run: $failures failure(s)" >&2
  exit 1
fi
echo "modules_run: ok"
