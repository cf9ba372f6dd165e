/* cmd_sweep: `wasmlab sweep EXPERIMENT.json`: runs an experiment's whole
 * matrix (collector/measure/experiment.h, collector/measure/plan.h), or one shard of it. */
#ifndef WASMLAB_CMD_SWEEP_H
#define WASMLAB_CMD_SWEEP_H

int cmd_sweep(int argc, char **argv);

#endif
