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
 */
#include "workload.h"

#include "clock.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LCG_A 6364136223846793005u
#define LCG_C 1442695040888963407u

enum kernel { KERNEL_SUM, KERNEL_HEAVY };

struct cpu_ctx {
    uint64_t   *a;
    uint64_t    n;
    uint64_t    chunk;
    uint64_t    work;
    enum kernel kernel;
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
    free(c->a);
    free(c);
}

static size_t cpu_count(void *ctx)
{
    struct cpu_ctx *c = ctx;
    return (size_t)((c->n + c->chunk - 1) / c->chunk);
}

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
    for (uint64_t i = 0; i < len; i++) {
        uint64_t x = a[i];
        for (uint64_t k = 0; k < work; k++)
            x = x * LCG_A + LCG_C;
        s += x;
    }
    return s;
}

static void cpu_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    (void)w;
    struct cpu_ctx *c = ctx;
    uint64_t lo = (uint64_t)i * c->chunk;
    uint64_t len = c->n - lo < c->chunk ? c->n - lo : c->chunk;
    uint64_t t0 = clock_ns();
    r->value = c->kernel == KERNEL_SUM ? kernel_sum(c->a + lo, len)
                                       : kernel_heavy(c->a + lo, len, c->work);
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

/* The LCG applied k times is x -> A_k x + C_k; compose by squaring. */
static void lcg_jump(uint64_t k, uint64_t *ak, uint64_t *ck)
{
    uint64_t a = 1, c = 0;          /* accumulated map: identity */
    uint64_t pa = LCG_A, pc = LCG_C; /* map applied 2^bit times */
    while (k > 0) {
        if (k & 1) {
            c = pa * c + pc; /* (pa, pc) after (a, c) */
            a = pa * a;
        }
        pc = pa * pc + pc;
        pa = pa * pa;
        k >>= 1;
    }
    *ak = a;
    *ck = c;
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
    for (size_t i = 0; i < n; i++)
        sum += r[i].value;
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
    snprintf(rep->detail, sizeof(rep->detail), "%s kernel, n=%llu in %zu chunks: sum %s, expected %s: %s",
             c->kernel == KERNEL_SUM ? "sum" : "heavy", (unsigned long long)c->n, n, sum_s, exp_s,
             rep->verified ? "verified" : "WRONG");
}

const struct workload workload_cpu = {
    .name     = "cpu",
    .summary  = "sum of a materialised int64 array in chunks (kernel sum or heavy)",
    .setup    = cpu_setup,
    .teardown = cpu_teardown,
    .count    = cpu_count,
    .run      = cpu_run,
    .report   = cpu_report,
};
