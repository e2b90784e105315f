/*
 * workload_cpu.c: the CPU-bound workload, a sum over chunks of an array.
 *
 * The array is materialised (a[i] = i + 1) before any strategy runs, so the
 * timed region only reads and computes; a forked pool shares it copy-on-
 * write. Task k sums chunk k. Two kernels:
 *   sum    add the elements: memory-bound, a few cycles per element;
 *   heavy  run each element through `work` rounds of a 64-bit LCG step
 *          (x = x*A + C, each round depending on the last) and add the
 *          results: compute-bound, cost per element set by --work.
 * The compiler cannot fold either loop: the data is in memory, and the
 * heavy chain has a runtime length. The answer is checked against a value
 * computed independently, without touching the array: n(n+1)/2 for sum, and
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
 * The shared modes only mean something where workers share memory; the
 * runner refuses them for strategies that do not.
 *
 * The kernels call exec_checkpoint() every EXEC_CHECK_EVERY elements, so a
 * strategy that emulates an interpreter lock can switch threads there.
 */
#include "workload.h"

#include "clock.h"
#include "exec.h"
#include "lcg.h"
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
static const char *const sync_names[] = {"local", "atomic", "mutex", "none"};

struct cpu_ctx {
    uint64_t        *a;
    uint64_t         n;
    uint64_t         chunk;
    uint64_t         work;
    enum kernel      kernel;
    enum sync        sync;
    /* The one shared total of the atomic, mutex and none modes: the only
     * state the tasks write besides their results. */
    _Atomic uint64_t total;
    pthread_mutex_t  total_lock;
};

/* The default size makes one sequential heavy run take about a second on
 * a 2-core 3 GHz machine. */
#define CPU_DEFAULT_N     (1u << 24)
#define CPU_DEFAULT_CHUNK (1u << 16)
#define CPU_DEFAULT_WORK  100u
#define CPU_MAX_N         (1ull << 32) /* 32 GiB of int64: beyond any machine here */

/* The array in 2 MiB-aligned memory, advised to use transparent huge
 * pages where the kernel offers them. Every strategy reads the same array,
 * so this changes no comparison except the one it is for: forking a pool
 * then shares a few hundred huge-page entries instead of tens of thousands
 * of 4 KiB ones, and the children do not fault each page in again. */
static uint64_t *array_alloc(uint64_t n)
{
    const size_t huge = 2u << 20;
    size_t bytes = (size_t)n * sizeof(uint64_t);
    bytes = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, bytes);
    if (p != NULL)
        madvise(p, bytes, MADV_HUGEPAGE); /* advice only: fine if refused */
    return p;
}

static int cpu_setup(const struct wl_options *o, void **out, char *err, size_t errsz)
{
    struct cpu_ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    c->n      = o->n ? o->n : CPU_DEFAULT_N;
    c->chunk  = o->chunk ? o->chunk : CPU_DEFAULT_CHUNK;
    c->work   = o->work ? o->work : CPU_DEFAULT_WORK;
    c->kernel = KERNEL_HEAVY;
    if (o->kernel != NULL && strcmp(o->kernel, "sum") == 0)
        c->kernel = KERNEL_SUM;
    else if (o->kernel != NULL && strcmp(o->kernel, "heavy") != 0) {
        free(c);
        return errf(err, errsz, "unknown kernel '%s' (sum or heavy)", o->kernel);
    }
    c->sync = SYNC_LOCAL;
    for (int m = 0; o->sync != NULL && m < 4; m++)
        if (strcmp(o->sync, sync_names[m]) == 0)
            c->sync = (enum sync)m;
    if (o->sync != NULL && strcmp(o->sync, sync_names[c->sync]) != 0) {
        free(c);
        return errf(err, errsz, "unknown sync mode '%s' (local, atomic, mutex or none)", o->sync);
    }
    pthread_mutex_init(&c->total_lock, NULL);
    if (c->n > CPU_MAX_N) {
        free(c);
        return errf(err, errsz, "--n %llu is more than the %llu elements allowed",
                    (unsigned long long)o->n, CPU_MAX_N);
    }
    if (c->chunk > c->n)
        c->chunk = c->n;
    c->a = array_alloc(c->n);
    if (c->a == NULL) {
        errf(err, errsz, "unable to allocate %llu MiB for --n %llu",
             (unsigned long long)((c->n * 8) >> 20), (unsigned long long)c->n);
        free(c);
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < c->n; i++)
        c->a[i] = i + 1;
    *out = c;
    return 0;
}

static void cpu_teardown(void *ctx)
{
    struct cpu_ctx *c = ctx;
    pthread_mutex_destroy(&c->total_lock);
    free(c->a);
    free(c);
}

static size_t cpu_count(void *ctx)
{
    struct cpu_ctx *c = ctx;
    return (size_t)((c->n + c->chunk - 1) / c->chunk);
}

/* The private-sum kernels: plain loops the compiler may vectorise. */
static uint64_t kernel_sum(const uint64_t *a, uint64_t len)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < len; i++)
        s += a[i];
    return s;
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

static void cpu_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    (void)w;
    struct cpu_ctx *c = ctx;
    uint64_t lo = (uint64_t)i * c->chunk;
    uint64_t len = c->n - lo < c->chunk ? c->n - lo : c->chunk;
    uint64_t t0 = clock_ns(), s = 0;
    for (uint64_t b = 0; b < len; b += EXEC_CHECK_EVERY) {
        uint64_t blen = len - b < EXEC_CHECK_EVERY ? len - b : EXEC_CHECK_EVERY;
        const uint64_t *p = c->a + lo + b;
        if (c->sync != SYNC_LOCAL)
            kernel_shared(c, p, blen);
        else if (c->kernel == KERNEL_SUM)
            s += kernel_sum(p, blen);
        else
            s += kernel_heavy(p, blen, c->work);
        exec_checkpoint();
    }
    r->value = s;
    r->latency_ns = clock_ns() - t0;
    r->bytes = len * sizeof(uint64_t);
    r->err = FETCH_OK;
    r->done = 1;
}

/* n(n+1)/2 mod 2^64, halving the even factor first so nothing overflows
 * before the wrap we intend. */
static uint64_t triangular(uint64_t n)
{
    return (n % 2 == 0) ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
}

static uint64_t cpu_expected(const struct cpu_ctx *c)
{
    uint64_t s = triangular(c->n);
    if (c->kernel == KERNEL_SUM)
        return s;
    uint64_t ak, ck;
    lcg_jump(c->work, &ak, &ck);
    return ak * s + c->n * ck;
}

static void cpu_report(void *ctx, const struct task_result *r, size_t n, struct run_report *rep,
                       cJSON *json)
{
    struct cpu_ctx *c = ctx;
    uint64_t sum = 0;
    if (c->sync == SYNC_LOCAL)
        for (size_t i = 0; i < n; i++)
            sum += r[i].value;
    else
        sum = atomic_load(&c->total);
    uint64_t expected = cpu_expected(c);
    rep->verified = rep->failed == 0 && sum == expected;

    char sum_s[24], exp_s[24];
    snprintf(sum_s, sizeof(sum_s), "%llu", (unsigned long long)sum);
    snprintf(exp_s, sizeof(exp_s), "%llu", (unsigned long long)expected);
    /* As strings too: a JSON number (double) cannot hold every uint64. */
    cJSON_AddStringToObject(json, "sum", sum_s);
    cJSON_AddStringToObject(json, "expected", exp_s);
    cJSON_AddStringToObject(json, "kernel", c->kernel == KERNEL_SUM ? "sum" : "heavy");
    cJSON_AddNumberToObject(json, "n", (double)c->n);
    cJSON_AddNumberToObject(json, "chunk", (double)c->chunk);
    cJSON_AddNumberToObject(json, "work", c->kernel == KERNEL_HEAVY ? (double)c->work : 0);
    cJSON_AddStringToObject(json, "sync", sync_names[c->sync]);
    int n_ = snprintf(rep->detail, sizeof(rep->detail),
                      "%s kernel, n=%llu in %zu chunks, sync %s: sum %s, expected %s: %s",
                      c->kernel == KERNEL_SUM ? "sum" : "heavy", (unsigned long long)c->n, n,
                      sync_names[c->sync], sum_s, exp_s, rep->verified ? "verified" : "WRONG");
    if (!rep->verified && rep->failed == 0 && c->sync == SYNC_NONE && n_ > 0 &&
        (size_t)n_ < sizeof(rep->detail)) {
        char off[48] = "";
        if (c->kernel == KERNEL_SUM) /* the lost values themselves */
            snprintf(off, sizeof(off), ", short by %llu", (unsigned long long)(expected - sum));
        snprintf(rep->detail + n_, sizeof(rep->detail) - (size_t)n_,
                 " (updates to the shared total were lost%s: load-add-store on it is not "
                 "atomic and the workers interleaved)",
                 off);
    }
}

const struct workload workload_cpu = {
    .name     = "cpu",
    .summary  = "sum of a materialised int64 array in chunks (kernel sum or heavy, --sync mode)",
    .setup    = cpu_setup,
    .teardown = cpu_teardown,
    .count    = cpu_count,
    .run      = cpu_run,
    .report   = cpu_report,
};
