/*
 * threads.c: a pool of POSIX threads pulling task indices from a queue.
 *
 *     main thread                      worker threads (--workers of them)
 *     -----------                      ----------------------------------
 *     push a first task for each       set up my worker state (my own
 *       thread into the queue          reused easy handle)
 *     pthread_create x N        --->   loop: pop an index, run that task,
 *     push the rest, close the               write its result into its
 *       queue                                own slot of results[]
 *     pthread_join x N                 until the queue is closed and empty
 *
 * Nothing is shared in the hot path but the queue (one mutex, two
 * condition variables: strategies/shared/queue.c); every task writes only
 * its own result, so merging needs no lock: it happens after the joins.
 * Whichever thread is free takes the next task (dynamic balancing).
 *
 * `--schedule static` deals the tasks out instead as contiguous blocks, one
 * per thread, as OpenMP's schedule(static) does and much as Pool.map's
 * chunks: the queue then carries block numbers, and a thread that draws a
 * block of slow tasks finishes last while the others wait (the tail the
 * timeline shows).
 *
 * In C these threads run truly in parallel, on I/O and CPU work alike:
 * this is the pool Python's threads would be without the GIL (gil.c runs
 * this same pool under an emulated global interpreter lock).
 */
#include "strategy.h"

#include "exec.h"
#include "shared/queue.h"
#include "shared/schedule.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct threads_opts {
    unsigned schedule; /* enum schedule */
};

static const struct opt threads_options[] = {
    SCHEDULE_OPTION(struct threads_opts, schedule),
    OPT_END,
};

struct pool {
    const struct strategy_run *run;
    struct queue               queue;  /* task indices, or block numbers (static) */
    size_t                     blocks; /* static: how many blocks; 0: dynamic */
    /* Workers that could set up their state (a connection, a buffer) and
     * those that could not; how many threads started (UINT_MAX until the
     * pool knows). */
    atomic_uint ready, failed, started;
};

struct worker {
    struct pool *pool;
    pthread_t    thread;
    unsigned     id;
};

/* The queue holds up to this many indices: enough that the feeder rarely
 * blocks, so a worker finishing a task does not have to wake the feeder
 * for the next one (a context switch per task would dominate small tasks). */
#define QUEUE_CAP 65536

/* Next task index. A worker about to wait for work says so (exec.h): a
 * thread holding an emulated interpreter lock lets go of it meanwhile. */
static int next_task(struct queue *q, size_t *i)
{
    int rc = queue_trypop(q, i);
    if (rc != -EAGAIN)
        return rc;
    exec_blocking_begin();
    rc = queue_pop(q, i);
    exec_blocking_end();
    return rc;
}

/* The tasks item i of the queue stands for: task i, or block i of the
 * static schedule. Read after the pop that handed out i, which orders it
 * after the feeder set blocks. */
static void task_span(const struct pool *p, size_t i, size_t *lo, size_t *hi)
{
    size_t n = p->run->tasks->n, b = p->blocks;
    *lo = b ? i * n / b : i;
    *hi = b ? (i + 1) * n / b : i + 1;
}

static void *worker_main(void *arg)
{
    struct worker               *self = arg;
    const struct strategy_run   *r    = self->pool->run;
    const struct tasks          *t    = r->tasks;
    const struct strategy_hooks *h    = r->hooks;
    void                        *w;
    size_t                       i;

    if (h && h->worker_enter)
        h->worker_enter(h->arg, self->id);
    struct pool *pool = self->pool;
    if (tasks_worker_init(t, &w) != 0) {
        /* No state, no work. Leave the tasks to the threads that could set
         * up: wait until every thread has said how it went, and go. Only
         * when none could does this one drain the queue, marking what it
         * takes lost, so the feeder never blocks on a full queue. */
        atomic_fetch_add(&pool->failed, 1);
        while (atomic_load(&pool->ready) == 0 &&
               atomic_load(&pool->ready) + atomic_load(&pool->failed) < atomic_load(&pool->started))
            usleep(200);
        size_t lo, hi;
        while (atomic_load(&pool->ready) == 0 && next_task(&pool->queue, &i) == 0)
            for (task_span(pool, i, &lo, &hi); lo < hi; lo++)
                r->results[lo] =
                    (struct task_result){.done = 1, .err = TASK_LOST, .worker = self->id};
    } else {
        atomic_fetch_add(&pool->ready, 1);
        size_t lo, hi;
        while (!exec_stopping() && next_task(&self->pool->queue, &i) == 0) {
            for (task_span(self->pool, i, &lo, &hi); lo < hi && !exec_stopping(); lo++) {
                t->ops->run(t->ctx, w, lo, &r->results[lo]);
                r->results[lo].worker = self->id;
            }
        }
        tasks_worker_fini(t, w);
    }
    if (h && h->worker_leave)
        h->worker_leave(h->arg, self->id);
    return NULL;
}

static int threads_run(const struct strategy_run *r)
{
    const struct threads_opts *o       = r->opts;
    size_t                     n       = r->tasks->n;
    size_t                     cap     = n < QUEUE_CAP ? n + 1 : QUEUE_CAP;
    struct pool                pool    = {.run = r, .started = UINT_MAX};
    struct worker             *workers = calloc(r->workers, sizeof(*workers));
    unsigned                   started = 0;
    size_t                     pushed  = 0;
    int                        rc      = -ENOMEM;

    if (workers == NULL || (rc = queue_init(&pool.queue, cap)) != 0) {
        free(workers);
        return errc(rc, r->err, r->errsz, "out of memory");
    }
    /* Dynamic: a first task for every thread goes in before the threads
     * start, so the first threads work while the others are being created
     * (a thread costs 0.1-0.2 ms to start here: 50 of them held every task
     * back by ~9 ms). No more than that: pushing thousands of chunks first
     * would hold back the threads instead. The rest follows below. */
    int dynamic = o == NULL || o->schedule != SCHEDULE_STATIC;
    for (; dynamic && pushed < n && pushed < cap && pushed < r->workers; pushed++)
        queue_push(&pool.queue, pushed);
    for (; started < r->workers; started++) {
        workers[started] = (struct worker){.pool = &pool, .id = started};
        rc = -pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]);
        if (rc != 0)
            break; /* run with the threads we have */
    }
    atomic_store(&pool.started, started); /* a thread that could not set up may decide now */
    if (started > 0) {
        rc = 0;
        if (!dynamic)
            pool.blocks = started < n ? started : n; /* one block per thread that started */
        size_t items = pool.blocks ? pool.blocks : n;
        for (; pushed < items && !exec_stopping(); pushed++)
            queue_push(&pool.queue, pushed);
    } else {
        errc(rc, r->err, r->errsz, "unable to start a thread: %s", strerror(-rc));
    }
    queue_close(&pool.queue); /* the workers drain it, then return */
    for (unsigned k = 0; k < started; k++)
        pthread_join(workers[k].thread, NULL);
    queue_destroy(&pool.queue);
    free(workers);
    unsigned failed = atomic_load(&pool.failed);
    if (failed > 0) /* said in the summary, not only in the lost count */
        stats_set(r->stats, "workers_failed", failed,
                  "worker(s) could not set up (out of memory or descriptors?): the others did "
                  "their tasks");
    return rc;
}

STRATEGY(threads) = {
    .name      = CB_PLUGIN_NAME, /* "threads": the file's name */
    .course  = "ThreadPoolExecutor, threading, Queue",
    .summary   = "N pthreads pulling tasks from a bounded queue, one reused connection each",
    .limits    = "one easy handle per thread; results merged after join",
    .caps      = CAP_SHARED_MEMORY | CAP_PARALLEL,
    .order     = 10,
    .color     = "#0072b2",
    .options   = threads_options,
    .opts_size = sizeof(struct threads_opts),
    .run       = threads_run,
};
