/* trace_slices: the nested duration slices of a trace, per thread, with
 * their depth and self time: what a timeline chart draws and what folded
 * stacks count.
 *
 * Feed it trace events (slices_event is a trace_event_fn) straight from
 * collector/trace_parser, so a trace is never held as a document; it keeps
 * only the slices it was asked for (one process, a time window), with names
 * interned. slices_finish then sorts each thread's slices and nests them.
 *
 * Definitions (the one place they live; docs/charts.md quotes them):
 *   slice     an 'X' event with a dur, or a 'B' event and the next 'E' that
 *             closes it on the same thread (a 'B' left open ends at the
 *             thread's last timestamp; an unmatched 'E' is ignored). Async
 *             ('b'/'e'), flow, instant, counter and metadata events are not
 *             slices.
 *   nesting   per thread, slices ordered by start (then longer first, then
 *             file order); a slice is the child of the innermost open slice
 *             it starts inside. A child that would outlive its parent (two
 *             clocks rounded to whole µs, or a trace that does not nest) is
 *             clipped to the parent's end, so every thread is a proper tree.
 *   depth     0 for a top-level slice, parent's depth + 1 below.
 *   self_us   dur_us minus the (clipped) durations of its direct children.
 *             Over a thread, the self times sum to the top-level slices'
 *             total duration, which is what folded stacks count.
 * Times are µs on the trace clock. */
#ifndef WASMLAB_TRACE_SLICES_H
#define WASMLAB_TRACE_SLICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/string_pool.h"
#include "collector/trace/trace_parser.h"

struct slice {
    int64_t start_us, dur_us;   /* after clipping to the parent */
    int64_t self_us;
    uint32_t name;              /* index into slices.names */
    uint32_t thread;            /* index into slices.threads */
    uint32_t parent;            /* index into slices.v, SLICE_NONE at depth 0 */
    int depth;
    char cat_class;             /* see slice_class() */
};

#define SLICE_NONE UINT32_MAX

struct slice_thread {
    int64_t pid, tid;
    char name[64];              /* thread_name metadata, "" if none */
    char process[64];           /* process_name metadata, "" if none */
    int max_depth;              /* deepest slice + 1; 0 when it has none */
    int64_t busy_us;            /* total of its top-level slices */
};

struct slices {
    struct slice *v;            /* grouped by thread, each thread by start */
    size_t n;
    struct slice_thread *threads;
    size_t n_threads;
    struct string_pool names;   /* slice names, by slice.name */
    uint64_t clipped;           /* children clipped to their parent's end */
    uint64_t events_seen;
};

struct slice_builder;

/* pid: keep only this process's slices (-1 = all processes). Keep slices that
 * overlap [from_us, to_us] (INT64_MIN / INT64_MAX for no bound); nesting is
 * still computed from every slice of the kept threads, so depths do not
 * depend on the window. */
struct slice_builder *slices_new(int64_t pid, int64_t from_us, int64_t to_us);
void slices_builder_free(struct slice_builder *b);
/* A trace_event_fn: arg is the builder. */
void slices_event(void *arg, const struct trace_event *ev);
/* Nests what was fed into *out (release with slices_free). The builder can
 * then only be freed. */
void slices_finish(struct slice_builder *b, struct slices *out);
void slices_free(struct slices *s);

/* A coarse class for colouring: 'w' wasm (wasm.*, v8.wasm.*), 'g' garbage
 * collection (MinorGC, MajorGC, V8.GC*), 'v' V8 (v8.*, V8.*), 't' task
 * scheduling (RunTask, ThreadControllerImpl::*), 'b' everything else
 * (Blink, loading, paint). */
char slice_class(const char *name);

/* Writes folded stacks ("thread;a;b;c self_us\n", one line per distinct
 * stack, sorted, zero counts left out) for every kept slice. The first frame
 * names the thread: "CrRendererMain" (or "tid 123" when unnamed), prefixed
 * by the process name and pid when with_process. Returns the sum of the
 * counts written (µs). */
struct buf;
int64_t slices_write_folded(const struct slices *s, bool with_process, struct buf *out);

#endif
