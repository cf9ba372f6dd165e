/* report_experiment: `wasmlab report experiment`: per question of an
 * experiment's run, one sentence per comparison with the difference of
 * medians and its 95% CI (the engine: experiment_answers.h; the questions:
 * questions.h), as text, markdown or json. */
#ifndef WASMLAB_REPORT_EXPERIMENT_H
#define WASMLAB_REPORT_EXPERIMENT_H

int report_experiment(int argc, char **argv);

#endif
