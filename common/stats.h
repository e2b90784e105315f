/*
 * stats.h: the statistics a lesson's verdict rests on: the median of
 * per-round values and a distribution-free confidence interval for it.
 *
 * The interval is the exact order-statistic (binomial) interval of the
 * median: with n values sorted, [x(k), x(n+1-k)] covers the true median
 * with probability 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2), whatever the
 * values' distribution (continuous, or ties broken at random), so k is the
 * largest rank that keeps that probability at least the level asked for.
 * It needs no resampling (the same values give the same interval) and no
 * assumption about the shape of the noise, which on a shared machine has
 * long tails. Below 6 values no 95 % interval exists: the interval is then
 * unbounded, and a verdict cannot rest on it.
 */
#ifndef CONCBENCH_STATS_H
#define CONCBENCH_STATS_H

#include <stddef.h>

struct interval {
    double lo, hi;   /* -inf / +inf when n is too small for the level */
    double coverage; /* the exact coverage of [lo, hi] (>= the level asked), or 0 */
};

/* The median of v[0..n) (NaNs left out); NaN when no value is left. v is
 * not changed. Thread-safe. */
double stats_median(const double *v, size_t n);

/* The exact order-statistic interval of the median of v[0..n) (NaNs left
 * out) at confidence level (0.5 .. 0.9999, e.g. 0.95). Thread-safe. */
struct interval stats_median_ci(const double *v, size_t n, double level);

/* The smallest number of values for which a level interval exists (6 for
 * 0.95). */
size_t stats_min_n(double level);

#endif
