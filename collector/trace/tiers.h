/* tiers: where a load's compile work went, by V8 tier, from its trace.
 *
 * A pure function of what the extractor kept (extract.h: every wasm.* event
 * on the page's renderer, with its thread). The event names are V8's, and
 * were checked against traces of Chromium 156 (V8 15.6) under each tier of
 * collector/measure/v8_flags.h (docs/tiers.md has what each showed):
 *
 *   wasm.BaselineCompilation  (v8.wasm, V8 src/wasm/module-compiler.cc,
 *                ExecuteCompilationUnits) a background batch of Liftoff units
 *   wasm.TopTierCompilation   the same for TurboFan units: TurboFan as the
 *                compile tier (--no-liftoff with eager compilation) or
 *                dynamic tier-up of hot functions
 *   wasm.CompileLazy (v8.wasm, src/runtime/runtime-wasm.cc) one function
 *                compiled on its first call, on the calling (main) thread;
 *                a Liftoff compile holds a nested wasm.CompileBaseline
 *                (disabled-by-default-v8.wasm.detailed) on the same thread,
 *                a TurboFan one (--no-liftoff) holds none
 *
 * Definitions (µs on the trace clock, complete X slices only):
 *   load window  from the harness's "wasmlab:start" mark (else the module's
 *                request) to its "wasmlab:done" mark (else the last wasm
 *                event's end): the whole load, compile and run.
 *   Each slice is clipped to the load window; slices of one kind are merged
 *   per thread (overlaps counted once) and summed over ALL the renderer's
 *   threads (main thread, compile workers, Workers).
 *   liftoff_us   wasm.BaselineCompilation + Liftoff wasm.CompileLazy
 *   turbofan_us  wasm.TopTierCompilation + TurboFan wasm.CompileLazy
 *                (liftoff_us + turbofan_us = all compile work by tier)
 *   lazy_us      wasm.CompileLazy, either tier: the part of the two above
 *                done on first call, on the thread that made the call
 *   tierup_us    the part of wasm.TopTierCompilation after compile
 *                finished (extract.h): TurboFan work that tier-up caused
 *                (code must run to get hot, so tier-up cannot come before);
 *                the part before is TurboFan as the compile tier
 *   first_export_return_us  the harness's "wasmlab:first-export-returned"
 *                mark: the module's first export call (C: _start, Go: run)
 *                is back in JS
 *   first_export_us  = first_export_return_us - first byte: the metric of
 *                record's twin that also holds the work moved later (lazy
 *                compiles and tier-up during the first call)
 * Each is EXTRACT_NONE when its inputs are missing (no trace, no window, no
 * mark); a window with no such slice gives 0. */
#ifndef WASMLAB_TIERS_H
#define WASMLAB_TIERS_H

#include <stdint.h>

#include "collector/trace/extract.h"

struct tier_work {
    int64_t window_start_us, window_end_us;
    int64_t liftoff_us, turbofan_us, lazy_us, tierup_us;
    int64_t first_export_return_us, first_export_us;
};

/* Fills out from x (NULL: everything EXTRACT_NONE). */
void tier_work_of(const struct extract_result *x, struct tier_work *out);

#endif
