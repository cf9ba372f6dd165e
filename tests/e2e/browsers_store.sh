# The browser store with a real npm Chromium (@sparticuz/chromium 126):
# add, already-present, list, path, remove, a corrupt download, no network, no
# such version, a binary that does not start, an interrupted add, stale temp
# folders, and a real `wasmlab run` with the stored browser.
# The store and the tarball are cached under the build tree (or
# $WASMLAB_TEST_BROWSER_CACHE), so a re-run downloads nothing.
source "$(dirname "$0")/../lib.sh"

CACHE=${WASMLAB_TEST_BROWSER_CACHE:-$BUILD/browser-cache}
STORE=$CACHE/store
VERSION=126.0.0
mkdir -p "$CACHE"
# A registry nobody listens on: what "no network" looks like to npm.
NONET=(env npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0)

# Everything in a store folder, with sizes: "did the store change?"
snapshot() { (cd "$1" 2>/dev/null && find . -printf '%p %s\n' | sort) || echo "(no store)"; }

# --- add (downloads only the first time) ---
rc=0
"$WASMLAB" browsers add chromium@126 --store "$STORE" >"$TMP/add.out" 2>"$TMP/add.err" || rc=$?
check "add chromium@126 exits 0 (got $rc: $(tail -1 "$TMP/add.err"))" [ "$rc" -eq 0 ]
EXE=$STORE/chromium-$VERSION/chromium
check "add prints the executable" grep -qxF "$EXE" "$TMP/add.out"
check "the binary is executable" test -x "$EXE"
check "the binary is an ELF file" bash -c "head -c 4 '$EXE' | grep -q ELF"
check "browser.json is there" test -f "$STORE/chromium-$VERSION/browser.json"

# --- already present: nothing is done, and no network is needed ---
before=$(snapshot "$STORE")
rc=0
"${NONET[@]}" "$WASMLAB" browsers add chromium@126 --store "$STORE" >"$TMP/out" 2>"$TMP/err" || rc=$?
check "adding again exits 0 (got $rc: $(cat "$TMP/err"))" [ "$rc" -eq 0 ]
check "adding again says it is there" grep -q "already in the store" "$TMP/err"
check "adding again changes nothing" [ "$before" = "$(snapshot "$STORE")" ]
rc=0
"${NONET[@]}" "$WASMLAB" browsers add chromium@$VERSION --store "$STORE" >/dev/null 2>&1 || rc=$?
check "the full version is already there too" [ "$rc" -eq 0 ]

# --- list, path ---
"$WASMLAB" browsers list --store "$STORE" >"$TMP/list" 2>&1
check "list shows the entry" grep -q "^chromium-$VERSION .*headless_shell .*HeadlessChrome/126\." "$TMP/list"
"$WASMLAB" browsers list --json --store "$STORE" >"$TMP/list.json"
python3 - "$TMP/list.json" "$EXE" >"$TMP/py" 2>&1 <<'EOF' || fail "list --json: $(cat "$TMP/py")"
import json, sys
entries = json.load(open(sys.argv[1]))
e = [x for x in entries if x["name"] == "chromium-126.0.0"][0]
assert e["path"] == sys.argv[2], e
assert e["source"] == "npm" and e["package"] == "@sparticuz/chromium", e
assert e["version"] == "126.0.0" and e["kind"] == "headless_shell", e
assert e["product"].startswith("HeadlessChrome/126."), e
assert e["v8_version"].startswith("12.6."), e
assert e["revision"].startswith("@"), e
assert e["integrity"].startswith("sha512-"), e
assert e["flags"] == [], e
EOF
pass
check "path resolves chromium@126" [ "$("$WASMLAB" browsers path chromium@126 --store "$STORE")" = "$EXE" ]
check "path resolves the entry name" [ "$("$WASMLAB" browsers path chromium-$VERSION --store "$STORE")" = "$EXE" ]
expect_fail 2 "not in the store" "$WASMLAB" browsers path chromium@131 --store "$STORE"

# --- the recorded integrity is the registry's, and the tarball's sha512 ---
TARBALL=$CACHE/sparticuz-chromium-$VERSION.tgz
if [ ! -f "$TARBALL" ]; then
  (cd "$CACHE" && npm pack "@sparticuz/chromium@$VERSION" >/dev/null 2>&1) ||
    fail "npm pack @sparticuz/chromium@$VERSION for the corrupt-download checks"
fi
recorded=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["integrity"])' \
  "$STORE/chromium-$VERSION/browser.json")
mine="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
check "browser.json integrity = sha512 of the tarball (openssl)" [ "$recorded" = "$mine" ]
registry=$(npm view "@sparticuz/chromium@$VERSION" dist.integrity 2>/dev/null || true)
if [ -n "$registry" ]; then
  check "browser.json integrity = the registry's" [ "$recorded" = "$registry" ]
fi

# --- failures leave the store as it was ---
S2=$TMP/store2
"$WASMLAB" browsers add system /usr/lib/chromium/chromium-headless-shell --store "$S2" \
  >/dev/null 2>"$TMP/err" || fail "add system: $(cat "$TMP/err")"
check "system entry named after the binary" test -f "$S2/system-chromium-headless-shell/browser.json"
check "system entry records the kind" grep -q '"kind": "headless_shell"' \
  "$S2/system-chromium-headless-shell/browser.json"
before=$(snapshot "$S2")

head -c 20000000 "$TARBALL" >"$TMP/truncated.tgz"
expect_fail 1 "corrupt download" "$WASMLAB" browsers add chromium@$VERSION --tarball "$TMP/truncated.tgz" --store "$S2"
check "truncated tarball: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

cp "$TARBALL" "$TMP/flipped.tgz"
printf '\x00' | dd of="$TMP/flipped.tgz" bs=1 seek=1000000 conv=notrunc status=none
expect_fail 1 "corrupt download" "$WASMLAB" browsers add chromium@$VERSION --tarball "$TMP/flipped.tgz" --store "$S2"
check "one flipped byte: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

# A good tarball of another version: its sha512 is not 131's.
expect_fail 1 "corrupt download" "$WASMLAB" browsers add chromium@131 --tarball "$TARBALL" --store "$S2"
check "wrong version's tarball: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

expect_fail 1 "is the npm registry reachable" "${NONET[@]}" "$WASMLAB" browsers add chromium@131 --store "$S2"
check "no network: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

expect_fail 2 "no @sparticuz/chromium version matches 999" "$WASMLAB" browsers add chromium@999 --store "$S2"
check "no such version: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

expect_fail 1 "does not start" "$WASMLAB" browsers add system /bin/true --store "$S2"
check "a binary that does not start: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

expect_fail 1 "does not start" "$WASMLAB" browsers add system /nonexistent/chromium --store "$S2"
check "a missing binary: store unchanged" [ "$before" = "$(snapshot "$S2")" ]

# A store that did not exist is not left behind by a failed add.
expect_fail 1 "does not start" "$WASMLAB" browsers add system /bin/true --store "$TMP/fresh"
check "failed add into a new store leaves no folder" [ ! -e "$TMP/fresh" ]

# --- from a local tarball (verified, decompressed, started), then removed ---
S3=$TMP/store3
mkdir -p "$S3/.tmp-999999-stale"
if kill -0 999999 2>/dev/null; then rmdir "$S3/.tmp-999999-stale"; fi
rc=0
"$WASMLAB" browsers add chromium@$VERSION --tarball "$TARBALL" --store "$S3" >"$TMP/out" 2>"$TMP/err" || rc=$?
check "add from a tarball exits 0 (got $rc: $(tail -1 "$TMP/err"))" [ "$rc" -eq 0 ]
check "add from a tarball: same bytes as the downloaded one" cmp -s "$S3/chromium-$VERSION/chromium" "$EXE"
check "a dead add's temp folder is cleaned up" [ ! -e "$S3/.tmp-999999-stale" ]
"$WASMLAB" browsers remove chromium@126 --store "$S3" 2>"$TMP/err" || fail "remove: $(cat "$TMP/err")"
check "remove deletes the folder" [ -z "$(ls -A "$S3")" ]
expect_fail 2 "not in the store" "$WASMLAB" browsers remove chromium@126 --store "$S3"

# --- an interrupted add leaves either nothing or a whole entry ---
S4=$TMP/store4
rc=0
"$WASMLAB" browsers add chromium@$VERSION --tarball "$TARBALL" --store "$S4" >/dev/null 2>"$TMP/err" &
pid=$!
sleep 0.3
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || rc=$?
check "interrupted add leaves no temp folder" [ -z "$(ls -A "$S4" 2>/dev/null | grep '^\.tmp' || true)" ]
if [ "$rc" -eq 130 ]; then
  check "interrupted add leaves no entry" [ -z "$(ls -A "$S4" 2>/dev/null)" ]
  check "interrupted add says the store is unchanged" grep -q "store is unchanged" "$TMP/err"
else
  check "an add that finished before the signal is whole (rc $rc)" \
    test -f "$S4/chromium-$VERSION/browser.json"
fi

# --- usage ---
expect_fail 2 "give a SPEC" "$WASMLAB" browsers add --store "$S2"
expect_fail 2 "unknown command frob" "$WASMLAB" browsers frob
expect_fail 2 "unknown source 'foo'" "$WASMLAB" browsers add foo@1 --store "$S2"
expect_fail 2 "bad version" "$WASMLAB" browsers add chromium@x%y --store "$S2"
expect_fail 2 "cannot add 'chromium-126.0.0'" "$WASMLAB" browsers add chromium-126.0.0 --store "$S2"
expect_fail 2 "unknown option --frob" "$WASMLAB" browsers list --frob
expect_fail 2 "apply to add only" "$WASMLAB" browsers list --tarball x
"$WASMLAB" browsers --help | grep -q "chromium@VERSION" && pass || fail "browsers --help"

# --- a real run with the stored browser ---
rc=0
"$WASMLAB" run -q --browser "$EXE" --module c/hello --loads 2 --db "$TMP/run.db" >"$TMP/out" 2>"$TMP/err" || rc=$?
check "run with the stored browser exits 0 (got $rc: $(tail -2 "$TMP/err"))" [ "$rc" -eq 0 ]
check "2 ok loads" [ "$(q "$TMP/run.db" "SELECT COUNT(*) FROM loads WHERE status = 'ok'")" = 2 ]
check "the DB names the stored browser" \
  [ "$(q "$TMP/run.db" "SELECT path || ' ' || kind FROM browsers")" = "$EXE headless_shell" ]
check "the DB records Chromium 126" \
  [ "$(q "$TMP/run.db" "SELECT product LIKE 'HeadlessChrome/126.%' FROM browsers")" = 1 ]
# run --browser chromium@126 goes through the store ($WASMLAB_BROWSER_STORE):
# collector/browsers/spec.c's browser_spec_resolve, as sweep's browsers do.
if "$WASMLAB" run --help | grep -q "chromium@"; then
  rc=0
  WASMLAB_BROWSER_STORE=$STORE "$WASMLAB" run -q --browser chromium@126 --module c/hello --loads 1 \
    --db "$TMP/run2.db" >/dev/null 2>"$TMP/err" || rc=$?
  check "run --browser chromium@126 (got $rc: $(tail -1 "$TMP/err"))" [ "$rc" -eq 0 ]
  check "run --browser chromium@126 used the stored binary" \
    [ "$(q "$TMP/run2.db" "SELECT path FROM browsers")" = "$EXE" ]
  expect_fail 2 "wasmlab browsers add chromium@131" env WASMLAB_BROWSER_STORE="$STORE" \
    "$WASMLAB" run --browser chromium@131 --module c/hello --loads 1 --db "$TMP/run3.db"
fi
# A stored build's kind comes from its browser.json: chromium@126 (a
# headless_shell) beside Debian's full chromium is a mix, warned before it runs.
echo '{"name": "mix", "browsers": ["chromium@126", "chromium"], "modules": ["c/hello"], "loads": 1}' \
  >"$TMP/mix.json"
rc=0
WASMLAB_BROWSER_STORE=$STORE "$WASMLAB" sweep "$TMP/mix.json" --no-fetch -q --db "$TMP/mix.db" \
  >/dev/null 2>"$TMP/err" || rc=$?
check "sweep chromium@126 + chromium (got $rc: $(tail -1 "$TMP/err"))" [ "$rc" -eq 0 ]
check "a stored headless_shell beside the full build is warned about" grep -q \
  "sweep: browsers mix a headless_shell build (chromium@126) and a full Chromium (chromium)" "$TMP/err"
finish
