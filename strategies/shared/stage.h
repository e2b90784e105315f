/*
 * stage.h: handing CPU stages from an event loop to a pool of threads,
 * as asyncio's loop.run_in_executor() does. Why it is shared: it is the
 * half of a hybrid model that is not an event loop; hybrid.c pairs it with
 * the eventloop strategy, and any other loop-plus-workers model would.
 *
 * The loop thread submits task i's job; a pool thread runs it to the
 * task's end (ops->run_job). At most `bound` jobs wait for a thread:
 * submitting more blocks the loop, so it starts no new transfer while the
 * pool is behind, and finished downloads never pile up in memory.
 *
 * Thread-safety: stage_submit from one thread (the loop) at a time.
 */
#ifndef CONCBENCH_STAGE_H
#define CONCBENCH_STAGE_H

#include "strategy.h"

#include <stddef.h>

struct stage_pool;

/* Start nthreads pool threads for t's CPU stages, writing into results.
 * Returns 0 or -errno. */
int stage_pool_start(struct stage_pool **sp, const struct tasks *t, struct task_result *results,
                     unsigned nthreads, unsigned bound);

/* Queue task i's job, blocking while bound jobs already wait. The
 * signature of strategy_hooks.stage: pass the pool as its arg. */
void stage_submit(void *sp, size_t i, void *job);

/* Let the threads drain what is queued (after a stop request they drop
 * jobs instead of running them), join them, record in st how full the
 * queue got (stage_waiting_max) and how often the loop waited for room
 * (stage_full_waits), and free the pool. */
void stage_pool_finish(struct stage_pool *sp, struct stats *st);

#endif
