/* browser_slots: which browser process serves which configuration.
 *
 * A browser's flags are fixed when it starts, so a condition that needs
 * other V8 flags (a tier, its own --js-flags; v8_flags.h) needs its own
 * browser. A slot is one (plan browser, flag set): every configuration of
 * browser b under condition c is served by slot_of(b, c), and conditions
 * with the same flags share a slot (and so a live browser). A plan without
 * tiers has one slot per browser, exactly as before. */
#ifndef WASMLAB_BROWSER_SLOTS_H
#define WASMLAB_BROWSER_SLOTS_H

#include <stddef.h>

#include "collector/measure/plan.h"

struct browser_slot {
    int browser;               /* index into plan->browsers */
    char *js_flags;            /* the one --js-flags value; NULL = none */
    char *js_switch;           /* "--js-flags=..." (owned), NULL = none */
    const char *args[84];      /* the browser's extra flags, NULL-terminated */
    char *flags_json;          /* args as a JSON array, stored per load */
    const char *condition;     /* the first condition served (for messages) */
};

struct browser_slots {
    struct browser_slot *v;
    int n;
    int *of;                   /* [b * n_conditions + c] -> slot index */
    int n_conditions;
};

/* Builds the slots of p (browsers, conditions and their v8_tier/js_flags
 * must be set). Returns 0, or -1 with one line in err. */
int browser_slots_build(const struct plan *p, struct browser_slots *out, char *err,
                        size_t errlen);
/* The slot of browser b under condition c. */
int browser_slot_of(const struct browser_slots *s, int b, int c);
void browser_slots_free(struct browser_slots *s);

#endif
