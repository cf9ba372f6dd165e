/* report_wasi: `wasmlab report wasi`, the WASI census (wasmlab wasi) read
 * back from the DB as a matrix: rows WASI functions (or the probe's steps),
 * columns runtime x language, cells what each call returned. */
#ifndef WASMLAB_REPORT_WASI_H
#define WASMLAB_REPORT_WASI_H

int report_wasi(int argc, char **argv);

#endif
