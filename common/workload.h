/*
 * workload.h: what a task is, how to run one, and what the right answer is.
 *
 * A workload owns its tasks (files to download, chunks to sum) and knows
 * how to run task i blocking (run), and, where that makes sense, how to
 * start it asynchronously as a libcurl easy handle for a multi handle
 * (start/finish). Strategies only schedule: they call these hooks and never
 * learn what a URL or a chunk is. Each task writes one struct task_result;
 * report merges them and verifies the whole run against the expected answer.
 *
 * Thread-safety contract for implementations: setup/teardown/report run on
 * the main thread; worker_init, run, start, finish and worker_fini may run
 * on any thread or in a forked child, concurrently for different worker
 * states, and must touch only their worker state, the result they are
 * handed, and ctx read-only (or through state the workload documents as
 * shared and synchronises itself, like the cpu workload's shared total).
 *
 * Blocking calls are wrapped in exec_blocking_begin/end and long CPU loops
 * call exec_checkpoint (exec.h), so a strategy can act at those points.
 */
#ifndef CONCBENCH_WORKLOAD_H
#define CONCBENCH_WORKLOAD_H

#include "fetch.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/* One task's outcome. Plain data, so a forked worker can send it through a
 * pipe. */
struct task_result {
    uint64_t value;      /* workload-defined (cpu: the chunk's sum) */
    uint64_t bytes;      /* bytes moved or summed */
    uint64_t latency_ns; /* from the task's start to its end */
    int32_t  err;        /* enum fetch_err; FETCH_OK when it succeeded */
    int32_t  done;       /* 1 once the task ran, whatever its outcome */
    int32_t  attempts;   /* transfers it took (retries + 1); 0 for cpu */
    int32_t  pad_;
};

/* Every workload knob the command line offers. Unused ones are ignored. */
struct wl_options {
    const char *url;        /* io: index or URL list to fetch */
    const char *links_path; /* io: index or URL list file */
    const char *out_dir;    /* io: where to save */
    uint64_t    n;          /* cpu: elements */
    uint64_t    chunk;      /* cpu: elements per task */
    uint64_t    work;       /* cpu heavy: rounds per element */
    const char *kernel;     /* cpu: "sum" or "heavy" */
    const char *sync;       /* cpu: "local", "atomic", "mutex" or "none" */
    long        timeout_ms;         /* io, mixed: per transfer (0: default) */
    long        connect_timeout_ms; /* io, mixed: per connect (0: default) */
    unsigned    retries;            /* io, mixed: for 5xx, resets, timeouts */
};

/* The merged outcome of a run. */
struct run_report {
    size_t   tasks;
    size_t   ok;
    size_t   failed;
    size_t   errors[FETCH_ERR__COUNT]; /* failed tasks by kind */
    uint64_t bytes;
    size_t   retries;     /* transfers repeated after a retryable failure */
    int      verified;    /* 1 only when every task succeeded and checked out */
    char     detail[512]; /* one human line from the workload */
};

struct workload {
    const char *name;
    const char *summary;

    /* Build the tasks from o. Returns 0, or a negative errno with a one-line
     * message in err (a setup error: bad options, unreachable index). */
    int (*setup)(const struct wl_options *o, void **ctx, char *err, size_t errsz);
    void (*teardown)(void *ctx);
    size_t (*count)(void *ctx);

    /* Per-worker state (one reused easy handle, a buffer). Optional. */
    int (*worker_init)(void *ctx, void **w);
    void (*worker_fini)(void *ctx, void *w);

    /* Run task i to completion on the calling thread. */
    void (*run)(void *ctx, void *w, size_t i, struct task_result *r);

    /* Optional asynchronous form. start returns w's easy handle set up for
     * task i, for the caller to add to a multi handle, or NULL with *r
     * filled when the task failed before it began. finish completes it with
     * the transfer's result code; it returns 0, or a delay in ms after which
     * the caller must start task i again on the same w (a retry). */
    CURL *(*start)(void *ctx, void *w, size_t i, struct task_result *r);
    unsigned (*finish)(void *ctx, void *w, size_t i, CURLcode code, struct task_result *r);

    /* Optional CPU stage after an asynchronous transfer (mixed). When a
     * workload has it, finish() leaves a successful task pending
     * (r->done == 0); take_job() then moves what the stage needs out of w
     * into a job, so w can start its next transfer at once, and run_job()
     * completes the task on any thread and frees the job. */
    void *(*take_job)(void *ctx, void *w, size_t i);
    void (*run_job)(void *ctx, void *job, struct task_result *r);
    void (*drop_job)(void *ctx, void *job); /* free a job that will not run */

    /* Verify and describe: fill rep->verified and rep->detail, and add the
     * workload's own fields (parameters, expected answer) to json. The
     * generic counts in rep are already filled. */
    void (*report)(void *ctx, const struct task_result *r, size_t n, struct run_report *rep,
                   cJSON *json);
};

extern const struct workload workload_io;
extern const struct workload workload_cpu;
extern const struct workload workload_mixed;

/* NULL-terminated list of every workload. */
extern const struct workload *const workloads[];

/* The workload called name, or NULL. */
const struct workload *workload_find(const char *name);

/* Call wl->worker_init if it has one (else *w = NULL). Returns its result. */
int workload_worker_init(const struct workload *wl, void *ctx, void **w);

/* Call wl->worker_fini if it has one. */
void workload_worker_fini(const struct workload *wl, void *ctx, void *w);

/* Run every task of wl in order on the calling thread with one worker
 * state: the sequential loop. Returns 0, or a negative errno with a
 * message in err when the worker state cannot be set up. */
int workload_run_inline(const struct workload *wl, void *ctx, struct task_result *results,
                        char *err, size_t errsz);

/* Fill the generic part of rep (tasks, ok, failed, errors, bytes) from r. */
void workload_tally(const struct task_result *r, size_t n, struct run_report *rep);

/* Add "latency_ms": {p50, p95, p99, max} over the tasks that ran. */
void workload_latency_json(const struct task_result *r, size_t n, cJSON *json);

#endif
