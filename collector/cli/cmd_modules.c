/* cmd_modules: see cmd_modules.h for the contract. */
#include "collector/cli/cmd_modules.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "collector/cli/options.h"
#include "collector/wasm/manifest.h"
#include "wasmlab_config.h"

static const struct cli_option modules_options[] = {
    { "json", 0, NULL, "a JSON array of objects (also the file's path and sha256)", 'j' },
    { "manifest", 0, "FILE", "the build manifest (default " WASMLAB_MANIFEST ")", 'M' },
    { NULL, 0, NULL, NULL, 0 }
};

static const struct cli_command modules_command = {
    .name = "modules",
    .usage = "[PREFIX...] [options]",
    .description =
        "Lists the built modules of the manifest: name, language, workload, variant\n"
        "and bytes. The names are what run --module, inspect NAME and experiment\n"
        "files take. A PREFIX (go/, c/json) keeps the names that start with it.",
    .options = modules_options,
    .exits = CLI_EXITS_OK | CLI_EXITS_USAGE,
    .exit_notes = "(0 also when no name matches: an empty list; 2 also for a missing or\n"
                  "malformed manifest)",
    .examples = "wasmlab modules\n"
                "wasmlab modules go/\n"
                "wasmlab modules c/json --json",
};

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* True when no prefix was given or name starts with one of them. */
static bool selected(const char *name, char **prefixes, int n)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static json_t *module_json(const struct manifest_module *mm)
{
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:s, s:s?}", "name", mm->name, "language",
                     mm->language, "workload", mm->workload, "variant", mm->variant, "bytes",
                     (json_int_t)mm->bytes, "file", mm->file, "sha256", mm->sha256);
}

/* Prints the selected modules; returns how many. */
static size_t print_modules(const struct manifest *mf, char **prefixes, int n, bool as_json)
{
    size_t shown = 0, width = 4, matching = 0;
    for (size_t i = 0; i < mf->n; i++) {
        if (!selected(mf->modules[i].name, prefixes, n))
            continue;
        matching++;
        if (strlen(mf->modules[i].name) > width)
            width = strlen(mf->modules[i].name);
    }
    json_t *arr = as_json ? json_array() : NULL;
    if (!as_json && matching > 0)
        printf("%-*s  %-8s  %-9s  %-16s  %10s\n", (int)width, "name", "language", "workload",
               "variant", "bytes");
    for (size_t i = 0; i < mf->n; i++) {
        const struct manifest_module *mm = &mf->modules[i];
        if (!selected(mm->name, prefixes, n))
            continue;
        shown++;
        if (arr)
            json_array_append_new(arr, module_json(mm));
        else
            printf("%-*s  %-8s  %-9s  %-16s  %10lld\n", (int)width, mm->name,
                   or_dash(mm->language), or_dash(mm->workload), or_dash(mm->variant),
                   (long long)mm->bytes);
    }
    if (arr) {
        json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(arr);
    }
    return shown;
}

int cmd_modules(int argc, char **argv)
{
    const char *manifest_path = WASMLAB_MANIFEST;
    bool as_json = false;
    struct cli_parser cp;
    cli_begin(&cp, &modules_command, argc, argv);
    int id;
    while ((id = cli_next(&cp)) > 0) {
        switch (id) {
        case 'j': as_json = true; break;
        case 'M': manifest_path = cp.arg; break;
        }
    }
    if (id < 0)
        return cli_exit_for(id);
    struct manifest mf;
    char err[1024];
    if (manifest_load(manifest_path, &mf, err, sizeof err) < 0) {
        cli_warn(&modules_command, "%s", err);
        return EXIT_USAGE;
    }
    int n = argc - cp.rest;
    size_t shown = print_modules(&mf, argv + cp.rest, n, as_json);
    if (shown == 0 && n > 0)
        cli_note(&modules_command, "no module name starts with %s%s", argv[cp.rest],
                 n > 1 ? " or the other prefixes" : "");
    manifest_free(&mf);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn(&modules_command, "writing the list failed");
        return EXIT_ERROR;
    }
    return EXIT_OK;
}
