# Shared by bench/run.sh, throughput.sh and agreement.sh (sourced after
# `root` is set): the peers' packages and the served harness every tool of
# one bench run loads the same modules from.

# The Chromium every tool of the run drives.
browser=${WASMLAB_BENCH_BROWSER:-/usr/lib/chromium/chromium-headless-shell}

# bench_int SCRIPT OPTION VALUE MIN MAX: exits 2 with one line unless VALUE
# is a whole number in MIN..MAX (checked before minutes of loads, not after).
bench_int() {
    if ! [[ $3 =~ ^[0-9]+$ ]] || [ "$3" -lt "$4" ] || [ "$3" -gt "$5" ]; then
        echo "$1: $2 $3: must be a whole number from $4 to $5" >&2
        exit 2
    fi
}

# bench_peers BUILD: installs the peers' npm packages under BUILD once
# (scripts/bench-setup.sh), exports NODE_PATH for them and sets manifest.
bench_peers() {
    NODE_PATH=$(bash "$root/scripts/bench-setup.sh" "$1")
    export NODE_PATH
    manifest="$1/modules/manifest.json"
}

# bench_serve NAME WASMLAB: a temp dir ($tmp) and `WASMLAB serve` on an
# ephemeral loopback port ($port); both go when the script exits.
bench_serve() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmlab-$1.XXXXXX")
    serve_pid=""
    trap bench_cleanup EXIT
    "$2" serve --port-file "$tmp/port" >/dev/null &
    serve_pid=$!
    for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
    port=$(cat "$tmp/port")
}

bench_cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$tmp"
}
