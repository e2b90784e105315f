/*
 * hybrid.c: an event loop for the transfers plus threads for the work
 * beats either alone.
 *
 * Each file is downloaded, then transformed (2000 LCG rounds per word):
 * the event loop alone stalls every transfer while it computes; the thread
 * pool needs a thread per transfer in flight; the hybrid keeps the
 * transfers on one loop and hands the work to a thread per core.
 */
#include "lesson.h"

static double beats(const struct lesson_round *r)
{
    double best = lesson_wall(r, 0) < lesson_wall(r, 1) ? lesson_wall(r, 0) : lesson_wall(r, 1);
    if (!isfinite(lesson_wall(r, 0)) || !isfinite(lesson_wall(r, 1)))
        best = NAN;
    return lesson_ratio(best, lesson_wall(r, 2));
}

#define MIXED "--work 2000"

LESSON(hybrid) = {
    .name      = "hybrid",
    .order     = 130,
    .notebook  = "notebooks 3 and 4, together: downloads that also need computing",
    .claim     = "An event loop for the transfers plus threads for the work beats either alone.",
    .scale     = "120 files of 10 ms, each transformed with 2000 rounds a word; 16 in flight",
    .server    = "--files 120 --delay-ms 10",
    .min_cores = 2,
    .needs_free_cores = 1,
    .budget_s  = 20,
    .series    = {
        {"event loop", "eventloop", "mixed", MIXED, 16},
        {"threads", "threads", "mixed", MIXED, 16},
        {"hybrid", "hybrid", "mixed", MIXED, 16},
    },
    .parts = {
        {"the better single model's time over hybrid's", "x", beats, LESSON_ABOVE, 1.0, 0, 0.95,
         0},
    },
    .explain = "The better of the event loop and the thread pool took %.2fx the hybrid's time: "
               "the hybrid's loop never stops for the work, and the work runs on every core.",
};
