/* options: the one option / usage / message layer every command uses.
 *
 * A command describes itself once, in a `struct cli_command` table: its
 * usage line, a description, its options (long name, short letter, argument
 * name, help text, id), the exit codes it can return and examples. From that
 * table this layer
 *   - parses argv (getopt_long underneath): cli_next() hands back one option
 *     id at a time and handles --help and every usage error itself;
 *   - prints --help with the same five sections for every command, in this
 *     order: "usage: wasmlab CMD ...", the description, "Options:", "Exit
 *     codes:" (meanings from exit_codes.h), "Examples:";
 *   - prints every usage error in one shape, on one line, to stderr:
 *       wasmlab CMD: <what is wrong with which value> (see wasmlab CMD --help)
 *     and the caller exits EXIT_USAGE (2);
 *   - parses numbers with a range and a unit (never atoi).
 *
 * Runtime diagnostics that are not usage errors go through cli_warn /
 * cli_note, which add the same "wasmlab CMD: " prefix (base/util's vwarnf /
 * vnotef do the writing, so -q/--quiet is honoured in one place).
 *
 * Recipe, adding a command: write its `struct cli_command` (static const),
 * loop `while ((id = cli_next(&p)) > 0) switch (id) {...}`, return
 * cli_exit_for(id) when id < 0; add the command to main.c's commands[] and
 * to tests/e2e/cli_help.sh's list. */
#ifndef WASMLAB_CLI_OPTIONS_H
#define WASMLAB_CLI_OPTIONS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "collector/cli/exit_codes.h"
#include "collector/report/table_out.h"

/* One option. `arg` is the value's name in the help ("N", "FILE"); NULL
 * means the option is a flag that takes no value. `help` may hold '\n' for
 * continuation lines (indented under the first). `id` is what cli_next
 * returns for it: a letter other than 'h' (reserved for --help), or an int
 * >= 256 (so it cannot be mistaken for getopt's ':', '?' or 1). */
struct cli_option {
    const char *name;  /* long name without the leading "--" */
    char short_name;   /* 0: none */
    const char *arg;   /* NULL: flag */
    const char *help;
    int id;
};

/* Exit codes a command can return, as bits (exit_codes.h has the values and
 * meanings; cli_help prints them in this order). */
enum cli_exit_bits {
    CLI_EXITS_OK = 1 << 0,           /* EXIT_OK */
    CLI_EXITS_ERROR = 1 << 1,        /* EXIT_ERROR */
    CLI_EXITS_USAGE = 1 << 2,        /* EXIT_USAGE */
    CLI_EXITS_LOADS_FAILED = 1 << 3, /* EXIT_LOADS_FAILED */
    CLI_EXITS_REGRESSION = 1 << 4,   /* EXIT_REGRESSION */
    CLI_EXITS_INTERRUPTED = 1 << 5,  /* EXIT_INTERRUPTED */
};
#define CLI_EXITS_BASIC (CLI_EXITS_OK | CLI_EXITS_ERROR | CLI_EXITS_USAGE)

/* A command or subcommand, e.g. name "run" or "report sizes". All strings
 * are static; the layer never frees or copies them. */
struct cli_command {
    const char *name;        /* as typed after "wasmlab ", used in messages */
    const char *usage;       /* what follows "usage: wasmlab NAME ", e.g.
                                "[options]" or "KIND [options]" */
    const char *description; /* one paragraph or more, '\n'-separated lines */
    const struct cli_option *options; /* ends with an entry whose name is NULL;
                                         -h/--help is added by the layer */
    unsigned exits;          /* CLI_EXITS_* bits */
    const char *exit_notes;  /* optional: a line or two under the codes,
                                saying when this command returns which */
    const char *examples;    /* '\n'-separated command lines, at least one */
    bool in_order;           /* positional arguments come back from cli_next
                                as CLI_POSITIONAL in argv order (else they
                                are left in argv[p->rest..argc)) */
};

/* Parser state. Fill with cli_begin; read `arg` after cli_next returns an
 * option id (the option's value, or NULL for a flag) or CLI_POSITIONAL. */
struct cli_parser {
    const struct cli_command *cmd;
    int argc;
    char **argv;
    char *arg;          /* borrowed from argv */
    const char *opt;    /* the option as typed, for messages ("--loads") */
    int rest;           /* after CLI_DONE: index of the first positional */
    /* private */
    void *longopts;
    char *shortopts;
};

/* cli_next's values that are not option ids. */
enum {
    CLI_DONE = 0,         /* no more options */
    CLI_HELP = -1,        /* --help was printed to stdout: exit EXIT_OK */
    CLI_BAD = -2,         /* a usage error was printed: exit EXIT_USAGE */
    CLI_POSITIONAL = -3,  /* in_order commands only: `arg` is a positional */
};

/* argv[0] is the command's own name (main passes argv + 1). */
void cli_begin(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv);
/* The next option: its id (> 0), or one of the CLI_* values above. On
 * CLI_HELP, CLI_BAD and CLI_DONE the parser's memory is released (calling
 * cli_end as well is harmless); call cli_end if you stop earlier. */
int cli_next(struct cli_parser *p);
void cli_end(struct cli_parser *p);
/* The exit status for a negative cli_next value (CLI_HELP -> 0, else 2). */
int cli_exit_for(int next);
/* After CLI_DONE: fails with a usage error (and returns -1) when positional
 * arguments are fewer than min or more than max. */
int cli_positionals(struct cli_parser *p, int min, int max, const char *what);

/* Numbers: the current option's value (p->arg) must be a whole number (or a
 * decimal, for cli_double) in [min, max]; `unit` follows the range and
 * names what is counted ("loads", "seconds", "MB", "(a run id)"). On error
 * prints
 *   wasmlab CMD: --loads zero: must be a whole number from 1 to 100000 loads (see ...)
 * and returns -1. */
int cli_long(struct cli_parser *p, long min, long max, const char *unit, long *out);
int cli_double(struct cli_parser *p, double min, double max, const char *unit, double *out);
/* The current option's value must be one of the NULL-terminated `choices`;
 * returns its index, or prints "--api ftp: must be streaming or buffered"
 * and returns -1. */
int cli_choice(struct cli_parser *p, const char *const *choices);
/* --format: text, csv, json or markdown into *out (cli_choice's errors). */
int cli_table_format(struct cli_parser *p, enum table_format *out);

/* The full --help text to `out`. */
void cli_help(const struct cli_command *cmd, FILE *out);
/* A usage error in the uniform shape; returns EXIT_USAGE for `return
 * cli_usage_error(...)`. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "wasmlab CMD: ..." on stderr: an error (always printed) or a note
 * (not with -q). */
void cli_warn(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_note(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A dispatcher's table entry (report KIND, plot KIND, browsers ACTION...). */
struct cli_subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};
/* Runs argv[1] (a subcommand name) from `subs` (ends with name NULL), or
 * handles --help (the parent's help lists the subcommands in its
 * description) and a missing/unknown name as a usage error. */
int cli_dispatch(const struct cli_command *cmd, const struct cli_subcommand *subs,
                 int argc, char **argv);

#endif
