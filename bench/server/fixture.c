/*
 * fixture.c: splitmix64-driven sizes and bodies.
 */
#include "fixture.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z          = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t file_state(uint64_t seed, size_t i)
{
    uint64_t s = seed ^ ((uint64_t)i * 0xd1342543de82ef95u);
    return splitmix64(&s);
}

size_t fixture_size(uint64_t seed, size_t i)
{
    uint64_t s     = file_state(seed, i) ^ 0x5151u;
    double   u     = (double)(splitmix64(&s) >> 11) / 9007199254740992.0; /* [0, 1) */
    double   ratio = (double)FIXTURE_MAX_SIZE / FIXTURE_MIN_SIZE;
    return (size_t)((double)FIXTURE_MIN_SIZE * pow(ratio, u));
}

void fixture_fill(uint64_t seed, size_t i, unsigned char *buf)
{
    size_t   n = fixture_size(seed, i);
    uint64_t s = file_state(seed, i);
    size_t   k = 0;
    for (; k + 8 <= n; k += 8) {
        uint64_t v = splitmix64(&s);
        memcpy(buf + k, &v, 8);
    }
    if (k < n) {
        uint64_t v = splitmix64(&s);
        memcpy(buf + k, &v, n - k);
    }
}

void fixture_name(size_t i, char *out)
{
    snprintf(out, FIXTURE_NAME_MAX, "flag-%03zu.bin", i);
}

int fixture_index(const char *name, size_t nfiles, size_t *i)
{
    size_t v;
    int    used = 0;
    char   check[FIXTURE_NAME_MAX];
    if (sscanf(name, "flag-%zu.bin%n", &v, &used) != 1 || name[used] != '\0' || v >= nfiles)
        return -ENOENT;
    fixture_name(v, check);
    if (strcmp(check, name) != 0) /* reject "flag-1.bin" aliases of flag-001 */
        return -ENOENT;
    *i = v;
    return 0;
}
