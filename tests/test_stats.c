/*
 * test_stats.c: the median and its exact interval on known data: ranks
 * and coverage against binomial tables, NaNs left out, no interval below
 * six values at 95 %, the same interval whatever the order of the values.
 */
#include "check.h"
#include "stats.h"

#include <math.h>

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

int main(void)
{
    const double six[] = {6, 1, 5, 2, 4, 3};
    CHECK(near(stats_median(six, 6), 3.5));
    struct interval ci = stats_median_ci(six, 6, 0.95);
    /* n = 6: k = 1, coverage 1 - 2/64. */
    CHECK(near(ci.lo, 1) && near(ci.hi, 6) && near(ci.coverage, 1 - 2.0 / 64));

    const double ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    ci = stats_median_ci(ten, 10, 0.95);
    /* n = 10: P(B <= 1) = 11/1024, so k = 2; P(B <= 2) = 56/1024 is too much. */
    CHECK(near(ci.lo, 2) && near(ci.hi, 9) && near(ci.coverage, 1 - 22.0 / 1024));
    CHECK(near(stats_median(ten, 10), 5.5));

    /* n = 5 has no 95 % interval: unbounded, coverage 0. */
    ci = stats_median_ci(six, 5, 0.95);
    CHECK(isinf(ci.lo) && ci.lo < 0 && isinf(ci.hi) && ci.hi > 0 && ci.coverage == 0);
    CHECK(stats_min_n(0.95) == 6);
    CHECK(stats_min_n(0.99) == 8); /* 2/256 <= 0.01, 2/128 is not */

    /* NaNs (a round that measured nothing) are left out. */
    const double gaps[] = {NAN, 1, 2, NAN, 3, 4, 5, 6};
    ci = stats_median_ci(gaps, 8, 0.95);
    CHECK(near(stats_median(gaps, 8), 3.5) && near(ci.lo, 1) && near(ci.hi, 6));
    const double none[] = {NAN, NAN};
    CHECK(isnan(stats_median(none, 2)));

    /* Twenty values: k = 6 (P(B <= 5) = 0.0207), coverage 0.9586. */
    double v[20];
    for (int i = 0; i < 20; i++)
        v[i] = (double)((i * 7) % 20); /* 0..19, shuffled */
    ci = stats_median_ci(v, 20, 0.95);
    CHECK(near(ci.lo, 5) && near(ci.hi, 14) && fabs(ci.coverage - 0.9586) < 1e-4);
    return check_done("test_stats");
}
