/* options: the cli layer parses a table-driven command, prints --help with
 * the five sections in order, and reports every usage error as one line of
 * the uniform shape. stderr and stdout are captured through temp files. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "collector/cli/options.h"

static const struct cli_option opts[] = {
    { "loads", 'n', "N", "loads per module", 'n' },
    { "ratio", 0, "R", "a ratio\nsecond help line", 'r' },
    { "api", 0, "API", "streaming or buffered", 'a' },
    { "quiet", 'q', NULL, "no notes", 'q' },
    { NULL, 0, NULL, NULL, 0 },
};

static const struct cli_command cmd = {
    .name = "demo",
    .usage = "[options] FILE",
    .description = "A demo command.",
    .options = opts,
    .exits = CLI_EXITS_BASIC | CLI_EXITS_INTERRUPTED,
    .examples = "wasmlab demo --loads 3 x.wasm",
};

static const struct cli_command ordered = {
    .name = "ordered sub",
    .description = "Positionals in order.",
    .options = opts,
    .exits = CLI_EXITS_BASIC,
    .examples = "wasmlab ordered sub a --quiet b",
    .in_order = true,
};

/* Captures fd (1 or 2) into a temp file while fn runs; returns its text
 * (caller frees). */
static char captured[8192];
static const char *capture_begin(int fd, FILE *stream, int *saved)
{
    fflush(stream);
    *saved = dup(fd);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), fd);
    return (const char *)tmp;
}
static const char *capture_end(int fd, FILE *stream, int saved, const char *handle)
{
    FILE *tmp = (FILE *)handle;
    fflush(stream);
    dup2(saved, fd);
    close(saved);
    rewind(tmp);
    size_t n = fread(captured, 1, sizeof captured - 1, tmp);
    captured[n] = '\0';
    fclose(tmp);
    return captured;
}

/* Runs the parser over a NULL-terminated argv; returns the last cli_next
 * value and the stderr text in `err`. */
static int parse(const struct cli_command *c, char **argv, long *loads, double *ratio,
                 int *api, int *quiet, char *err, size_t errlen)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    int saved;
    const char *h = capture_begin(2, stderr, &saved);
    struct cli_parser p;
    cli_begin(&p, c, argc, argv);
    static const char *const apis[] = { "streaming", "buffered", NULL };
    int id;
    int positional = 0;
    while ((id = cli_next(&p)) > 0 || id == CLI_POSITIONAL) {
        int bad = 0;
        switch (id) {
        case CLI_POSITIONAL: positional++; break;
        case 'n': bad = cli_long(&p, 1, 100, "loads", loads); break;
        case 'r': bad = cli_double(&p, 0, 1, "parts", ratio); break;
        case 'a': *api = cli_choice(&p, apis); bad = *api < 0; break;
        case 'q': (*quiet)++; break;
        }
        if (bad) {
            cli_end(&p);
            id = CLI_BAD;
            break;
        }
    }
    if (id == CLI_DONE && !c->in_order && cli_positionals(&p, 1, 1, "FILE") < 0)
        id = CLI_BAD;
    if (id == CLI_DONE && c->in_order && positional != 2)
        id = CLI_BAD;
    snprintf(err, errlen, "%s", capture_end(2, stderr, saved, h));
    return id;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int main(void)
{
    char err[4096];
    long loads = 0;
    double ratio = 0;
    int api = -1, quiet = 0;

    char *a1[] = { "demo", "--loads", "7", "-q", "--ratio=0.25", "--api", "buffered", "x.wasm",
                   NULL };
    CHECK(parse(&cmd, a1, &loads, &ratio, &api, &quiet, err, sizeof err) == CLI_DONE);
    CHECK(loads == 7 && ratio == 0.25 && api == 1 && quiet == 1);
    CHECK_STR(err, "");
    char *a2[] = { "demo", "x.wasm", "-n5", NULL };   /* options after the file */
    CHECK(parse(&cmd, a2, &loads, &ratio, &api, &quiet, err, sizeof err) == CLI_DONE);
    CHECK(loads == 5);

    /* Every usage error: one line, the uniform shape, the culprit named. */
    struct { char *argv[6]; const char *want; } bad[] = {
        { { "demo", "--frob", "x", NULL }, "wasmlab demo: unknown option --frob (see wasmlab demo --help)\n" },
        { { "demo", "-z", "x", NULL }, "wasmlab demo: unknown option -z (see wasmlab demo --help)\n" },
        { { "demo", "x", "--loads", NULL }, "wasmlab demo: option --loads needs a value (see wasmlab demo --help)\n" },
        { { "demo", "x", "-n", NULL }, "wasmlab demo: option -n needs a value (see wasmlab demo --help)\n" },
        { { "demo", "--loads", "zero", "x", NULL }, "wasmlab demo: --loads zero: must be a whole number from 1 to 100 loads (see wasmlab demo --help)\n" },
        { { "demo", "--loads", "101", "x", NULL }, "wasmlab demo: --loads 101: must be a whole number from 1 to 100 loads (see wasmlab demo --help)\n" },
        { { "demo", "--loads", "3x", "x", NULL }, "wasmlab demo: --loads 3x: must be a whole number from 1 to 100 loads (see wasmlab demo --help)\n" },
        { { "demo", "--ratio", "nan", "x", NULL }, "wasmlab demo: --ratio nan: must be a number from 0 to 1 parts (see wasmlab demo --help)\n" },
        { { "demo", "--ratio", "1.5", "x", NULL }, "wasmlab demo: --ratio 1.5: must be a number from 0 to 1 parts (see wasmlab demo --help)\n" },
        { { "demo", "--api", "ftp", "x", NULL }, "wasmlab demo: --api ftp: must be streaming or buffered (see wasmlab demo --help)\n" },
        { { "demo", NULL }, "wasmlab demo: missing FILE (see wasmlab demo --help)\n" },
        { { "demo", "x", "y", NULL }, "wasmlab demo: unexpected argument y (see wasmlab demo --help)\n" },
        { { "demo", "--quiet=3", "x", NULL }, "wasmlab demo: unknown option --quiet (see wasmlab demo --help)\n" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(&cmd, bad[i].argv, &loads, &ratio, &api, &quiet, err, sizeof err);
        CHECK(rc == CLI_BAD);
        CHECK(cli_exit_for(rc) == EXIT_USAGE);
        CHECK_STR(err, bad[i].want);
    }

    /* In-order positionals (browsers add A B style). */
    char *a3[] = { "sub", "a", "--quiet", "b", NULL };
    quiet = 0;
    CHECK(parse(&ordered, a3, &loads, &ratio, &api, &quiet, err, sizeof err) == CLI_DONE);
    CHECK(quiet == 1);
    char *a4[] = { "sub", "a", "--nope", NULL };
    CHECK(parse(&ordered, a4, &loads, &ratio, &api, &quiet, err, sizeof err) == CLI_BAD);
    CHECK_STR(err, "wasmlab ordered sub: unknown option --nope (see wasmlab ordered sub --help)\n");

    /* --help: stdout, exit 0, the five sections in order. */
    int saved;
    const char *h = capture_begin(1, stdout, &saved);
    struct cli_parser p;
    char *a5[] = { "demo", "--loads", "3", "--help", NULL };
    cli_begin(&p, &cmd, 4, a5);
    int id;
    while ((id = cli_next(&p)) > 0)
        ;
    const char *out = capture_end(1, stdout, saved, h);
    CHECK(id == CLI_HELP && cli_exit_for(id) == EXIT_OK);
    const char *u = strstr(out, "usage: wasmlab demo [options] FILE\n");
    const char *d = strstr(out, "\nA demo command.\n");
    const char *o = strstr(out, "\nOptions:\n");
    const char *e = strstr(out, "\nExit codes:\n");
    const char *x = strstr(out, "\nExamples:\n");
    CHECK(u == out && d && o && e && x && d < o && o < e && e < x);
    CHECK(strstr(out, "  -n, --loads N") && strstr(out, "      --ratio R"));
    CHECK(strstr(out, "\n                            second help line\n"));
    CHECK(strstr(out, "  -h, --help"));
    CHECK(strstr(out, "  0    success\n") && strstr(out, "  2    bad option"));
    CHECK(strstr(out, "  130  SIGINT") && !strstr(out, "  4    "));
    CHECK(strstr(out, "  wasmlab demo --loads 3 x.wasm\n"));
    CHECK(count_lines(out) > 10);

    /* Dispatch: unknown and missing names are usage errors. */
    static const struct cli_subcommand subs[] = { { "gc", NULL, "gc" }, { NULL, NULL, NULL } };
    static const struct cli_command parent = { .name = "report", .usage = "KIND [options]",
                                               .description = "Reports.", .exits = CLI_EXITS_BASIC,
                                               .examples = "wasmlab report gc" };
    h = capture_begin(2, stderr, &saved);
    char *a6[] = { "report", "nope", NULL };
    int rc = cli_dispatch(&parent, subs, 2, a6);
    out = capture_end(2, stderr, saved, h);
    CHECK(rc == EXIT_USAGE);
    CHECK_STR(out, "wasmlab report: unknown kind nope: one of gc (see wasmlab report --help)\n");
    h = capture_begin(2, stderr, &saved);
    rc = cli_dispatch(&parent, subs, 1, a6);
    out = capture_end(2, stderr, saved, h);
    CHECK(rc == EXIT_USAGE);
    CHECK_STR(out, "wasmlab report: missing kind: one of gc (see wasmlab report --help)\n");
    return check_result();
}
