#define _GNU_SOURCE
#include "collector/cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* exit_codes.h's codes and meanings, in the order help lists them. */
static const struct {
    unsigned bit;
    int code;
    const char *meaning;
} exit_table[] = {
    { CLI_EXITS_OK, EXIT_OK, "success" },
    { CLI_EXITS_ERROR, EXIT_ERROR, "could not complete: browser, DB, I/O" },
    { CLI_EXITS_USAGE, EXIT_USAGE, "bad option, or a bad input file (missing, empty, malformed)" },
    { CLI_EXITS_LOADS_FAILED, EXIT_LOADS_FAILED, "completed, but some loads failed (stored)" },
    { CLI_EXITS_REGRESSION, EXIT_REGRESSION, "some configuration got slower" },
    { CLI_EXITS_INTERRUPTED, EXIT_INTERRUPTED, "SIGINT/SIGTERM: stopped cleanly, data kept" },
};

static const struct cli_option help_option = { "help", 'h', NULL, "this help", 0 };

/* ---- messages ---- */

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
    char *what;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    /* main's own table has the empty name: "wasmlab: ... (see wasmlab --help)" */
    const char *sp = *cmd->name ? " " : "";
    fprintf(stderr, "wasmlab%s%s: %s (see wasmlab%s%s --help)\n", sp, cmd->name,
            what ? what : fmt, sp, cmd->name);
    free(what);
    return EXIT_USAGE;
}

void cli_warn(const struct cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarnf(cmd->name, fmt, ap);
    va_end(ap);
}

void cli_note(const struct cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vnotef(cmd->name, fmt, ap);
    va_end(ap);
}

/* ---- help ---- */

/* Prints `text` with every line indented by `indent` spaces. */
static void print_indented(FILE *out, const char *text, int indent)
{
    const char *s = text;
    while (*s) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        if (n > 0)
            fprintf(out, "%*s%.*s", indent, "", n, s);
        fputc('\n', out);
        s += n + (nl ? 1 : 0);
    }
}

#define HELP_COLUMN 28

static void print_option(FILE *out, const struct cli_option *o)
{
    char left[96];
    int n;
    if (o->short_name)
        n = snprintf(left, sizeof left, "  -%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
    else
        n = snprintf(left, sizeof left, "      --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    fputs(left, out);
    /* The help's first line beside the name, or under it when the name is long. */
    const char *h = o->help ? o->help : "";
    const char *nl = strchr(h, '\n');
    int first = nl ? (int)(nl - h) : (int)strlen(h);
    if (n >= HELP_COLUMN - 1)
        fprintf(out, "\n%*s", HELP_COLUMN, "");
    else
        fprintf(out, "%*s", HELP_COLUMN - n, "");
    fprintf(out, "%.*s\n", first, h);
    if (nl)
        print_indented(out, nl + 1, HELP_COLUMN);
}

void cli_help(const struct cli_command *cmd, FILE *out)
{
    fprintf(out, "usage: wasmlab%s%s %s\n\n", *cmd->name ? " " : "", cmd->name,
            cmd->usage ? cmd->usage : "[options]");
    print_indented(out, cmd->description, 0);
    fputs("\nOptions:\n", out);
    for (const struct cli_option *o = cmd->options; o && o->name; o++)
        print_option(out, o);
    print_option(out, &help_option);
    fputs("\nExit codes:\n", out);
    for (size_t i = 0; i < sizeof exit_table / sizeof exit_table[0]; i++)
        if (cmd->exits & exit_table[i].bit)
            fprintf(out, "  %-5d%s\n", exit_table[i].code, exit_table[i].meaning);
    if (cmd->exit_notes)
        print_indented(out, cmd->exit_notes, 2);
    fputs("\nExamples:\n", out);
    print_indented(out, cmd->examples, 2);
}

/* ---- parsing ---- */

void cli_end(struct cli_parser *p)
{
    free(p->longopts);
    free(p->shortopts);
    p->longopts = NULL;
    p->shortopts = NULL;
}

void cli_begin(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    size_t n = 0;
    for (const struct cli_option *o = cmd->options; o && o->name; o++)
        n++;
    struct option *lo = xcalloc(n + 2, sizeof *lo);
    /* "-" (in order) or "+"-less default, then ":" so a missing value is
     * told apart from an unknown option. */
    char *so = xmalloc(3 * n + 8), *s = so;
    if (cmd->in_order)
        *s++ = '-';
    *s++ = ':';
    size_t i = 0;
    for (const struct cli_option *o = cmd->options; o && o->name; o++, i++) {
        lo[i] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
                                 o->id };
        if (o->short_name) {
            *s++ = o->short_name;
            if (o->arg)
                *s++ = ':';
        }
    }
    lo[i] = (struct option){ "help", no_argument, NULL, 'h' };
    *s++ = 'h';
    *s = '\0';
    p->longopts = lo;
    p->shortopts = so;
    opterr = 0;
    optind = 0; /* 0, not 1: also resets getopt's internal state (GNU) */
}

/* The option as the user typed it, for messages: "--loads" or "-o". */
static const char *typed_option(struct cli_parser *p)
{
    return optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
}

/* Maps a short letter back to its id. */
static int id_for_short(const struct cli_command *cmd, int c)
{
    for (const struct cli_option *o = cmd->options; o && o->name; o++)
        if (o->short_name == c)
            return o->id;
    return -1;
}

static const struct cli_option *option_for_id(const struct cli_command *cmd, int id)
{
    for (const struct cli_option *o = cmd->options; o && o->name; o++)
        if (o->id == id)
            return o;
    return NULL;
}

int cli_next(struct cli_parser *p)
{
    if (!p->longopts)
        return CLI_DONE;
    int longindex = -1;
    int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, &longindex);
    p->arg = optarg;
    if (c == -1) {
        p->rest = optind;
        cli_end(p);
        return CLI_DONE;
    }
    if (c == 1 && p->cmd->in_order)
        return CLI_POSITIONAL;
    if (c == ':' || c == '?') {
        /* getopt leaves the culprit in argv[optind-1] for a long option, and
         * in optopt for a short one. */
        const char *t = typed_option(p);
        char shortbuf[3] = { '-', (char)optopt, 0 };
        if (optopt && (strncmp(t, "--", 2) != 0))
            t = shortbuf;
        char *eq = strchr(t, '=');
        int n = eq ? (int)(eq - t) : (int)strlen(t);
        if (c == ':')
            cli_usage_error(p->cmd, "option %.*s needs a value", n, t);
        else
            cli_usage_error(p->cmd, "unknown option %.*s", n, t);
        cli_end(p);
        return CLI_BAD;
    }
    if (c == 'h') {
        cli_help(p->cmd, stdout);
        cli_end(p);
        return CLI_HELP;
    }
    int id = longindex >= 0 ? c : id_for_short(p->cmd, c);
    const struct cli_option *o = option_for_id(p->cmd, id);
    p->opt = o ? o->name : "?";
    return id;
}

int cli_exit_for(int next)
{
    return next == CLI_HELP ? EXIT_OK : EXIT_USAGE;
}

int cli_positionals(struct cli_parser *p, int min, int max, const char *what)
{
    int n = p->argc - p->rest;
    if (n < min)
        return cli_usage_error(p->cmd, "missing %s", what), -1;
    if (n > max)
        return cli_usage_error(p->cmd, "unexpected argument %s", p->argv[p->rest + max]), -1;
    return 0;
}

/* ---- values ---- */

int cli_long(struct cli_parser *p, long min, long max, const char *unit, long *out)
{
    if (parse_long(p->arg, min, max, out) == 0)
        return 0;
    cli_usage_error(p->cmd, "--%s %s: must be a whole number from %ld to %ld %s", p->opt,
                    p->arg ? p->arg : "", min, max, unit);
    return -1;
}

int cli_double(struct cli_parser *p, double min, double max, const char *unit, double *out)
{
    const char *s = p->arg ? p->arg : "";
    char *end = NULL;
    errno = 0;
    double v = *s ? strtod(s, &end) : NAN;
    if (*s && !errno && end && !*end && isfinite(v) && v >= min && v <= max) {
        *out = v;
        return 0;
    }
    cli_usage_error(p->cmd, "--%s %s: must be a number from %g to %g %s", p->opt, s, min, max,
                    unit);
    return -1;
}

int cli_table_format(struct cli_parser *p, enum table_format *out)
{
    static const char *const formats[] = { "text", "csv", "json", "markdown", NULL };
    if (cli_choice(p, formats) < 0)
        return -1;
    return table_format_parse(p->arg, out);
}

int cli_choice(struct cli_parser *p, const char *const *choices)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(p->arg, choices[i]) == 0)
            return i;
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; choices[i] && len < sizeof list; i++) {
        const char *sep = i == 0 ? "" : choices[i + 1] ? ", " : " or ";
        int w = snprintf(list + len, sizeof list - len, "%s%s", sep, choices[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    cli_usage_error(p->cmd, "--%s %s: must be %s", p->opt, p->arg, list);
    return -1;
}

/* ---- dispatch ---- */

int cli_dispatch(const struct cli_command *cmd, const struct cli_subcommand *subs, int argc,
                 char **argv)
{
    char names[512];
    size_t len = 0;
    names[0] = '\0';
    for (int i = 0; subs[i].name && len < sizeof names; i++) {
        int w = snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", subs[i].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    /* What the first argument is called: the usage's first word, in
     * lower case ("KIND [options]" -> "kind"). */
    const char *usage = cmd->usage ? cmd->usage : "NAME";
    char u[32];
    int ulen = 0;
    for (; usage[ulen] && usage[ulen] != ' ' && ulen < (int)sizeof u - 1; ulen++)
        u[ulen] = (char)(usage[ulen] >= 'A' && usage[ulen] <= 'Z' ? usage[ulen] + 32 : usage[ulen]);
    u[ulen] = '\0';
    if (argc < 2)
        return cli_usage_error(cmd, "missing %.*s: one of %s", ulen, u, names);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help(cmd, stdout);
        return EXIT_OK;
    }
    for (int i = 0; subs[i].name; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cli_usage_error(cmd, "unknown option %s", argv[1]);
    return cli_usage_error(cmd, "unknown %.*s %s: one of %s", ulen, u, argv[1], names);
}
