/* cmd_import: `wasmlab import-trace FILE.json[.gz]`: a Chrome trace recorded
 * elsewhere (DevTools' Performance panel, chrome://tracing, Perfetto's JSON
 * export, `wasmlab export trace`, `wasmlab run --save-traces`) goes through
 * the same parser and extractor as a live load and is stored as one load.
 *
 * It streams: the file (plain or gzipped, read through zlib's gzread) is
 * read in 256 KiB pieces into collector/trace_parser, twice: pass 1 finds
 * the module's request and its renderer, pass 2 measures keeping only that
 * load's events (extractor_focus), so memory does not grow with the trace,
 * not even one of many loads. Beside both passes, import_copy's thread
 * reads it once more for the SHA-256 and the stored zstd copy.
 *
 * What is stored (docs/charts.md, "import-trace"):
 *   runs      one row; command_line is the import's, status completed/failed
 *   browsers  kind 'imported'; path = the browser executable named by the
 *             trace's metadata.command_line, else the trace file's absolute
 *             path; product from metadata.user-agent ("HeadlessChrome/156..."),
 *             revision and user_agent from the metadata when present
 *   modules   name 'import:<URL path>', path = the trace file, bytes = the
 *             body bytes the trace saw (sum of chunks), sha256 = SHA-256 of
 *             the trace JSON (after gunzip), since the module's own bytes
 *             are not in a trace: one row per distinct imported trace
 *   loads     the extractor's measurements, status 'ok' or 'trace_error';
 *             api 'streaming' when the trace has
 *             wasm.StartStreamingCompilation, else 'buffered' (or --api)
 *   net_chunks, compile_events, gc_pauses (V8), page_marks (ts_us only:
 *             page_ms is not in a trace), load_traces (the trace, zstd)
 *
 * The module: --module-path /x.wasm, else the earliest request whose URL
 * path ends in ".wasm" (pass 1 finds it). */
#ifndef WASMLAB_CMD_IMPORT_H
#define WASMLAB_CMD_IMPORT_H

/* argv[0] is "import-trace". */
int cmd_import_trace(int argc, char **argv);

#endif
