/* report_gc: `wasmlab report gc`: GC pauses per module, browser and
 * workload arguments, from both sources (V8's trace events, Go's runtime). */
#ifndef WASMLAB_REPORT_GC_H
#define WASMLAB_REPORT_GC_H

int report_gc(int argc, char **argv);

/* The SQL that defines each ok load's workload window on the trace clock:
 * from wasmlab:run-start (or, with no run, jschurn-start / compiled) to the
 * last of wasmlab:run-end and wasmlab:jschurn-end. Columns: load_id, t0, t1.
 * Shared with tests and plots so the window has one definition. */
extern const char report_gc_window_sql[];

#endif
