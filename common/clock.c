/*
 * clock.c: monotonic nanoseconds and getrusage() snapshots.
 */
#include "clock.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

uint64_t clock_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        abort(); /* CLOCK_MONOTONIC cannot fail on Linux */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
    return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

void usage_snapshot(struct usage *u)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    u->user_ns         = tv_ns(self.ru_utime) + tv_ns(kids.ru_utime);
    u->sys_ns          = tv_ns(self.ru_stime) + tv_ns(kids.ru_stime);
    u->max_rss_kb      = self.ru_maxrss + kids.ru_maxrss;
    u->ctx_voluntary   = self.ru_nvcsw + kids.ru_nvcsw;
    u->ctx_involuntary = self.ru_nivcsw + kids.ru_nivcsw;
}

struct usage usage_delta(const struct usage *before, const struct usage *after)
{
    struct usage d = {
        .user_ns         = after->user_ns - before->user_ns,
        .sys_ns          = after->sys_ns - before->sys_ns,
        .max_rss_kb      = after->max_rss_kb,
        .ctx_voluntary   = after->ctx_voluntary - before->ctx_voluntary,
        .ctx_involuntary = after->ctx_involuntary - before->ctx_involuntary,
    };
    return d;
}
