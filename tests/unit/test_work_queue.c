/* base/work_queue: every item consumed once, in push order, on another
 * thread than the producer's, each released exactly once; a consumer that
 * fails stops the queue (later pushes say so, their items are released
 * unconsumed) and finish reports it; a queue of depth 1 holds a producer
 * that runs ahead. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/work_queue.h"
#include "tests/check.h"

struct tally {
    long next;              /* the item expected next */
    long consumed;
    int out_of_order;
    int fail_at;            /* fn returns -1 on this item (-1: never) */
    pthread_t producer;
    int on_producer_thread;
    atomic_long released;
};

struct item {
    long n;
    struct tally *t;
};

static int consume(void *arg, void *item)
{
    struct tally *t = arg;
    struct item *it = item;
    if (pthread_equal(pthread_self(), t->producer))
        t->on_producer_thread++;
    if (it->n != t->next)
        t->out_of_order++;
    t->next = it->n + 1;
    t->consumed++;
    if (it->n % 7 == 0)
        usleep(200);            /* the producer runs ahead and fills the queue */
    return it->n == t->fail_at ? -1 : 0;
}

static void release(void *item)
{
    struct item *it = item;
    atomic_fetch_add(&it->t->released, 1);
    free(it);
}

static struct item *make(struct tally *t, long n)
{
    struct item *it = malloc(sizeof *it);
    it->n = n;
    it->t = t;
    return it;
}

static void test_in_order_on_another_thread(size_t depth)
{
    struct tally t = { .fail_at = -1, .producer = pthread_self() };
    struct work_queue *q = work_queue_start(consume, release, &t, depth);
    for (long i = 0; i < 5000; i++)
        CHECK_INT(work_queue_push(q, make(&t, i)), 0);
    CHECK_INT(work_queue_finish(q), 0);
    CHECK_INT(t.consumed, 5000);
    CHECK_INT(t.out_of_order, 0);
    CHECK_INT(t.on_producer_thread, 0);
    CHECK_INT(atomic_load(&t.released), 5000);
}

static void test_failure_stops(void)
{
    struct tally t = { .fail_at = 100, .producer = pthread_self() };
    struct work_queue *q = work_queue_start(consume, release, &t, 2);
    long pushed = 0, refused = 0;
    for (long i = 0; i < 1000; i++, pushed++)
        if (work_queue_push(q, make(&t, i)) < 0)
            refused++;
    CHECK(refused > 0);                       /* the producer hears of it */
    CHECK_INT(work_queue_finish(q), -1);
    CHECK_INT(t.consumed, 101);               /* 0..100, nothing after */
    CHECK_INT(atomic_load(&t.released), pushed);
}

static void test_nothing_pushed(void)
{
    struct tally t = { .fail_at = -1, .producer = pthread_self() };
    CHECK_INT(work_queue_finish(work_queue_start(consume, release, &t, 1)), 0);
    CHECK_INT(t.consumed, 0);
}

int main(void)
{
    test_in_order_on_another_thread(1);
    test_in_order_on_another_thread(3);
    test_failure_stops();
    test_nothing_pushed();
    return check_result();
}
