/* cmd_modules: `wasmlab modules [PREFIX...] [--json] [--manifest FILE]`.
 *
 * Lists the built modules of the manifest (collector/wasm/manifest.h), in
 * manifest order: name, language, workload, variant and bytes; the names are
 * what `wasmlab run --module`, `wasmlab inspect NAME` and experiment files
 * take. A PREFIX ("go/", "c/json") keeps only the names that start with it
 * (several: any of them). --json prints one JSON array of objects with the
 * same fields plus the file's absolute path and sha256.
 *
 * Exit status: 0 listed (also when a prefix matches nothing: an empty
 * list, and a note on stderr); 2 usage, or a manifest that is missing or
 * malformed (one line on stderr naming it). */
#ifndef WASMLAB_CMD_MODULES_H
#define WASMLAB_CMD_MODULES_H

#include "collector/cli/exit_codes.h"

/* argv[0] is "modules". */
int cmd_modules(int argc, char **argv);

#endif
