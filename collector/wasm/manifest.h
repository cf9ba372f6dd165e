/* manifest: the list of built modules (modules/ writes it at build time).
 *
 * The one place the collector learns which modules exist, where their files
 * are, and how they were built. Format: modules/README.md. */
#ifndef WASMLAB_MANIFEST_H
#define WASMLAB_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct manifest_module {
    char *name;               /* "c/hello", "c/json/Oz+wasm-opt" */
    char *file;               /* absolute path */
    char *rel_file;           /* relative to the manifest's folder */
    char *language, *workload, *variant, *target, *runtime;
    char *toolchain, *toolchain_version, *flags, *sha256;
    char *stdin_rel;          /* relative to the manifest's folder, or NULL */
    char *args_json;          /* JSON array text, "[]" when none */
    int64_t bytes;
};

struct manifest {
    char *path;
    char *dir;
    struct manifest_module *modules;
    size_t n;
};

/* Loads and checks the manifest. Returns 0, or -1 with a one-line reason
 * naming the file in err. */
int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen);
const struct manifest_module *manifest_find(const struct manifest *m, const char *name);
void manifest_free(struct manifest *m);

#endif
