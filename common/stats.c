/*
 * stats.c: median and its exact order-statistic interval (stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The values of v that are numbers, sorted, in a new array (*m of them). */
static double *sorted_numbers(const double *v, size_t n, size_t *m)
{
    double *s = malloc((n ? n : 1) * sizeof(*s));
    *m        = 0;
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            s[(*m)++] = v[i];
    qsort(s, *m, sizeof(*s), cmp_double);
    return s;
}

double stats_median(const double *v, size_t n)
{
    size_t  m;
    double *s   = sorted_numbers(v, n, &m);
    double  med = NAN;
    if (s != NULL && m > 0)
        med = m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
    free(s);
    return med;
}

/* P(B <= k) for B ~ Binomial(n, 1/2), summed in logs so n in the
 * thousands neither overflows nor underflows. */
static double binom_cdf_half(size_t n, size_t k)
{
    double p = 0;
    for (size_t j = 0; j <= k && j <= n; j++)
        p += exp(lgamma((double)n + 1) - lgamma((double)j + 1) - lgamma((double)(n - j) + 1) -
                 (double)n * log(2.0));
    return p;
}

/* The largest k (1-based) with 2 P(B <= k-1) <= 1 - level, or 0. */
static size_t rank_for(size_t n, double level)
{
    size_t k = 0;
    while (k + 1 <= (n + 1) / 2 && 2 * binom_cdf_half(n, k) <= 1 - level)
        k++;
    return k;
}

size_t stats_min_n(double level)
{
    size_t n = 1;
    while (rank_for(n, level) == 0 && n < 1000)
        n++;
    return n;
}

struct interval stats_median_ci(const double *v, size_t n, double level)
{
    struct interval ci = {-INFINITY, INFINITY, 0};
    size_t          m;
    double         *s = sorted_numbers(v, n, &m);
    size_t          k = s != NULL && m > 0 ? rank_for(m, level) : 0;
    if (k > 0) {
        ci.lo       = s[k - 1];
        ci.hi       = s[m - k];
        ci.coverage = 1 - 2 * binom_cdf_half(m, k - 1);
    }
    free(s);
    return ci;
}
