#!/usr/bin/env bash
# Issue 11, compile APIs and start-up, on real headless Chromium: every API
# compiles and runs c/hello and go/hello; the phases extract.h defines are
# stored and hold together (instantiate end >= compile end >= first byte;
# buffered and worker-sync compile after the last byte, streaming before it;
# overlap 0 for buffered, recorded for streaming; startup_us positive for
# runnable modules, NULL compile-only); worker-sync's SyncCompile is found on
# the Worker's thread of the page's renderer; an unknown API is a usage error.
source "$(dirname "$0")/../lib.sh"
DB=$TMP/apis.db
APIS="streaming buffered instantiate-streaming worker-sync"

for api in $APIS; do
  rc=0
  "$WASMLAB" run --module c/hello --module go/hello --loads 1 --api "$api" --db "$DB" -q \
    >/dev/null 2>"$TMP/err" || rc=$?
  check "run --api $api exits 0 (stderr: $(head -c 300 "$TMP/err"))" test "$rc" -eq 0
done

for api in $APIS; do
  check "$api: c/hello and go/hello ok and ran" test "$(q "$DB" "
    SELECT COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id
    WHERE api = '$api' AND status = 'ok'
      AND ((m.name = 'c/hello' AND page_output LIKE 'hello from C%')
        OR (m.name = 'go/hello' AND page_output LIKE 'hello from Go%'))")" -eq 2
done

bad=$(q "$DB" "
  SELECT COUNT(*) FROM loads
  WHERE NOT (compile_start_us IS NOT NULL AND compile_start_event IS NOT NULL
         AND response_received_us <= compile_finished_us
         AND compile_finished_us <= instantiate_end_us
         AND instantiate_end_source = 'wasm.SyncInstantiate'
         AND first_output_us IS NOT NULL
         AND startup_us > 0 AND startup_us = first_output_us - instantiate_end_us
         AND compile_work_us >= 0 AND overlap_us BETWEEN 0 AND compile_work_us)")
check "every load: instantiate end >= compile end >= first byte, startup_us > 0 ($bad bad)" \
  test "$bad" -eq 0

check "buffered and worker-sync compile after the last byte, with no overlap" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads WHERE api IN ('buffered', 'worker-sync')
    AND compile_start_us >= last_byte_us AND overlap_us = 0
    AND compile_before_last_byte_pct = 0")" -eq 4
check "buffered starts with wasm.AsyncCompile, worker-sync with wasm.SyncCompile" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads WHERE (api = 'buffered' AND compile_start_event = 'wasm.AsyncCompile')
    OR (api = 'worker-sync' AND compile_start_event = 'wasm.SyncCompile'
        AND compile_finished_event = 'wasm.SyncCompile')")" -eq 4
# go/hello is 2 MB and arrives in several chunks: a streaming compile starts
# before its last byte and records how much work it did meanwhile.
check "streaming APIs start compiling go/hello before its last byte" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads l JOIN modules m ON m.id = l.module_id
  WHERE m.name = 'go/hello' AND api IN ('streaming', 'instantiate-streaming')
    AND chunk_count > 1 AND compile_start_event = 'wasm.StartStreamingCompilation'
    AND compile_start_us < response_received_us AND response_received_us < last_byte_us
    AND overlap_us IS NOT NULL AND compile_before_last_byte_pct IS NOT NULL")" -eq 2

# worker-sync: SyncCompile on a thread of the page's renderer that is not the
# thread instantiating the module (the page's).
check "worker-sync: wasm.SyncCompile on the Worker's thread of the renderer" test "$(q "$DB" "
  SELECT COUNT(*) FROM loads l
  JOIN compile_events s ON s.load_id = l.id AND s.name = 'wasm.SyncCompile'
  JOIN compile_events i ON i.load_id = l.id AND i.name = 'wasm.SyncInstantiate'
  WHERE l.api = 'worker-sync' AND s.pid = l.renderer_pid AND i.pid = l.renderer_pid
    AND s.tid <> i.tid")" -eq 2

# Compile only (an outside file): no instance, no start-up.
rc=0
"$WASMLAB" run --module-file "$BUILD/modules/c/hello.wasm" --loads 1 --db "$TMP/file.db" -q \
  >/dev/null 2>"$TMP/err" || rc=$?
check "compile-only run exits 0 ($(head -c 300 "$TMP/err"))" test "$rc" -eq 0
check "compile-only: startup_us and instantiate_end_us NULL, compile phases present" \
  test "$(q "$TMP/file.db" "SELECT COUNT(*) FROM loads WHERE status = 'ok'
    AND startup_us IS NULL AND instantiate_end_us IS NULL AND compile_start_us IS NOT NULL
    AND compile_work_us IS NOT NULL")" -eq 1

# Bad input: the API named, exit 2, before anything runs.
expect_usage run "--api bogus" "$WASMLAB" run --api bogus --db "$TMP/bad.db"
cat >"$TMP/bad.json" <<'JSON'
{"name": "bad-api", "browsers": ["headless-shell"], "modules": ["c/hello"],
 "apis": ["streaming", "compile-sync"]}
JSON
expect_fail 2 'unknown API compile-sync' "$WASMLAB" sweep "$TMP/bad.json" --db "$TMP/bad.db"
check "nothing stored for bad input" test ! -e "$TMP/bad.db"

finish
