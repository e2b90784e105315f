/*
 * pool.h: a fixed pool of POSIX threads running numbered items from a
 * bounded queue.
 *
 * The caller starts the pool, submits item numbers (task indices, job
 * indices), then finishes it: the queue closes, the threads drain it and
 * are joined. What an item means is the ops' business: the threads
 * strategy runs workload tasks, the gil strategy the same under a global
 * lock, the hybrid strategy the CPU stage of finished downloads.
 *
 * A thread waiting for work is blocked, and says so through
 * exec_blocking_begin/end (exec.h): a thread holding an emulated
 * interpreter lock lets go of it while it waits.
 *
 * Thread-safety: pool_submit may be called from one thread at a time
 * (the one that started the pool); ops run on the pool's threads.
 */
#ifndef CONCBENCH_POOL_H
#define CONCBENCH_POOL_H

#include "queue.h"
#include "workload.h"

#include <pthread.h>
#include <stddef.h>

struct pool_ops {
    /* On each pool thread before its first item. Optional. Non-zero: the
     * thread takes no part, and items it drains go to item_failed. */
    int (*thread_init)(void *arg, unsigned id, void **state);
    void (*thread_fini)(void *arg, void *state);
    void (*item)(void *arg, void *state, size_t i);
    /* An item taken by a thread whose init failed; required with
     * thread_init. */
    void (*item_failed)(void *arg, size_t i);
};

struct pool_thread;

struct pool {
    const struct pool_ops *ops;
    void                  *arg;
    struct queue           queue;
    struct pool_thread    *threads;
    unsigned               started;
};

/* Start nthreads threads over a queue of up to queue_cap items. Returns 0,
 * or -errno when no thread could start (then nothing is left running). */
int pool_start(struct pool *p, unsigned nthreads, size_t queue_cap, const struct pool_ops *ops,
               void *arg);

/* Queue item i, blocking while the queue is full. Returns 0 or -EPIPE. */
int pool_submit(struct pool *p, size_t i);

/* Close the queue, let the threads drain it, join them, free the pool.
 * Returns how many threads initialised successfully. */
unsigned pool_finish(struct pool *p);

/* What wraps each pool thread's life when running workload tasks: enter
 * runs on the thread before its worker state is set up, leave after it is
 * torn down. Both optional. */
struct pool_thread_hooks {
    void (*enter)(void *arg, unsigned id);
    void (*leave)(void *arg, unsigned id);
    void *arg;
};

/* Run every task of wl on nthreads threads, each with its own worker
 * state, results[i] written by whichever thread ran task i. Returns 0, or
 * a negative errno with a message in err when no thread could run. */
int pool_run_tasks(const struct workload *wl, void *ctx, struct task_result *results,
                   unsigned nthreads, const struct pool_thread_hooks *hooks, char *err,
                   size_t errsz);

#endif
