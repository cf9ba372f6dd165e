#!/usr/bin/env bash
# The WASI census probes and fault modules under Node's node:wasi (uvwasi, the
# native reference column), run through modules/tools/run-node.mjs with the
# census protocol's environment (/sandbox preopened with hello.txt and sub/,
# stdin "ping\n", args [name, --probe], env WASMLAB=1):
#   - c/wasi-probe and go/wasi-probe print every protocol step once, in
#     order, and the whole raw list; exit code 3 from proc_exit(3); the
#     sandbox is left as it was; what node:wasi gives each step (the table in
#     docs/wasi-probes.md) holds;
#   - c/wasi-faults: trap fails with a wasm trap, exit gives 7, loop is only
#     ended by a timeout (nothing after its first line), flood writes 16 MiB;
#   - c/wasi-missing-import fails to link, naming the import.
# Usage: wasi_probes.sh WASMLAB SOURCE_DIR BINARY_DIR MODULES_DIR
source "$(dirname "$0")/../lib.sh"
MODULES=${4:-$BUILD/modules}
MANIFEST=$MODULES/manifest.json
RUNNER=$SRC/modules/tools/run-node.mjs
[ -f "$MANIFEST" ] || { echo "wasi_probes: no $MANIFEST (build the modules)" >&2; exit 1; }
command -v node >/dev/null || { echo "wasi_probes: node not found (scripts/setup.sh installs it)" >&2; exit 1; }
NODE_FLAGS=(--no-warnings)
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  NODE_FLAGS+=(--experimental-wasi-unstable-preview1)
fi

SANDBOX=$TMP/sandbox
mkdir -p "$SANDBOX/sub"
printf 'hello from wasmlab\n' >"$SANDBOX/hello.txt"
tree() { (cd "$SANDBOX" && find . | sort | tr '\n' ' '; cat hello.txt); }
tree_before=$(tree)

# run NAME [args...]: stdout in $TMP/out, stderr in $TMP/err, exit code in $rc.
# Bounded: a runaway module is killed after 20 s (rc 124).
run() {
  local name=$1; shift
  rc=0
  timeout 20 node "${NODE_FLAGS[@]}" "$RUNNER" --preopen "$SANDBOX" --env WASMLAB=1 \
    "$MANIFEST" "$name" ${1+-- "$@"} >"$TMP/out" 2>"$TMP/err" || rc=$?
}
line() { grep "^$1 " "$TMP/out" | head -n1; }

steps="args environ clock-realtime clock-monotonic clock-res stdout stderr stdin prestat open read seek readdir stat mkdir unlink poll-timeout random yield sock-accept proc-exit"
raw="args_sizes_get args_get environ_sizes_get environ_get clock_res_get clock_res_get clock_time_get clock_time_get random_get fd_write fd_write fd_fdstat_get fd_read fd_seek fd_filestat_get fd_prestat_get fd_prestat_dir_name path_open fd_read fd_seek fd_close fd_readdir path_filestat_get path_create_directory path_remove_directory path_open fd_close path_unlink_file poll_oneoff sched_yield sock_accept fd_close proc_exit"

for n in c/wasi-probe go/wasi-probe; do
  run "$n"          # the manifest's args (--probe) and stdin (ping)
  check "$n: exit code 3 from proc_exit(3) (got $rc; stderr $(head -c 200 "$TMP/err"))" test "$rc" = 3
  got=$(awk '$1 == "wasi-step" { printf "%s ", $2 }' "$TMP/out")
  check "$n: every step once, in order: '$got'" test "$got" = "$steps "
  got=$(awk '$1 == "wasi-step" && $3 != "ok" && $3 != "pending" && $3 !~ /^E[A-Z0-9]+$/ && $3 != "err" { print }' "$TMP/out")
  check "$n: every step result is ok/pending/ESYMBOL/err: $got" test -z "$got"
  got=$(awk '$1 == "wasi-probe" { printf "%s ", $2 }' "$TMP/out")
  check "$n: the raw list: '$got'" test "$got" = "$raw "
  check "$n: the last line" test "$(tail -n1 "$TMP/out")" = "wasi-step proc-exit pending code=3"
  check "$n: the sandbox is left as it was" test "$(tree)" = "$tree_before"
  check "$n: stderr got the step's line" grep -q '^stderr: hello from wasi-probe$' "$TMP/err"
  check "$n: stderr got the raw fd_write" grep -q '^stderr: raw fd_write from wasi-probe$' "$TMP/err"

  # What node:wasi gives (docs/wasi-probes.md, the Node column).
  check "$n: args" test "$(line 'wasi-step args')" = "wasi-step args ok argc=2 argv1=--probe"
  check "$n: environ" test "$(line 'wasi-step environ')" = "wasi-step environ ok WASMLAB=1"
  check "$n: stdin" test "$(line 'wasi-step stdin')" = "wasi-step stdin ok bytes=5 text=ping"
  check "$n: read" test "$(line 'wasi-step read')" = "wasi-step read ok bytes=19 match=yes"
  check "$n: seek" test "$(line 'wasi-step seek')" = "wasi-step seek ok offset=6 then=from"
  check "$n: readdir" test "$(line 'wasi-step readdir')" = "wasi-step readdir ok count=2 entries=hello.txt,sub"
  check "$n: stat" test "$(line 'wasi-step stat')" = "wasi-step stat ok size=19 type=file"
  check "$n: mkdir" test "$(line 'wasi-step mkdir')" = "wasi-step mkdir ok path=/sandbox/newdir rmdir=ok"
  for s in clock-realtime clock-monotonic clock-res stdout stderr prestat open unlink poll-timeout random yield; do
    check "$n: $s ok: $(line "wasi-step $s")" grep -q "^wasi-step $s ok" "$TMP/out"
  done
  check "$n: raw fd_read of stdin after the step read it all: EOF" grep -q '^wasi-probe fd_read ok fd=0 bytes=0$' "$TMP/out"
  check "$n: raw fd_prestat_dir_name" grep -q '^wasi-probe fd_prestat_dir_name ok fd=3 name=/sandbox$' "$TMP/out"
  check "$n: raw path_filestat_get" grep -q '^wasi-probe path_filestat_get ok dirfd=3 path=hello.txt size=19$' "$TMP/out"
  check "$n: raw fd_readdir" grep -q '^wasi-probe fd_readdir ok fd=3 entries=2$' "$TMP/out"
  check "$n: raw sock_accept on a directory: notcapable" grep -q '^wasi-probe sock_accept notcapable fd=3$' "$TMP/out"
  check "$n: raw fd_close of an fd nobody opened: badf" grep -q '^wasi-probe fd_close badf fd=99$' "$TMP/out"
  cp "$TMP/out" "$TMP/${n%%/*}.out"
done
# What each language made of sock_accept's failure.
cp "$TMP/c.out" "$TMP/out"
check "c: accept() on fd 3 sets ENOTCAPABLE" test "$(line 'wasi-step sock-accept')" = 'wasi-step sock-accept ENOTCAPABLE fd=3 msg="Capabilities insufficient"'
cp "$TMP/go.out" "$TMP/out"
check "go: net.FileListener on fd 3 says ENOTSOCK (before any sock_accept)" \
  grep -q '^wasi-step sock-accept err fd=3 msg="file file+net fd3: Socket operation on non-socket"$' "$TMP/out"
check "go: clock-res has no API" grep -q '^wasi-step clock-res ok api=none$' "$TMP/out"

# ---- faults ----
run c/wasi-faults trap
check "trap: non-zero exit ($rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check "trap: a wasm trap (unreachable)" grep -q 'RuntimeError: unreachable' "$TMP/err"
check "trap: its first line came out" test "$(cat "$TMP/out")" = "wasi-fault trap start"

run c/wasi-faults exit
check "exit: exit code 7 ($rc)" test "$rc" = 7
check "exit: one line" test "$(cat "$TMP/out")" = "wasi-fault exit start"

rc=0
timeout 3 node "${NODE_FLAGS[@]}" "$RUNNER" "$MANIFEST" c/wasi-faults -- loop >"$TMP/out" 2>"$TMP/err" || rc=$?
check "loop: only the timeout ends it (rc $rc)" test "$rc" = 124
check "loop: nothing after its first line" test "$(cat "$TMP/out")" = "wasi-fault loop start"

run c/wasi-faults flood
bytes=$(wc -c <"$TMP/out")
check "flood: exit 0 ($rc)" test "$rc" = 0
check "flood: 16 MiB and two lines ($bytes bytes)" test "$bytes" -eq $((16777216 + 23 + 37))
check "flood: the last line" test "$(tail -n1 "$TMP/out")" = "wasi-fault flood done bytes=16777216"

run c/wasi-faults
check "no fault named: usage, exit 2 ($rc)" test "$rc" = 2
check "no fault named: usage line" grep -q '^usage: wasi-faults trap|exit|loop|flood$' "$TMP/err"

run c/wasi-missing-import
check "missing import: fails ($rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check "missing import: a link error naming it: $(grep -m1 Error "$TMP/err")" \
  grep -q 'LinkError.*wasmlab_missing' "$TMP/err"
check "missing import: nothing ran" test ! -s "$TMP/out"

# ---- the import census: inspect --wasi agrees with wasm-objdump -x ----
census=(c/wasi-probe go/wasi-probe go/hello/wasip1 c/hello go/hello c/wasi-missing-import)
"$WASMLAB" inspect --manifest "$MANIFEST" --wasi --format csv "${census[@]}" >"$TMP/census.csv" 2>"$TMP/err"
check "inspect --wasi: exit 0, quiet ($(cat "$TMP/err"))" test ! -s "$TMP/err"
"$WASMLAB" inspect --manifest "$MANIFEST" --wasi --json "${census[@]}" >"$TMP/census.json"
col=2
for m in "${census[@]}"; do
  file=$(node -p 'require(require("path").resolve(process.argv[1])).modules.find((x) => x.name === process.argv[2]).file' "$MANIFEST" "$m")
  want=$(wasm-objdump -x -j Import "$MODULES/$file" | sed -n 's/.*<- wasi_snapshot_preview1\.\([A-Za-z0-9_]*\)$/\1/p' | sort -u | tr '\n' ' ')
  got=$(awk -F, -v c=$col 'NR > 1 && $c == "x" { print $1 }' "$TMP/census.csv" | sort | tr '\n' ' ')
  check "census $m = wasm-objdump: got '$got', objdump '$want'" test "$got" = "$want"
  got=$(python3 -c 'import json,sys; m=[x for x in json.load(open(sys.argv[1]))["modules"] if x["module"]==sys.argv[2]][0]; print("".join(f + " " for f in m["wasi_imports"]))' "$TMP/census.json" "$m")
  check "census --json $m = wasm-objdump" test "$got" = "$want"
  col=$((col + 1))
done
cell() { awk -F, -v f="$1" -v c="$2" '$1 == f { print $c }' "$TMP/census.csv"; }
check "Go's wasip1 runtime imports poll_oneoff (go/hello/wasip1)" test "$(cell poll_oneoff 4)" = x
check "Go's wasip1 runtime does not import sock_accept (go/hello/wasip1)" test "$(cell sock_accept 4)" = -
check "c/wasi-probe imports sock_accept" test "$(cell sock_accept 2)" = x
check "c/hello imports 5 WASI functions" test "$(cell '(wasi imports)' 5)" = 5
check "go/hello (js/wasm) imports no WASI function" test "$(cell '(wasi imports)' 6)" = 0
check "the missing-import module's made-up import is listed" test "$(cell wasmlab_missing 7)" = x
finish
