/* wasi-faults: one bad behaviour per run, for the WASI census's fault cases
 * (a runtime must turn each into a recorded outcome, not a hung page, an
 * unbounded DB row or a crashed collector). argv[1] picks it:
 *
 *   trap    executes `unreachable`                    -> a wasm trap
 *   exit    proc_exit(7) through exit(7)              -> exit code 7
 *   loop    spins forever, printing nothing more      -> only a timeout ends it
 *   flood   writes 16 MiB to stdout (16384 lines of 1023 'x' and a newline),
 *           then "wasi-fault flood done bytes=16777216"; exit 0
 *
 * Every fault first prints "wasi-fault <name> start" (flushed), so the
 * runtime's output capture is proven working before the fault. No argument
 * or an unknown one: a usage line on stderr, exit 2. The missing-import case
 * is its own module, c/wasi-missing-import (an import fails at link time,
 * before any argv exists). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOOD_BYTES (16u << 20)
#define FLOOD_LINE 1024u

static void start(const char *name)
{
    printf("wasi-fault %s start\n", name);
    fflush(stdout);
}

static int flood(void)
{
    static char block[64 * FLOOD_LINE];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (i % FLOOD_LINE == FLOOD_LINE - 1) ? '\n' : 'x';
    size_t written = 0;
    while (written < FLOOD_BYTES) {
        size_t n = fwrite(block, 1, sizeof block, stdout);
        written += n;
        if (n != sizeof block)
            return 1;
    }
    printf("wasi-fault flood done bytes=%zu\n", written);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (!strcmp(what, "trap")) {
        start(what);
        __builtin_trap();
    } else if (!strcmp(what, "exit")) {
        start(what);
        exit(7);
    } else if (!strcmp(what, "loop")) {
        start(what);
        for (volatile unsigned long spins = 0;; spins++) {
        }
    } else if (!strcmp(what, "flood")) {
        start(what);
        return flood();
    }
    fprintf(stderr, "usage: wasi-faults trap|exit|loop|flood\n");
    return 2;
}
