/*
 * hybrid.c: an event loop for the waiting, a thread pool for the work.
 *
 * The C version of asyncio with loop.run_in_executor(): one thread drives
 * every transfer (the eventloop strategy, --workers in flight), and when a
 * download needs CPU work afterwards (the mixed workload's transform) the
 * loop detaches it and hands it to a pool of one thread per core
 * (strategies/shared/stage.c). The loop never computes, so it keeps the
 * network busy; the pool never waits, so the cores stay busy. At most two
 * finished downloads per pool thread wait for the pool: beyond that the
 * loop waits too, and starts no new transfer (backpressure).
 *
 * Plain downloads (io) have no CPU stage: the pool is not started and
 * this is the event loop. Pure CPU work (cpu) has no transfers: this is
 * the threads strategy, with --workers threads up to one per core.
 */
#include "strategy.h"

#include "shared/stage.h"
#include "sysinfo.h"
#include "util.h"

#include <string.h>

#define WAITING_PER_THREAD 2

static int hybrid_run(const struct strategy_run *r)
{
    const struct tasks *t     = r->tasks;
    unsigned            cores = (unsigned)sysinfo_cores();
    if (t->ops->async_start == NULL) {
        unsigned n = r->workers < cores ? r->workers : cores;
        stats_set(r->stats, "pool_threads", n, NULL);
        return strategy_run_by_name("threads", r, n, NULL);
    }
    stats_set(r->stats, "pool_threads", t->ops->take_job ? cores : 0, NULL);
    if (t->ops->take_job == NULL)
        return strategy_run_by_name("eventloop", r, r->workers, NULL);

    struct stage_pool *sp;
    int                rc = stage_pool_start(&sp, t, r->results, cores, cores * WAITING_PER_THREAD);
    if (rc != 0)
        return errc(rc, r->err, r->errsz, "unable to start the stage pool: %s", strerror(-rc));
    struct strategy_hooks hooks = {.stage = stage_submit, .arg = sp};
    rc                          = strategy_run_by_name("eventloop", r, r->workers, &hooks);
    stage_pool_finish(sp, r->stats); /* the pool drains every queued stage first */
    return rc;
}

STRATEGY(hybrid) = {
    .name    = CB_PLUGIN_NAME, /* "hybrid": the file's name */
    .course  = "run_in_executor",
    .summary = "event loop for the transfers + a pool of one thread per core for CPU stages",
    .limits  = "at most --workers transfers in flight; CPU stages on a pool of one thread per "
               "core, at most 2 per thread waiting; cpu tasks run on min(--workers, cores) "
               "threads",
    .caps    = CAP_SHARED_MEMORY | CAP_PARALLEL | CAP_ASYNC,
    .order   = 50,
    .color   = "#e69f00",
    .run     = hybrid_run,
};
