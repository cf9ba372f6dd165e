/* cmd_inspect: `wasmlab inspect FILE.wasm|NAME [--db FILE] [--json]
 * [--manifest FILE]`.
 *
 * The module is a file, or, when no file of that name exists, a built
 * module's manifest name ("go/hello"; `wasmlab modules` lists them). Reads
 * one module, parses it with wasm_binary (no browser involved) and
 * prints to stdout:
 *   - its size, SHA-256, and compressed sizes: gzip (zlib deflate level 9 in
 *     a gzip wrapper without a file name; GNU `gzip -9 -n` differs by up to
 *     about 1%) and brotli (quality 11, window chosen from the file size as
 *     the brotli CLI does: exactly the size of `brotli -q 11 FILE`);
 *   - function (imported + defined), import and export counts;
 *   - every section: index, id, name (custom sections), offset of the id
 *     byte, size (id + length + payload), payload offset and size; the
 *     8-byte header plus the section sizes add up to the file size;
 *   - the imports grouped by module ("wasi_snapshot_preview1", "gojs",
 *     "env", ...), groups in order of first appearance.
 * As an aligned table by default, or as one JSON object with --json.
 *
 * --db FILE also stores the sizes, sections and imports in FILE (tables
 * module_sizes, module_sections, module_imports; see
 * db/migrations/002_module_sections.sql) in one transaction, replacing
 * earlier rows for the same content (SHA-256). It stores before printing,
 * so on a DB error nothing reaches stdout.
 *
 * Diagnostics go to stderr as one line: "wasmlab inspect: FILE: reason";
 * a malformed module's reason starts "offset N: " (the byte at fault).
 * Usage errors have the cli layer's shape (collector/cli/options.h).
 *
 * Exit status:
 *   0  the module was inspected (and stored, with --db);
 *   1  the DB could not be opened or written, or stdout failed;
 *   2  usage (unknown option, missing or extra argument) or bad input (the
 *      file is missing, unreadable, empty or not a valid module).
 * (collector/cli/exit_codes.h: the same codes for every command.) */
#ifndef WASMLAB_CMD_INSPECT_H
#define WASMLAB_CMD_INSPECT_H

#include "collector/cli/exit_codes.h"

/* argv[0] is "inspect"; argv[1..] are the command's own arguments. */
int cmd_inspect(int argc, char **argv);

#endif
