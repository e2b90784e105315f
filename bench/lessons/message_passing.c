/*
 * message_passing.c: message passing pays per message and shares nothing
 * (notebook 3's "message passing, which we will learn in later lessons").
 *
 * MPI ranks (Open MPI) sum an array whose chunks rank 0 hands out by
 * message: in chunks of 100 that is 80,000 messages, in chunks of 100,000
 * only 80, for the same work. And no rank holds the array: each makes the
 * chunk it is sent, so rank 0 uses a fraction of the memory of a thread
 * pool that shares the whole array.
 */
#include "lesson.h"

static double per_message(const struct lesson_round *r)
{
    return lesson_ratio(lesson_wall(r, 0), lesson_wall(r, 1));
}

static double memory(const struct lesson_round *r)
{
    return lesson_ratio(lesson_field(r, 1, "max_pss_kb"), lesson_field(r, 2, "max_pss_kb"));
}

#define SUM "--kernel sum --n 8388608"

LESSON(message_passing) = {
    .name      = "message-passing",
    .order     = 110,
    .notebook  = "notebook 3: processes that depend on each other need message passing",
    .claim     = "Message passing pays per message and shares nothing: small messages cost, and "
                 "no rank holds the data.",
    .scale     = "2 MPI ranks on this host, a 64 MiB array's worth of chunks",
    .min_cores = 1,
    .budget_s  = 20,
    .series    = {
        {"MPI, chunks of 100", "mpi", "cpu", SUM " --chunk 100", 2},
        {"MPI, chunks of 100,000", "mpi", "cpu", SUM " --chunk 100000", 2},
        {"threads, shared array", "threads", "cpu", SUM " --chunk 100000", 2},
    },
    .parts = {
        {"time in chunks of 100 over chunks of 100,000", "x", per_message, LESSON_ABOVE, 2, 0, 1.2,
         0},
        {"rank 0's memory over the thread pool's (PSS)", "x", memory, LESSON_BELOW, 0.5, 0, 0.9,
         0},
    },
    .explain = "80,000 messages took %.1fx the time of 80 for the same sum; rank 0 used %.2fx "
               "the memory of a thread pool, because no rank holds the array.",
};
