/*
 * threads.c: a pool of POSIX threads pulling task indices from a bounded
 * queue.
 *
 * The main thread creates --workers threads, then feeds every task index
 * into the queue and closes it. The queue holds up to QUEUE_CAP indices:
 * enough that the feeder rarely blocks, so a worker finishing a task does
 * not have to wake the feeder to get the next one (a context switch per
 * task, which would dominate small tasks). Each worker sets up its own state once (its
 * own easy handle, reused for every transfer it makes), pops indices until
 * the queue is closed and empty, and writes each result into its task's own
 * slot of the results array. Nothing is shared in the hot path but the
 * queue; the merge happens after every thread has been joined.
 *
 * In C these threads run truly in parallel, on I/O and on CPU work alike:
 * this is the pool Python's threads would be without the GIL.
 */
#include "strategy.h"

#include "queue.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_CAP 65536

struct pool {
    const struct workload *wl;
    void                  *ctx;
    struct task_result    *results;
    struct queue           queue;
};

struct worker {
    struct pool *pool;
    pthread_t    thread;
    int          init_rc;
};

static void *worker_main(void *arg)
{
    struct worker *self = arg;
    struct pool *p = self->pool;
    void *w;
    size_t i;

    self->init_rc = workload_worker_init(p->wl, p->ctx, &w);
    if (self->init_rc != 0) {
        /* Keep draining so the feeder never blocks on a full queue; what
         * this worker takes is reported failed. */
        while (queue_pop(&p->queue, &i) == 0)
            p->results[i] = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
        return NULL;
    }
    while (queue_pop(&p->queue, &i) == 0)
        p->wl->run(p->ctx, w, i, &p->results[i]);
    workload_worker_fini(p->wl, p->ctx, w);
    return NULL;
}

static int threads_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                       struct task_result *results, char *err, size_t errsz)
{
    struct pool p = {.wl = wl, .ctx = ctx, .results = results};
    size_t n = wl->count(ctx);
    unsigned started = 0, ready = 0;
    int rc = queue_init(&p.queue, n == 0 ? 1 : n < QUEUE_CAP ? n : QUEUE_CAP);
    if (rc != 0)
        return errf(err, errsz, "unable to create the task queue"), rc;

    struct worker *workers = calloc(o->workers, sizeof(*workers));
    if (workers == NULL) {
        rc = errf(err, errsz, "out of memory");
        goto done;
    }
    for (; started < o->workers; started++) {
        workers[started].pool = &p;
        rc = -pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]);
        if (rc != 0) {
            errf(err, errsz, "unable to start thread %u: %s", started, strerror(-rc));
            break;
        }
    }
    /* Feed the queue (blocking while it is full), then let the pool drain
     * it. With no thread started, close at once instead of blocking. */
    for (size_t i = 0; started > 0 && rc == 0 && i < n; i++)
        queue_push(&p.queue, i);
    queue_close(&p.queue);
    for (unsigned k = 0; k < started; k++) {
        pthread_join(workers[k].thread, NULL);
        ready += workers[k].init_rc == 0;
    }
    if (rc == 0 && ready == 0)
        rc = errf(err, errsz, "no worker could set up its state");
done:
    free(workers);
    queue_destroy(&p.queue);
    return rc;
}

const struct strategy strategy_threads = {
    .name    = "threads",
    .summary = "N pthreads pulling tasks from a bounded queue, one reused connection each",
    .limits  = "one easy handle per thread; results merged after join",
    .run     = threads_run,
};
