#!/usr/bin/env bash
# Bounded libFuzzer run of fuzz_wasm_binary (the wasm parser), as a ctest.
# It first replays every seed: the fixtures (valid, and bad/ which keeps each
# crash the fuzzer ever found as a regression case) and the built modules if
# there are any; then mutates for SECONDS. Any crash, leak, UB or broken
# invariant fails the test and leaves the input in WORK/artifacts/.
# Usage: inspect_fuzz.sh FUZZER SOURCE_DIR WORK_DIR MODULES_DIR [SECONDS]
set -euo pipefail
fuzzer=$1 src=$2 work=$3 modules=$4 seconds=${5:-30}
# fixed by default so a red CI run reproduces; WASMLAB_FUZZ_SEED=0 = random
seed=${WASMLAB_FUZZ_SEED:-1}

corpus="$work/fuzz_wasm_binary.corpus"
rm -rf "$corpus"
mkdir -p "$corpus/new" "$corpus/seeds" "$corpus/artifacts"
cp "$src"/tests/fixtures/wasm/*.wasm "$src"/tests/fixtures/wasm/bad/*.wasm "$corpus/seeds/"
n_modules=0
if [ -d "$modules" ]; then
  while IFS= read -r -d '' f; do
    cp "$f" "$corpus/seeds/module_$n_modules.wasm"
    n_modules=$((n_modules + 1))
  done < <(find "$modules" -name '*.wasm' -type f -print0)
fi
echo "inspect_fuzz: seeds: $(ls "$corpus/seeds" | wc -l) files ($n_modules built modules); fuzzing ${seconds}s, seed $seed"

# New inputs go to new/ (the first corpus dir); seeds/ is only read.
status=0
"$fuzzer" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$corpus/artifacts/" \
  "$corpus/new" "$corpus/seeds" > "$corpus/fuzz.log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+ +DONE|Done |stat::|==[0-9]+==|SUMMARY)' "$corpus/fuzz.log" || true
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$corpus/artifacts")" ]; then
  tail -n 60 "$corpus/fuzz.log" >&2
  echo "inspect_fuzz: FAILED (exit $status); inputs in $corpus/artifacts:" >&2
  ls -l "$corpus/artifacts" >&2
  exit 1
fi
echo "inspect_fuzz: ok"
