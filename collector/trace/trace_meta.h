/* trace_meta: the browser a trace file names in its top-level "metadata"
 * member ({"traceEvents":[...], "metadata": {"user-agent": ..., ...}}),
 * which import-trace stores as the load's browser row.
 *
 * A trace_member_fn for the trace parser (trace_parser_set_member_fn): the
 * member is small, so it is parsed from its JSON text when it comes. Each
 * field is "" when the trace does not give it. */
#ifndef WASMLAB_TRACE_META_H
#define WASMLAB_TRACE_META_H

#include <stddef.h>

struct trace_meta {
    char user_agent[512], revision[256], command_line[4096], v8[64], product[128];
};

/* arg: a zeroed struct trace_meta. Members other than "metadata" are
 * ignored; a later "metadata" overwrites the fields it gives. */
void trace_meta_member(void *arg, const char *key, const char *json, size_t len);

/* Adds what a later part of the same file gave (import-trace reads a file's
 * halves with two parsers) as one parser would have read it: a field the
 * later part gives overwrites; an empty one counts as absent. */
void trace_meta_merge(struct trace_meta *m, const struct trace_meta *later);

#endif
