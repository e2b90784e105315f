/*
 * sequential.c: the baseline. One loop, one worker state (one reused easy
 * handle), one task after another. Every other strategy is measured
 * against this one; it ignores --workers.
 */
#include "strategy.h"


static int sequential_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                          struct task_result *results, char *err, size_t errsz)
{
    (void)o;
    return workload_run_inline(wl, ctx, results, err, errsz);
}

const struct strategy strategy_sequential = {
    .name    = "sequential",
    .summary = "one loop, one task at a time, one reused connection",
    .limits  = "ignores --workers; always 1",
    .max_workers = 1,
    .flags   = STRATEGY_SHARED_MEMORY,
    .run     = sequential_run,
};
