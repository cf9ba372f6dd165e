#!/usr/bin/env bash
# Seed corpora from the recorded fixtures, plus tests/fixtures/fuzz/KIND/:
# hand-made seeds and every input a fuzzer ever failed on (regressions).
# usage: fuzz_seeds.sh trace|perfetto|cdp|experiment|page_report SOURCE_DIR OUT_DIR
set -euo pipefail
kind=$1 src=$2 out=$3
case "$kind" in
  trace)   # each recorded trace, whole, plus its first 64 KiB (a cut stream)
    for f in "$src"/tests/fixtures/traces/*.json.gz; do
      b=$(basename "$f" .json.gz)
      zcat "$f" >"$out/$b.json"
      head -c 65536 "$out/$b.json" >"$out/$b.head.json"
    done ;;
  perfetto)   # each recorded protobuf trace, whole, plus its first 64 KiB
    for f in "$src"/tests/fixtures/traces/*.pb.gz; do
      b=$(basename "$f" .pb.gz)
      zcat "$f" >"$out/$b.pb"
      head -c 65536 "$out/$b.pb" >"$out/$b.head.pb"
    done ;;
  cdp)     # every message of the recorded CDP session, one per file (<1 MiB)
    zcat "$src"/tests/fixtures/cdp/*.jsonl.gz | awk -v d="$out" 'length($0) < 1000000 { f = sprintf("%s/msg-%03d.json", d, NR); printf "%s", $0 > f; close(f) }' ;;
  experiment)   # the shipped experiment files
    cp "$src"/experiments/*.json "$out/" ;;
  page_report)  # only tests/fixtures/fuzz/page_report/ (a recorded report, hand-made ones)
    ;;
  *) echo "fuzz_seeds: unknown kind $kind" >&2; exit 2 ;;
esac
if [ -d "$src/tests/fixtures/fuzz/$kind" ]; then
  cp "$src/tests/fixtures/fuzz/$kind"/* "$out/"
fi
