/*
 * strategy.h: the interface every concurrency model implements, and the
 * tasks it schedules.
 *
 * A strategy schedules and nothing else: given a set of tasks it decides
 * who runs task i and when, calls the task hooks, and leaves each task's
 * outcome in results[i]. It never learns what a task is (a download, a
 * chunk of an array), never writes the result document, and reports what
 * it wants known about itself as typed statistics.
 *
 * A strategy is one file in strategies/ that defines its descriptor with
 * STRATEGY(): name, one-line summary, limits, capabilities, display order
 * and colour, its own options table, and run(). Nothing else is edited to
 * add one: the build collects the file and the macro registers it in a
 * linker section that strategy_list() reads. Everything else in the file
 * is static.
 */
#ifndef CONCBENCH_STRATEGY_H
#define CONCBENCH_STRATEGY_H

#include "async.h"
#include "opt.h"
#include "registry.h"
#include "spans.h"
#include "task.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* The tasks: what a workload hands a strategy.                        */
/* ------------------------------------------------------------------ */

/*
 * Hooks onto one workload's tasks. Contract for implementations: hooks
 * may run on any thread or in a forked child, concurrently for different
 * worker states, and touch only their worker state, the result they are
 * handed, and ctx read-only (or state the workload synchronises itself).
 */
struct task_ops {
    /* Per-worker state, set up on the worker's own thread before its
     * first task (one reused easy handle, a buffer). Optional. Returns 0
     * or -errno. */
    int (*worker_init)(void *ctx, void **w);
    void (*worker_fini)(void *ctx, void *w);

    /* Run task i to its end on the calling thread: the blocking form. */
    void (*run)(void *ctx, void *w, size_t i, struct task_result *r);

    /* The asynchronous form, driven by an event loop (async.h). Optional:
     * all of these, or none.
     *   async_open    one source for the whole run, reporting to loop
     *   async_start   begin task i on worker state w; the source calls
     *                 loop->done(token) when it ends. Returns 0, or -1
     *                 when it failed before it began (r is then final)
     *   async_ready   fd is ready (events), or fd == -1: the timer fired
     *   async_finish  after done(): settle task i. Returns 0, or a delay
     *                 in ms after which the caller starts task i again on
     *                 the same w (a retry); r is final when r->done, else
     *                 a CPU stage is pending (take_job below)
     *   async_cancel  abandon w's task in flight (a stop request) */
    void *(*async_open)(void *ctx, struct async_loop *loop);
    void (*async_close)(void *source);
    int (*async_start)(void *source, void *w, size_t i, void *token, struct task_result *r);
    void (*async_ready)(void *source, int fd, unsigned events);
    unsigned (*async_finish)(void *ctx, void *w, size_t i, struct task_result *r);
    void (*async_cancel)(void *source, void *w);

    /* A CPU stage after the asynchronous part (mixed's transform).
     * Optional. take_job moves what the stage needs out of w, so w can
     * start its next task at once; run_job completes the task on any
     * thread and frees the job; drop_job frees a job that will not run. */
    void *(*take_job)(void *ctx, void *w, size_t i);
    void (*run_job)(void *ctx, void *job, struct task_result *r);
    void (*drop_job)(void *ctx, void *job);
};

struct tasks {
    const struct task_ops *ops;
    void                  *ctx;
    size_t                 n;
    /* The strategy's CAP_* bits, set by the runner before the workload's
     * setup: under CAP_DISTRIBUTED a workload makes each task's data in the
     * task (the cpu array is a function of the index) instead of up front. */
    unsigned strategy_caps;
};

/* worker_init / worker_fini, or nothing when the workload has none. */
int  tasks_worker_init(const struct tasks *t, void **w);
void tasks_worker_fini(const struct tasks *t, void *w);

/* ------------------------------------------------------------------ */
/* Statistics: what a strategy reports about itself.                   */
/* ------------------------------------------------------------------ */

#define STATS_MAX 16

struct stats {
    struct stat_entry {
        const char *name; /* snake_case, with its unit: lock_wait_s */
        double      value;
        const char *warn; /* printed in the summary when value != 0 */
        const char *text; /* a text figure instead of value (hosts, a version) */
    } v[STATS_MAX];
    unsigned n;
};

/* Record name = value (a later call with the same name replaces it). */
void stats_set(struct stats *s, const char *name, double value, const char *warn);
/* Record name = text; text must outlive the run (static storage). */
void stats_set_text(struct stats *s, const char *name, const char *text);

/* run() of a process that only helped (an MPI rank other than 0): the
 * result belongs to another process, so the runner exits 0 quietly. */
#define STRATEGY_HELPER 1

/* launch's answer for a stop (signal sig) that came before its processes
 * could take it; LAUNCH_STOP_SIGNAL gives sig back. */
#define LAUNCH_STOPPED(sig)    (-256 - (sig))
#define LAUNCH_STOP_SIGNAL(rc) ((rc) <= LAUNCH_STOPPED(0) ? -256 - (rc) : 0)

/* ------------------------------------------------------------------ */
/* The strategy.                                                       */
/* ------------------------------------------------------------------ */

/* Capabilities, declared by each strategy; checked against a workload's
 * needs in one place (the runner), exported by `concbench list --json`,
 * and read by the report to know what each model should show. */
enum {
    CAP_SHARED_MEMORY = 1u << 0, /* workers share one address space */
    CAP_PARALLEL      = 1u << 1, /* CPU work runs on several cores at once */
    CAP_ASYNC         = 1u << 2, /* one thread keeps many transfers in flight */
    CAP_PROCESSES     = 1u << 3, /* workers are separate processes */
    CAP_GIL           = 1u << 4, /* CPU work is serialised by a global lock */
    CAP_BASELINE      = 1u << 5, /* the reference speedups are taken against */
    CAP_DISTRIBUTED   = 1u << 6, /* workers may be on other hosts: nothing shared but
                                    messages; tasks make their own data */
};

/* Names of the CAP_* bits, in bit order, NULL-terminated. */
extern const char *const strategy_cap_names[];

/* What a strategy built on another one may ask of it. All optional. */
struct strategy_hooks {
    /* On each worker's own thread, before its state is set up / after it
     * is torn down (gil takes and releases its lock here). */
    void (*worker_enter)(void *arg, unsigned worker);
    void (*worker_leave)(void *arg, unsigned worker);
    /* Take over task i's CPU stage instead of running it on the loop
     * thread (hybrid's thread pool); job must end in ops->run_job. */
    void (*stage)(void *arg, size_t i, void *job);
    void *arg;
};

/* Everything run() is given. */
struct strategy_run {
    const struct tasks          *tasks;
    struct task_result          *results; /* tasks->n entries, zeroed */
    unsigned                     workers; /* >= 1, within max_workers */
    const void                  *opts;    /* this strategy's options struct */
    const struct strategy_hooks *hooks;   /* NULL unless composed */
    struct stats                *stats;
    struct spans                *spans; /* only when traced: what a strategy shows over
                                             time besides its tasks (gil: the lock's holds) */
    char                        *err;
    size_t                       errsz;
    /* A strategy that forks its workers (.forks) calls this once they are
     * forked, before it waits for them: the runner's own threads (the
     * progress line, the memory sampler) start only then, so no thread is
     * alive across a fork. NULL when composed. */
    void (*forked)(void *arg);
    void *forked_arg;
};

struct strategy {
    const char       *name;
    const char       *summary;     /* one line */
    const char       *limits;      /* what the model cannot do; recorded in results */
    unsigned          caps;        /* CAP_* */
    unsigned          max_workers; /* 0: no limit; the runner clamps --workers */
    int               order;       /* display order in tables and charts */
    const char       *color;       /* colour hint for charts, "#rrggbb" */
    const char       *peer;        /* the model this one varies (gil: threads) */
    int               forks;       /* forks its workers from this process, and calls
                                      strategy_run.forked once it has */
    const char       *course;      /* what the course calls this model, comma-separated
                                      ("asyncio, gather"): a student who types one of
                                      these words is pointed here */
    const struct opt *options;     /* OPT_END-terminated, or NULL */
    size_t            opts_size;   /* sizeof its options struct */

    /* Run every task once. A task left with done == 0 is reported
     * interrupted (after a stop request) or lost. Returns 0 when the
     * strategy ran (tasks may still have failed), or -errno with a
     * message in r->err when it could not (no threads, no fork). */
    int (*run)(const struct strategy_run *r);

    /* Optional, called before anything is set up, with the run command's
     * arguments: a strategy whose workers are started by a launcher (mpi:
     * mpirun) starts it here and returns its exit status, or returns -1 to
     * run in this process (it may then set *workers: the ranks it found),
     * or LAUNCH_STOPPED(sig) when a stop request (signal sig) came before
     * its processes could take one and it ended them: the run then sets up,
     * takes the stop and calls .run, which reports every task interrupted
     * (nothing ran), so the summary and --output are written as after any
     * stop. */
    int (*launch)(int argc, char **argv, unsigned *workers);
};

/* Define and register this file's strategy:
 *     STRATEGY(threads) = { .name = CB_PLUGIN_NAME, ... };
 * sym only names the static object; .name is what users type, and
 * CB_PLUGIN_NAME is the file's own name ("threads" for threads.c), which
 * the build defines for every plug-in file: a copy of a strategy under
 * another file name is another strategy, with nothing else to edit. */
// clang-format off
#define STRATEGY(sym)                                                       \
    static const struct strategy sym;                                       \
    __attribute__((used, section("cb_strategies")))                         \
    static const struct registry_entry sym##_entry = {&sym, __FILE__};      \
    static const struct strategy sym
// clang-format on

/* Every registration, in link order: for the registry check. */
const struct registry_entry *strategy_entries(size_t *n);

/* Every registered strategy, by display order then name. *n gets the
 * count. Thread-safe after the first call (made by main). */
const struct strategy *const *strategy_list(size_t *n);

/* The strategy called name, or NULL. */
const struct strategy *strategy_find(const char *name);

/* The strategy the course's word names ("asyncio", "Pool",
 * "concurrent.futures.ThreadPoolExecutor": its .course list, any case), or
 * NULL. */
const struct strategy *strategy_for_course_word(const char *word);

/* Run another strategy, by name, with its default options: how gil and
 * hybrid build on threads and eventloop. workers and hooks replace the
 * caller's; everything else is passed through. Returns as run(). */
int strategy_run_by_name(const char *name, const struct strategy_run *r, unsigned workers,
                         const struct strategy_hooks *hooks);

#endif
