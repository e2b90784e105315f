/*
 * sequential.c: the baseline. One loop, one worker state (one reused easy
 * handle), one task after another. Every other strategy is measured
 * against this one; it ignores --workers.
 */
#include "strategy.h"

#include "util.h"

#include <string.h>

static int sequential_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                          struct task_result *results, char *err, size_t errsz)
{
    (void)o;
    void *w;
    int rc = workload_worker_init(wl, ctx, &w);
    if (rc != 0)
        return errf(err, errsz, "unable to set up the worker: %s", strerror(-rc)), rc;

    size_t n = wl->count(ctx);
    for (size_t i = 0; i < n; i++)
        wl->run(ctx, w, i, &results[i]);

    workload_worker_fini(wl, ctx, w);
    return 0;
}

const struct strategy strategy_sequential = {
    .name    = "sequential",
    .summary = "one loop, one task at a time, one reused connection",
    .limits  = "ignores --workers; always 1",
    .max_workers = 1,
    .flags   = STRATEGY_SHARED_MEMORY,
    .run     = sequential_run,
};
