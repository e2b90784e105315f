/*
 * clock.h: monotonic time and resource-usage snapshots.
 *
 * Time has one type here: uint64_t nanoseconds from CLOCK_MONOTONIC. This is
 * not a wall-clock date source; use it only for intervals.
 */
#ifndef CONCBENCH_CLOCK_H
#define CONCBENCH_CLOCK_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock. Thread-safe, never fails. */
uint64_t clock_ns(void);

static inline double ns_to_s(uint64_t ns)
{
    return (double)ns / 1e9;
}
static inline double ns_to_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

/* CPU time, peak memory and context switches of this process plus every
 * child it has waited for (so a fork pool's workers are counted once they
 * are reaped). */
struct usage {
    uint64_t user_ns;
    uint64_t sys_ns;
    long     max_rss_kb; /* self peak + largest reaped child's peak */
    long     ctx_voluntary;
    long     ctx_involuntary;
};

/* Fill *u with the current totals. Thread-safe. */
void usage_snapshot(struct usage *u);

/* after - before for the cumulative fields; max_rss_kb is taken from after
 * (a peak cannot be subtracted). */
struct usage usage_delta(const struct usage *before, const struct usage *after);

#endif
