#!/usr/bin/env bash
# Every command and subcommand speaks through the one option layer
# (collector/cli/options.h):
#   - `--help` exits 0 and prints the five sections in order: "usage: wasmlab
#     CMD", a description, "Options:", "Exit codes:", "Examples:";
#   - an unknown option, a missing value and (where the command has one) an
#     out-of-range number each exit 2 with exactly one line on stderr, of the
#     shape "wasmlab CMD: ... (see wasmlab CMD --help)", naming the value;
#   - nothing reaches stdout on a usage error.
# No browser, no DB: usage errors are found before anything is opened.
# Usage: cli_help.sh WASMLAB SOURCE_DIR BINARY_DIR
source "$(dirname "$0")/../lib.sh"

# help_ok CMD...: --help's exit code and sections.
help_ok() {
  local name="$*" rc=0
  "$WASMLAB" "$@" --help >"$TMP/out" 2>"$TMP/err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "$name --help exited $rc"
    return
  fi
  [ -s "$TMP/err" ] && { fail "$name --help wrote to stderr: $(head -c 200 "$TMP/err")"; return; }
  python3 - "$TMP/out" "$name" <<'PY' && pass || fail "$name --help sections"
import re, sys
text = open(sys.argv[1]).read()
name = sys.argv[2]
want_usage = "usage: wasmlab " + (name + " " if name else "")
lines = text.split("\n")
assert lines[0].startswith(want_usage), "first line: %r" % lines[0]
heads = ["Options:", "Exit codes:", "Examples:"]
pos = [lines.index(h) if h in lines else -1 for h in heads]
assert all(p > 0 for p in pos) and pos == sorted(pos), "sections %r" % pos
# a description paragraph between the usage line and Options:
assert any(l.strip() for l in lines[1:pos[0]]), "no description"
# every listed exit code is a number with a meaning; 0 and 2 always
codes = [l for l in lines[pos[1] + 1:pos[2]] if re.match(r"^  \d+ +\S", l)]
assert any(l.startswith("  0 ") for l in codes) and any(l.startswith("  2 ") for l in codes), codes
examples = [l for l in lines[pos[2] + 1:] if l.strip()]
assert examples and all(l.startswith("  wasmlab ") for l in examples), examples
assert "  -h, --help" in text
PY
}

# usage_err WANT_SUBSTRING CMD... -- ARGS...: exit 2, one stderr line of the
# uniform shape for CMD containing WANT, nothing on stdout.
usage_err() {
  local want=$1; shift
  local cmd=()
  while [ "$1" != "--" ]; do cmd+=("$1"); shift; done
  shift
  local name="${cmd[*]}" rc=0
  "$WASMLAB" "${cmd[@]}" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  local prefix see
  if [ -n "$name" ]; then prefix="wasmlab $name: "; see="(see wasmlab $name --help)"
  else prefix="wasmlab: "; see="(see wasmlab --help)"; fi
  local line
  line=$(cat "$TMP/err")
  if [ "$rc" -ne 2 ]; then
    fail "$name $*: exit $rc, want 2 ($line)"
  elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
    fail "$name $*: stderr is not one line: $line"
  elif [[ "$line" != "$prefix"*" $see" ]]; then
    fail "$name $*: not the uniform shape: $line"
  elif [[ "$line" != *"$want"* ]]; then
    fail "$name $*: does not name '$want': $line"
  elif [ -s "$TMP/out" ]; then
    fail "$name $*: wrote to stdout"
  else
    pass
  fi
}

# Every command and subcommand, with an option that takes a value.
commands=(
  "|--version"            # main: no option takes a value
  "run|--db"
  "sweep|--db"
  "nightly|--report"
  "serve|--pages"
  "report|"
  "report gc|--db"
  "report alloc|--db"
  "report sizes|--manifest"
  "report html|--out"
  "report wasi|--db"
  "wasi|--db"
  "report experiment|--run"
  "modules|--manifest"
  "inspect|--db"
  "browsers|--store"
  "browsers add|--store"
  "browsers list|--store"
  "browsers path|--store"
  "browsers remove|--store"
  "compare|--db"
  "merge|"
  "prune|--db"
  "plot|--db"
  "export|--db"
  "export trace|--load"
  "export folded|--load"
  "export csv|--table"
  "export json|--table"
  "import-trace|--db"
)
for kind in timeline latency sweep sizes throughput pauses streaming; do
  commands+=("plot $kind|--db")
done

for entry in "${commands[@]}"; do
  name=${entry%%|*}
  valued=${entry#*|}
  read -r -a cmd <<<"$name"
  help_ok "${cmd[@]}"
  usage_err "unknown option --frobnicate" "${cmd[@]}" -- --frobnicate
  # a missing value: the option is the last argument
  if [ -n "$valued" ] && [ "$valued" != "--version" ]; then
    usage_err "option $valued needs a value" "${cmd[@]}" -- "$valued"
  fi
done

# Out-of-range and malformed numbers name the option, the value and the range.
usage_err "--loads 0: must be a whole number from 1 to 100000 loads" run -- --loads 0
usage_err "--loads 1e3: must be a whole number from 1 to 100000 loads" run -- --loads 1e3
usage_err "--timeout 3601: must be a whole number from 1 to 3600 seconds" run -- --timeout 3601
usage_err "--js-churn 0: must be a whole number from 1 to 4096 MB" run -- --js-churn 0
usage_err "--cache hot: must be cold or warm" run -- --cache hot
usage_err "--cache warm: API buffered cannot use the code cache" run -- --cache warm --api buffered
usage_err "--trace-buffer-kb 1: must be a whole number from 64 to 4194304 KB" run -- --trace-buffer-kb 1
usage_err "--shard 4/3: must be K/N" sweep -- x.json --shard 4/3
usage_err "--threshold -1: must be a number from 0 to 1e+06 percent" nightly -- x.json --threshold -1
usage_err "--run 0: must be a whole number from 1" report gc -- --run 0
usage_err "--resamples 5: must be a whole number from 100 to 1000000 resamples" compare -- --resamples 5
usage_err "--alpha 1: must be above 0 and below 1" compare -- --alpha 1
usage_err "--threshold x: must be a number from 0 to 1e+06 percent" compare -- --threshold x
for kind in timeline latency sweep sizes throughput pauses streaming; do
  usage_err "--width 10: must be a whole number from 200 to 8000 pixels" plot "$kind" -- --width 10
done
usage_err "--height 9000: must be a whole number from 200 to 8000 pixels" plot latency -- --height 9000

# Choices and positionals in the same shape.
usage_err "--api ftp: must be streaming, buffered, instantiate-streaming or worker-sync" run -- --api ftp
usage_err "--api ftp: must be streaming, buffered, instantiate-streaming or worker-sync" import-trace -- --api ftp x.json
usage_err "--format yaml: must be text, csv, json or markdown" report gc -- --format yaml
usage_err "--format csv: must be text, markdown or json" report experiment -- --format csv
usage_err "--run 0: must be a whole number from 1" report experiment -- --run 0
usage_err "--format gif: must be png or svg" plot latency -- --format gif
usage_err "unexpected argument extra" run -- extra
usage_err "missing EXPERIMENT.json" sweep --
usage_err "unknown kind bogus" report -- bogus
usage_err "unknown kind bogus" plot -- bogus
usage_err "unknown format bogus" export -- bogus
usage_err "unknown command frob" browsers -- frob
usage_err "unknown command frob" -- frob
usage_err "missing kind" report --
usage_err "missing kind" plot --
usage_err "give OUT.db and at least one IN.db" merge -- out.db

# The top-level usage lists every command, and each one's help exists.
"$WASMLAB" --help >"$TMP/top"
for c in run sweep nightly serve report modules inspect browsers compare merge prune plot export import-trace; do
  check "wasmlab --help lists $c" grep -q "^  $c " "$TMP/top"
done
# ...and nothing the helps list escapes this test: every command of
# `wasmlab --help` and every kind of `report --help` is in commands[] above.
listed=$(printf '%s\n' "${commands[@]}" | cut -d'|' -f1)
for c in $(awk '/^  [a-z][a-z-]+  /{print $1}' "$TMP/top"); do
  check "commands[] covers $c" grep -qx "$c" <<<"$listed"
done
"$WASMLAB" report --help | awk '/^Kinds:/{k=1;next} k && /^  [a-z]+ /{print $1} /^$/{if(k)k=0}' >"$TMP/kinds"
check "report --help lists kinds" test -s "$TMP/kinds"
while read -r k; do
  check "commands[] covers report $k" grep -qx "report $k" <<<"$listed"
done <"$TMP/kinds"
finish
