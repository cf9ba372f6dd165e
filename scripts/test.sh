#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test through
# ctest; then the same suite built with AddressSanitizer + UBSan; then bounded
# libFuzzer runs (clang-16) of the wasm parser, the trace path and the CDP
# dispatcher. WASMLAB_SKIP_SANITIZE=1 / WASMLAB_SKIP_FUZZ=1 skip a pass
# (local iteration only); WASMLAB_FUZZ_SECONDS sets each fuzzer's time (30).
set -euo pipefail
cd "$(dirname "$0")/.."
# The npm Chromium builds the tests use are downloaded once and shared by the
# passes (and by later runs in the same checkout).
export WASMLAB_TEST_BROWSER_CACHE=${WASMLAB_TEST_BROWSER_CACHE:-$PWD/build/browser-cache}
bash scripts/setup.sh
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j1)
if [ "${WASMLAB_SKIP_SANITIZE:-0}" != 1 ]; then
  # detect_leaks stays on: a leak fails the suite like any other error.
  export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The wasm modules are the first build's (they do not depend on how
  # wasmlab is compiled): no second build of all 84.
  bash scripts/build.sh build-asan -DWASMLAB_SANITIZE=ON -DWASMLAB_MODULES_FROM="$PWD/build/modules"
  # Tests labelled node-only never run wasmlab's C code (modules under Node
  # only): the sanitizers have nothing to watch there, and the first pass ran them.
  # asan-covered tests run code the other tests already run under ASan
  # (tests/CMakeLists.txt says which, per test).
  (cd build-asan && ctest --output-on-failure -j1 -LE 'node-only|asan-covered')
fi
if [ "${WASMLAB_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/build.sh build-fuzz -DCMAKE_C_COMPILER=clang-16 -DWASMLAB_FUZZ=ON \
    -DWASMLAB_MODULES_FROM="$PWD/build/modules" \
    -DWASMLAB_FUZZ_SECONDS="${WASMLAB_FUZZ_SECONDS:-30}"
  (cd build-fuzz && ctest --output-on-failure -R '^fuzz_')
fi
