/* cmd_nightly: `wasmlab nightly EXPERIMENT.json`: a sweep, then a comparison
 * of each browser's loads with the previous completed run of the same
 * experiment, as a Markdown report; the exit code tells cron or CI whether
 * anything regressed. */
#ifndef WASMLAB_CMD_NIGHTLY_H
#define WASMLAB_CMD_NIGHTLY_H

int cmd_nightly(int argc, char **argv);

#endif
