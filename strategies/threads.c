/*
 * threads.c: a pool of POSIX threads pulling task indices from a bounded
 * queue.
 *
 * The main thread starts --workers threads (common/pool.c), feeds every
 * task index into the queue and closes it. Each thread sets up its own
 * worker state once (its own easy handle, reused for every transfer it
 * makes), pops indices until the queue is closed and empty, and writes each
 * result into its task's own slot of the results array. Nothing is shared
 * in the hot path but the queue; the merge happens after every thread has
 * been joined.
 *
 * In C these threads run truly in parallel, on I/O and on CPU work alike:
 * this is the pool Python's threads would be without the GIL (compare
 * gil.c, the same pool under an emulated global interpreter lock).
 */
#include "strategy.h"

#include "pool.h"

static int threads_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                       struct task_result *results, char *err, size_t errsz)
{
    return pool_run_tasks(wl, ctx, results, o->workers, NULL, err, errsz);
}

const struct strategy strategy_threads = {
    .name    = "threads",
    .summary = "N pthreads pulling tasks from a bounded queue, one reused connection each",
    .limits  = "one easy handle per thread; results merged after join",
    .flags   = STRATEGY_SHARED_MEMORY,
    .run     = threads_run,
};
