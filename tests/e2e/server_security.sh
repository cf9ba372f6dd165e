#!/usr/bin/env bash
# The harness server (through `wasmlab serve`, the same code `run` uses):
# loopback only; "..", encoded traversal, absolute paths and symlinks out of
# the served roots get 403/404; the right headers on what it does serve.
source "$(dirname "$0")/../lib.sh"
mkdir -p "$TMP/pages/sub" "$TMP/mods"
echo '<!doctype html><p>ok' >"$TMP/pages/ok.html"
printf '\0asm\1\0\0\0' >"$TMP/mods/m.wasm"
echo secret >"$TMP/secret.txt"
ln -s "$TMP/secret.txt" "$TMP/pages/link.txt"        # a file symlink out of the root
ln -s "$TMP" "$TMP/pages/sub/up"                      # a directory symlink out of it
ln -s ok.html "$TMP/pages/inside.html"                # a symlink that stays inside

"$WASMLAB" serve --pages "$TMP/pages" --modules "$TMP/mods" --port-file "$TMP/port" >/dev/null 2>"$TMP/serr" & S=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
status() { curl -s -o /dev/null -w '%{http_code}' --path-as-is "http://127.0.0.1:$PORT$1" || true; }
refused() {  # PATH: 403 or 404 (or the connection dropped: 000), never the secret
  local code; code=$(status "$1")
  case "$code" in 403|404|000) pass ;; *) fail "$1 -> $code, want 403/404" ;; esac
  if { curl -s --path-as-is "http://127.0.0.1:$PORT$1" || true; } | grep -q secret; then
    fail "$1 leaked the secret"
  else
    pass
  fi
}

check "serves a page" test "$(status /pages/ok.html)" = 200
check "serves a symlink that stays inside" test "$(status /pages/inside.html)" = 200
headers=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/modules/m.wasm")
check "wasm content type" grep -qi '^content-type: application/wasm' <<<"$headers"
check "no-store" grep -qi '^cache-control: no-store' <<<"$headers"
check "COOP" grep -qi '^cross-origin-opener-policy: same-origin' <<<"$headers"
check "COEP" grep -qi '^cross-origin-embedder-policy: require-corp' <<<"$headers"

refused "/pages/../secret.txt"
refused "/pages/../../../../etc/passwd"
refused "/pages/%2e%2e/secret.txt"
refused "/pages/%2E%2E/%2e%2e/etc/passwd"
refused "/pages/..%2fsecret.txt"
refused "/pages/sub/..%2f..%2fsecret.txt"
refused "/pages//etc/passwd"
refused "/pages/%2fetc%2fpasswd"
refused "//etc/passwd"
refused "/etc/passwd"
refused "/pages/link.txt"
refused "/pages/sub/up/secret.txt"
refused "/modules/../secret.txt"
refused "/pages/.%00./secret.txt"
refused "/pages/ok.html%00.wasm"

listen=$(ss -Hltn "sport = :$PORT" | awk '{print $4}' | sort -u | tr '\n' ' ')
check "listens on 127.0.0.1 only ($listen)" test "$listen" = "127.0.0.1:$PORT "
kill -TERM $S
rc=0; wait $S || rc=$?
check "serve stops cleanly on SIGTERM (exit $rc)" test "$rc" -eq 0
check "serve error cases: missing pages folder" bash -c "'$WASMLAB' serve --pages /nonexistent 2>&1 | grep -q 'pages folder /nonexistent does not exist'"
finish
