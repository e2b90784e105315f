/*
 * completion_order.c: results come back in completion order, not
 * submission order (notebooks 1 and 2: futures.as_completed).
 *
 * Five downloads the fixture server delays by 300, 100, 200, 50 and 10 ms,
 * submitted in that order to a pool of five threads: they end shortest
 * first. The statistic is the rank correlation (Spearman's) of the order
 * they ended in with the order they were submitted in: 1 is submission
 * order (the sequential loop's), -0.9 is this delay order.
 */
#include "lesson.h"

#include <cjson/cJSON.h>

/* Spearman's rho of completion_rank[] against 1..n, or NaN. */
static double rho(const struct lesson_round *r, unsigned series)
{
    const cJSON *ranks = r->s[series].json ? cJSON_GetObjectItem(r->s[series].json, "completion_rank")
                                           : NULL;
    int          n     = cJSON_GetArraySize(ranks);
    if (n < 2)
        return NAN;
    double d2 = 0;
    int    i  = 0;
    for (const cJSON *e = ranks->child; e != NULL; e = e->next, i++) {
        if (!cJSON_IsNumber(e))
            return NAN;
        double d = e->valuedouble - (i + 1);
        d2 += d * d;
    }
    return 1 - 6 * d2 / ((double)n * ((double)n * n - 1));
}

static double pool_rho(const struct lesson_round *r)
{
    return rho(r, 0);
}

static double loop_rho(const struct lesson_round *r)
{
    return rho(r, 1);
}

LESSON(completion_order) = {
    .name      = "completion-order",
    .order     = 10,
    .notebook  = "notebooks 1 and 2: executor.submit, then futures.as_completed",
    .claim     = "A pool's results come back in the order the tasks finish, not the order they "
                 "were submitted.",
    .course    = "results printed out of submission order (\"Scheduled for X\", then as they "
                 "complete)",
    .scale     = "five downloads of 300, 100, 200, 50 and 10 ms on five threads",
    .server    = "--files 5 --delays 300,100,200,50,10",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"pool of 5 threads", "threads", "io", NULL, 5},
        {"sequential loop", "sequential", "io", NULL, 1},
    },
    .parts = {
        {"rank correlation with submission order, pool", "", pool_rho, LESSON_BELOW, 0.5, 0, 0.9,
         0},
        {"rank correlation with submission order, loop", "", loop_rho, LESSON_ABOVE, 0.99, 0,
         0.5, 0},
    },
    .explain = "The pool's results came back with a rank correlation of %.2f to submission order "
               "(the 10 ms task first, the 300 ms one last), the loop's %.2f: a future is "
               "done when its task is, whatever its place in the queue.",
};
