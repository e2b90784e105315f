/*
 * stage.c: a fixed pool of threads draining a bounded queue of CPU stages.
 */
#include "stage.h"

#include "exec.h"
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct stage_pool {
    const struct tasks *tasks;
    struct task_result *results;
    void              **jobs; /* jobs[i] waits while the queue carries i */
    struct queue        queue;
    pthread_t          *threads;
    unsigned            started;
};

static void *stage_main(void *arg)
{
    struct stage_pool  *sp = arg;
    const struct tasks *t  = sp->tasks;
    size_t              i;
    /* Keep draining after a stop request, dropping instead of running:
     * the loop may be blocked in stage_submit, waiting for room. */
    while (queue_pop(&sp->queue, &i) == 0) {
        void *job   = sp->jobs[i];
        sp->jobs[i] = NULL;
        if (exec_stopping()) {
            t->ops->drop_job(t->ctx, job);
            sp->results[i] = (struct task_result){.done = 1, .err = TASK_INTERRUPTED};
        } else {
            t->ops->run_job(t->ctx, job, &sp->results[i]);
        }
    }
    return NULL;
}

int stage_pool_start(struct stage_pool **out, const struct tasks *t, struct task_result *results,
                     unsigned nthreads, unsigned bound)
{
    struct stage_pool *sp = calloc(1, sizeof(*sp));
    if (sp == NULL)
        return -ENOMEM;
    *sp         = (struct stage_pool){.tasks = t, .results = results};
    sp->jobs    = calloc(t->n ? t->n : 1, sizeof(*sp->jobs));
    sp->threads = calloc(nthreads, sizeof(*sp->threads));
    int rc      = -ENOMEM;
    if (sp->jobs == NULL || sp->threads == NULL || (rc = queue_init(&sp->queue, bound)) != 0)
        goto fail;
    for (; sp->started < nthreads; sp->started++)
        if ((rc = -pthread_create(&sp->threads[sp->started], NULL, stage_main, sp)) != 0)
            break;
    if (sp->started > 0) {
        *out = sp;
        return 0;
    }
    queue_destroy(&sp->queue);
fail:
    free(sp->threads);
    free(sp->jobs);
    free(sp);
    return rc;
}

void stage_submit(void *arg, size_t i, void *job)
{
    struct stage_pool *sp = arg;
    sp->jobs[i]           = job;
    if (queue_push(&sp->queue, i) != 0) { /* closed: cannot happen before finish */
        sp->jobs[i] = NULL;
        sp->tasks->ops->run_job(sp->tasks->ctx, job, &sp->results[i]);
    }
}

void stage_pool_finish(struct stage_pool *sp, struct stats *st)
{
    queue_close(&sp->queue);
    for (unsigned k = 0; k < sp->started; k++)
        pthread_join(sp->threads[k], NULL);
    stats_set(st, "stage_waiting_max", (double)sp->queue.high_water, NULL);
    stats_set(st, "stage_full_waits", (double)sp->queue.full_waits, NULL);
    queue_destroy(&sp->queue);
    free(sp->threads);
    free(sp->jobs);
    free(sp);
}
