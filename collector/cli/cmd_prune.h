/* cmd_prune: `wasmlab prune`: deletes stored traces by a retention rule
 * (db/prune.h) and reclaims their space; loads and measurements stay. */
#ifndef WASMLAB_CMD_PRUNE_H
#define WASMLAB_CMD_PRUNE_H

int cmd_prune(int argc, char **argv);

#endif
