#define _GNU_SOURCE
#include "collector/measure/browser_slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"
#include "collector/measure/v8_flags.h"

static char *args_json(const char *const *args)
{
    json_t *arr = json_array();
    for (int i = 0; args[i]; i++)
        json_array_append_new(arr, json_string(args[i]));
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

/* The slot of (b, cond), made when no earlier one has the same flags. */
static int find_or_add(struct browser_slots *s, const struct plan *p, int b, int c,
                       char *err, size_t errlen)
{
    const struct plan_condition *cond = &p->conditions[c];
    struct browser_slot tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.browser = b;
    tmp.js_flags = v8_js_flags_join(p->browsers[b].extra_args, cond->v8_tier, cond->js_flags);
    if (v8_browser_args(p->browsers[b].extra_args, tmp.js_flags, tmp.args,
                        sizeof tmp.args / sizeof tmp.args[0], &tmp.js_switch) < 0) {
        snprintf(err, errlen, "condition %s: too many browser flags", cond->name);
        free(tmp.js_flags);
        return -1;
    }
    tmp.flags_json = args_json(tmp.args);
    for (int i = 0; i < s->n; i++)
        if (s->v[i].browser == b && strcmp(s->v[i].flags_json, tmp.flags_json) == 0) {
            free(tmp.js_flags);
            free(tmp.js_switch);
            free(tmp.flags_json);
            return i;
        }
    tmp.condition = cond->name;
    s->v[s->n] = tmp;
    /* args may point at js_switch, which moved with the struct: same pointer */
    return s->n++;
}

int browser_slots_build(const struct plan *p, struct browser_slots *out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof *out);
    int nc = p->n_conditions > 0 ? p->n_conditions : 1;
    out->n_conditions = nc;
    out->v = xcalloc((size_t)p->n_browsers * (size_t)nc + 1, sizeof *out->v);
    out->of = xcalloc((size_t)p->n_browsers * (size_t)nc + 1, sizeof *out->of);
    for (int b = 0; b < p->n_browsers; b++)
        for (int c = 0; c < nc; c++) {
            int i = find_or_add(out, p, b, c, err, errlen);
            if (i < 0)
                return -1;
            out->of[b * nc + c] = i;
        }
    return 0;
}

int browser_slot_of(const struct browser_slots *s, int b, int c)
{
    return s->of[b * s->n_conditions + c];
}

void browser_slots_free(struct browser_slots *s)
{
    for (int i = 0; s->v && i < s->n; i++) {
        free(s->v[i].js_flags);
        free(s->v[i].js_switch);
        free(s->v[i].flags_json);
    }
    free(s->v);
    free(s->of);
    memset(s, 0, sizeof *s);
}
