/* run: the `wasmlab run` command (measure modules, store loads). */
#ifndef WASMLAB_RUN_H
#define WASMLAB_RUN_H

#include "collector/cli/exit_codes.h"

int cmd_run(int argc, char **argv);

#endif
