/* cmd_report: `wasmlab report KIND ...`, a table of report kinds, each
 * implemented in its own file (report_<kind>.c). */
#ifndef WASMLAB_CMD_REPORT_H
#define WASMLAB_CMD_REPORT_H

/* argv[0] is "report". */
int cmd_report(int argc, char **argv);

#endif
