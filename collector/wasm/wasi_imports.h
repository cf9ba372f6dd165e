/* wasi_imports: which WASI functions a module imports — the import census
 * of `wasmlab inspect --wasi` (issue 13), so Go's, C's and any outside
 * module's WASI footprints can be compared side by side.
 *
 * A WASI import is a function import from "wasi_snapshot_preview1" (its
 * label is the field, e.g. "fd_write") or from the older preview0 module
 * "wasi_unstable" (label "wasi_unstable.fd_write", so the two never merge).
 * Other imports (gojs, env, ...) are counted, not listed. */
#ifndef WASMLAB_WASI_IMPORTS_H
#define WASMLAB_WASI_IMPORTS_H

#include <stddef.h>

#include "collector/wasm/wasm_binary.h"

struct wasi_imports {
    char **labels;          /* sorted, unique, owned */
    size_t n;
    size_t other;           /* imports that are not WASI functions */
};

/* Fills *out from a parsed module (labels copied: the module's buffer may
 * go away afterwards). */
void wasi_imports_of(const struct wasm_module *m, struct wasi_imports *out);
/* True when label is one of out's labels (binary search). */
int wasi_imports_has(const struct wasi_imports *w, const char *label);
void wasi_imports_free(struct wasi_imports *w);

/* The sorted union of several modules' labels into *out (labels borrowed
 * from the inputs; free only out->labels itself with wasi_union_free). */
void wasi_imports_union(const struct wasi_imports *mods, size_t n, struct wasi_imports *out);
void wasi_union_free(struct wasi_imports *u);

#endif
