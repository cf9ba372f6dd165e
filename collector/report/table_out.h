/* table_out: one table of results, printed as aligned text, CSV, JSON (an
 * array of objects) or Markdown. Reports build rows of cells and leave the
 * formatting here, so every report speaks the same four formats. */
#ifndef WASMLAB_TABLE_OUT_H
#define WASMLAB_TABLE_OUT_H

#include <stdio.h>

enum table_format { TABLE_TEXT, TABLE_CSV, TABLE_JSON, TABLE_MARKDOWN };

/* "text" | "csv" | "json" | "markdown" -> 0 and *out, else -1. */
int table_format_parse(const char *name, enum table_format *out);

struct table;

/* columns: NULL-terminated names (JSON keys, header cells). */
struct table *table_new(const char *const *columns);
/* Starts a row; then exactly one cell per column. */
void table_row(struct table *t);
void table_cell_text(struct table *t, const char *s);          /* NULL -> null/empty */
void table_cell_int(struct table *t, long long v);
void table_cell_real(struct table *t, double v, int decimals); /* NaN -> null/empty */
void table_print(const struct table *t, enum table_format f, FILE *out);
void table_free(struct table *t);

#endif
