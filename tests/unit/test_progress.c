/* progress: on a real terminal (a pty), a message written to stderr while a
 * progress line is shown starts on a clean line, the line comes back with the
 * next progress_show, and progress_end leaves nothing of it on screen; off a
 * terminal nothing is drawn at all. */
#define _GNU_SOURCE
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/check.h"
#include "base/util.h"
#include "collector/measure/progress.h"

/* What a terminal shows after the bytes: \r, \n and ESC[K applied. */
static void render(const char *raw, size_t len, char screen[][128], int *n_lines)
{
    int n = 0;
    size_t col = 0;
    memset(screen[0], 0, 128);
    for (size_t i = 0; i < len; i++) {
        if (i + 2 < len && raw[i] == '\033' && raw[i + 1] == '[' && raw[i + 2] == 'K') {
            memset(screen[n] + col, 0, 128 - col);
            i += 2;
        } else if (raw[i] == '\r') {
            col = 0;
        } else if (raw[i] == '\n') {
            memset(screen[++n], 0, 128);
            col = 0;
        } else if (col < 127) {
            screen[n][col++] = raw[i];
        }
    }
    *n_lines = n + 1;
}

static void child(void)
{
    if (!progress_begin(true))
        _exit(3);
    progress_show("[1/2] 0 failed");
    warnf("a message in the middle");
    progress_show("[2/2] 0 failed");
    fprintf(stderr, "partial ");
    fprintf(stderr, "line\n");
    progress_show("[2/2] 0 failed, done");
    progress_end();
    fprintf(stderr, "after\n");
    _exit(0);
}

int main(void)
{
    /* off a terminal: nothing drawn, stderr untouched */
    FILE *before = stderr;
    CHECK(!progress_begin(false));
    progress_show("[1/1]");
    progress_end();
    CHECK(stderr == before);

    int master;
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw);   /* no \n -> \r\n: the bytes as written */
    pid_t pid = forkpty(&master, NULL, &raw, NULL);
    CHECK(pid >= 0);
    if (pid < 0)
        return check_result();
    if (pid == 0)
        child();
    char out[4096];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(master, out + len, sizeof out - 1 - len);
        if (n <= 0)
            break;   /* EIO once the child is gone */
        len += (size_t)n;
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char screen[16][128];
    int n_lines;
    render(out, len, screen, &n_lines);
    CHECK_INT(n_lines, 4);
    CHECK_STR(screen[0], "wasmlab: a message in the middle");
    CHECK_STR(screen[1], "partial line");
    CHECK_STR(screen[2], "after");
    CHECK_STR(screen[3], "");
    CHECK(memmem(out, len, "[2/2] 0 failed, done", 20) != NULL);   /* it was drawn */
    close(master);
    return check_result();
}
