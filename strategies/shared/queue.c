/*
 * queue.c: bounded MPMC queue (ring buffer under one mutex).
 */
#include "queue.h"

#include <errno.h>
#include <stdlib.h>

int queue_init(struct queue *q, size_t cap)
{
    if (cap == 0)
        return -EINVAL;
    q->items = calloc(cap, sizeof(*q->items));
    if (q->items == NULL)
        return -ENOMEM;
    q->cap        = cap;
    q->head       = 0;
    q->len        = 0;
    q->closed     = 0;
    q->high_water = q->full_waits = 0;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void queue_destroy(struct queue *q)
{
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q->items);
    q->items = NULL;
}

int queue_push(struct queue *q, size_t item)
{
    pthread_mutex_lock(&q->lock);
    q->full_waits += q->len == q->cap && !q->closed;
    while (q->len == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        return -EPIPE;
    }
    q->items[(q->head + q->len) % q->cap] = item;
    q->len++;
    if (q->len > q->high_water)
        q->high_water = q->len;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

/* Take the head; q->lock held and q->len > 0. */
static size_t take_locked(struct queue *q)
{
    size_t item = q->items[q->head];
    q->head     = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
    return item;
}

int queue_pop(struct queue *q, size_t *item)
{
    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->lock);
    int rc = q->len > 0 ? 0 : -EPIPE;
    if (rc == 0)
        *item = take_locked(q);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int queue_trypop(struct queue *q, size_t *item)
{
    pthread_mutex_lock(&q->lock);
    int rc = q->len > 0 ? 0 : q->closed ? -EPIPE : -EAGAIN;
    if (rc == 0)
        *item = take_locked(q);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}
