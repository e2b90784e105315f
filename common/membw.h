/*
 * membw.h: the machine's memory read bandwidth, measured, and the loop
 * that both measures it and is the cpu workload's sum kernel.
 *
 * The sum kernel is memory-bound: adding an int64 costs less than
 * fetching it. How fast it can possibly go is how fast this machine reads
 * memory, with one thread and with several, so concbench measures that
 * ceiling itself with the very same loop, without tasks, chunks, a pool or
 * a clock around each piece: the best of several reads of a 256 MiB array
 * (transparent huge pages advised; another size may be asked for), split
 * evenly across 1..N threads.
 */
#ifndef CONCBENCH_MEMBW_H
#define CONCBENCH_MEMBW_H

#include <stddef.h>
#include <stdint.h>

/* The sum of a[0..n) mod 2^64: a plain loop, built at -O3 and, on
 * x86-64, cloned per vector width and picked by the CPU at load time
 * (common/arch/), so that it reads memory as fast as a simple vectorised
 * loop can on the machine it runs on. Thread-safe (reads only). */
uint64_t sum_u64(const uint64_t *a, uint64_t n);

#define MEMBW_BYTES   (256u << 20) /* the default array */
#define MEMBW_MIN_MIB 16
#define MEMBW_MAX_MIB 16384
#define MEMBW_REPS    7
#define MEMBW_THREADS 8

struct membw {
    size_t   bytes;                   /* array read each time */
    unsigned reps;                    /* best of this many reads */
    unsigned max_threads;             /* gbps[1..max_threads] are set */
    double   gbps[MEMBW_THREADS + 1]; /* 10^9 bytes a second, by thread count */
};

/* Measure with 1..max_threads threads (at most MEMBW_THREADS), reading an
 * array of `bytes` (MEMBW_MIN_MIB .. MEMBW_MAX_MIB MiB). Returns 0, or
 * -errno (no memory, no threads, a size out of range). Takes about a
 * second at 256 MiB, most of it faulting the array in. */
int membw_measure(unsigned max_threads, size_t bytes, struct membw *out);

#endif
