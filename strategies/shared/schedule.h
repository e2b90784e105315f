/*
 * schedule.h: --schedule dynamic|static, for the pools that offer it
 * (threads, procs, openmp). Why it is shared: the option, its help and
 * what "static" deals out must mean the same in every pool.
 *
 *   dynamic  a free worker takes the next task (the default)
 *   static   one contiguous block of tasks per worker, dealt out up front,
 *            as OpenMP's schedule(static) and much as Pool.map's chunks
 */
#ifndef CONCBENCH_SCHEDULE_H
#define CONCBENCH_SCHEDULE_H

#include "opt.h"

#include <stddef.h>

enum schedule { SCHEDULE_DYNAMIC, SCHEDULE_STATIC };

extern const char *const schedule_names[];

/* The option table entry for a strategy whose options struct T has an
 * unsigned member F for it. */
#define SCHEDULE_OPTION(T, F)                                                                      \
    {                                                                                              \
        .name = "schedule", .type = OPT_CHOICE, .offset = offsetof(T, F),                          \
        .choices = schedule_names, .def = "dynamic",                                               \
        .help = "dynamic: a free worker takes the next task; static: one contiguous block "        \
                "of tasks per worker, dealt out up front"                                          \
    }

/* Block k of n tasks dealt out in `blocks` blocks: tasks [*lo, *hi). */
static inline void schedule_block(size_t k, size_t n, size_t blocks, size_t *lo, size_t *hi)
{
    *lo = k * n / blocks;
    *hi = (k + 1) * n / blocks;
}

#endif
