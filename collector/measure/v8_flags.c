#define _GNU_SOURCE
#include "collector/measure/v8_flags.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* The flags are V8's (src/flags/flag-definitions.h); docs/tiers.md quotes
 * the definitions and what a trace of each shows on Chromium 156. */
const struct v8_tier v8_tiers[] = {
    { "default", "", "V8's defaults: lazy Liftoff, dynamic tier-up to TurboFan" },
    { "liftoff-only", "--liftoff-only", "Liftoff only, never TurboFan" },
    { "turbofan-only", "--no-liftoff --no-wasm-tier-up", "TurboFan only, no Liftoff" },
    { "eager", "--no-wasm-lazy-compilation", "every function compiled before the promise "
      "resolves" },
    { "lazy", "--wasm-lazy-compilation", "functions compiled on their first call" },
    { NULL, NULL, NULL }
};

const struct v8_tier *v8_tier_find(const char *name)
{
    for (int i = 0; name && v8_tiers[i].name; i++)
        if (strcmp(v8_tiers[i].name, name) == 0)
            return &v8_tiers[i];
    return NULL;
}

int v8_js_flags_check(const char *flags, char *err, size_t errlen)
{
    size_t len = strlen(flags);
    if (len == 0 || len > 400) {
        snprintf(err, errlen, "must be 1 to 400 characters");
        return -1;
    }
    bool word_start = true;
    for (const char *s = flags; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\'' || c == '\\' || c < 0x20 || c > 0x7e) {
            snprintf(err, errlen, "quotes, backslashes and control or non-ASCII characters "
                     "are not allowed");
            return -1;
        }
        if (c == ' ') {
            word_start = true;
            continue;
        }
        if (word_start && c != '-') {
            snprintf(err, errlen, "every V8 flag must start with '-' (e.g. --no-liftoff)");
            return -1;
        }
        word_start = false;
    }
    return 0;
}

static void append_words(struct buf *b, const char *words)
{
    if (!words || !*words)
        return;
    if (b->len)
        buf_append(b, " ", 1);
    buf_append(b, words, strlen(words));
}

char *v8_js_flags_join(const char *const *browser_args, const char *tier, const char *js_flags)
{
    struct buf b = { 0 };
    for (int i = 0; browser_args && browser_args[i]; i++)
        if (strncmp(browser_args[i], "--js-flags=", 11) == 0)
            append_words(&b, browser_args[i] + 11);
    const struct v8_tier *t = v8_tier_find(tier);
    if (t)
        append_words(&b, t->js_flags);
    append_words(&b, js_flags);
    if (!b.len) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

int v8_browser_args(const char *const *browser_args, const char *js_flags_value,
                    const char **out, size_t max, char **js_switch)
{
    size_t n = 0;
    *js_switch = NULL;
    for (int i = 0; browser_args && browser_args[i]; i++) {
        if (strncmp(browser_args[i], "--js-flags=", 11) == 0)
            continue;
        if (n + 1 >= max)
            return -1;
        out[n++] = browser_args[i];
    }
    if (js_flags_value) {
        if (n + 1 >= max)
            return -1;
        *js_switch = xasprintf("--js-flags=%s", js_flags_value);
        out[n++] = *js_switch;
    }
    out[n] = NULL;
    return 0;
}
