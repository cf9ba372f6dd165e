/* work_queue: items handed, in order, to one consumer thread through a
 * bounded queue, so a producer and a consumer use two cores at once.
 *
 * Why (issue 12): a batch's trace is read from the browser (IO.read: the
 * websocket, a 1.4 MB JSON message a chunk) and then converted and parsed
 * (perfetto_json, trace_parser, the extractors). Done one after the other on
 * one thread, each side waited for the other; here the load loop reads the
 * next chunk while the consumer parses the last.
 *
 * The consumer function runs on the queue's thread, and only it touches
 * what it was given until work_queue_finish returns. If the thread cannot
 * be started, push calls the consumer itself (same results, one core). */
#ifndef WASMLAB_WORK_QUEUE_H
#define WASMLAB_WORK_QUEUE_H

#include <stddef.h>

/* Consumes one item; < 0 stops the queue (later items are released
 * unconsumed). */
typedef int (*work_fn)(void *arg, void *item);
/* Frees an item, consumed or not (every pushed item, exactly once). */
typedef void (*work_release_fn)(void *item);

struct work_queue;

/* depth: items that may wait (at least 1); push blocks while it is full,
 * which bounds the memory the producer can run ahead by. */
struct work_queue *work_queue_start(work_fn fn, work_release_fn release, void *arg,
                                    size_t depth);
/* Hands item over (released by the queue whatever happens). Returns -1 once
 * the consumer has stopped (the producer should stop too), else 0. */
int work_queue_push(struct work_queue *q, void *item);
/* Waits until every pushed item is consumed or released, frees q. Returns 0,
 * or -1 when the consumer stopped. */
int work_queue_finish(struct work_queue *q);

#endif
