/* progress: the one-line "[done/total] ..." display of run and sweep on a
 * terminal, kept out of the way of every other message.
 *
 * While a progress line is shown, stderr is routed through a wrapper (glibc
 * lets stderr be reassigned) that clears the line before anything else is
 * written to stderr, by whichever code writes it (notes and warnings from
 * deep inside a load, libwebsockets' log): a message never lands on the
 * progress line, and the next progress_show draws the line again below it.
 * Not thread-safe; one progress display per process. */
#ifndef WASMLAB_PROGRESS_H
#define WASMLAB_PROGRESS_H

#include <stdbool.h>

/* Starts the display when fd 2 is a terminal and `enabled`; returns whether
 * it is on. Without it the other calls do nothing. */
bool progress_begin(bool enabled);
/* Draws (replaces) the progress line: text is printf-formatted, one line. */
void progress_show(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Clears the line, if one is shown. */
void progress_clear(void);
/* Clears the line and gives stderr back. */
void progress_end(void);

#endif
