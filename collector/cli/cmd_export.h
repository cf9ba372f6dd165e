/* cmd_export: `wasmlab export WHAT`, the results DB in other tools' formats.
 *
 *   export trace  --load ID [-o FILE.json]   the load's raw trace, Chrome's
 *       JSON trace format as Chrome wrote it (Perfetto UI, chrome://tracing,
 *       and `wasmlab import-trace` open it)
 *   export folded --load ID [-o FILE] [--all-processes]   folded stacks
 *       ("thread;slice;child self_us", flamegraph.pl / speedscope / inferno)
 *       of the load's renderer (collector/trace/trace_slices.h defines them)
 *   export csv|json --table NAME [--run ID] [-o FILE]   one table for
 *       notebooks: any table of the DB but load_traces (that is `export
 *       trace`); names are checked against the DB's own list, never spliced
 *       into SQL unchecked
 *
 * Output goes to stdout unless -o names a file. */
#ifndef WASMLAB_CMD_EXPORT_H
#define WASMLAB_CMD_EXPORT_H

/* argv[0] is "export". */
int cmd_export(int argc, char **argv);

#endif
