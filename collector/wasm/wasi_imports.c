/* wasi_imports: see wasi_imports.h for the contract. */
#include "collector/wasm/wasi_imports.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static const char preview1[] = "wasi_snapshot_preview1";
static const char preview0[] = "wasi_unstable";

static int name_is(struct wasm_name n, const char *s)
{
    size_t len = strlen(s);
    return n.len == len && memcmp(n.bytes, s, len) == 0;
}

static int compare_labels(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and drops duplicates (a module may import one function twice). */
static size_t sort_unique(char **v, size_t n, int owned)
{
    qsort(v, n, sizeof *v, compare_labels);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(v[k - 1], v[i]) == 0) {
            if (owned)
                free(v[i]);
            continue;
        }
        v[k++] = v[i];
    }
    return k;
}

void wasi_imports_of(const struct wasm_module *m, struct wasi_imports *out)
{
    memset(out, 0, sizeof *out);
    out->labels = xcalloc(m->import_count ? m->import_count : 1, sizeof *out->labels);
    for (size_t i = 0; i < m->import_count; i++) {
        const struct wasm_import *imp = &m->imports[i];
        int p1 = name_is(imp->module, preview1), p0 = name_is(imp->module, preview0);
        if (imp->kind != WASM_EXTERN_FUNC || (!p1 && !p0)) {
            out->other++;
            continue;
        }
        /* Names may hold NUL bytes (valid UTF-8): they end the label early,
         * which is fine for a census of real WASI names. */
        size_t prefix = p0 ? sizeof preview0 : 0;       /* "wasi_unstable." */
        char *label = xcalloc(prefix + imp->field.len + 1, 1);
        if (p0) {
            memcpy(label, preview0, sizeof preview0 - 1);
            label[sizeof preview0 - 1] = '.';
        }
        if (imp->field.len)
            memcpy(label + prefix, imp->field.bytes, imp->field.len);
        out->labels[out->n++] = label;
    }
    out->n = sort_unique(out->labels, out->n, 1);
}

int wasi_imports_has(const struct wasi_imports *w, const char *label)
{
    return w->n && bsearch(&label, w->labels, w->n, sizeof *w->labels, compare_labels) != NULL;
}

void wasi_imports_free(struct wasi_imports *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->labels[i]);
    free(w->labels);
    memset(w, 0, sizeof *w);
}

void wasi_imports_union(const struct wasi_imports *mods, size_t n, struct wasi_imports *out)
{
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += mods[i].n;
    out->labels = xcalloc(total ? total : 1, sizeof *out->labels);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < mods[i].n; k++)
            out->labels[out->n++] = mods[i].labels[k];
    out->n = sort_unique(out->labels, out->n, 0);
}

void wasi_union_free(struct wasi_imports *u)
{
    free(u->labels);
    memset(u, 0, sizeof *u);
}
