/* wasmlab wasi: the WASI census (collector/measure/wasi_census.h). */
#ifndef WASMLAB_CMD_WASI_H
#define WASMLAB_CMD_WASI_H

int cmd_wasi(int argc, char **argv);

#endif
