/*
 * lcg.h: the 64-bit linear congruential step both CPU-heavy kernels use
 * (cpu's heavy sum, mixed's transform), and its closed forms.
 *
 * x -> A x + C (mod 2^64). Applied k times it is x -> A_k x + C_k, with
 * (A_k, C_k) found in O(log k) by composing the map with itself; A is odd,
 * so the map is a bijection and its inverse is x -> A_k^-1 (x - C_k).
 * These closed forms let a run check k rounds of work without redoing it.
 */
#ifndef CONCBENCH_LCG_H
#define CONCBENCH_LCG_H

#include <stdint.h>

#define LCG_A 6364136223846793005u
#define LCG_C 1442695040888963407u

/* k dependent rounds: the work itself. */
static inline uint64_t lcg_rounds(uint64_t x, uint64_t k)
{
    for (uint64_t r = 0; r < k; r++)
        x = x * LCG_A + LCG_C;
    return x;
}

/* The step applied k times is x -> *ak x + *ck. */
static inline void lcg_jump(uint64_t k, uint64_t *ak, uint64_t *ck)
{
    uint64_t a = 1, c = 0;           /* accumulated map: identity */
    uint64_t pa = LCG_A, pc = LCG_C; /* the step applied 2^bit times */
    while (k > 0) {
        if (k & 1) {
            c = pa * c + pc;
            a = pa * a;
        }
        pc = pa * pc + pc;
        pa = pa * pa;
        k >>= 1;
    }
    *ak = a;
    *ck = c;
}

/* Inverse of an odd a mod 2^64 (Newton: each step doubles the correct
 * low bits; a is its own inverse mod 8, so 5 steps reach 96 > 64). */
static inline uint64_t lcg_inverse(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 5; i++)
        x *= 2 - a * x;
    return x;
}

#endif
