#!/usr/bin/env bash
# `wasmlab modules` lists the manifest (every entry once, in order, with its
# language, workload, variant and bytes; --json the same plus file and
# sha256; a prefix filters), and `wasmlab inspect NAME` reads a manifest
# name's file (the same report as the file's path gives).
# Usage: modules_cli.sh WASMLAB SOURCE_DIR BINARY_DIR MODULES_DIR
source "$(dirname "$0")/../lib.sh"
MODULES=${4:-$BUILD/modules}
MANIFEST=$MODULES/manifest.json
[ -f "$MANIFEST" ] || { echo "modules_cli: no $MANIFEST (build the modules)" >&2; exit 1; }

"$WASMLAB" modules --manifest "$MANIFEST" >"$TMP/all.txt" 2>"$TMP/err" || fail "modules: $(cat "$TMP/err")"
"$WASMLAB" modules --manifest "$MANIFEST" --json >"$TMP/all.json" || fail "modules --json"
"$WASMLAB" modules --manifest "$MANIFEST" go/ >"$TMP/go.txt" || fail "modules go/"
"$WASMLAB" modules --manifest "$MANIFEST" --json go/ c/json >"$TMP/two.json" || fail "modules go/ c/json --json"
python3 - "$MANIFEST" "$TMP" <<'PY' && pass || fail "modules: lists agree with the manifest"
import json, sys
manifest, tmp = sys.argv[1:3]
mods = json.load(open(manifest))["modules"]
text = open(tmp + "/all.txt").read().splitlines()
assert text[0].split() == ["name", "language", "workload", "variant", "bytes"], text[0]
rows = [l.split() for l in text[1:]]
assert [r[0] for r in rows] == [m["name"] for m in mods], "names/order"
for r, m in zip(rows, mods):
    assert r[1] == m["language"] and r[2] == m["workload"], r
    assert r[3] == (m.get("variant") or "-"), r
    assert int(r[4]) == m["bytes"], r
js = json.load(open(tmp + "/all.json"))
assert [j["name"] for j in js] == [m["name"] for m in mods]
for j, m in zip(js, mods):
    assert j["bytes"] == m["bytes"] and j["sha256"] == m["sha256"], j
    assert j["file"].endswith("/" + m["file"]), j
go = [l.split()[0] for l in open(tmp + "/go.txt").read().splitlines()[1:]]
assert go and go == [m["name"] for m in mods if m["name"].startswith("go/")], go
two = [j["name"] for j in json.load(open(tmp + "/two.json"))]
assert two == [m["name"] for m in mods if m["name"].startswith(("go/", "c/json"))], two
PY
rc=0
"$WASMLAB" modules --manifest "$MANIFEST" nosuch/ >"$TMP/none" 2>"$TMP/err" || rc=$?
check "modules with a prefix matching nothing: exit 0, empty, one note" \
  bash -c "[ $rc -eq 0 ] && [ ! -s '$TMP/none' ] && [ \"\$(cat '$TMP/err')\" = 'wasmlab modules: no module name starts with nosuch/' ]"
expect_fail 2 "wasmlab modules: module manifest $TMP/none.json" "$WASMLAB" modules --manifest "$TMP/none.json"

# inspect NAME == inspect FILE (the same bytes, the same report)
file=$(python3 -c 'import json,sys; print([m for m in json.load(open(sys.argv[1]))["modules"] if m["name"] == "c/hello"][0]["file"])' "$MANIFEST")
"$WASMLAB" inspect --manifest "$MANIFEST" c/hello --json >"$TMP/byname.json" 2>"$TMP/err" \
  || fail "inspect c/hello: $(cat "$TMP/err")"
"$WASMLAB" inspect "$MODULES/$file" --json >"$TMP/byfile.json" || fail "inspect by file"
check "inspect NAME reports the manifest's file" cmp -s "$TMP/byname.json" "$TMP/byfile.json"
expect_fail 2 "wasmlab inspect: go/nosuch: No such file or directory, nor a module of the manifest" \
  "$WASMLAB" inspect --manifest "$MANIFEST" go/nosuch
# a file of that name wins over the manifest name
mkdir -p "$TMP/c" && cp "$SRC/tests/fixtures/wasm/imports.wasm" "$TMP/c/hello"
(cd "$TMP" && "$WASMLAB" inspect --manifest "$MANIFEST" c/hello --json) >"$TMP/local.json" \
  || fail "inspect a local file named c/hello"
check "a file named like a module wins" grep -q '"bytes": 468' "$TMP/local.json"
finish
