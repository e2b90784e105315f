/*
 * threads_io.c: a pool of threads downloads faster than one loop, down to
 * the latency bound (notebooks 2, 3 and 4).
 *
 * 40 files the fixture server delays by 20 ms each: the loop waits 40
 * delays one after another; 8 threads wait 8 at a time, 5 delays in all
 * (the latency bound, 0.1 s). Waiting needs no core, so this holds on a
 * busy machine and on one core.
 */
#include "lesson.h"

static double speedup(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 0), lesson_wall(r, 1));
}

static double vs_bound(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 1), lesson_field(r, 1, "bound_s"));
}

LESSON(threads_io) = {
    .name      = "threads-io",
    .order     = 20,
    .notebook  = "notebooks 2, 3 and 4: the flags, imgur and web-page downloaders",
    .claim     = "A pool of threads downloads faster than one loop, down to the latency bound.",
    .course    = "imgur: sequential 27.1 s, Pool(8) 9.0 s, 8 threads faster still",
    .scale     = "40 files of 20 ms each from the fixture server; 8 threads",
    .server    = "--files 40 --delay-ms 20",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"sequential loop", "sequential", "io", NULL, 1},
        {"8 threads", "threads", "io", NULL, 8},
    },
    .parts = {
        {"speedup of 8 threads over the loop", "x", speedup, LESSON_ABOVE, 4, 0, 2, 0},
        {"8 threads' time over the latency bound", "x", vs_bound, LESSON_BELOW, 1.5, 0, 3, 0},
    },
    .explain = "8 threads downloaded %.1fx faster than the loop, within %.2fx of the latency "
               "bound (5 waits of 20 ms): while one thread waits for its reply, the others "
               "wait for theirs.",
};
