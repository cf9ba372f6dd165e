#!/usr/bin/env bash
# Installs what wasmlab needs on Debian 12, as root. Idempotent: a second run
# installs nothing and downloads nothing when every package is present.
set -euo pipefail

# Packages by role; each is needed by the build, the modules or the tests.
PKGS=(
  # native build
  build-essential cmake pkg-config
  libwebsockets-dev libjansson-dev libsqlite3-dev libyajl-dev zlib1g-dev libzstd-dev libbrotli-dev
  libssl-dev libarchive-dev
  # C -> wasm
  clang-16 lld-16 libclang-rt-16-dev-wasm32 wasi-libc
  # libFuzzer + sanitizers for the native code
  libclang-rt-16-dev
  # wasm tools
  binaryen wabt brotli
  # browsers
  chromium chromium-headless-shell
  # charts
  gnuplot-nox
  # tests
  sqlite3 procps
)
# Tools some machines already have from elsewhere (a newer Node.js, pyenv's
# Python): installed from Debian only when the command is missing.
command -v python3 >/dev/null 2>&1 || PKGS+=(python3)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
BACKPORTS_PKGS=(golang-1.22-go)

missing=()
for p in "${PKGS[@]}" "${BACKPORTS_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The WASI census's npm shims (pages/vendor/package-lock.json, npm ci into
# build/wasi-vendor; a hash check when already there). Needs npm, so it runs
# after the packages are in.
wasi_vendor() {
  bash "$(dirname "$0")/wasi-vendor.sh" >/dev/null
}
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  wasi_vendor
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi

# Go 1.22 lives in bookworm-backports. Add the suite on the archive host this
# machine already uses, so no new host is introduced.
apt_lists=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if ! cat $apt_lists 2>/dev/null | grep -v '^#' | grep -q 'bookworm-backports'; then
  host=$(cat $apt_lists 2>/dev/null | grep -v '^ *#' | grep -oE 'https?://[^ ]+/debian/?( |$)' \
         | grep -v security | head -n1 | tr -d ' ' || true)
  host=${host:-http://deb.debian.org/debian}
  host=${host%/}
  cat > /etc/apt/sources.list.d/wasmlab-backports.sources <<EOS
Types: deb
URIs: $host
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  echo "setup: added bookworm-backports from $host"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: installed ${missing[*]}"
wasi_vendor
