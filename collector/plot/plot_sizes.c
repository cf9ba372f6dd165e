/* plot sizes: stacked bars of section sizes per module variant, from the
 * module_sections rows that `wasmlab inspect FILE --db` (and `wasmlab report
 * sizes --db`) store. A variant is one module content (sha256), named by the
 * modules it was measured as, else by the inspected file's name. Custom
 * sections are split into "name", ".debug_*", "producers" and the rest;
 * the 8-byte module header is left out. Without --run and --module every
 * inspected module is drawn; with them, the modules their loads used. */
#include <stdlib.h>
#include <string.h>

#include "collector/plot/gnuplot.h"
#include "collector/plot/plot.h"
#include "db/read_rows.h"
#include "db/read_sizes.h"

#define MAX_VARIANTS 60

enum {
    COL_TYPE, COL_IMPORT, COL_FUNCTION, COL_TABLE, COL_MEMORY, COL_GLOBAL, COL_EXPORT,
    COL_START, COL_ELEMENT, COL_DATACOUNT, COL_CODE, COL_DATA, COL_TAG, COL_NAME, COL_DEBUG,
    COL_PRODUCERS, COL_CUSTOM, N_COLS
};

static const char *const col_title[N_COLS] = {
    "type", "import", "function", "table", "memory", "global", "export", "start", "element",
    "datacount", "code", "data", "tag", "custom: name", "custom: .debug_*",
    "custom: producers", "custom: other",
};

/* Colours chosen so the big sections (code, data, debug info) stand out. */
static const char *const col_rgb[N_COLS] = {
    "#b3b3b3", "#cc79a7", "#8c8c8c", "#f0e442", "#999933", "#56b4e9", "#aa4499", "#332288",
    "#88ccee", "#ddcc77", "#0072b2", "#e69f00", "#117733", "#009e73", "#d55e00",
    "#882255", "#666666",
};

static int column_of(int id, const char *name)
{
    static const int by_id[14] = { -1, COL_TYPE, COL_IMPORT, COL_FUNCTION, COL_TABLE,
                                   COL_MEMORY, COL_GLOBAL, COL_EXPORT, COL_START,
                                   COL_ELEMENT, COL_CODE, COL_DATA, COL_DATACOUNT, COL_TAG };
    if (id > 0 && id < 14)
        return by_id[id];
    if (id != 0)
        return COL_CUSTOM;
    if (!name)
        return COL_CUSTOM;
    if (strcmp(name, "name") == 0)
        return COL_NAME;
    if (strncmp(name, ".debug", 6) == 0)
        return COL_DEBUG;
    if (strcmp(name, "producers") == 0)
        return COL_PRODUCERS;
    return COL_CUSTOM;
}

struct variant {
    char sha[65];
    char label[300];
    int64_t bytes;
    int64_t col[N_COLS];
};

int plot_sizes(struct plot_job *j)
{
    if (!db_has_table(j->db, "module_sections"))
        return plot_fail(j, PLOT_NO_DATA, "the DB has no module_sections table");
    bool scoped = j->scope.run_id != PLOT_ALL_RUNS || j->scope.module;
    struct db_scope scope = plot_db_scope(j);
    struct db_size_variant *rows;
    size_t n_rows;
    if (db_read_size_variants(j->db, &scope, scoped, &rows, &n_rows) < 0)
        return plot_query_failed(j);
    struct variant *v = xcalloc(MAX_VARIANTS, sizeof *v);
    size_t n = 0, skipped = 0;
    for (size_t r = 0; r < n_rows; r++) {
        if (n == MAX_VARIANTS) {
            skipped++;
            continue;
        }
        snprintf(v[n].sha, sizeof v[n].sha, "%s", rows[r].sha256);
        v[n].bytes = rows[r].bytes;
        const char *base = strrchr(rows[r].file, '/');
        snprintf(v[n].label, sizeof v[n].label, "%s",
                 rows[r].names[0] ? rows[r].names : base ? base + 1 : rows[r].file);
        n++;
    }
    free(rows);
    if (n == 0) {
        free(v);
        return plot_fail(j, PLOT_NO_DATA,
                         "no inspected modules in this selection (store them with "
                         "wasmlab inspect FILE.wasm --db DB)");
    }
    bool used[N_COLS] = { false };
    for (size_t i = 0; i < n; i++) {
        struct db_section *sec;
        size_t n_sec;
        if (db_read_sections(j->db, v[i].sha, &sec, &n_sec) < 0) {
            free(v);
            return plot_query_failed(j);
        }
        for (size_t k = 0; k < n_sec; k++) {
            int c = column_of(sec[k].id, sec[k].name);
            v[i].col[c] += sec[k].size;
            if (v[i].col[c] > 0)
                used[c] = true;
        }
        free(sec);
    }

    /* only the sections some variant has, as columns 2.. of the data */
    const char *titles[N_COLS], *colors[N_COLS];
    int ncols = 0;
    for (int c = 0; c < N_COLS; c++)
        if (used[c]) {
            titles[ncols] = col_title[c];
            colors[ncols] = col_rgb[c];
            ncols++;
        }
    FILE *fd = plot_data_open(j, "data_file", "sizes.dat");
    if (!fd) {
        free(v);
        return PLOT_FAILED;
    }
    double max_kib = 0;
    for (size_t i = 0; i < n; i++) {
        plot_data_str(fd, v[i].label);
        for (int c = 0; c < N_COLS; c++)
            if (used[c])
                fprintf(fd, " %.3f", (double)v[i].col[c] / 1024.0);
        fprintf(fd, " %.3f\n", (double)v[i].bytes / 1024.0);
        if ((double)v[i].bytes / 1024.0 > max_kib)
            max_kib = (double)v[i].bytes / 1024.0;
    }
    if (plot_data_close(j, fd) < 0) {
        free(v);
        return PLOT_FAILED;
    }
    struct buf *s = &j->script;
    gnuplot_set_int(s, "ncols", ncols);
    gnuplot_set_int(s, "nvariants", (long long)n);
    gnuplot_set_num(s, "max_kib", max_kib);
    gnuplot_set_str_array(s, "section_title", titles, (size_t)ncols);
    gnuplot_set_str_array(s, "section_color", colors, (size_t)ncols);
    char subtitle[600];
    if (scoped) {
        plot_subtitle(j, subtitle, sizeof subtitle);
    } else {
        snprintf(subtitle, sizeof subtitle,
                 "%zu inspected module variants (wasmlab inspect --db)%s", n,
                 skipped ? ", the first 60 drawn" : "");
    }
    snprintf(j->note, sizeof j->note, "%zu module variants, %d section kinds", n, ncols);
    free(v);
    int width = n > 4 ? (int)(220 * n + 500) : 1400;
    return plot_render(j, "sizes.gp", "Section sizes per module variant", subtitle,
                       width > 3000 ? 3000 : width, 700);
}
