/* cmd_plot: `wasmlab plot KIND [--db FILE] [--run ID|all] [--load ID]
 * [--module NAME] [--out DIR | -o FILE] [--format png|svg]`: one chart of
 * the results DB, drawn by gnuplot (the kinds are in collector/plot/plot.h). */
#ifndef WASMLAB_CMD_PLOT_H
#define WASMLAB_CMD_PLOT_H

/* argv[0] is "plot". */
int cmd_plot(int argc, char **argv);

#endif
