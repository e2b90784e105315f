/*
 * strategy.h: the interface every concurrency model implements.
 *
 * A strategy schedules a workload's tasks and nothing else: it decides who
 * runs task i and when, calls the workload's hooks, and stores each task's
 * struct task_result in results[i]. It never learns what a task is. The
 * runner times the call to run() and merges the results.
 *
 * Each strategy file defines exactly one `const struct strategy` and keeps
 * everything else static; registry.c lists them.
 */
#ifndef CONCBENCH_STRATEGY_H
#define CONCBENCH_STRATEGY_H

#include "workload.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct strategy_opts {
    unsigned workers;            /* threads, processes or transfers in flight (>= 1) */
    uint64_t switch_interval_ns; /* gil: how long a waiter waits before asking */
    cJSON   *json;               /* a strategy may add its own result fields */
};

/* Capabilities. */
#define STRATEGY_SHARED_MEMORY 0x1u /* workers share the address space */

struct strategy {
    const char *name;
    const char *summary;
    /* What this model cannot do or how it bends the rules, recorded in
     * every result. */
    const char *limits;
    /* Most workers the model can use (0: no limit); the runner clamps to
     * it and records the number actually used. */
    unsigned max_workers;
    unsigned flags; /* STRATEGY_* capabilities */

    /* Run every task of wl once. results has count() zeroed entries; a task
     * left with done == 0 is reported failed. Returns 0 when every task was
     * scheduled (tasks may still have failed), or a negative errno with a
     * message in err when the strategy itself could not run (no threads,
     * no fork). */
    int (*run)(const struct workload *wl, void *ctx, const struct strategy_opts *o,
               struct task_result *results, char *err, size_t errsz);
};

extern const struct strategy strategy_sequential;
extern const struct strategy strategy_threads;
extern const struct strategy strategy_procs;
extern const struct strategy strategy_eventloop;
extern const struct strategy strategy_gil;
extern const struct strategy strategy_hybrid;

/* NULL-terminated list of every strategy. */
extern const struct strategy *const strategies[];

/* The strategy called name, or NULL. */
const struct strategy *strategy_find(const char *name);

#endif
