#!/usr/bin/env bash
# Installs the WASI shims the census serves (pages/vendor/package-lock.json:
# @bjorn3/browser_wasi_shim, @wasmer/wasi) with `npm ci` into the build
# folder, where `wasmlab wasi` finds them (WASMLAB_WASI_VENDOR_DIR). Only the
# files the census page imports are ever served (collector/measure/wasi_census.c).
# Idempotent: a second run with an unchanged lock is a hash check.
# Called by scripts/setup.sh (for build/) and by tests/e2e/wasi_census.sh (for
# the build tree under test); safe to run by hand.
# usage: scripts/wasi-vendor.sh [BUILD_DIR]   (default build/)
# Prints the node_modules directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
cache="$build/wasi-vendor"
lock="$root/pages/vendor/package-lock.json"
command -v npm >/dev/null || { echo "wasi-vendor: npm is not installed (apt-get install npm)" >&2; exit 1; }
want=$(sha256sum "$root/pages/vendor/package.json" "$lock" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$cache/.stamp" 2>/dev/null)" != "$want" ]; then
    mkdir -p "$cache"
    cp "$root/pages/vendor/package.json" "$lock" "$cache/"
    (cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    echo "$want" >"$cache/.stamp"
fi
echo "$cache/node_modules"
