/*
 * pool.c: the thread pool shared by the threads, gil and hybrid strategies.
 */
#include "pool.h"

#include "exec.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pool_thread {
    struct pool *pool;
    pthread_t    thread;
    unsigned     id;
    int          init_rc;
};

/* Next item: without blocking when one is ready, else blocked, and marked
 * as such for the exec hooks. */
static int next_item(struct pool *p, size_t *i)
{
    int rc = queue_trypop(&p->queue, i);
    if (rc != -EAGAIN)
        return rc;
    exec_blocking_begin();
    rc = queue_pop(&p->queue, i);
    exec_blocking_end();
    return rc;
}

static void *pool_thread_main(void *arg)
{
    struct pool_thread *self = arg;
    struct pool *p = self->pool;
    void *state = NULL;
    size_t i;

    self->init_rc = p->ops->thread_init ? p->ops->thread_init(p->arg, self->id, &state) : 0;
    if (self->init_rc != 0) {
        /* Keep draining so the submitter never blocks on a full queue. */
        while (queue_pop(&p->queue, &i) == 0)
            p->ops->item_failed(p->arg, i);
        return NULL;
    }
    while (!exec_stopping() && next_item(p, &i) == 0)
        p->ops->item(p->arg, state, i);
    if (p->ops->thread_fini)
        p->ops->thread_fini(p->arg, state);
    return NULL;
}

int pool_start(struct pool *p, unsigned nthreads, size_t queue_cap, const struct pool_ops *ops,
               void *arg)
{
    *p = (struct pool){.ops = ops, .arg = arg};
    int rc = queue_init(&p->queue, queue_cap ? queue_cap : 1);
    if (rc != 0)
        return rc;
    p->threads = calloc(nthreads ? nthreads : 1, sizeof(*p->threads));
    if (p->threads == NULL) {
        queue_destroy(&p->queue);
        return -ENOMEM;
    }
    for (; p->started < nthreads; p->started++) {
        struct pool_thread *t = &p->threads[p->started];
        *t = (struct pool_thread){.pool = p, .id = p->started};
        rc = -pthread_create(&t->thread, NULL, pool_thread_main, t);
        if (rc != 0)
            break; /* run with the threads we have */
    }
    if (p->started == 0) {
        free(p->threads);
        queue_destroy(&p->queue);
        return rc;
    }
    return 0;
}

int pool_submit(struct pool *p, size_t i)
{
    return queue_push(&p->queue, i);
}

unsigned pool_finish(struct pool *p)
{
    unsigned ready = 0;
    queue_close(&p->queue);
    for (unsigned k = 0; k < p->started; k++) {
        pthread_join(p->threads[k].thread, NULL);
        ready += p->threads[k].init_rc == 0;
    }
    free(p->threads);
    queue_destroy(&p->queue);
    return ready;
}

/* The task pool: items are task indices of a workload. */
struct task_pool {
    const struct workload          *wl;
    void                           *ctx;
    struct task_result             *results;
    const struct pool_thread_hooks *hooks;
};

struct task_thread {
    void    *w;
    unsigned id;
};

static int task_thread_init(void *arg, unsigned id, void **state)
{
    struct task_pool *tp = arg;
    struct task_thread *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    t->id = id;
    if (tp->hooks && tp->hooks->enter)
        tp->hooks->enter(tp->hooks->arg, id);
    int rc = workload_worker_init(tp->wl, tp->ctx, &t->w);
    if (rc != 0) {
        if (tp->hooks && tp->hooks->leave)
            tp->hooks->leave(tp->hooks->arg, id);
        free(t);
        return rc;
    }
    *state = t;
    return 0;
}

static void task_thread_fini(void *arg, void *state)
{
    struct task_pool *tp = arg;
    struct task_thread *t = state;
    workload_worker_fini(tp->wl, tp->ctx, t->w);
    if (tp->hooks && tp->hooks->leave)
        tp->hooks->leave(tp->hooks->arg, t->id);
    free(t);
}

static void task_item(void *arg, void *state, size_t i)
{
    struct task_pool *tp = arg;
    tp->wl->run(tp->ctx, ((struct task_thread *)state)->w, i, &tp->results[i]);
}

static void task_failed(void *arg, size_t i)
{
    struct task_pool *tp = arg;
    tp->results[i] = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
}

static const struct pool_ops task_ops = {
    .thread_init = task_thread_init,
    .thread_fini = task_thread_fini,
    .item        = task_item,
    .item_failed = task_failed,
};

/* The queue holds up to this many task indices: enough that the feeder
 * rarely blocks, so a worker finishing a task does not have to wake the
 * feeder to get the next one (a context switch per task would dominate
 * small tasks). */
#define TASK_QUEUE_CAP 65536

int pool_run_tasks(const struct workload *wl, void *ctx, struct task_result *results,
                   unsigned nthreads, const struct pool_thread_hooks *hooks, char *err,
                   size_t errsz)
{
    struct task_pool tp = {.wl = wl, .ctx = ctx, .results = results, .hooks = hooks};
    struct pool p;
    size_t n = wl->count(ctx);
    int rc = pool_start(&p, nthreads, n < TASK_QUEUE_CAP ? n : TASK_QUEUE_CAP, &task_ops, &tp);
    if (rc != 0)
        return errf(err, errsz, "unable to start threads: %s", strerror(-rc)), rc;
    for (size_t i = 0; i < n && !exec_stopping(); i++)
        pool_submit(&p, i);
    if (pool_finish(&p) == 0)
        return errf(err, errsz, "no worker thread could set up its state");
    return 0;
}
