/*
 * queue.h: a bounded multi-producer, multi-consumer queue of task indices.
 * Why it is shared: the threads pool hands tasks to its workers through
 * it, and hybrid's stage hand-off hands finished downloads to its CPU pool.
 *
 * A mutex and two condition variables; push blocks while full, pop blocks
 * while empty. Closing wakes everyone: pushes then fail, pops drain what is
 * left and then report the end. This is the "queue" of the thread pool; it
 * is not lock-free and does not try to be: a task here is a download or a
 * chunk of thousands of elements, so one uncontended lock per task is noise.
 */
#ifndef CONCBENCH_QUEUE_H
#define CONCBENCH_QUEUE_H

#include <pthread.h>
#include <stddef.h>

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t  not_empty;
    pthread_cond_t  not_full;
    size_t         *items;
    size_t          cap;
    size_t          head; /* next to pop */
    size_t          len;
    int             closed;
    size_t          high_water; /* the most items held at once */
    size_t          full_waits; /* pushes that waited for room */
};

/* Initialise q for up to cap items (cap >= 1). Returns 0 or -ENOMEM/-EINVAL. */
int queue_init(struct queue *q, size_t cap);

/* Free q's storage. No thread may be using q. */
void queue_destroy(struct queue *q);

/* Append item, blocking while the queue is full. Returns 0, or -EPIPE when
 * the queue is (or becomes) closed. Thread-safe. */
int queue_push(struct queue *q, size_t item);

/* Take the oldest item into *item, blocking while the queue is empty and
 * open. Returns 0, or -EPIPE once the queue is closed and drained.
 * Thread-safe. */
int queue_pop(struct queue *q, size_t *item);

/* Like queue_pop but never blocks: -EAGAIN when the queue is empty and
 * open. Thread-safe. */
int queue_trypop(struct queue *q, size_t *item);

/* No more pushes; wakes every waiter. Idempotent, thread-safe. */
void queue_close(struct queue *q);

#endif
