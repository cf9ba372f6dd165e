/* gnuplot: the external gnuplot program, found at run time and run on a
 * generated script, never through a shell.
 *
 * The scripts are the readable templates in plots/ (*.gp), compiled into the
 * binary (cmake/embed_plots.cmake) so wasmlab needs nothing beside it; set
 * WASMLAB_PLOTS_DIR to a folder of templates to use those instead (to edit
 * a chart without rebuilding). A script is a preamble of variables that
 * wasmlab writes (gnuplot_set_*) followed by templates. */
#ifndef WASMLAB_GNUPLOT_H
#define WASMLAB_GNUPLOT_H

#include <stddef.h>

#include "base/util.h"

/* Finds gnuplot: $WASMLAB_GNUPLOT when set (it must then be an executable
 * file: a test points it at a missing path), else "gnuplot" on $PATH.
 * Returns 0 with the path in out, or -1 with a one-line reason in err that
 * says how to fix it. */
int gnuplot_find(char *out, size_t outlen, char *err, size_t errlen);

/* The text of template NAME ("timeline.gp"). Returns a new string (caller
 * frees), or NULL with a reason in err. */
char *gnuplot_template(const char *name, char *err, size_t errlen);

/* Appends `name = 'value'` (a gnuplot single-quoted string: quotes doubled,
 * control characters made spaces) or `name = number` to a script. */
void gnuplot_set_str(struct buf *script, const char *name, const char *value);
void gnuplot_set_num(struct buf *script, const char *name, double value);
void gnuplot_set_int(struct buf *script, const char *name, long long value);
/* Appends `array name[n]` and its n strings (name[1] .. name[n]); n >= 1
 * (gnuplot has no empty arrays: with n == 0 it gets one empty string). */
void gnuplot_set_str_array(struct buf *script, const char *name, const char *const *values,
                           size_t n);
/* Appends a value as a gnuplot single-quoted string literal. */
void gnuplot_quote(struct buf *script, const char *value);

/* Writes script to dir/script.gp and runs `gnuplot script.gp` in dir, with
 * stdin from /dev/null, stdout and stderr to dir/gnuplot.log; waits up to
 * timeout_ms, then kills it. Returns 0 when gnuplot exited 0, else -1 with a
 * one-line reason in err (its first error line, or how it ended). */
int gnuplot_run(const char *gnuplot, const char *dir, const struct buf *script,
                int timeout_ms, char *err, size_t errlen);

#endif
