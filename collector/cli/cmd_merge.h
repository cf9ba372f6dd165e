/* cmd_merge: `wasmlab merge`. */
#ifndef WASMLAB_CMD_MERGE_H
#define WASMLAB_CMD_MERGE_H

int cmd_merge(int argc, char **argv);

#endif
