/*
 * bwprobe.c: an independent memory read-bandwidth probe, the yardstick
 * `make perf` holds `concbench info --bandwidth` and the sum kernel
 * against. It shares no code with concbench: perf.py compiles it on the
 * spot with `cc -O3 -march=native -pthread` for the machine it runs on.
 *
 * usage: bwprobe MIB THREADS REPS
 * Reads an array of MIB MiB (faulted in first), split evenly over 1..
 * THREADS threads, REPS times each, and prints one JSON object:
 * {"bytes":..., "best_of":..., "threads_1_gbps":..., ...}: the best read
 * of each thread count, 10^9 bytes a second.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

struct part {
    const uint64_t    *a;
    size_t             n;
    uint64_t           sum;
    double             t0, t1; /* each reader times itself */
    pthread_barrier_t *start;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Eight independent sums, so eight loads are in flight at once. */
static uint64_t read_all(const uint64_t *a, size_t n)
{
    uint64_t s[8] = {0};
    size_t   i    = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            s[k] += a[i + k];
    for (; i < n; i++)
        s[0] += a[i];
    return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}

static void *reader(void *arg)
{
    struct part *p = arg;
    pthread_barrier_wait(p->start);
    p->t0  = now_s();
    p->sum = read_all(p->a, p->n);
    p->t1  = now_s();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bwprobe MIB THREADS REPS\n");
        return 2;
    }
    size_t   bytes   = (size_t)strtoul(argv[1], NULL, 10) << 20;
    int      threads = atoi(argv[2]), reps = atoi(argv[3]);
    size_t   n       = bytes / sizeof(uint64_t);
    uint64_t *a      = aligned_alloc(2u << 20, bytes);
    if (a == NULL || threads < 1 || threads > 64 || reps < 1) {
        fprintf(stderr, "bwprobe: bad arguments or no memory\n");
        return 2;
    }
    madvise(a, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < n; i++)
        a[i] = i;
    printf("{\"bytes\":%zu,\"best_of\":%d", bytes, reps);
    uint64_t check = 0;
    for (int t = 1; t <= threads; t++) {
        double best = 0;
        for (int r = 0; r < reps; r++) {
            pthread_t         tid[64];
            struct part       p[64];
            pthread_barrier_t start;
            pthread_barrier_init(&start, NULL, (unsigned)t + 1);
            for (int k = 0; k < t; k++) {
                p[k] = (struct part){a + n * k / t, n * (k + 1) / t - n * k / t, 0, 0, 0, &start};
                pthread_create(&tid[k], NULL, reader, &p[k]);
            }
            pthread_barrier_wait(&start);
            /* From the first reader's start to the last one's end: the
             * readers' own clocks, not this thread's, which may not run
             * again until a reader is done. */
            double t0 = 0, t1 = 0;
            for (int k = 0; k < t; k++) {
                pthread_join(tid[k], NULL);
                check += p[k].sum;
                t0 = k == 0 || p[k].t0 < t0 ? p[k].t0 : t0;
                t1 = p[k].t1 > t1 ? p[k].t1 : t1;
            }
            double s = t1 - t0;
            pthread_barrier_destroy(&start);
            if (best == 0 || s < best)
                best = s;
        }
        printf(",\"threads_%d_gbps\":%.2f", t, (double)bytes / best / 1e9);
    }
    printf(",\"check\":%llu}\n", (unsigned long long)(check & 1));
    free(a);
    return 0;
}
