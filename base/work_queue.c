#include "base/work_queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/util.h"

struct work_queue {
    work_fn fn;
    work_release_fn release;
    void *arg;
    pthread_t thread;
    bool threaded;              /* else push consumes inline */
    pthread_mutex_t lock;
    pthread_cond_t changed;     /* an item was added or taken, or closing */
    void **ring;
    size_t depth, head, count;
    bool closing;               /* no more pushes: drain and exit */
    bool failed;                /* fn returned < 0 */
};

static void consume(struct work_queue *q, void *item, bool failed)
{
    int rc = failed ? -1 : q->fn(q->arg, item);
    q->release(item);
    if (rc < 0 && !failed) {
        if (q->threaded)
            pthread_mutex_lock(&q->lock);
        q->failed = true;
        if (q->threaded)
            pthread_mutex_unlock(&q->lock);
    }
}

static void *run(void *arg)
{
    struct work_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->count == 0 && !q->closing)
            pthread_cond_wait(&q->changed, &q->lock);
        if (q->count == 0)
            break;                       /* closing and drained */
        void *item = q->ring[q->head];
        q->head = (q->head + 1) % q->depth;
        q->count--;
        bool failed = q->failed;
        pthread_cond_broadcast(&q->changed);   /* room for the producer */
        pthread_mutex_unlock(&q->lock);
        consume(q, item, failed);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

struct work_queue *work_queue_start(work_fn fn, work_release_fn release, void *arg,
                                    size_t depth)
{
    struct work_queue *q = xcalloc(1, sizeof *q);
    q->fn = fn;
    q->release = release;
    q->arg = arg;
    q->depth = depth ? depth : 1;
    q->ring = xcalloc(q->depth, sizeof *q->ring);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->changed, NULL);
    q->threaded = pthread_create(&q->thread, NULL, run, q) == 0;
    return q;
}

int work_queue_push(struct work_queue *q, void *item)
{
    if (!q->threaded) {
        consume(q, item, q->failed);
        return q->failed ? -1 : 0;
    }
    pthread_mutex_lock(&q->lock);
    while (q->count == q->depth && !q->failed)
        pthread_cond_wait(&q->changed, &q->lock);
    bool failed = q->failed;
    if (!failed) {
        q->ring[(q->head + q->count) % q->depth] = item;
        q->count++;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->lock);
    if (failed)
        q->release(item);
    return failed ? -1 : 0;
}

int work_queue_finish(struct work_queue *q)
{
    if (q->threaded) {
        pthread_mutex_lock(&q->lock);
        q->closing = true;
        pthread_cond_broadcast(&q->changed);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->thread, NULL);
    }
    int rc = q->failed ? -1 : 0;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->changed);
    free(q->ring);
    free(q);
    return rc;
}
