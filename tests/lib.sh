# Shared helpers for the shell tests. Source it; $1..$3 of the test are the
# wasmlab binary, the source tree and the build tree.
set -euo pipefail
WASMLAB=$1
SRC=$2
BUILD=$3
TMP=$(mktemp -d /tmp/wasmlab-test-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# Browser profiles go under the test's own folder: a profile left in the
# shared /tmp by a killed wasmlab elsewhere must not show up here (the next
# wasmlab would clean it and say so, adding a line to the stderr we check).
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
failures=0
checks=0

pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*" >&2; }
check() {   # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass; else fail "$what"; fi
}
# expect_fail WANT_CODE WANT_STDERR_SUBSTRING COMMAND...: exit code and a
# one-line message naming the culprit.
expect_fail() {
  local code=$1 msg=$2; shift 2
  local rc=0
  "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  if [ "$rc" -ne "$code" ]; then
    fail "$* exited $rc, want $code (stderr: $(head -c 300 "$TMP/err"))"
  elif ! grep -qF -- "$msg" "$TMP/err"; then
    fail "$*: stderr lacks '$msg': $(head -c 300 "$TMP/err")"
  elif [ "$(grep -c 'wasmlab' "$TMP/err")" -gt 2 ]; then
    fail "$*: more than a one-line error: $(head -c 300 "$TMP/err")"
  else
    pass
  fi
}
# expect_usage CMD WANT_SUBSTRING COMMAND...: a usage error in the cli
# layer's shape: exit 2, nothing on stdout, and exactly one stderr line
# "wasmlab CMD: ...WANT... (see wasmlab CMD --help)".
expect_usage() {
  local cmd=$1 msg=$2; shift 2
  local rc=0 line
  "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  line=$(cat "$TMP/err")
  if [ "$rc" -ne 2 ]; then
    fail "$* exited $rc, want 2 (stderr: $(head -c 300 "$TMP/err"))"
  elif [ "$(wc -l <"$TMP/err")" -ne 1 ] || [[ "$line" != "wasmlab $cmd: "*" (see wasmlab $cmd --help)" ]]; then
    fail "$*: not one line of the usage-error shape: $line"
  elif [[ "$line" != *"$msg"* ]]; then
    fail "$*: stderr lacks '$msg': $line"
  elif [ -s "$TMP/out" ]; then
    fail "$*: wrote to stdout on a usage error"
  else
    pass
  fi
}
q() { sqlite3 -batch -noheader "$1" "$2"; }
finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
