#include "collector/measure/page_output.h"

#include <string.h>

#include "base/util.h"

static bool int_field(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

void page_output_parse(const char *text, struct page_output *out)
{
    memset(out, 0, sizeof *out);
    out->alloc_hists = json_array();
    size_t cap = 0;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        static const char gc[] = "wasmlab-gc ", hist[] = "wasmlab-alloc-hist ";
        bool is_gc = len > sizeof gc - 1 && strncmp(line, gc, sizeof gc - 1) == 0;
        bool is_hist = len > sizeof hist - 1 && strncmp(line, hist, sizeof hist - 1) == 0;
        if (is_gc || is_hist) {
            size_t skip = is_gc ? sizeof gc - 1 : sizeof hist - 1;
            json_t *o = json_loadb(line + skip, len - skip, 0, NULL);
            struct go_gc_cycle c;
            if (is_gc && json_is_object(o) && int_field(o, "num", &c.num) &&
                int_field(o, "pause_ns", &c.pause_ns) && int_field(o, "end_unix_ns", &c.end_unix_ns) &&
                /* 2^50 ns (13 days) bounds a pause; end - pause cannot overflow */
                c.pause_ns >= 0 && c.pause_ns <= UNTRUSTED_US_LIMIT) {
                if (out->n_go_gc == cap) {
                    cap = cap ? cap * 2 : 64;
                    out->go_gc = xrealloc(out->go_gc, cap * sizeof *out->go_gc);
                }
                out->go_gc[out->n_go_gc++] = c;
            } else if (is_hist && json_is_object(o) &&
                       json_is_string(json_object_get(o, "op")) &&
                       json_is_array(json_object_get(o, "log2_buckets"))) {
                json_array_append(out->alloc_hists, o);
            } else {
                out->bad_lines++;
            }
            json_decref(o);
        }
        line = nl ? nl + 1 : NULL;
    }
}

void page_output_free(struct page_output *out)
{
    free(out->go_gc);
    json_decref(out->alloc_hists);
    memset(out, 0, sizeof *out);
}
