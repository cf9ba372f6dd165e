/* v8_flags: a condition's V8 tier and free-form --js-flags, and the browser
 * flags they make.
 *
 * A condition may name a tier ("v8" in an experiment, `run --v8`) and add
 * its own V8 flags ("js_flags", `run --js-flags`). A browser is started with
 * ONE --js-flags switch (Chromium keeps only the last of several), so the
 * V8 flags of the browser's own args (--browser-arg, "browser_args"), of the
 * tier and of the condition are joined in that order: V8 reads flags left to
 * right and the last one wins, so the most specific one counts.
 *
 * The tiers and the V8 flags each means (V8 15.6 in Chromium 156; checked
 * with `chromium-headless-shell --no-sandbox --js-flags=--help` and V8's
 * src/flags/flag-definitions.h; docs/tiers.md says what each does):
 *   default        no flag: lazy Liftoff on first call, dynamic tier-up of
 *                  hot functions to TurboFan in the background
 *   liftoff-only   --liftoff-only (implies --liftoff, --no-wasm-tier-up,
 *                  --no-wasm-dynamic-tiering): never TurboFan
 *   turbofan-only  --no-liftoff --no-wasm-tier-up: TurboFan is the first
 *                  and only tier
 *   eager          --no-wasm-lazy-compilation: every function compiled at
 *                  compile time, none on first call
 *   lazy           --wasm-lazy-compilation: functions compiled on first
 *                  call (the default since V8 ~11; explicit, so that older
 *                  browsers do it too) */
#ifndef WASMLAB_V8_FLAGS_H
#define WASMLAB_V8_FLAGS_H

#include <stddef.h>

struct v8_tier {
    const char *name;
    const char *js_flags;      /* "" for default */
    const char *what;          /* one line for --help and docs */
};

/* NULL-name-terminated; static. */
extern const struct v8_tier v8_tiers[];
#define V8_TIER_LIST "default, liftoff-only, turbofan-only, eager or lazy"

/* The tier called name, or NULL. */
const struct v8_tier *v8_tier_find(const char *name);

/* Checks free-form V8 flags: 1 to 400 characters of words that each start
 * with '-', no quotes, no '=' alone. Returns 0, or -1 with the reason in err
 * (the caller names the value). */
int v8_js_flags_check(const char *flags, char *err, size_t errlen);

/* The one --js-flags value a browser runs with: the V8 flags of browser_args'
 * --js-flags= switches, then the tier's, then js_flags (each may be NULL or
 * empty). Returns a new string (free it), or NULL when there are none. */
char *v8_js_flags_join(const char *const *browser_args, const char *tier, const char *js_flags);

/* Fills out (room for max pointers, NULL-terminated) with browser_args minus
 * their --js-flags= switches, then "--js-flags=VALUE" when js_flags_value is
 * not NULL; *js_switch gets that switch (a new string the caller frees after
 * out is no longer used; NULL when none). Returns 0, or -1 when out is too
 * small. */
int v8_browser_args(const char *const *browser_args, const char *js_flags_value,
                    const char **out, size_t max, char **js_switch);

#endif
