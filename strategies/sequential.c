/*
 * sequential.c: the baseline. One loop, one worker state (one reused easy
 * handle), one task after another, in order:
 *
 *     for i in 0 .. n-1:  run task i
 *
 * Every speedup is taken against this strategy; it ignores --workers. A
 * stop request (SIGINT, SIGTERM) is noticed between tasks; a transfer in
 * progress is aborted by libcurl's progress callback (common/fetch.c).
 */
#include "strategy.h"

#include "exec.h"
#include "util.h"

#include <string.h>

static int sequential_run(const struct strategy_run *r)
{
    const struct tasks *t = r->tasks;
    void               *w;
    int                 rc = tasks_worker_init(t, &w);
    if (rc != 0)
        return errc(rc, r->err, r->errsz, "unable to set up the worker: %s", strerror(-rc));

    for (size_t i = 0; i < t->n && !exec_stopping(); i++)
        t->ops->run(t->ctx, w, i, &r->results[i]);

    tasks_worker_fini(t, w);
    return 0;
}

STRATEGY(sequential) = {
    .name        = CB_PLUGIN_NAME, /* "sequential": the file's name */
    .course  = "for loop",
    .summary     = "one loop, one task at a time, one reused connection",
    .limits      = "ignores --workers; always 1",
    .caps        = CAP_SHARED_MEMORY | CAP_BASELINE,
    .max_workers = 1,
    .order       = 0,
    .color       = "#555555",
    .run         = sequential_run,
};
