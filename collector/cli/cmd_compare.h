/* cmd_compare: `wasmlab compare`. */
#ifndef WASMLAB_CMD_COMPARE_H
#define WASMLAB_CMD_COMPARE_H

int cmd_compare(int argc, char **argv);

#endif
