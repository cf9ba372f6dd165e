/* report_gc: `wasmlab report gc`: GC pauses per module, browser and
 * workload arguments, from both sources (V8's trace events, Go's runtime). */
#ifndef WASMLAB_REPORT_GC_H
#define WASMLAB_REPORT_GC_H

int report_gc(int argc, char **argv);

/* The workload window GC pauses are counted in is defined once, in
 * db/read_pauses.h (db_read_workload_window and the queries beside it). */

#endif
