#!/usr/bin/env bash
# Fetches a WebAssembly module nobody in this project wrote, for testing
# `wasmlab run --module-file`: sql.js's Emscripten-built sql-wasm.wasm, from
# the npm registry (npm pack; no other network source is used), pinned by
# sha256. Prints the module's path. Cached: a second call downloads nothing.
# usage: fetch-outside-module.sh CACHE_DIR
set -euo pipefail
cache=${1:?usage: fetch-outside-module.sh CACHE_DIR}
version=1.10.3
want=d7e61b828523001f26ce0b3f88dabcf6c12e5e6edf80eb4f08b26ac7b946ff88
out="$cache/sql.js-$version/sql-wasm.wasm"
if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$want" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# npm pack checks the tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "sql.js@$version" >/dev/null 2>&1) || {
  echo "fetch-outside-module: npm pack sql.js@$version failed (npm registry unreachable?)" >&2
  exit 1
}
tar -xzf "$tmp/sql.js-$version.tgz" -C "$tmp" package/dist/sql-wasm.wasm
got=$(sha256sum "$tmp/package/dist/sql-wasm.wasm" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "fetch-outside-module: sql-wasm.wasm sha256 $got, expected $want" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
mv "$tmp/package/dist/sql-wasm.wasm" "$out"
echo "$out"
