/*
 * pool_map.c: Pool.map of 4 tasks of T on 4 workers takes T, of 5 tasks
 * 2T (notebook 5), scaled to the cores present: a process per core, one
 * task per process, then one task more.
 *
 * The tasks are CPU work (the heavy kernel, a chunk each); the extra task
 * must wait for a free process, then run alone.
 */
#include "lesson.h"

static double ratio(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 1), lesson_wall(r, 0));
}

#define TASK "--kernel heavy --work 400 --chunk 655360"

LESSON(pool_map) = {
    .name      = "pool-map",
    .order     = 90,
    .notebook  = "notebook 5: Pool().map, os.cpu_count() processes",
    .claim     = "On a pool of one process per core, one task per core takes T; one task more "
                 "takes 2T.",
    .course    = "4 tasks of 2 s on 4 cores take 2 s, 5 tasks take 4 s",
    .scale     = "one process per core here, tasks of about 0.2 s of CPU each",
    .min_cores = 2,
    .needs_free_cores = 1,
    .budget_s  = 20,
    .series    = {
        {"one task per core", "procs", "cpu", TASK " --n {cores*655360}", 0},
        {"one task more", "procs", "cpu", TASK " --n {(cores+1)*655360}", 0},
    },
    .parts = {
        {"time of cores + 1 tasks over cores tasks", "x", ratio, LESSON_WITHIN, 1.7, 2.3, 1.3,
         2.7},
    },
    .explain = "One task more took %.2fx the time (the course's 4 s against 2 s: 2x): the extra "
               "task waits for a free process, then runs alone.",
};
