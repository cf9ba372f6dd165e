#!/usr/bin/env bash
# What --browser and an experiment's "browsers" accept (collector/browsers/
# spec.h), with Debian's own builds (cheap: nothing is downloaded):
# headless-shell and chromium name their kind, `system` is a warned alias of
# the full build, and a sweep that mixes headless_shell and full Chromium is
# warned about before it starts; bad specs are one-line usage errors.
source "$(dirname "$0")/../lib.sh"
export WASMLAB_BROWSER_STORE=$TMP/store     # empty: nothing stored here

# run --browser system: one warning line naming the full build, then it runs.
rc=0
"$WASMLAB" run --browser system --loads 1 --module c/hello --db "$TMP/sys.db" -q \
  >"$TMP/out" 2>"$TMP/err" || rc=$?
check "run --browser system exits 0 (got $rc: $(tail -c 300 "$TMP/err"))" [ "$rc" -eq 0 ]
check "system warns it is the full Chromium" \
  grep -q "^wasmlab: run: browser system is the full Chromium (/usr/bin/chromium).*say chromium for it, or headless-shell" "$TMP/err"
check "system warns once" [ "$(grep -c 'is the full Chromium' "$TMP/err")" -eq 1 ]
check "system ran the full build" [ "$(q "$TMP/sys.db" "SELECT kind FROM browsers")" = chromium ]

# run --browser headless-shell / chromium: no warning, the kind the name says.
for spec in headless-shell chromium; do
  rc=0
  "$WASMLAB" run --browser $spec --loads 1 --module c/hello --db "$TMP/$spec.db" -q \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
  check "run --browser $spec exits 0 (got $rc: $(tail -c 300 "$TMP/err"))" [ "$rc" -eq 0 ]
  check "run --browser $spec: no warning" [ ! -s "$TMP/err" ]
done
check "headless-shell is headless_shell" [ "$(q "$TMP/headless-shell.db" "SELECT kind FROM browsers")" = headless_shell ]
check "chromium is the full build" [ "$(q "$TMP/chromium.db" "SELECT kind FROM browsers")" = chromium ]

# Bad specs: one line, exit 2, saying how to fix it.
expect_fail 2 "wasmlab browsers add chromium@999" "$WASMLAB" run --browser chromium@999 --db "$TMP/x.db"
expect_fail 2 "unknown source 'firefox'" "$WASMLAB" run --browser firefox@1 --db "$TMP/x.db"
expect_fail 2 "browser nosuch is not in the store" "$WASMLAB" run --browser nosuch --db "$TMP/x.db"
check "no DB made by a bad spec" [ ! -e "$TMP/x.db" ]

# A sweep mixing kinds is warned about before it starts, in one line.
cat >"$TMP/mixed.json" <<'JSON'
{ "name": "mixed", "browsers": ["headless-shell", "chromium"], "modules": ["c/hello"], "loads": 1 }
JSON
rc=0
"$WASMLAB" sweep "$TMP/mixed.json" --db "$TMP/mixed.db" -q >"$TMP/out" 2>"$TMP/err" || rc=$?
check "mixed sweep exits 0 (got $rc: $(tail -c 300 "$TMP/err"))" [ "$rc" -eq 0 ]
check "mixed sweep warns" grep -q \
  "^wasmlab: sweep: browsers mix a headless_shell build (headless-shell) and a full Chromium (chromium)" "$TMP/err"
check "mixed sweep warns once" [ "$(grep -c 'browsers mix' "$TMP/err")" -eq 1 ]
check "the mixed sweep ran both kinds" [ "$(q "$TMP/mixed.db" "SELECT group_concat(kind) FROM (SELECT kind FROM browsers ORDER BY kind)")" = chromium,headless_shell ]

# One kind, named two ways (a name and its path): no warning.
cat >"$TMP/same.json" <<'JSON'
{ "name": "same", "browsers": ["headless-shell", "/usr/lib/chromium/chromium-headless-shell"],
  "modules": ["c/hello"], "loads": 1 }
JSON
rc=0
"$WASMLAB" sweep "$TMP/same.json" --db "$TMP/same.db" -q >"$TMP/out" 2>"$TMP/err" || rc=$?
check "same-kind sweep exits 0 (got $rc: $(tail -c 300 "$TMP/err"))" [ "$rc" -eq 0 ]
check "same-kind sweep: no warning" [ ! -s "$TMP/err" ]

# The old alias in an experiment warns too, and the mix with it.
cat >"$TMP/sys.json" <<'JSON'
{ "name": "sys", "browsers": ["headless-shell", "system"], "modules": ["c/hello"], "loads": 1 }
JSON
rc=0
"$WASMLAB" sweep "$TMP/sys.json" --db "$TMP/sys2.db" -q >"$TMP/out" 2>"$TMP/err" || rc=$?
check "sweep with system exits 0 (got $rc: $(tail -c 300 "$TMP/err"))" [ "$rc" -eq 0 ]
check "sweep with system: the alias warning" grep -q "sweep: browser system is the full Chromium" "$TMP/err"
check "sweep with system: the mix warning" grep -q "sweep: browsers mix a headless_shell build (headless-shell) and a full Chromium (system)" "$TMP/err"
check "sweep with system: two lines, no more" [ "$(wc -l <"$TMP/err")" -eq 2 ]
# An empty shard is refused before any browser is resolved, so a store
# build the experiment names is not downloaded for nothing.
cat >"$TMP/store-exp.json" <<'JSON'
{ "name": "empty-shard", "browsers": ["chromium@126"], "modules": ["c/hello", "go/hello"], "loads": 1 }
JSON
expect_fail 2 "shard 3/3 of 2 configurations is empty" \
  "$WASMLAB" sweep "$TMP/store-exp.json" --shard 3/3 --db "$TMP/empty.db"
check "the empty shard downloaded nothing" [ -z "$(ls -A "$TMP/store" 2>/dev/null)" ]
finish
