/*
 * pool_makespan.c: tasks of 2, 2 and 5 s on a pool of 2 workers take 7 s,
 * on 3 workers 5 s (notebook 4's quiz), at a tenth of the time.
 *
 * The tasks are downloads the fixture server delays by 200, 200 and
 * 500 ms: a wait, not work, so the figures hold on a busy machine too.
 */
#include "lesson.h"

static double two(const struct lesson_round *r)
{
    return lesson_wall(r, 0);
}

static double three(const struct lesson_round *r)
{
    return lesson_wall(r, 1);
}

LESSON(pool_makespan) = {
    .name      = "pool-makespan",
    .order     = 70,
    .notebook  = "notebook 4: ThreadPoolExecutor(max_workers=2) mapping sleeps",
    .claim     = "Tasks of 2, 2 and 5 s take 7 s on 2 workers (the third waits for a free "
                 "one) and 5 s on 3.",
    .course    = "7 s on 2 workers, 5 s on 3",
    .scale     = "a tenth: tasks of 0.2, 0.2 and 0.5 s, so 0.7 s and 0.5 s",
    .server    = "--files 3 --delays 200,200,500",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"2 workers", "threads", "io", NULL, 2},
        {"3 workers", "threads", "io", NULL, 3},
    },
    .parts = {
        {"time on 2 workers", "s", two, LESSON_WITHIN, 0.68, 0.80, 0.55, 1.0},
        {"time on 3 workers", "s", three, LESSON_WITHIN, 0.48, 0.60, 0.40, 0.68},
    },
    .explain = "On 2 workers the three tasks took %.3f s (the course's 7 s, scaled: 0.7), on "
               "3 workers %.3f s (5 s: 0.5): with two workers the 0.5 s task starts only when "
               "a 0.2 s one is done.",
};
