/* cmd_sweep: `wasmlab sweep EXPERIMENT.json`: runs an experiment's whole
 * matrix (collector/experiment.h, collector/plan.h), or one shard of it. */
#ifndef WASMLAB_CMD_SWEEP_H
#define WASMLAB_CMD_SWEEP_H

#include <stdbool.h>

int cmd_sweep(int argc, char **argv);

/* Resolves a browser spec for a sweep: "headless-shell", "chromium", a path,
 * or a store build ("chromium@126", added to the store when missing unless
 * fetch is false). Returns a new string (caller frees) or NULL after one
 * line on stderr. */
char *sweep_resolve_browser(const char *spec, bool fetch);

#endif
