/*
 * gil_io.c: a GIL costs I/O-bound threads almost nothing (notebook 2).
 *
 * The same pool of 8 threads downloads 60 files of 20 ms, with and
 * without the emulated lock: a thread releases it for every transfer, as
 * CPython's socket calls do, so the waits overlap either way.
 */
#include "lesson.h"

static double cost(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 1), lesson_wall(r, 0));
}

LESSON(gil_io) = {
    .name      = "gil-io",
    .order     = 40,
    .notebook  = "notebook 2: the GIL and I/O-bound work",
    .claim     = "A GIL costs I/O-bound threads almost nothing: the lock is released while a "
                 "thread waits.",
    .course    = "the GIL is nearly harmless for I/O-bound work",
    .scale     = "60 files of 20 ms, 8 threads with and without the emulated GIL",
    .server    = "--files 60 --delay-ms 20",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"8 threads", "threads", "io", NULL, 8},
        {"8 threads under the GIL", "gil", "io", NULL, 8},
    },
    .parts = {
        {"time under the GIL over time without it", "x", cost, LESSON_BELOW, 1.15, 0, 1.5, 0},
    },
    .explain = "Under the GIL the downloads took %.2fx the time they took without it: every "
               "thread lets go of the lock while it waits for its reply.",
};
