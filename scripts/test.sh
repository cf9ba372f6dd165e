#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test through
# ctest; then the same suite built with AddressSanitizer + UBSan.
# WASMLAB_SKIP_SANITIZE=1 skips the second pass (local iteration only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j1)
if [ "${WASMLAB_SKIP_SANITIZE:-0}" != 1 ]; then
  # detect_leaks stays on: a leak fails the suite like any other error.
  export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  bash scripts/build.sh build-asan -DWASMLAB_SANITIZE=ON
  (cd build-asan && ctest --output-on-failure -j1)
fi
