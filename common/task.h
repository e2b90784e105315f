/*
 * task.h: one task's outcome, the plain record every part of concbench
 * passes around: a workload fills it, a strategy carries it (through a pipe
 * from a forked worker, if need be), the runner merges them.
 *
 * What a task is stays the workload's business; this is only how it
 * went. err is TASK_OK, one of the kinds every run can have (interrupted,
 * lost), or one of the workload's own kinds, numbered from TASK_KIND_FIRST
 * in the order of the workload's error_kinds table.
 */
#ifndef CONCBENCH_TASK_H
#define CONCBENCH_TASK_H

#include <stdint.h>

enum {
    TASK_OK          = 0,
    TASK_INTERRUPTED = 1, /* stopped by SIGINT/SIGTERM, or never started because of one */
    TASK_LOST        = 2, /* its worker died or could not start */
    TASK_KIND_FIRST  = 3, /* the workload's own kinds start here */
    TASK_KINDS_MAX   = 24,
};

/* Plain data, no pointers: a forked worker sends it through a pipe. */
struct task_result {
    uint64_t value;    /* workload-defined (cpu: the chunk's sum) */
    uint64_t bytes;    /* bytes moved or summed */
    uint64_t start_ns; /* clock_ns() when the task (its first attempt) began */
    uint64_t end_ns;   /* clock_ns() when it ended */
    /* A task in stages (mixed): when its transfer ended, when the work on
     * the body began, and when saving began; 0 when it has none. Read by
     * the timeline only. */
    uint64_t stage_ns[3];
    uint32_t err;      /* TASK_OK or a kind, see above */
    uint32_t attempts; /* transfers it took (retries + 1); 0 for pure CPU work */
    uint32_t done;     /* 1 once the task ran to its end, whatever the outcome */
    uint32_t worker;   /* which worker ran it (thread, process, slot) */
    /* A transfer's last attempt, as libcurl timed it from that attempt's
     * start: name lookup done, connected, first byte of the reply (µs; 0
     * when the connection was reused or the task moved no bytes). */
    uint32_t phase_us[3];
};

#endif
