/*
 * sum_generic.c: the sum kernel (membw.h's sum_u64) where no per-CPU
 * clones are built: the same loop, vectorised at -O3 for the baseline of
 * the target (CMakeLists.txt picks this file on machines other than
 * x86-64).
 */
#include "membw.h"

uint64_t sum_u64(const uint64_t *a, uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++)
        s += a[i];
    return s;
}
