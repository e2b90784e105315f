/*
 * process_memory.c: each process holds its own copy of the data; threads
 * share one (notebooks 3 and 5).
 *
 * The sum of a 64 MiB array on 2 threads and on 2 forked processes. Every
 * process maps the array: its resident set counts it (peak RSS here is the
 * parent's plus its largest worker's). Threads share one address space
 * and count it once. What fork adds to the story: the copies are
 * copy-on-write, so until a process writes a page it is one physical
 * page; the proportional set size (PSS, a shared page divided among its
 * sharers) shows what memory is really used. CPython's processes write
 * every object they touch (reference counts), and so do copy it.
 */
#include "lesson.h"

static double rss_ratio(const struct lesson_round *r)
{
    return lesson_ratio(lesson_field(r, 1, "max_rss_kb"), lesson_field(r, 0, "max_rss_kb"));
}

static double pss_ratio(const struct lesson_round *r)
{
    return lesson_ratio(lesson_field(r, 1, "max_pss_kb"), lesson_field(r, 0, "max_pss_kb"));
}

#define SUM "--kernel sum --n 8388608 --passes 20"

LESSON(process_memory) = {
    .name      = "process-memory",
    .order     = 100,
    .notebook  = "notebooks 3 and 5: the drawbacks of a Pool",
    .claim     = "Each process holds its own copy of the data; threads share one.",
    .course    = "each process holds a copy of the memory",
    .scale     = "a 64 MiB array summed by 2 threads and by 2 processes",
    .min_cores = 1,
    .budget_s  = 15,
    .series    = {
        {"2 threads", "threads", "cpu", SUM, 2},
        {"2 processes", "procs", "cpu", SUM, 2},
    },
    .parts = {
        {"memory mapped, processes over threads (RSS)", "x", rss_ratio, LESSON_ABOVE, 1.3, 0, 1.05,
         0},
        {"memory used, processes over threads (PSS)", "x", pss_ratio, LESSON_WITHIN, 0.8, 1.3, 0.5,
         3},
    },
    .explain = "The processes held %.2fx the memory the threads held: each maps the array in "
               "its own address space. Shared pages counted once (PSS), they used %.2fx: fork "
               "copies a page only when a process writes it.",
};
