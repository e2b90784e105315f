/*
 * chunks.c: n = 1e6 in chunks of 100 at 10 workers: handing out a chunk
 * costs more than adding it up (notebook 3).
 *
 * The same sum on the same pool, in chunks of 100 (the course's) and of
 * 100,000: the work is the same, only the number of hand-outs differs
 * (10,000 against 10 a pass). If a hand-out cost less than adding up 100
 * elements, the small chunks would take less than twice as long.
 */
#include "lesson.h"

static double ratio(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 0), lesson_wall(r, 1));
}

LESSON(chunks) = {
    .name      = "chunks",
    .order     = 60,
    .notebook  = "notebook 3: the sum of n = 1e6 in chunks of 100 on 10 threads",
    .claim     = "In chunks of 100, handing a chunk to a worker costs more than adding it up.",
    .course    = "10 threads: 0.27 s, slower than the sequential loop's 0.117 s",
    .scale     = "the course's n = 1e6 and 10 threads, over the array 20 times",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"chunks of 100", "threads", "cpu", "--kernel sum --n 1000000 --chunk 100 --passes 20", 10},
        {"chunks of 100,000", "threads", "cpu",
         "--kernel sum --n 1000000 --chunk 100000 --passes 20", 10},
    },
    .parts = {
        {"time in chunks of 100 over chunks of 100,000", "x", ratio, LESSON_ABOVE, 2, 0, 1.2, 0},
    },
    .explain = "The same sum took %.1fx as long in chunks of 100: 10,000 hand-outs a pass "
               "instead of 10, each costing more than the 100 additions it hands out.",
};
