#!/usr/bin/env bash
# A bounded libFuzzer run as a ctest: replays the seeds (real recorded
# inputs), then mutates for SECONDS. Any crash, leak, UB or broken invariant
# fails the test and keeps the input in WORK/NAME.corpus/artifacts/ (copy it
# into tests/fixtures/fuzz/KIND/ (see fuzz_seeds.sh) to keep it as a regression case).
# usage: fuzz_run.sh FUZZER NAME WORK_DIR SECONDS SEED_COMMAND...
#   SEED_COMMAND is run with the seeds folder appended as its last argument.
set -euo pipefail
fuzzer=$1 name=$2 work=$3 seconds=$4
# A fixed seed by default, so the CI gate explores the same path on every run
# and a red run reproduces; WASMLAB_FUZZ_SEED=0 picks a random one (long runs).
seed=${WASMLAB_FUZZ_SEED:-1}
shift 4
corpus="$work/$name.corpus"
rm -rf "$corpus"
mkdir -p "$corpus/new" "$corpus/seeds" "$corpus/artifacts"
"$@" "$corpus/seeds"
echo "$name: $(ls "$corpus/seeds" | wc -l) seeds; fuzzing ${seconds}s, seed $seed"
status=0
"$fuzzer" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
  -print_final_stats=1 -artifact_prefix="$corpus/artifacts/" \
  "$corpus/new" "$corpus/seeds" >"$corpus/fuzz.log" 2>&1 || status=$?
grep -E '^(#[0-9]+ +DONE|Done |stat::number_of_executed_units|stat::average_exec_per_sec|SUMMARY)' \
  "$corpus/fuzz.log" || true
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$corpus/artifacts")" ]; then
  tail -n 60 "$corpus/fuzz.log" >&2
  echo "$name: FAILED (exit $status); inputs in $corpus/artifacts" >&2
  exit 1
fi
echo "$name: ok"
