/* cache_summary: after a run with warm loads, each warm configuration beside
 * its cold twin (same browser, module, API and network condition; db/
 * code_cache.h): code-cache hits, medians of first-byte-to-compile, and what
 * the warm load saved.
 *
 *   code cache (...)
 *   module  api  network | warm n  hits  median  last->c | cold n  hits  median  last->c | saved
 *
 * Prints nothing when the run has no warm load. Returns 0, or -1 after a
 * warning naming cmd. */
#ifndef WASMLAB_CACHE_SUMMARY_H
#define WASMLAB_CACHE_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "db/db.h"

int cache_summary_print(struct db *db, int64_t run_id, const char *cmd, FILE *out);

#endif
