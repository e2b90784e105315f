/*
 * eventloop.c: one thread, one event loop, many transfers in flight.
 *
 * This is the C shape of asyncio: nothing runs in parallel, but while one
 * transfer waits for the network the loop services the others. The loop
 * itself is common/evloop.c: epoll tells it which sockets are ready, a
 * timerfd carries libcurl's timeouts, and curl_multi_socket_action() hands
 * both to libcurl, which calls back to say which sockets to watch next.
 * Read that file next to this one.
 *
 * --workers sets the number of slots: at most that many transfers are in
 * flight, each slot owning one worker state (one reused easy handle). When
 * a transfer finishes, its slot starts the next task: never all N at once.
 * A CPU stage after a transfer (the mixed workload) runs on the loop
 * thread too, and stalls every transfer while it runs.
 *
 * A workload with no asynchronous form (the cpu sums) runs each task inline
 * on the loop thread, one after another: concurrency without parallelism,
 * which is exactly what an event loop gives CPU-bound work.
 */
#include "strategy.h"

#include "evloop.h"

static int eventloop_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                         struct task_result *results, char *err, size_t errsz)
{
    if (wl->start != NULL)
        return evloop_run_tasks(wl, ctx, results, o->workers, NULL, err, errsz);

    /* No asynchronous form: each task is a callback run to completion on
     * the loop thread, one after another. */
    return workload_run_inline(wl, ctx, results, err, errsz);
}

const struct strategy strategy_eventloop = {
    .name    = "eventloop",
    .summary = "one thread: epoll + timerfd driving curl_multi_socket_action, N transfers in flight",
    .limits  = "poller epoll; at most --workers transfers in flight; CPU work (cpu tasks, "
               "mixed's stage) runs inline on the loop thread (no parallelism)",
    .flags   = STRATEGY_SHARED_MEMORY,
    .run     = eventloop_run,
};
