/*
 * evloop.h: one thread driving a workload's transfers with epoll, a
 * timerfd and libcurl's multi_socket API.
 *
 * The engine of the eventloop and hybrid strategies. --workers slots, each
 * owning one worker state (one reused easy handle); at most that many
 * transfers are in flight, and a slot starts its next task as soon as its
 * transfer finishes: never all N at once. A task whose workload has a CPU
 * stage (take_job/run_job) is handed to the stage hook when given, else
 * run on the loop thread.
 *
 * Needs a workload with an asynchronous form (start/finish).
 */
#ifndef CONCBENCH_EVLOOP_H
#define CONCBENCH_EVLOOP_H

#include "workload.h"

#include <stddef.h>

struct evloop_stage {
    /* Take over job (task i's CPU stage); it must end in run_job. Called
     * on the loop thread. */
    void (*submit)(void *arg, size_t i, void *job);
    void *arg;
};

/* Run every task of wl with nslots transfers in flight. stage may be
 * NULL. Returns 0, or a negative errno with a message in err. */
int evloop_run_tasks(const struct workload *wl, void *ctx, struct task_result *results,
                     unsigned nslots, const struct evloop_stage *stage, char *err, size_t errsz);

#endif
