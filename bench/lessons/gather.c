/*
 * gather.c: one event loop overlaps every wait: tasks of 2, 2 and 5 s
 * take 5 s (notebook 4: asyncio.gather), at a tenth of the time.
 */
#include "lesson.h"

static double loop_time(const struct lesson_round *r)
{
    return lesson_wall(r, 0);
}

static double seq_time(const struct lesson_round *r)
{
    return lesson_wall(r, 1);
}

LESSON(gather) = {
    .name      = "gather",
    .order     = 80,
    .notebook  = "notebook 4: asyncio.gather of asyncio.sleep tasks",
    .claim     = "One event loop on one thread overlaps every wait: tasks of 2, 2 and 5 s take "
                 "5 s.",
    .course    = "2, 2 and 5 s take 5 s",
    .scale     = "a tenth: downloads of 0.2, 0.2 and 0.5 s, so 0.5 s (0.9 s one after another); "
                 "the loop given no --workers, as gather has no limit",
    .server    = "--files 3 --delays 200,200,500",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"event loop, no limit", "eventloop", "io", NULL, LESSON_NO_WORKERS},
        {"one after another", "sequential", "io", NULL, 1},
    },
    .parts = {
        {"the event loop's time", "s", loop_time, LESSON_WITHIN, 0.48, 0.60, 0.40, 0.80},
        {"one after another", "s", seq_time, LESSON_WITHIN, 0.88, 1.00, 0.80, 1.20},
    },
    .explain = "The loop took %.3f s, the longest task's time (the course's 5 s, scaled: 0.5); "
               "one after another they took %.3f s. The loop's one thread waits for all three "
               "replies at once.",
};
