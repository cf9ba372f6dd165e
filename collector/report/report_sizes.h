/* report_sizes: `wasmlab report sizes [--manifest FILE] [--format F] [--db FILE]
 * [-v]`.
 *
 * Reproduces the seed's size table (seed 000_5e82831c72500002.txt, table
 * "二进制体积实测") from the built modules, measured at run time:
 *   - rows C and Go; sizes hello bytes, json bytes, gzip -9 of json and
 *     brotli -q 11 of json, for the default module (the manifest's
 *     <lang>/hello and <lang>/json) and for the best variant (the smallest
 *     module of that language and workload by that size's own metric);
 *   - where Go's bytes go: go/hello and go/json split into code, data, the
 *     "name" section, other custom sections and everything else, with
 *     shares of the file;
 *   - each of the seed's six claims next to the measured default: measured,
 *     claimed, measured/claimed, and the variant that comes closest;
 *   - every hello and json variant with its three sizes.
 * The sizes are module_sizes.h's (gzip: zlib level 9 in a gzip wrapper;
 * brotli: quality 11 as the brotli CLI). Every manifest entry is read,
 * parsed and checked against its manifest bytes and sha256; the hello and
 * json variants are compressed (on all CPUs: brotli -q 11 takes seconds per
 * Go module). docs/report-sizes.md documents every column.
 *
 * --format text (default, aligned tables) and markdown print those four
 * tables with their notes; csv and json print one long table (one row per
 * figure, column "part" saying which table it belongs to).
 * --db FILE also records every manifest module in the results DB: a
 * `modules` row (db_upsert_module) and its module_sizes, module_sections and
 * module_imports rows (so with --db every module is compressed), in one
 * transaction, before anything is printed.
 *
 * Compressed sizes are cached by content (sha256 and size): with --db the
 * DB's module_sizes rows are the cache (db/sizes.h); without it a cache file
 * (module_sizes.h's sizes_cache) in $XDG_CACHE_HOME/wasmlab/ when
 * XDG_CACHE_HOME is set, else next to the manifest. A second run compresses
 * nothing; -v/--verbose says how many were compressed and how many cached.
 * On a terminal (stderr, not with -q) a progress line counts the
 * compressions and is cleared at the end.
 *
 * Diagnostics: one line on stderr, "wasmlab report sizes: ...", naming the
 * file at fault. Exit status (collector/cli/exit_codes.h): 0 printed; 1 the DB
 * could not be written, compression or stdout failed; 2 usage error or bad
 * input (manifest missing or malformed or without c/hello, c/json,
 * go/hello, go/json; a module file missing, unreadable, malformed or not
 * the one the manifest describes; --db folder missing or not a DB). */
#ifndef WASMLAB_REPORT_SIZES_H
#define WASMLAB_REPORT_SIZES_H

/* argv[0] is "sizes". */
int report_sizes(int argc, char **argv);

#endif
