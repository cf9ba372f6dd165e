#!/usr/bin/env bash
# Bad input gets a one-line error naming the culprit and a documented exit
# code, and never harms data already stored.
source "$(dirname "$0")/../lib.sh"

expect_fail 2 "wasmlab: unknown command frobnicate (see wasmlab --help)" "$WASMLAB" frobnicate
# no command at all: exit 2 with the usage (a list, not a one-line error)
rc=0; "$WASMLAB" >/dev/null 2>"$TMP/err" || rc=$?
check "no command: exit 2 and usage on stderr" bash -c "[ $rc -eq 2 ] && grep -q '^usage: wasmlab' '$TMP/err'"
check "--help exits 0" "$WASMLAB" --help
check "run --help exits 0 and documents exit codes" bash -c "'$WASMLAB' run --help | grep -q 'Exit codes'"
expect_usage run "unknown option --frob" "$WASMLAB" run --frob
expect_usage run "--loads zero: must be a whole number from 1 to 100000 loads" "$WASMLAB" run --loads zero
expect_usage run "--loads -3: must be a whole number from 1 to 100000 loads" "$WASMLAB" run --loads -3
expect_usage run "--api ftp: must be streaming, buffered, instantiate-streaming or worker-sync" "$WASMLAB" run --api ftp
expect_usage run "option --db needs a value" "$WASMLAB" run --db
expect_usage run "unexpected argument extra" "$WASMLAB" run extra
expect_fail 2 "unknown module c/nope" "$WASMLAB" run --module c/nope --db "$TMP/a.db"

# Browsers that are not there or are not browsers.
expect_fail 2 "browser /nonexistent/chrome: No such file or directory" \
  "$WASMLAB" run --browser /nonexistent/chrome --db "$TMP/a.db"
printf 'not a program' >"$TMP/notexec"
expect_fail 2 "browser $TMP/notexec: not an executable file" \
  "$WASMLAB" run --browser "$TMP/notexec" --db "$TMP/a.db"
expect_fail 1 "browser /bin/true exited during start-up" \
  "$WASMLAB" run --browser /bin/true --loads 1 --db "$TMP/a.db"
printf '#!/bin/sh\nexec sleep 600\n' >"$TMP/hang" && chmod +x "$TMP/hang"
expect_fail 1 "did not open DevTools" "$WASMLAB" run --browser "$TMP/hang" --loads 1 --db "$TMP/a.db"

# Module files: missing, empty, not wasm, a folder.
expect_fail 2 "module file $TMP/missing.wasm: No such file or directory" \
  "$WASMLAB" run --module-file "$TMP/missing.wasm" --db "$TMP/a.db"
: >"$TMP/empty.wasm"
expect_fail 2 "module file $TMP/empty.wasm: empty file" \
  "$WASMLAB" run --module-file "$TMP/empty.wasm" --db "$TMP/a.db"
printf 'hello world, no wasm' >"$TMP/text.wasm"
expect_fail 2 "module file $TMP/text.wasm: not a WebAssembly binary" \
  "$WASMLAB" run --module-file "$TMP/text.wasm" --db "$TMP/a.db"
expect_fail 2 "module file $TMP: Is a directory" "$WASMLAB" run --module-file "$TMP" --db "$TMP/a.db"

# DB paths: missing folder, a folder, a file that is not a DB (kept intact).
expect_fail 2 "folder /nonexistent-dir does not exist" \
  "$WASMLAB" run --db /nonexistent-dir/r.db
expect_fail 2 "DB $TMP: not a regular file" "$WASMLAB" run --db "$TMP"
printf 'precious notes, not sqlite\n' >"$TMP/notes.txt"
expect_fail 2 "DB $TMP/notes.txt" "$WASMLAB" run --db "$TMP/notes.txt" --loads 1
check "a non-DB file is left as it was" test "$(cat "$TMP/notes.txt")" = "precious notes, not sqlite"
# A read-only place: /proc does not take new files, even for root.
expect_fail 2 "DB /proc/wasmlab.db" "$WASMLAB" run --db /proc/wasmlab.db --loads 1

# A wasm file that compiles badly is a stored failed load, not a crash.
printf '\0asm\1\0\0\0\1\5' >"$TMP/truncated.wasm"
rc=0
"$WASMLAB" run --module-file "$TMP/truncated.wasm" --loads 2 --db "$TMP/b.db" -q >/dev/null 2>"$TMP/err" || rc=$?
check "a module that fails to compile: exit 3 (got $rc: $(head -c 200 "$TMP/err"))" test "$rc" -eq 3
check "both failed loads stored with status and the compile error" \
  test "$(q "$TMP/b.db" "SELECT COUNT(*) FROM loads WHERE status='compile_error' AND error LIKE 'compile failed: %'")" -eq 2
finish
