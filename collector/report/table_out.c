#include "collector/report/table_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"

enum cell_type { CELL_NULL, CELL_TEXT, CELL_INT, CELL_REAL };

struct cell {
    enum cell_type type;
    char *text;          /* formatted, for every non-null type */
    long long i;
    double r;
};

struct table {
    size_t n_cols, n_rows, cap_rows, filled;
    char **columns;
    struct cell *cells;  /* n_rows * n_cols */
};

int table_format_parse(const char *name, enum table_format *out)
{
    static const char *const names[] = { "text", "csv", "json", "markdown" };
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum table_format)i;
            return 0;
        }
    return -1;
}

struct table *table_new(const char *const *columns)
{
    struct table *t = xcalloc(1, sizeof *t);
    while (columns[t->n_cols])
        t->n_cols++;
    t->columns = xcalloc(t->n_cols, sizeof *t->columns);
    for (size_t i = 0; i < t->n_cols; i++)
        t->columns[i] = xstrdup(columns[i]);
    return t;
}

void table_row(struct table *t)
{
    if (t->n_rows == t->cap_rows) {
        t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap_rows * t->n_cols * sizeof *t->cells);
    }
    memset(&t->cells[t->n_rows * t->n_cols], 0, t->n_cols * sizeof *t->cells);
    t->n_rows++;
    t->filled = 0;
}

static struct cell *next_cell(struct table *t)
{
    if (t->n_rows == 0 || t->filled >= t->n_cols) {
        fprintf(stderr, "wasmlab: table_out: more cells than columns\n");
        abort();
    }
    return &t->cells[(t->n_rows - 1) * t->n_cols + t->filled++];
}

void table_cell_text(struct table *t, const char *s)
{
    struct cell *c = next_cell(t);
    if (s) {
        c->type = CELL_TEXT;
        c->text = xstrdup(s);
    }
}

void table_cell_int(struct table *t, long long v)
{
    struct cell *c = next_cell(t);
    c->type = CELL_INT;
    c->i = v;
    c->text = xasprintf("%lld", v);
}

void table_cell_real(struct table *t, double v, int decimals)
{
    struct cell *c = next_cell(t);
    if (isnan(v))
        return;
    c->type = CELL_REAL;
    c->r = v;
    c->text = xasprintf("%.*f", decimals, v);
}

static const char *cell_text(const struct cell *c)
{
    return c->type == CELL_NULL ? "" : c->text;
}

static void print_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void table_print(const struct table *t, enum table_format f, FILE *out)
{
    size_t nc = t->n_cols;
    if (f == TABLE_JSON) {
        json_t *arr = json_array();
        for (size_t r = 0; r < t->n_rows; r++) {
            json_t *o = json_object();
            for (size_t c = 0; c < nc; c++) {
                const struct cell *x = &t->cells[r * nc + c];
                json_t *v = x->type == CELL_TEXT ? json_string(x->text)
                          : x->type == CELL_INT ? json_integer(x->i)
                          : x->type == CELL_REAL ? json_real(x->r) : json_null();
                json_object_set_new(o, t->columns[c], v);
            }
            json_array_append_new(arr, o);
        }
        json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
        fputc('\n', out);
        json_decref(arr);
        return;
    }
    if (f == TABLE_CSV) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            print_csv_field(out, t->columns[c]);
        }
        fputc('\n', out);
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputc(',', out);
                print_csv_field(out, cell_text(&t->cells[r * nc + c]));
            }
            fputc('\n', out);
        }
        return;
    }
    /* text and markdown: aligned columns; numbers right-aligned */
    size_t *w = xcalloc(nc, sizeof *w);
    for (size_t c = 0; c < nc; c++) {
        w[c] = strlen(t->columns[c]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t l = strlen(cell_text(&t->cells[r * nc + c]));
            if (l > w[c])
                w[c] = l;
        }
    }
    bool md = f == TABLE_MARKDOWN;
    for (size_t c = 0; c < nc; c++) {
        if (md)
            fprintf(out, "| %-*s ", (int)w[c], t->columns[c]);
        else
            fprintf(out, "%s%-*s", c ? "  " : "", (int)w[c], t->columns[c]);
    }
    fputs(md ? "|\n" : "\n", out);
    if (md) {
        for (size_t c = 0; c < nc; c++) {
            fputs("|", out);
            for (size_t k = 0; k < w[c] + 2; k++)
                fputc('-', out);
        }
        fputs("|\n", out);
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < nc; c++) {
            const struct cell *x = &t->cells[r * nc + c];
            bool num = x->type == CELL_INT || x->type == CELL_REAL;
            const char *txt = cell_text(x);
            if (md)
                fprintf(out, num ? "| %*s " : "| %-*s ", (int)w[c], txt);
            else
                fprintf(out, num ? "%s%*s" : "%s%-*s", c ? "  " : "", (int)w[c], txt);
        }
        fputs(md ? "|\n" : "\n", out);
    }
    free(w);
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i].text);
    for (size_t c = 0; c < t->n_cols; c++)
        free(t->columns[c]);
    free(t->columns);
    free(t->cells);
    free(t);
}
