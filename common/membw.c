/*
 * membw.c: the read-bandwidth probe (membw.h).
 */
#include "membw.h"

#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct reader {
    const uint64_t *a;
    uint64_t        n;
    atomic_int     *ready; /* readers count themselves in, running */
    atomic_int     *go;    /* then spin until the caller says go */
    uint64_t        sum;   /* kept, so the read cannot be optimised away */
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    atomic_fetch_add_explicit(r->ready, 1, memory_order_release);
    while (!atomic_load_explicit(r->go, memory_order_acquire))
        ;
    r->sum = sum_u64(r->a, r->n);
    return NULL;
}

/* One read of a[0..n) split over t threads (the caller is one of them):
 * seconds from the start to the last join, or -1 if a thread could not be
 * started. The clock starts once every reader is running: a thread is
 * not running when pthread_create returns, and waking an idle core took
 * long enough here (a virtual machine's) that the 2-thread figure read
 * 27.5 GB/s in rounds where the sum itself read 36. */
static double read_once(const uint64_t *a, uint64_t n, unsigned t)
{
    pthread_t     tid[MEMBW_THREADS];
    struct reader rd[MEMBW_THREADS];
    atomic_int    ready = 0, go = 0;
    unsigned      started = 1;
    for (unsigned k = 0; k < t; k++) {
        uint64_t lo = n * k / t, hi = n * (k + 1) / t;
        rd[k] = (struct reader){.a = a + lo, .n = hi - lo, .ready = &ready, .go = &go};
    }
    for (; started < t; started++)
        if (pthread_create(&tid[started], NULL, reader_main, &rd[started]) != 0)
            break;
    while (atomic_load_explicit(&ready, memory_order_acquire) < (int)started - 1)
        sched_yield(); /* lets a reader run where there are fewer cores than readers */
    uint64_t t0 = clock_ns();
    atomic_store_explicit(&go, 1, memory_order_release);
    rd[0].sum = sum_u64(rd[0].a, rd[0].n);
    for (unsigned k = 1; k < started; k++)
        pthread_join(tid[k], NULL);
    uint64_t t1 = clock_ns();
    return started == t ? ns_to_s(t1 - t0) : -1;
}

int membw_measure(unsigned max_threads, size_t bytes, struct membw *out)
{
    const size_t huge = 2u << 20;
    if (bytes < ((size_t)MEMBW_MIN_MIB << 20) || bytes > ((size_t)MEMBW_MAX_MIB << 20))
        return -EINVAL;
    size_t    room = (bytes + huge - 1) / huge * huge; /* aligned_alloc's rule */
    uint64_t  n    = bytes / sizeof(uint64_t);
    uint64_t *a    = aligned_alloc(huge, room);
    if (a == NULL)
        return -ENOMEM;
    madvise(a, room, MADV_HUGEPAGE); /* as the cpu workload's array */
    for (uint64_t i = 0; i < n; i++)
        a[i] = i;
    if (max_threads > MEMBW_THREADS)
        max_threads = MEMBW_THREADS;
    memset(out, 0, sizeof(*out));
    *out   = (struct membw){.bytes = bytes, .reps = MEMBW_REPS, .max_threads = max_threads};
    int rc = 0;
    for (unsigned t = 1; t <= max_threads && rc == 0; t++) {
        double best = 0;
        for (unsigned r = 0; r < MEMBW_REPS; r++) {
            double s = read_once(a, n, t);
            if (s <= 0) {
                rc = -EAGAIN;
                break;
            }
            if (best == 0 || s < best)
                best = s;
        }
        out->gbps[t] = best > 0 ? (double)bytes / best / 1e9 : 0;
    }
    free(a);
    return rc;
}
