/*
 * test_queue.c: the bounded MPMC queue: order, capacity, close, and many
 * producers and consumers losing or duplicating nothing.
 */
#include "check.h"
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define PRODUCERS    4
#define CONSUMERS    4
#define PER_PRODUCER 50000

static struct queue  q;
static unsigned char seen[PRODUCERS * PER_PRODUCER];
static uint64_t      consumed_sum[CONSUMERS];

static void *producer(void *arg)
{
    size_t base = (size_t)(uintptr_t)arg * PER_PRODUCER;
    for (size_t i = 0; i < PER_PRODUCER; i++)
        if (queue_push(&q, base + i) != 0)
            abort();
    return NULL;
}

static void *consumer(void *arg)
{
    size_t me = (size_t)(uintptr_t)arg, item;
    while (queue_pop(&q, &item) == 0) {
        __atomic_fetch_add(&seen[item], 1, __ATOMIC_RELAXED);
        consumed_sum[me] += item;
    }
    return NULL;
}

static void test_fifo_and_close(void)
{
    struct queue s;
    size_t       v;
    CHECK(queue_init(&s, 0) == -EINVAL);
    CHECK(queue_init(&s, 3) == 0);
    for (size_t i = 0; i < 3; i++)
        CHECK(queue_push(&s, 10 + i) == 0);
    CHECK(queue_pop(&s, &v) == 0 && v == 10);
    CHECK(queue_push(&s, 13) == 0); /* wraps around the ring */
    queue_close(&s);
    CHECK(queue_push(&s, 99) == -EPIPE);
    CHECK(queue_pop(&s, &v) == 0 && v == 11); /* drains after close */
    CHECK(queue_pop(&s, &v) == 0 && v == 12);
    CHECK(queue_pop(&s, &v) == 0 && v == 13);
    CHECK(queue_pop(&s, &v) == -EPIPE);
    queue_destroy(&s);
}

static void test_mpmc(void)
{
    pthread_t p[PRODUCERS], c[CONSUMERS];
    CHECK(queue_init(&q, 8) == 0); /* small: producers block often */
    for (uintptr_t i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, (void *)i);
    for (uintptr_t i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    queue_close(&q);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);

    size_t   once = 0;
    uint64_t sum = 0, n = PRODUCERS * PER_PRODUCER;
    for (size_t i = 0; i < n; i++)
        once += seen[i] == 1;
    for (int i = 0; i < CONSUMERS; i++)
        sum += consumed_sum[i];
    CHECK(once == n);
    CHECK(sum == n * (n - 1) / 2);
    queue_destroy(&q);
}

int main(void)
{
    test_fifo_and_close();
    test_mpmc();
    return check_done("test_queue");
}
