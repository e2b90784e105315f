/*
 * race.c: threads adding into one unlocked total lose updates (notebook
 * 3: 484944095455 instead of 499999500000).
 *
 * The course's own case, n = 1e6 in chunks of 100 on 10 threads, each
 * adding every element to one shared total with load, add, store (the
 * `x = x + i` of the notebook, with its lock commented out), 20 times over
 * so the threads overlap for long enough. Beside it the same with an
 * atomic add, which loses nothing. A round that loses no update is no
 * evidence that the race is absent, so nothing contradicts the claim: the
 * verdict is holds or inconclusive.
 */
#include "lesson.h"

/* Updates lost, in % of the right total. */
static double lost(const struct lesson_round *r, unsigned series)
{
    double sum = lesson_field(r, series, "sum"), want = lesson_field(r, series, "expected");
    return isfinite(sum) && isfinite(want) && want > 0 ? 100 * (want - sum) / want : NAN;
}

static double lost_unlocked(const struct lesson_round *r)
{
    return lost(r, 0);
}

static double lost_atomic(const struct lesson_round *r)
{
    return lost(r, 1);
}

LESSON(race) = {
    .name      = "race",
    .order     = 50,
    .notebook  = "notebook 3: 10 threads on a Queue of chunks, x = x + i, the lock commented out",
    .claim     = "Threads adding into one unlocked total lose updates: the sum comes out wrong.",
    .course    = "484944095455 instead of 499999500000 (3.0 % lost)",
    .scale     = "the course's n = 1e6, chunks of 100, 10 threads, over the array 20 times",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"unlocked total", "threads", "cpu",
         "--kernel sum --n 1000000 --chunk 100 --sync none --passes 20", 10},
        {"atomic add", "threads", "cpu",
         "--kernel sum --n 1000000 --chunk 100 --sync atomic --passes 2", 10},
    },
    .parts = {
        {"updates lost, unlocked total", "%", lost_unlocked, LESSON_ABOVE, 0, 0, -INFINITY, 0},
        {"updates lost, atomic add", "%", lost_atomic, LESSON_BELOW, 0.01, 0, 0.01, 0},
    },
    .explain = "Adding without a lock lost %.1f %% of the updates (the course lost 3.0 %%): two "
               "threads read the same total, each adds its number, and the second store "
               "overwrites the first. An atomic add lost %.1f %%.",
};
