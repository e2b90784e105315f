/*
 * gil_cpu.c: threads under a GIL do not speed up CPU-bound work;
 * GIL-free threads and processes do (notebooks 2 and 3).
 *
 * Wall time is at the mercy of whatever else the machine runs, so the
 * verdict rests on what a busy machine cannot fake: cores kept busy, CPU
 * time over wall time. Under the lock one thread computes at a time (about
 * one core busy, however many threads); without it, and in processes,
 * the work spreads over the cores the machine gives.
 */
#include "lesson.h"

enum { SEQ, THREADS, GIL, PROCS };

static double gil_speedup(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, SEQ), lesson_wall(r, GIL));
}

static double gil_busy(const struct lesson_round *r)
{
    return lesson_busy(r, GIL);
}

static double threads_busy(const struct lesson_round *r)
{
    return lesson_busy(r, THREADS);
}

static double procs_busy(const struct lesson_round *r)
{
    return lesson_busy(r, PROCS);
}

#define HEAVY "--kernel heavy --n 8388608 --chunk 65536 --work 100"

LESSON(gil_cpu) = {
    .name      = "gil-cpu",
    .order     = 30,
    .notebook  = "notebooks 2 and 3: the GIL, and the sum of array chunks",
    .claim     = "Threads under a GIL do not speed up CPU-bound work; GIL-free threads and "
                 "processes do.",
    .course    = "CPU-bound work: switch to ProcessPoolExecutor; Python threads add no speed",
    .scale     = "the heavy kernel (100 LCG rounds per element) on 8M elements, a "
                 "thread or process per core",
    .min_cores = 2,
    .needs_free_cores = 1,
    .budget_s  = 25,
    .series    = {
        {"sequential", "sequential", "cpu", HEAVY, 1},
        {"threads", "threads", "cpu", HEAVY, 0},
        {"threads under the GIL", "gil", "cpu", HEAVY, 0},
        {"processes", "procs", "cpu", HEAVY, 0},
    },
    .parts = {
        {"cores busy under the GIL", "", gil_busy, LESSON_BELOW, 1.15, 0, 1.4, 0},
        {"cores busy, GIL-free threads", "", threads_busy, LESSON_ABOVE, 1.2, 0, 1.05, 0},
        {"cores busy, processes", "", procs_busy, LESSON_ABOVE, 1.2, 0, 1.05, 0},
        {"speedup of the GIL pool over sequential", "x", gil_speedup, LESSON_BELOW, 1.2, 0, 1.5,
         0},
    },
    .explain = "Under the GIL the pool kept %1$.2f cores busy and ran %4$.2fx the speed of one "
               "thread: one computation at a time. Without it, threads kept %2$.2f cores busy "
               "and processes %3$.2f.",
};
