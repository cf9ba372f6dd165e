#!/usr/bin/env bash
# `wasmlab inspect` as a user meets it: every usage error (exit 2), every
# kind of bad input (exit 1, one line "wasmlab inspect: FILE: reason" on
# stderr, nothing on stdout), each malformed fixture with its exact message,
# and --db (rows stored, re-inspecting replaces them).
# Usage: inspect_cli.sh WASMLAB SOURCE_DIR BINARY_DIR
set -uo pipefail
wasmlab=$1 src=$2
fixtures="$src/tests/fixtures/wasm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 cases=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect EXIT STDERR_LINE ARGS...: exit status and the whole of stderr.
expect() {
  local want_status=$1 want_err=$2
  shift 2
  cases=$((cases + 1))
  "$wasmlab" inspect "$@" > "$tmp/out" 2> "$tmp/err"
  local status=$?
  local err
  err=$(cat "$tmp/err")
  [ "$status" -eq "$want_status" ] || fail "inspect $*: exit $status, want $want_status"
  [ "$err" = "$want_err" ] || fail "inspect $*: stderr
   got: $err
  want: $want_err"
  if [ "$want_status" -ne 0 ] && [ -s "$tmp/out" ]; then
    fail "inspect $*: wrote to stdout on error"
  fi
}

see="(see wasmlab inspect --help)"

# ---- usage errors: exit 2, the cli layer's one-line shape ----
expect 2 "wasmlab inspect: missing FILE.wasm or NAME $see"
expect 2 "wasmlab inspect: missing FILE.wasm or NAME $see" --json
expect 2 "wasmlab inspect: unknown option --bogus $see" --bogus "$fixtures/empty.wasm"
expect 2 "wasmlab inspect: unknown option -x $see" -x
expect 2 "wasmlab inspect: one module at a time (extra argument b.wasm) $see" a.wasm b.wasm
expect 2 "wasmlab inspect: option --db needs a value $see" "$fixtures/empty.wasm" --db
expect 2 "wasmlab inspect: option --db needs a value $see" "$fixtures/empty.wasm" --db ""
expect 2 "wasmlab inspect: option --db needs a value $see" "$fixtures/empty.wasm" --db=

expect 2 "wasmlab inspect: --format goes with --wasi (one module: --json) $see" --format csv "$fixtures/empty.wasm"
expect 2 "wasmlab inspect: --db stores one module's inspection, not --wasi $see" --wasi --db x.db "$fixtures/empty.wasm"
expect 2 "wasmlab inspect: missing FILE.wasm or NAME $see" --wasi
expect 2 "wasmlab inspect: --json and --format csv disagree $see" --wasi --json --format csv "$fixtures/empty.wasm"
expect 2 "wasmlab inspect: --format yaml: must be text, csv, json or markdown $see" --wasi --format yaml "$fixtures/empty.wasm"

# ---- help: exit 0, usage on stdout ----
cases=$((cases + 1))
if ! "$wasmlab" inspect --help > "$tmp/out" 2>&1 || ! grep -q '^usage: wasmlab inspect FILE.wasm|NAME' "$tmp/out"; then
  fail "inspect --help"
fi

# ---- files that cannot be read: exit 1 ----
expect 2 "wasmlab inspect: $tmp/missing.wasm: No such file or directory" "$tmp/missing.wasm"
expect 2 "wasmlab inspect: $tmp: Is a directory" "$tmp"
: > "$tmp/empty.wasm"
expect 2 "wasmlab inspect: $tmp/empty.wasm: empty file (a module is at least 8 bytes)" "$tmp/empty.wasm"
if [ "$(id -u)" -ne 0 ]; then          # root reads anything
  cp "$fixtures/empty.wasm" "$tmp/unreadable.wasm"
  chmod 000 "$tmp/unreadable.wasm"
  expect 2 "wasmlab inspect: $tmp/unreadable.wasm: Permission denied" "$tmp/unreadable.wasm"
fi
# A name starting with '-' after "--" is a file.
expect 2 "wasmlab inspect: -x.wasm: No such file or directory" -- -x.wasm

# ---- malformed modules: exit 1, the parser's message with its offset ----
bad() {
  expect 2 "wasmlab inspect: $fixtures/bad/$1: $2" "$fixtures/bad/$1"
  expect 2 "wasmlab inspect: $fixtures/bad/$1: $2" --json "$fixtures/bad/$1"
}
bad short.wasm 'offset 0: file too short for the magic number: 3 bytes, a module starts with 8 (\0asm + version)'
bad bad_magic.wasm 'offset 0: bad magic number 7f 45 4c 46 (a module starts with 00 61 73 6d, "\0asm")'
bad bad_version.wasm 'offset 4: unsupported version 2 (bytes 02 00 00 00; expected 1)'
bad truncated.wasm 'offset 19: section 10 (code) length 6 runs past end of file (payload would end at offset 27, file is 24 bytes)'
bad section_past_end.wasm 'offset 8: section 10 (code) length 255 runs past end of file (payload would end at offset 266, file is 12 bytes)'
bad overlong_leb.wasm 'offset 9: section 1 (type) length: LEB128 longer than 5 bytes for a u32'
bad leb_unused_bits.wasm 'offset 9: section 1 (type) length: LEB128 value does not fit in 32 bits (unused bits set in byte 5)'
bad custom_name_too_long.wasm 'offset 10: custom section name length 9 runs past the end of section 0 (custom) at offset 15 (4 bytes left)'
bad unknown_section.wasm 'offset 8: unknown section id 14'
bad out_of_order.wasm 'offset 12: section 1 (type) out of order: it must come before section 3 (function) at offset 8'
bad bad_import_kind.wasm 'offset 17: import 0: unknown import kind 0x07'
bad bad_utf8_name.wasm 'offset 11: custom section name is not valid UTF-8 (byte 0xc0)'
bad missing_code.wasm 'offset 19: function section declares 1 functions but there is no code section'
n_bad=$(ls "$fixtures"/bad/*.wasm | wc -l)
[ "$n_bad" -eq 13 ] || fail "tests/fixtures/wasm/bad has $n_bad files; give each new one a case here"

# ---- a good module: exit 0, nothing on stderr ----
expect 0 "" "$fixtures/imports.wasm"
grep -q '^imports       8 (func 4, table 1, memory 1, global 1, tag 1)$' "$tmp/out" \
  || fail "imports.wasm: import counts line"
grep -q '^functions     7 (4 imported, 3 defined)$' "$tmp/out" || fail "imports.wasm: functions line"
expect 0 "" --json "$fixtures/imports.wasm"
python3 - "$tmp/out" <<'EOF' || fail "imports.wasm --json content"
import json, sys
r = json.load(open(sys.argv[1]))
groups = [(g["module"], g["count"]) for g in r["imports_by_module"]]
assert groups == [("wasi_snapshot_preview1", 2), ("gojs", 2), ("env", 4)], groups
assert [i["field"] for i in r["imports_by_module"][1]["imports"]] == \
    ["runtime.wasmExit", "runtime.nanotime1"]
assert r["counts"]["functions"] == 7 and r["counts"]["exports"] == 4
assert r["sections"][-1]["name"] == "name"
EOF

# ---- --wasi: the import census, several modules, one bad one fails it all ----
cases=$((cases + 1))
(cd "$fixtures" && "$wasmlab" inspect --wasi imports.wasm empty.wasm) > "$tmp/out" 2> "$tmp/err" \
  || fail "--wasi imports.wasm empty.wasm: exit $?"
[ "$(cat "$tmp/out")" = "function         imports.wasm  empty.wasm
fd_write         x             -         
proc_exit        x             -         
(wasi imports)              2           0
(other imports)             6           0" ] || fail "--wasi text: $(cat "$tmp/out")"
expect 2 "wasmlab inspect: $fixtures/bad/short.wasm: offset 0: file too short for the magic number: 3 bytes, a module starts with 8 (\0asm + version)" \
  --wasi "$fixtures/imports.wasm" "$fixtures/bad/short.wasm"

# ---- --db: rows stored; inspecting again replaces them ----
db="$tmp/results.db"
expect 0 "" --db "$db" "$fixtures/imports.wasm"
expect 0 "" "$fixtures/imports.wasm" --db="$db" --json
expect 0 "" --db "$db" "$fixtures/custom.wasm"
if command -v sqlite3 >/dev/null; then
  q() { sqlite3 -batch "$db" "$1"; }
  sha=$(sha256sum "$fixtures/imports.wasm" | cut -d' ' -f1)
  [ "$(q "SELECT COUNT(*) FROM module_sizes")" = 2 ] || fail "--db: module_sizes rows"
  [ "$(q "SELECT bytes, functions, imported_functions, imports, exports FROM module_sizes WHERE module_sha256 = '$sha'")" = "468|7|4|8|4" ] \
    || fail "--db: module_sizes for imports.wasm"
  [ "$(q "SELECT COUNT(*), 8 + SUM(size) FROM module_sections WHERE module_sha256 = '$sha'")" = "9|468" ] \
    || fail "--db: module_sections for imports.wasm (re-inspect must replace, not add)"
  [ "$(q "SELECT name FROM module_sections WHERE module_sha256 = '$sha' AND id = 0")" = "name" ] \
    || fail "--db: custom section name"
  [ "$(q "SELECT group_concat(module || '.' || field || ':' || kind, ' ') FROM (SELECT * FROM module_imports WHERE module_sha256 = '$sha' ORDER BY import_index)")" \
    = "wasi_snapshot_preview1.fd_write:func wasi_snapshot_preview1.proc_exit:func gojs.runtime.wasmExit:func env.memory:memory env.__indirect_function_table:table env.__stack_pointer:global env.tag:tag gojs.runtime.nanotime1:func" ] \
    || fail "--db: module_imports for imports.wasm"
  [ "$(q "SELECT group_concat(quote(name), ',') FROM (SELECT name FROM module_sections WHERE id = 0 AND module_sha256 <> '$sha' ORDER BY section_index)")" \
    = "'before-type','','café','producers'" ] || fail "--db: custom.wasm section names"
  [ "$(q "SELECT COUNT(*) FROM module_sizes s WHERE s.bytes <> 8 + (SELECT SUM(size) FROM module_sections c WHERE c.module_sha256 = s.module_sha256)")" = 0 ] \
    || fail "--db: sections add up to bytes"
else
  fail "sqlite3 not found (Debian package sqlite3)"
fi
# A DB that cannot be opened: exit 1, one line naming it, no report.
cases=$((cases + 1))
"$wasmlab" inspect --db "$tmp/no/such/dir/x.db" "$fixtures/empty.wasm" > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" -eq 2 ] || fail "--db in a missing dir: exit $status, want 2"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^wasmlab inspect: .*x.db" "$tmp/err" \
  || fail "--db in a missing dir: stderr: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "--db in a missing dir: printed a report"
# A malformed module stores nothing.
before=$(sqlite3 -batch "$db" "SELECT COUNT(*) FROM module_sections")
expect 2 "wasmlab inspect: $fixtures/bad/truncated.wasm: offset 19: section 10 (code) length 6 runs past end of file (payload would end at offset 27, file is 24 bytes)" \
  --db "$db" "$fixtures/bad/truncated.wasm"
[ "$(sqlite3 -batch "$db" "SELECT COUNT(*) FROM module_sections")" = "$before" ] \
  || fail "--db: a malformed module changed the DB"

echo "inspect_cli: $cases cases, $failures failed"
[ "$failures" -eq 0 ]
