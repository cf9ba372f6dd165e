#define _GNU_SOURCE
#include "collector/plot/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/spawn.h"
#include "collector/plot/plot_templates.h"

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int gnuplot_find(char *out, size_t outlen, char *err, size_t errlen)
{
    const char *env = getenv("WASMLAB_GNUPLOT");
    if (env && *env) {
        if (!is_executable_file(env)) {
            snprintf(err, errlen,
                     "gnuplot not found: WASMLAB_GNUPLOT=%s is not an executable file "
                     "(install gnuplot-nox, or unset WASMLAB_GNUPLOT)", env);
            return -1;
        }
        snprintf(out, outlen, "%s", env);
        return 0;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    while (*p) {
        size_t n = strcspn(p, ":");
        char cand[4096];
        if (n == 0)
            snprintf(cand, sizeof cand, "./gnuplot");
        else
            snprintf(cand, sizeof cand, "%.*s/gnuplot", (int)n, p);
        if (is_executable_file(cand)) {
            snprintf(out, outlen, "%s", cand);
            return 0;
        }
        p += n;
        if (*p == ':')
            p++;
    }
    snprintf(err, errlen,
             "gnuplot not found on PATH (install gnuplot-nox: apt-get install gnuplot-nox; "
             "or set WASMLAB_GNUPLOT to its path)");
    return -1;
}

char *gnuplot_template(const char *name, char *err, size_t errlen)
{
    const char *dir = getenv("WASMLAB_PLOTS_DIR");
    if (dir && *dir) {
        char *path = xasprintf("%s/%s", dir, name);
        size_t len;
        char *text = (char *)read_whole_file(path, &len);
        if (!text)
            snprintf(err, errlen, "plot template %s (WASMLAB_PLOTS_DIR): %s", path,
                     strerror(errno));
        free(path);
        return text;
    }
    for (int i = 0; i < plot_templates_count; i++)
        if (strcmp(plot_templates[i].name, name) == 0)
            return xstrdup(plot_templates[i].text);
    snprintf(err, errlen, "no plot template %s in this build", name);
    return NULL;
}

void gnuplot_quote(struct buf *script, const char *value)
{
    buf_append(script, "'", 1);
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\'')
            buf_append(script, "''", 2);
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            buf_append(script, " ", 1);
        else
            buf_append(script, p, 1);
    }
    buf_append(script, "'", 1);
}

/* Variable names come from wasmlab's own code, never from input. */
void gnuplot_set_str(struct buf *script, const char *name, const char *value)
{
    buf_append(script, name, strlen(name));
    buf_append(script, " = ", 3);
    gnuplot_quote(script, value);
    buf_append(script, "\n", 1);
}

void gnuplot_set_str_array(struct buf *script, const char *name, const char *const *values,
                           size_t n)
{
    char line[256];
    int len = snprintf(line, sizeof line, "array %s[%zu]\n", name, n ? n : 1);
    buf_append(script, line, (size_t)len);
    if (n == 0) {
        len = snprintf(line, sizeof line, "%s[1] = ''\n", name);
        buf_append(script, line, (size_t)len);
    }
    for (size_t i = 0; i < n; i++) {
        len = snprintf(line, sizeof line, "%s[%zu] = ", name, i + 1);
        buf_append(script, line, (size_t)len);
        gnuplot_quote(script, values[i]);
        buf_append(script, "\n", 1);
    }
}

void gnuplot_set_num(struct buf *script, const char *name, double value)
{
    char line[256];
    int n;
    if (isfinite(value))
        n = snprintf(line, sizeof line, "%s = %.17g\n", name, value);
    else
        n = snprintf(line, sizeof line, "%s = NaN\n", name);
    buf_append(script, line, (size_t)n);
}

void gnuplot_set_int(struct buf *script, const char *name, long long value)
{
    char line[256];
    int n = snprintf(line, sizeof line, "%s = %lld\n", name, value);
    buf_append(script, line, (size_t)n);
}

/* gnuplot reports an error as `"FILE" line N: message` (or `line N:
 * message`) after echoing the offending command: that line, else the log's
 * last non-empty line. */
static const char *error_line(const char *line)
{
    for (const char *p = strstr(line, "line "); p; p = strstr(p + 1, "line ")) {
        const char *q = p + 5;
        if (*q < '0' || *q > '9')
            continue;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == ':')
            return p;
    }
    return NULL;
}

static void log_reason(const char *log_path, char *out, size_t outlen)
{
    size_t len = 0;
    char *text = (char *)read_whole_file(log_path, &len);
    out[0] = 0;
    if (!text)
        return;
    char *last = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line || *line == '^')
            continue;
        const char *e = error_line(line);
        if (e && !strstr(e, "warning:")) {
            snprintf(out, outlen, "%s", e);
            free(text);
            return;
        }
        last = line;
    }
    if (last)
        snprintf(out, outlen, "%s", last);
    free(text);
}

int gnuplot_run(const char *gnuplot, const char *dir, const struct buf *script,
                int timeout_ms, char *err, size_t errlen)
{
    char *script_path = xasprintf("%s/script.gp", dir);
    char *log_path = xasprintf("%s/gnuplot.log", dir);
    int rc = -1;
    FILE *f = fopen(script_path, "we");
    if (!f || fwrite(script->data, 1, script->len, f) != script->len) {
        snprintf(err, errlen, "cannot write %s: %s", script_path, strerror(errno));
        if (f)
            fclose(f);
        goto out;
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", script_path, strerror(errno));
        goto out;
    }

    /* Its own group and dying with wasmlab, like every child (base/spawn.h). */
    char *argv[] = { (char *)gnuplot, script_path, NULL };
    struct spawn_options so = {
        .file = gnuplot, .argv = argv, .new_group = true, .die_with_parent = true,
        .out = SPAWN_IO_FILE, .out_path = log_path, .err = SPAWN_IO_STDOUT,
    };
    struct spawn_result res;
    char why[300];
    int sr = spawn_run(&so, timeout_ms, NULL, &res, why, sizeof why);
    spawn_result_free(&res);
    int status = res.status;
    if (sr < 0 && res.timed_out) {
        snprintf(err, errlen, "gnuplot did not finish within %d s (killed)", timeout_ms / 1000);
        goto out;
    }
    if (sr < 0) {
        snprintf(err, errlen, "cannot start gnuplot %s: %s", gnuplot,
                 res.exec_errno ? strerror(res.exec_errno) : why);
        goto out;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = 0;
    } else {
        char reason[400];
        log_reason(log_path, reason, sizeof reason);
        if (WIFSIGNALED(status))
            snprintf(err, errlen, "gnuplot was killed by signal %d%s%s", WTERMSIG(status),
                     reason[0] ? ": " : "", reason);
        else
            snprintf(err, errlen, "gnuplot failed (exit %d)%s%s", WEXITSTATUS(status),
                     reason[0] ? ": " : "", reason);
    }
out:
    free(script_path);
    free(log_path);
    return rc;
}
