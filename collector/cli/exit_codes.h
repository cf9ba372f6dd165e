/* exit_codes: what every wasmlab command's exit status means (README.md). */
#ifndef WASMLAB_EXIT_CODES_H
#define WASMLAB_EXIT_CODES_H

enum wasmlab_exit {
    EXIT_OK = 0,            /* everything worked */
    EXIT_ERROR = 1,         /* could not complete: browser, DB, I/O */
    EXIT_USAGE = 2,         /* bad option, or a bad input file (missing,
                               empty, malformed) */
    EXIT_LOADS_FAILED = 3,  /* run: completed, but some loads failed (stored) */
    EXIT_REGRESSION = 4,    /* compare: some configuration got slower */
    EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM: stopped cleanly, data kept */
};

#endif
