/*
 * gil.c: the threads pool under an emulated global interpreter lock.
 *
 * This is how CPython runs threads: any number of OS threads, but only the
 * one holding the GIL executes Python code. The emulation follows CPython's
 * design (Python/ceval_gil.h, the "new GIL" of 3.2 and later):
 *
 *   take  A thread that wants the lock waits on a condition variable for
 *         one switch interval (--switch-interval-ms, default 5, as
 *         sys.getswitchinterval()). If the interval passes and nobody has
 *         switched meanwhile, it sets drop_request and waits again.
 *   check The holder looks at drop_request at every checkpoint: every
 *         EXEC_CHECK_EVERY elements of CPU work, the way the interpreter
 *         loop polls its "eval breaker".
 *   drop  Asked to drop, the holder releases the lock and then waits until
 *         another thread has actually taken it (forced switching): without
 *         that, the releasing thread would usually win the lock straight
 *         back, and the waiter would starve.
 *
 * Blocking I/O (the transfer, the file write) runs with the lock released,
 * as CPython's socket and file calls release it. So: I/O-bound work
 * overlaps like plain threads; CPU-bound work is serialised, plus the cost
 * of every handover.
 *
 * The pool itself is the threads strategy, run by name with two hooks:
 * each pool thread takes the lock when it starts and lets go when it
 * ends, and installs the exec hooks (common/exec.h) through which the
 * workload's blocking calls and checkpoints reach this file.
 *
 * Recorded with the results: total time threads spent waiting for the
 * lock, how often it changed hands, and how many drops were forced.
 */
#include "strategy.h"

#include "clock.h"
#include "exec.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

struct gil {
    pthread_mutex_t mu;
    pthread_cond_t  cond;        /* signalled when the lock is released */
    pthread_cond_t  switch_cond; /* signalled when the lock is taken */
    int             locked;
    long            holder; /* id of the holder, or the last one */
    unsigned long   switch_number;
    unsigned        waiting; /* threads inside gil_take */
    atomic_int      drop_request;
    uint64_t        interval_ns;
    /* Statistics, under mu. */
    uint64_t switches; /* the lock changed hands */
    uint64_t forced;   /* drops asked for by a waiter */
    uint64_t wait_ns;  /* summed over threads */
};

/* One pool thread's view: the lock and who it is. */
struct gil_thread {
    struct gil       *gil;
    long              id;
    struct exec_hooks hooks;
    struct spans     *holds;      /* when traced: every span this thread held the lock */
    uint64_t          held_since; /* clock_ns() when it took it */
};

static void deadline_after(struct timespec *ts, uint64_t ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t t = (uint64_t)ts->tv_nsec + ns;
    ts->tv_sec += (time_t)(t / 1000000000u);
    ts->tv_nsec = (long)(t % 1000000000u);
}

static void gil_take(struct gil_thread *t)
{
    struct gil *g  = t->gil;
    uint64_t    t0 = clock_ns();
    pthread_mutex_lock(&g->mu);
    g->waiting++;
    while (g->locked) {
        unsigned long   seen = g->switch_number;
        struct timespec deadline;
        deadline_after(&deadline, g->interval_ns);
        int rc = pthread_cond_timedwait(&g->cond, &g->mu, &deadline);
        /* A whole interval and nobody switched: ask the holder to drop. */
        if (rc == ETIMEDOUT && g->locked && g->switch_number == seen &&
            !atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
            atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
            g->forced++;
        }
    }
    g->waiting--;
    g->locked = 1;
    if (g->holder != t->id)
        g->switches++;
    g->holder = t->id;
    g->switch_number++;
    atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
    pthread_cond_broadcast(&g->switch_cond);
    t->held_since = clock_ns();
    g->wait_ns += t->held_since - t0;
    pthread_mutex_unlock(&g->mu);
}

static void gil_drop(struct gil_thread *t, int forced)
{
    struct gil *g = t->gil;
    if (t->holds != NULL)
        spans_add(t->holds, (uint32_t)t->id, t->held_since, clock_ns());
    pthread_mutex_lock(&g->mu);
    g->locked = 0;
    pthread_cond_signal(&g->cond);
    /* Forced switching: a waiter asked, so do not race it for the lock;
     * wait until someone else holds it. (A waiter stays in gil_take until
     * it gets the lock, so this always ends.) */
    while (forced && g->waiting > 0 && g->holder == t->id)
        pthread_cond_wait(&g->switch_cond, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

/* The exec hooks of a thread under the lock. */
static void on_blocking_begin(void *arg)
{
    gil_drop(arg, 0);
}
static void on_blocking_end(void *arg)
{
    gil_take(arg);
}

static void on_checkpoint(void *arg)
{
    struct gil_thread *t = arg;
    if (atomic_load_explicit(&t->gil->drop_request, memory_order_relaxed)) {
        gil_drop(t, 1);
        gil_take(t);
    }
}

/* Pool thread life: install the hooks, run holding the lock, let go. */
struct gil_run {
    struct gil         gil;
    struct gil_thread *threads;
    struct spans      *holds;
};

static void thread_enter(void *arg, unsigned id)
{
    struct gil_run    *run = arg;
    struct gil_thread *t   = &run->threads[id];
    *t                     = (struct gil_thread){
                            .gil   = &run->gil,
                            .id    = (long)id,
                            .hooks = {on_blocking_begin, on_blocking_end, on_checkpoint, t},
                            .holds = run->holds,
    };
    exec_set_hooks(&t->hooks);
    gil_take(t);
}

static void thread_leave(void *arg, unsigned id)
{
    struct gil_run *run = arg;
    gil_drop(&run->threads[id], 0);
    exec_set_hooks(NULL);
}

static void gil_init(struct gil *g, uint64_t interval_ns)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cond, &ca);
    pthread_cond_init(&g->switch_cond, NULL);
    pthread_condattr_destroy(&ca);
    g->holder      = -1;
    g->interval_ns = interval_ns;
}

static void gil_destroy(struct gil *g)
{
    pthread_cond_destroy(&g->switch_cond);
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->mu);
}

struct gil_opts {
    double switch_interval_ms;
};

static int gil_run_tasks(const struct strategy_run *r)
{
    const struct gil_opts *o = r->opts;
    struct gil_run run = {.threads = calloc(r->workers, sizeof(*run.threads)), .holds = r->spans};
    if (run.threads == NULL)
        return errc(-ENOMEM, r->err, r->errsz, "out of memory");
    if (run.holds != NULL)
        run.holds->what = "holds the GIL";
    gil_init(&run.gil, (uint64_t)(o->switch_interval_ms * 1e6));

    struct strategy_hooks hooks = {
        .worker_enter = thread_enter, .worker_leave = thread_leave, .arg = &run};
    int rc = strategy_run_by_name("threads", r, r->workers, &hooks);

    struct gil *g = &run.gil;
    stats_set(r->stats, "switch_interval_ms", (double)g->interval_ns / 1e6, NULL);
    stats_set(r->stats, "lock_wait_s", ns_to_s(g->wait_ns), NULL);
    stats_set(r->stats, "switches", (double)g->switches, NULL);
    stats_set(r->stats, "forced_drops", (double)g->forced, NULL);
    gil_destroy(g);
    free(run.threads);
    return rc;
}

static const struct opt gil_options[] = {
    {.name    = "switch-interval-ms",
     .type    = OPT_REAL,
     .offset  = offsetof(struct gil_opts, switch_interval_ms),
     .def     = "5",
     .metavar = "MS",
     .help    = "how long a waiting thread waits before asking the holder to drop the lock, "
                "as sys.setswitchinterval()",
     .fmin    = 0.001,
     .fmax    = 10000},
    OPT_END,
};

STRATEGY(gil) = {
    .name      = CB_PLUGIN_NAME, /* "gil": the file's name */
    .course  = "CPython threads",
    .summary   = "N pthreads under an emulated global interpreter lock (CPython's design)",
    .limits    = "CPU work holds one global lock, handed over on request every switch interval; "
                 "blocking I/O runs with it released",
    .caps      = CAP_SHARED_MEMORY | CAP_GIL,
    .order     = 40,
    .color     = "#cc79a7",
    .peer      = "threads",
    .options   = gil_options,
    .opts_size = sizeof(struct gil_opts),
    .run       = gil_run_tasks,
};
