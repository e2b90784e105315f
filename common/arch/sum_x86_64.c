/*
 * sum_x86_64.c: the sum kernel (membw.h's sum_u64) on x86-64, one clone
 * per vector width, chosen once at load time by the CPU it runs on.
 *
 * The loop is memory-bound: it is as fast as the memory when it asks for
 * the next cache lines soon enough, which takes vector loads and several
 * in flight. Built at -O3 (CMakeLists.txt) the compiler vectorises it;
 * target_clones makes an AVX-512, an AVX2 and a baseline (SSE2) version
 * and an ifunc resolver that picks the widest the machine has, so the
 * binary still runs on any x86-64. Other machines build sum_generic.c.
 */
#include "membw.h"

__attribute__((target_clones("avx512f", "avx2", "default"))) uint64_t
sum_u64(const uint64_t *a, uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++)
        s += a[i];
    return s;
}
