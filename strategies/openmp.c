/*
 * openmp.c: the canonical C answer for a loop of independent tasks:
 *
 *     #pragma omp parallel for schedule(dynamic)
 *     for (i = 0; i < n; i++)
 *         run task i;
 *
 * The compiler and libgomp do what threads.c spells out by hand: a team
 * of --workers threads, each taking the next iteration when it is free
 * (dynamic, one at a time), and an implicit barrier at the end of the
 * loop. Each thread sets up its own worker state (one reused easy handle
 * for downloads) before its first task. `--schedule static` deals the
 * iterations out as contiguous blocks up front instead, as Pool.map does.
 *
 * An OpenMP loop cannot be left early, so after a stop request the
 * remaining iterations are skipped, not run: they are reported
 * interrupted.
 *
 * build: openmp
 */
#include "strategy.h"

#include "exec.h"
#include "shared/schedule.h"

#include <omp.h>
#include <stddef.h>

struct openmp_opts {
    unsigned schedule; /* enum schedule */
};

static const struct opt openmp_options[] = {
    SCHEDULE_OPTION(struct openmp_opts, schedule),
    OPT_END,
};

static int openmp_run(const struct strategy_run *r)
{
    const struct openmp_opts *o = r->opts;
    const struct tasks       *t = r->tasks;
    long                      n = (long)t->n;

    omp_set_dynamic(0); /* exactly --workers threads */
    omp_set_schedule(o->schedule == SCHEDULE_STATIC ? omp_sched_static : omp_sched_dynamic,
                     o->schedule == SCHEDULE_STATIC ? 0 : 1);
#pragma omp parallel num_threads((int)r->workers)
    {
        unsigned id = (unsigned)omp_get_thread_num();
        void    *w  = NULL;
        int      ok = tasks_worker_init(t, &w) == 0;
#pragma omp for schedule(runtime)
        for (long i = 0; i < n; i++) {
            if (exec_stopping())
                continue; /* left for the runner to report interrupted */
            if (!ok) {
                r->results[i] = (struct task_result){.done = 1, .err = TASK_LOST, .worker = id};
                continue;
            }
            t->ops->run(t->ctx, w, (size_t)i, &r->results[i]);
            r->results[i].worker = id;
        }
        if (ok)
            tasks_worker_fini(t, w);
    }
    return 0;
}

STRATEGY(openmp) = {
    .name      = CB_PLUGIN_NAME, /* "openmp": the file's name */
    .course  = "prange, parallel for",
    .summary   = "#pragma omp parallel for schedule(dynamic) over the tasks (libgomp)",
    .limits    = "one easy handle per OpenMP thread; a stop skips the remaining iterations; "
                 "left out of the ThreadSanitizer build (libgomp is not instrumented)",
    .caps      = CAP_SHARED_MEMORY | CAP_PARALLEL,
    .order     = 15,
    .color     = "#56b4e9",
    .options   = openmp_options,
    .opts_size = sizeof(struct openmp_opts),
    .run       = openmp_run,
};
