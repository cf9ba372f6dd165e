#!/usr/bin/env bash
# The main job, end to end: install what is missing, build wasmlab and the
# modules, run the default experiment (c/hello and go/hello, 20 loads each, in
# headless Chromium 156), and leave results.db plus charts in charts/
# (the timeline is skipped when --module leaves go/hello out).
# Safe to run again: nothing is reinstalled or re-downloaded when present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
./build/wasmlab run --db results.db "$@"
# Charts of this run (the newest in results.db): the latency distribution per
# module, and the timeline of a Go load (the one nearest its module's median).
mkdir -p charts
./build/wasmlab plot latency --db results.db --out charts
./build/wasmlab plot timeline --db results.db --module go/hello --out charts || true
