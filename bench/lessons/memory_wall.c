/*
 * memory_wall.c: a memory-bound sum gains from more cores only what the
 * memory bus adds.
 *
 * Adding an int64 costs less than fetching it, so the sum runs at the
 * speed memory is read. In every round the bus itself is measured
 * (`concbench info --bandwidth`, the same loop without tasks): what one
 * thread and {cores} threads can read. The sum's speedup on {cores}
 * threads, divided by what the bus gives {cores} readers over one, is at
 * most about 1: the cores add nothing the memory does not. On a machine
 * whose memory one core cannot saturate, the bus itself scales, and so
 * does the sum: the lesson says how much.
 */
#include "lesson.h"

#include <stdio.h>

static double bus_gain(const struct lesson_round *r)
{
    char key[64];
    snprintf(key, sizeof(key), "bandwidth.threads_%u_gbps", r->workers > 8 ? 8 : r->workers);
    return lesson_ratio(lesson_field(r, 2, key), lesson_field(r, 2, "bandwidth.threads_1_gbps"));
}

static double speedup_over_bus(const struct lesson_round *r)
{
    return lesson_ratio(lesson_ratio(lesson_wall(r, 0), lesson_wall(r, 1)), bus_gain(r));
}

static double seq_over_bus(const struct lesson_round *r)
{
    double gbps = lesson_field(r, 0, "bytes") / lesson_wall(r, 0) / 1e9;
    return lesson_ratio(gbps, lesson_field(r, 2, "bandwidth.threads_1_gbps"));
}

static double gain(const struct lesson_round *r)
{
    return bus_gain(r);
}

#define SUM "--kernel sum --n 16777216 --chunk 262144 --passes 8"

LESSON(memory_wall) = {
    .name      = "memory-wall",
    .order     = 120,
    .notebook  = "the sum of array chunks, beyond the course: where more cores stop helping",
    .claim     = "A memory-bound sum gains from more cores only what the memory bus adds.",
    .scale     = "the sum of a 128 MiB array, 8 times over, on 1 and on one thread per core",
    .min_cores = 2,
    .needs_free_cores = 1,
    .budget_s  = 20,
    .series    = {
        {"1 thread", "sequential", "cpu", SUM, 1},
        {"a thread per core", "threads", "cpu", SUM, 0},
        {"the memory bus", NULL, NULL, "--bandwidth-mib 128", LESSON_NO_WORKERS},
    },
    .parts = {
        {"the sum's speedup over what the bus adds", "x", speedup_over_bus, LESSON_BELOW, 1.15, 0,
         1.35, 0},
        {"the sum's read rate over the bus's, 1 thread", "x", seq_over_bus, LESSON_ABOVE, 0.75, 0,
         0.5, 0},
        {"what the bus gives a reader per core over one", "x", gain, LESSON_ABOVE, 0, 0,
         -INFINITY, 0},
    },
    .explain = "The sum sped up %1$.2fx as much as the memory bus did (the bus gave %3$.2fx the "
               "bandwidth to a reader per core): the cores add what the memory adds and no more. "
               "One thread summed at %2$.2fx the bus's own read rate: the sum is the memory's "
               "speed.",
};
