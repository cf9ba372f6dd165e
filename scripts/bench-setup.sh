#!/usr/bin/env bash
# Installs the benchmark's npm packages (bench/peer/package-lock.json: the
# puppeteer-core peer and the ws floor) into a cache under the build dir.
# Idempotent: a second run with an unchanged lock is a hash check.
# Not part of scripts/setup.sh: only the bench needs Node packages.
# usage: scripts/bench-setup.sh [BUILD_DIR]   (default build/)
# Prints the node_modules directory (use it as NODE_PATH).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cache="$build/bench-node"
lock="$root/bench/peer/package-lock.json"
command -v npm >/dev/null || { echo "bench-setup: npm is not installed (apt-get install npm)" >&2; exit 1; }
want=$(sha256sum "$root/bench/peer/package.json" "$lock" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$cache/.stamp" 2>/dev/null)" != "$want" ]; then
    mkdir -p "$cache"
    cp "$root/bench/peer/package.json" "$lock" "$cache/"
    # puppeteer-core downloads no browser; the bench uses the system Chromium.
    (cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    echo "$want" >"$cache/.stamp"
fi
echo "$cache/node_modules"
