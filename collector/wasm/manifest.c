#define _GNU_SOURCE
#include "collector/wasm/manifest.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"

static char *opt_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? xstrdup(s) : NULL;
}

int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        snprintf(err, errlen, "module manifest %s: %s (line %d); build the modules first",
                 path, jerr.text, jerr.line);
        return -1;
    }
    json_t *mods = json_object_get(root, "modules");
    if (!json_is_array(mods)) {
        snprintf(err, errlen, "module manifest %s: no \"modules\" array", path);
        json_decref(root);
        return -1;
    }
    m->path = xstrdup(path);
    char *copy = xstrdup(path);
    m->dir = xstrdup(dirname(copy));
    free(copy);
    m->modules = xcalloc(json_array_size(mods) + 1, sizeof *m->modules);
    size_t i;
    json_t *e;
    json_array_foreach(mods, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *file = json_string_value(json_object_get(e, "file"));
        json_t *bytes = json_object_get(e, "bytes");
        if (!name || !file || !json_is_integer(bytes) || file[0] == '/') {
            snprintf(err, errlen, "module manifest %s: entry %zu lacks name, relative file or bytes",
                     path, i);
            json_decref(root);
            manifest_free(m);
            return -1;
        }
        struct manifest_module *mm = &m->modules[m->n++];
        mm->name = xstrdup(name);
        mm->rel_file = xstrdup(file);
        mm->file = xasprintf("%s/%s", m->dir, file);
        mm->language = opt_str(e, "language");
        mm->workload = opt_str(e, "workload");
        mm->variant = opt_str(e, "variant");
        mm->target = opt_str(e, "target");
        mm->runtime = opt_str(e, "runtime");
        mm->toolchain = opt_str(e, "toolchain");
        mm->toolchain_version = opt_str(e, "toolchain_version");
        mm->flags = opt_str(e, "flags");
        mm->sha256 = opt_str(e, "sha256");
        mm->stdin_rel = opt_str(e, "stdin");
        json_t *args = json_object_get(e, "args");
        mm->args_json = json_is_array(args) ? json_dumps(args, JSON_COMPACT) : xstrdup("[]");
        mm->bytes = (int64_t)json_integer_value(bytes);
    }
    json_decref(root);
    return 0;
}

const struct manifest_module *manifest_find(const struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->modules[i].name, name) == 0)
            return &m->modules[i];
    return NULL;
}

void manifest_free(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        struct manifest_module *mm = &m->modules[i];
        free(mm->name); free(mm->file); free(mm->rel_file); free(mm->language);
        free(mm->workload); free(mm->variant); free(mm->target); free(mm->runtime);
        free(mm->toolchain); free(mm->toolchain_version); free(mm->flags);
        free(mm->sha256); free(mm->stdin_rel); free(mm->args_json);
    }
    free(m->modules);
    free(m->path);
    free(m->dir);
    memset(m, 0, sizeof *m);
}
