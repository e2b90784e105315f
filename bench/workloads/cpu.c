/*
 * cpu.c: the CPU-bound workload, a sum over chunks of an array.
 *
 * The array is the course's range(n): a[i] = i, materialised before any
 * strategy runs (n = 1e6 sums to 499999500000, as in the course), so the
 * timed region only reads and computes; a forked pool shares it copy-on-
 * write. Task k sums chunk k. Two kernels:
 *   sum    add the elements: memory-bound, a few cycles per element;
 *   heavy  run each element through `work` rounds of a 64-bit LCG step
 *          (x = x*A + C, each round depending on the last) and add the
 *          results: compute-bound, cost per element set by --work.
 * The compiler cannot fold either loop: the data is in memory, and the
 * heavy chain has a runtime length. The answer is checked against a value
 * computed independently, without touching the array: n(n-1)/2 for sum, and
 * for heavy the LCG jumped ahead `work` steps in O(log work) (an affine map
 * composed with itself), applied to that closed form. All arithmetic wraps
 * mod 2^64, the same in both.
 *
 * How the per-element results are added up is the --sync mode:
 *   local   each task sums its chunk privately; the runner merges the task
 *           sums after the run (the default, and the right way);
 *   atomic  every element is added to one shared total with an atomic
 *           fetch-and-add;
 *   mutex   every element is added to one shared total under a mutex;
 *   none    every element is added to one shared total with a plain
 *           read-modify-write: load, add, store, with nothing making the
 *           three one step. Two threads interleaving them lose updates,
 *           exactly like `total += x` in a Python thread. (The load and the
 *           store are relaxed atomics, so the lost updates are the only
 *           misbehaviour: no undefined behaviour, nothing for TSan.)
 * The shared modes only mean something where workers share memory: they
 * declare that need (cpu_needs), and the runner refuses strategies that
 * lack it.
 *
 * The kernels call exec_checkpoint() every EXEC_CHECK_EVERY elements, so a
 * strategy that emulates an interpreter lock can switch threads there.
 */
#include "workload.h"

#include "clock.h"
#include "exec.h"
#include "lcg.h"
#include "membw.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum kernel { KERNEL_SUM, KERNEL_HEAVY };
enum sync { SYNC_LOCAL, SYNC_ATOMIC, SYNC_MUTEX, SYNC_NONE };
static const char *const kernel_names[] = {"sum", "heavy", NULL};
static const char *const sync_names[]   = {"local", "atomic", "mutex", "none", NULL};

struct cpu_opts {
    unsigned kernel; /* enum kernel */
    uint64_t n;
    uint64_t chunk;
    uint64_t work;
    unsigned sync; /* enum sync */
    uint64_t passes;
};

struct cpu_ctx {
    uint64_t   *a;
    uint64_t    n;
    uint64_t    chunk;
    uint64_t    nchunks;
    uint64_t    passes; /* times the array is gone over: task i is chunk i mod nchunks */
    uint64_t    work;
    enum kernel kernel;
    enum sync   sync;
    /* The one shared total of the atomic, mutex and none modes: the only
     * state the tasks write besides their results. */
    _Atomic uint64_t total;
    pthread_mutex_t  total_lock;
};

#define CPU_MAX_N (1ull << 32) /* 32 GiB of int64: beyond any machine here */

static const struct task_ops cpu_ops;

/* The array in 2 MiB-aligned memory, advised to use transparent huge
 * pages where the kernel offers them. Every strategy reads the same array,
 * so this changes no comparison except the one it is for: forking a pool
 * then shares a few hundred huge-page entries instead of tens of thousands
 * of 4 KiB ones, and the children do not fault each page in again. */
static uint64_t *array_alloc(uint64_t n)
{
    const size_t huge  = 2u << 20;
    size_t       bytes = (size_t)n * sizeof(uint64_t);
    bytes              = (bytes + huge - 1) / huge * huge;
    void *p            = aligned_alloc(huge, bytes);
    if (p != NULL)
        madvise(p, bytes, MADV_HUGEPAGE); /* advice only: fine if refused */
    return p;
}

static int cpu_setup(const void *opts, struct tasks *t, char *err, size_t errsz)
{
    const struct cpu_opts *o = opts;
    struct cpu_ctx        *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    c->n      = o->n;
    c->chunk  = o->chunk < o->n ? o->chunk : o->n;
    c->work   = o->work;
    c->kernel = (enum kernel)o->kernel;
    c->sync   = (enum sync)o->sync;
    c->passes = o->passes;
    /* A distributed strategy's workers hold no array: each makes the
     * chunks it is given (a[i] = i is a function of the index). */
    unsigned caps = t->strategy_caps;
    c->a          = caps & CAP_DISTRIBUTED ? NULL : array_alloc(c->n);
    if (c->a == NULL && !(caps & CAP_DISTRIBUTED)) {
        free(c);
        return errc(-ENOMEM, err, errsz, "unable to allocate %llu MiB for --n %llu",
                    (unsigned long long)((o->n * 8) >> 20), (unsigned long long)o->n);
    }
    pthread_mutex_init(&c->total_lock, NULL);
    /* A stop is looked for every 2^20 elements (a millisecond or so): a
     * large array takes seconds to fill, and Ctrl-C must not wait for it. */
    for (uint64_t i = 0; c->a != NULL && i < c->n; i++) {
        c->a[i] = i;
        if ((i & ((1u << 20) - 1)) == 0 && exec_stopping()) {
            pthread_mutex_destroy(&c->total_lock);
            free(c->a);
            free(c);
            return errc(-EINTR, err, errsz, "interrupted while filling the array");
        }
    }
    c->nchunks = (c->n + c->chunk - 1) / c->chunk;
    *t         = (struct tasks){
                .ops = &cpu_ops, .ctx = c, .n = (size_t)(c->nchunks * c->passes), .strategy_caps = caps};
    return 0;
}

static void cpu_teardown(struct tasks *t)
{
    struct cpu_ctx *c = t->ctx;
    pthread_mutex_destroy(&c->total_lock);
    free(c->a);
    free(c);
}

/* The private-sum kernels: plain loops the compiler may vectorise. The
 * sum is the loop `concbench info --bandwidth` measures the memory with. */
static uint64_t kernel_sum(const uint64_t *a, uint64_t len)
{
    return sum_u64(a, len);
}

static uint64_t kernel_heavy(const uint64_t *a, uint64_t len, uint64_t work)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < len; i++)
        s += lcg_rounds(a[i], work);
    return s;
}

/* The shared-total kernels: every element goes to c->total. */
static void kernel_shared(struct cpu_ctx *c, const uint64_t *a, uint64_t len)
{
    uint64_t work = c->kernel == KERNEL_HEAVY ? c->work : 0;
    for (uint64_t i = 0; i < len; i++) {
        uint64_t x = lcg_rounds(a[i], work);
        switch (c->sync) {
        case SYNC_ATOMIC:
            atomic_fetch_add_explicit(&c->total, x, memory_order_relaxed);
            break;
        case SYNC_MUTEX:
            pthread_mutex_lock(&c->total_lock);
            atomic_store_explicit(&c->total,
                                  atomic_load_explicit(&c->total, memory_order_relaxed) + x,
                                  memory_order_relaxed);
            pthread_mutex_unlock(&c->total_lock);
            break;
        default: /* SYNC_NONE: load, add, store; not one step */
            atomic_store_explicit(&c->total,
                                  atomic_load_explicit(&c->total, memory_order_relaxed) + x,
                                  memory_order_relaxed);
            break;
        }
    }
}

/* Without the array (a distributed run), each worker keeps one chunk's
 * room and fills it with the chunk it is given. */
static int cpu_worker_init(void *ctx, void **w)
{
    struct cpu_ctx *c = ctx;
    *w                = NULL;
    if (c->a != NULL)
        return 0;
    *w = malloc(c->chunk * sizeof(uint64_t));
    return *w ? 0 : -ENOMEM;
}

static void cpu_worker_fini(void *ctx, void *w)
{
    (void)ctx;
    free(w);
}

static void cpu_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    struct cpu_ctx *c   = ctx;
    uint64_t        lo  = (uint64_t)i % c->nchunks * c->chunk;
    uint64_t        len = c->n - lo < c->chunk ? c->n - lo : c->chunk;
    uint64_t        t0 = clock_ns(), s = 0;
    const uint64_t *a = c->a ? c->a + lo : w;
    if (c->a == NULL)
        for (uint64_t k = 0; k < len; k++)
            ((uint64_t *)w)[k] = lo + k;
    for (uint64_t b = 0; b < len; b += EXEC_CHECK_EVERY) {
        uint64_t        blen = len - b < EXEC_CHECK_EVERY ? len - b : EXEC_CHECK_EVERY;
        const uint64_t *p    = a + b;
        if (c->sync != SYNC_LOCAL)
            kernel_shared(c, p, blen);
        else if (c->kernel == KERNEL_SUM)
            s += kernel_sum(p, blen);
        else
            s += kernel_heavy(p, blen, c->work);
        exec_checkpoint();
    }
    r->value    = s;
    r->start_ns = t0;
    r->end_ns   = clock_ns();
    r->bytes    = len * sizeof(uint64_t);
    r->err      = TASK_OK;
    r->done     = 1;
}

/* 0 + 1 + ... + (n-1) = n(n-1)/2 mod 2^64, halving the even factor first
 * so nothing overflows before the wrap we intend. */
static uint64_t range_sum(uint64_t n)
{
    if (n == 0)
        return 0;
    return (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
}

static uint64_t cpu_expected(const struct cpu_ctx *c)
{
    uint64_t s = range_sum(c->n);
    if (c->kernel == KERNEL_SUM)
        return c->passes * s;
    uint64_t ak, ck;
    lcg_jump(c->work, &ak, &ck);
    return c->passes * (ak * s + c->n * ck);
}

static void cpu_report(const struct tasks *t, const struct task_result *r,
                       const struct run_info *ri, struct run_report *rep, cJSON *fields)
{
    struct cpu_ctx *c   = t->ctx;
    uint64_t        sum = 0;
    if (c->sync == SYNC_LOCAL)
        for (size_t i = 0; i < t->n; i++)
            sum += r[i].value;
    else
        sum = atomic_load(&c->total);
    uint64_t expected = cpu_expected(c);
    rep->wrong        = rep->failed == 0 && sum != expected;
    rep->verified     = rep->failed == 0 && sum == expected;
    /* The race is meant to lose updates: two workers at once on a shared
     * total with nothing making load-add-store one step. */
    rep->expected_fail =
        c->sync == SYNC_NONE && ri->workers >= 2 && (ri->strategy_caps & CAP_PARALLEL);

    char sum_s[24], exp_s[24];
    snprintf(sum_s, sizeof(sum_s), "%llu", (unsigned long long)sum);
    snprintf(exp_s, sizeof(exp_s), "%llu", (unsigned long long)expected);
    /* As strings: a JSON number (double) cannot hold every uint64. */
    cJSON_AddStringToObject(fields, "sum", sum_s);
    cJSON_AddStringToObject(fields, "expected", exp_s);
    int n_ = snprintf(rep->detail, sizeof(rep->detail),
                      "%s kernel, n=%llu in %zu chunks x %llu pass%s, sync %s: sum %s, "
                      "expected %s: %s",
                      kernel_names[c->kernel], (unsigned long long)c->n, (size_t)c->nchunks,
                      (unsigned long long)c->passes, c->passes == 1 ? "" : "es",
                      sync_names[c->sync], sum_s, exp_s,
                      rep->verified ? "verified"
                      : rep->wrong  ? "WRONG"
                                    : "not checked (some tasks did not finish: the sum is of "
                                      "those that did)");
    if (rep->wrong && c->sync == SYNC_NONE && n_ > 0 && (size_t)n_ < sizeof(rep->detail)) {
        char off[48] = "";
        if (c->kernel == KERNEL_SUM) /* the lost values themselves */
            snprintf(off, sizeof(off), ", short by %llu", (unsigned long long)(expected - sum));
        snprintf(rep->detail + n_, sizeof(rep->detail) - (size_t)n_,
                 " (updates to the shared total were lost%s: load-add-store on it is not "
                 "atomic and the workers interleaved)",
                 off);
    }
}

/* The shared-total modes need workers that share memory. */
static const char *cpu_needs(const void *opts, unsigned *caps, char *buf, size_t bufsz)
{
    const struct cpu_opts *o = opts;
    *caps                    = o->sync == SYNC_LOCAL ? 0 : CAP_SHARED_MEMORY;
    snprintf(buf, bufsz, "--sync %s", sync_names[o->sync]);
    return buf;
}

static const struct task_ops cpu_ops = {
    .worker_init = cpu_worker_init,
    .worker_fini = cpu_worker_fini,
    .run         = cpu_run,
};

static const struct opt cpu_options[] = {
    {.name    = "kernel",
     .type    = OPT_CHOICE,
     .offset  = offsetof(struct cpu_opts, kernel),
     .choices = kernel_names,
     .def     = "heavy",
     .metavar = "KERNEL",
     .help    = "memory-bound sum, or compute-bound LCG rounds per element"},
    {.name   = "n",
     .type   = OPT_UINT,
     .offset = offsetof(struct cpu_opts, n),
     .def    = "16777216",
     .help   = "array elements (8 bytes each)",
     .min    = 1,
     .max    = CPU_MAX_N},
    {.name   = "chunk",
     .type   = OPT_UINT,
     .offset = offsetof(struct cpu_opts, chunk),
     .def    = "65536",
     .help   = "elements per task",
     .min    = 1,
     .max    = CPU_MAX_N},
    {.name    = "work",
     .type    = OPT_UINT,
     .offset  = offsetof(struct cpu_opts, work),
     .def     = "100",
     .metavar = "K",
     .help    = "LCG rounds per element for the heavy kernel",
     .min     = 1,
     .max     = 1000000},
    {.name    = "sync",
     .type    = OPT_CHOICE,
     .offset  = offsetof(struct cpu_opts, sync),
     .choices = sync_names,
     .def     = "local",
     .help    = "how results are added up: per-task sums merged after the run, or one shared "
                "total with an atomic add, a mutex, or nothing (the race: loses updates)"},
    {.name    = "passes",
     .type    = OPT_UINT,
     .offset  = offsetof(struct cpu_opts, passes),
     .def     = "1",
     .metavar = "P",
     .help    = "go over the whole array P times (a longer run without a larger array)",
     .min     = 1,
     .max     = 1000},
    OPT_END,
};

static const struct bench_series cpu_series[] = {
    {.id            = "sum",
     .title         = "sum kernel (memory-bound)",
     .args          = "--kernel sum --n 33554432 --passes 8",
     .quick_args    = "--kernel sum --n 4194304",
     .workers       = "2 cores 2xcores", /* at 1 every strategy is the baseline */
     .quick_workers = "2",
     .chart         = "speedup",
     .ceiling       = "bandwidth"},
    {.id            = "heavy",
     .title         = "heavy kernel (compute-bound)",
     .args          = "--kernel heavy --n 8388608 --work 120",
     .quick_args    = "--kernel heavy --n 1048576 --work 100",
     .workers       = "2 cores 2xcores",
     .quick_workers = "2",
     .chart         = "speedup"},
    {.id            = "dispatch",
     .title         = "dispatch cost: one pass over n = 1e6 in chunks of 100 .. 1e6 elements, "
                      "10 workers (the course's case: chunks of 100)",
     .args          = "--kernel sum --n 1000000 --passes 20",
     .quick_args    = "--kernel sum --n 100000",
     .workers       = "10",
     .quick_workers = "4",
     .chart         = "sweep",
     .vary          = "chunk",
     .values        = "100 10000 1000000",
     .quick_values  = "100 1000000"},
    /* Threads only, from 1 worker (the uncontended cost); QUICK at the full
     * n too: the race needs the two threads to overlap. */
    {.id            = "sync",
     .title         = "a shared total: --sync modes (threads, sum kernel)",
     .args          = "--kernel sum --n 8388608",
     .workers       = "1 2 cores 2xcores",
     .quick_workers = "1 2",
     .chart         = "modes",
     .vary          = "sync",
     .only          = "threads"},
    {.id = NULL},
};

static const char *const cpu_errors[] = {NULL};

WORKLOAD(cpu) = {
    .name        = CB_PLUGIN_NAME, /* "cpu": the file's name */
    .summary     = "sum of a materialised int64 array in chunks (kernel sum or heavy, --sync mode)",
    .caps        = WORKLOAD_CPU,
    .order       = 20,
    .color       = "#0072b2",
    .test_args   = "--kernel heavy --n 300000 --chunk 7000 --work 5",
    .options     = cpu_options,
    .opts_size   = sizeof(struct cpu_opts),
    .error_kinds = cpu_errors,
    .series      = cpu_series,
    .needs       = cpu_needs,
    .setup       = cpu_setup,
    .teardown    = cpu_teardown,
    .report      = cpu_report,
};
