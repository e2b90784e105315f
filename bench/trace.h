/*
 * trace.h: what happened over time in one run: the order tasks ended in,
 * and a timeline in the Chrome trace-event format (Perfetto,
 * chrome://tracing).
 *
 * Both are read off the task results after the run: every task already
 * carries when it began and ended (CLOCK_MONOTONIC, comparable across the
 * processes of a procs run) and which worker ran it. Recording costs the
 * timed run nothing beyond the two clock reads per task it always made.
 */
#ifndef CONCBENCH_TRACE_H
#define CONCBENCH_TRACE_H

#include "spans.h"
#include "task.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Add "in_submission_order" and "completion_rank" (task i's place among
 * the tasks that ended, 1 first, null if it never did) to obj. Left out
 * for runs of more than TRACE_RANKS_MAX tasks. */
#define TRACE_RANKS_MAX 1000000
void trace_completion_json(const struct task_result *r, size_t n, cJSON *obj);

/* The most spans a traced run records besides its tasks (24 bytes each);
 * the trace says how many more were dropped. */
#define TRACE_SPANS_MAX 65536

/* What the trace needs to know of the run. */
struct trace_run {
    const char               *strategy;
    const char               *workload;
    unsigned                  caps;    /* the strategy's CAP_* */
    uint64_t                  t0_ns;   /* when the strategy's run began */
    const struct task_result *results; /* n of them */
    size_t                    n;
    /* The name of a task's outcome ("ok", "timeout", ...). */
    const char *(*outcome)(const void *arg, const struct task_result *r);
    const void         *arg;
    const char *const  *stages; /* the workload's stage names (stage_ns), or NULL */
    const struct spans *spans;  /* what the strategy recorded besides tasks, or NULL */
};

/* Write the trace to path atomically. One event per task, ts and dur in
 * microseconds from the run's start, args {task, bytes, outcome, rank,
 * attempts}: on a lane per worker thread ("X" events), a process per
 * worker for process strategies, and for an asynchronous strategy each
 * transfer as an async span ("b"/"e") on the loop's one thread. A task in
 * stages gets its stages nested inside it, the same way. The strategy's
 * own spans (the GIL's holds) go on a lane of their own per worker,
 * "worker N: holds the GIL". Returns 0 or -errno. */
int trace_write(const char *path, const struct trace_run *t);

#endif
