/*
 * hybrid.c: an event loop for the waiting, a thread pool for the work.
 *
 * The C version of asyncio with loop.run_in_executor(): one thread drives
 * every transfer through the event loop (common/evloop.c, --workers in
 * flight), and when a download needs CPU work afterwards (the mixed
 * workload's transform) the loop detaches the body and hands it to a pool
 * of one thread per core (common/pool.c). The loop never computes, so it
 * keeps the network busy; the pool never waits, so the cores stay busy.
 *
 * Plain downloads (io) have no CPU stage: the pool idles and this is the
 * event loop. Pure CPU work (cpu) has no transfers: the pool runs the tasks
 * and this is the threads strategy with one thread per core.
 */
#include "strategy.h"

#include "evloop.h"
#include "pool.h"
#include "sysinfo.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Jobs wait in jobs[i] while the pool's queue carries i. */
struct stage_pool {
    const struct workload *wl;
    void                  *ctx;
    struct task_result    *results;
    void                 **jobs;
    struct pool            pool;
};

static void stage_item(void *arg, void *state, size_t i)
{
    (void)state;
    struct stage_pool *sp = arg;
    sp->wl->run_job(sp->ctx, sp->jobs[i], &sp->results[i]);
    sp->jobs[i] = NULL;
}

static const struct pool_ops stage_ops = {.item = stage_item};

/* Called on the loop thread: queue the job for the pool. */
static void stage_submit(void *arg, size_t i, void *job)
{
    struct stage_pool *sp = arg;
    sp->jobs[i] = job;
    if (pool_submit(&sp->pool, i) != 0)
        stage_item(sp, NULL, i); /* cannot happen before pool_finish; run it here */
}

static int hybrid_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                      struct task_result *results, char *err, size_t errsz)
{
    unsigned cores = (unsigned)sysinfo_cores();
    if (wl->start == NULL)
        return pool_run_tasks(wl, ctx, results, cores, NULL, err, errsz);
    if (wl->take_job == NULL)
        return evloop_run_tasks(wl, ctx, results, o->workers, NULL, err, errsz);

    size_t n = wl->count(ctx);
    struct stage_pool sp = {.wl = wl, .ctx = ctx, .results = results,
                            .jobs = calloc(n ? n : 1, sizeof(void *))};
    if (sp.jobs == NULL)
        return errf(err, errsz, "out of memory");
    int rc = pool_start(&sp.pool, cores, n ? n : 1, &stage_ops, &sp);
    if (rc != 0) {
        free(sp.jobs);
        return errf(err, errsz, "unable to start the stage pool: %s", strerror(-rc)), rc;
    }
    struct evloop_stage stage = {stage_submit, &sp};
    rc = evloop_run_tasks(wl, ctx, results, o->workers, &stage, err, errsz);
    pool_finish(&sp.pool); /* the pool drains every queued stage first */
    for (size_t i = 0; i < n; i++) /* left behind by a stop request */
        if (sp.jobs[i] != NULL)
            wl->drop_job(ctx, sp.jobs[i]);
    free(sp.jobs);
    if (o->json != NULL)
        cJSON_AddNumberToObject(o->json, "pool_threads", cores);
    return rc;
}

const struct strategy strategy_hybrid = {
    .name    = "hybrid",
    .summary = "event loop for the transfers + a pool of one thread per core for CPU stages",
    .limits  = "at most --workers transfers in flight; CPU stages on a pool of one thread per "
               "core; cpu tasks run on that pool",
    .flags   = STRATEGY_SHARED_MEMORY,
    .run     = hybrid_run,
};
