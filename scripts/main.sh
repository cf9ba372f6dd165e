#!/usr/bin/env bash
# The main job, end to end: install what is missing, build wasmlab and the
# modules, run the default experiment (c/hello and go/hello, 20 loads each, in
# headless Chromium 156), and leave results.db plus charts in charts/.
# Safe to run again: nothing is reinstalled or re-downloaded when present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
./build/wasmlab run --db results.db "$@"
if ./build/wasmlab --help | grep -q '^  plot '; then
  mkdir -p charts
  ./build/wasmlab plot latency --db results.db --out charts
fi
