/*
 * lesson.h: a lesson is a claim the course makes, declared once, with the
 * measurements that test it and the relation under which it holds.
 *
 * A lesson names the series it needs (each one a `concbench run` of a
 * strategy on a workload, or `concbench info --bandwidth`), the fixture
 * server they download from, and one or more parts: a statistic computed
 * from one round's samples and the interval its median must lie in for
 * the claim to hold (or to be contradicted). The engine (bench/lesson.c)
 * runs the series interleaved, round after round, until every part's 95 %
 * interval decides or the time budget ends, and reports holds,
 * contradicted or inconclusive. Nothing here runs anything.
 *
 * A new lesson is one new file in bench/lessons/ that says LESSON(sym) =
 * {...}: the build collects the folder, and the linker section the macro
 * fills is the registry, as for strategies and workloads.
 */
#ifndef CONCBENCH_LESSON_H
#define CONCBENCH_LESSON_H

#include "registry.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>

#define LESSON_SERIES_MAX 6
#define LESSON_PARTS_MAX  4

/* One contender: what one run of a round is. */
struct lesson_series {
    const char *label;    /* as the verdict and the chart say it: "threads at 2" */
    const char *strategy; /* a strategy name, or NULL for `info` (the bandwidth probe) */
    const char *workload; /* with strategy */
    /* Run options, space-separated, e.g. "--kernel heavy --n 1048576".
     * "{cores}" stands for this machine's worker count (its cores, at
     * least 2), and so do "{cores+K}", "{cores*M}" and "{(cores+K)*M}". */
    const char *args;
    /* --workers: 0 means {cores}; LESSON_NO_WORKERS gives none (the
     * strategy's own default); any other count is used as it is. */
    unsigned workers;
};
#define LESSON_NO_WORKERS 0xffffffffu

/* One series' result in one round. */
struct lesson_sample {
    cJSON *json;   /* the run's --json document (NULL if it gave none) */
    int    exit;   /* its exit status */
    double wall_s; /* the in-process clock */
    double cpu_s;  /* user + sys, children included */
    double busy;   /* cpu_s / wall_s: cores kept busy */
};

/* Everything one round measured. */
struct lesson_round {
    struct lesson_sample s[LESSON_SERIES_MAX];
    unsigned             cores;    /* online cores */
    unsigned             workers;  /* what {cores} stood for */
    double               load_1m;  /* /proc/loadavg before the round */
    unsigned             runnable; /* threads runnable before the round, the fewest of
                                      five looks 2 ms apart; this one included */
};

enum lesson_rel {
    LESSON_ABOVE,  /* holds when the interval lies above `holds` */
    LESSON_BELOW,  /* holds when it lies below `holds` */
    LESSON_WITHIN, /* holds when it lies within [holds, holds_hi] */
};

/* One claim's test: a statistic per round and the relation its median
 * must satisfy. An interval on the claim's side of `holds` (or inside
 * [holds, holds_hi]) holds; on the far side of `contra` (or outside
 * [contra, contra_hi]) contradicts; anything else is inconclusive. A part
 * that nothing can contradict (a race that did not show is not absent)
 * sets contra to +-INFINITY. */
struct lesson_part {
    const char     *statistic; /* "speedup of threads over sequential" */
    const char     *unit;      /* "x", "%", "s" or "" */
    double          (*value)(const struct lesson_round *r); /* NaN: not measured this round */
    enum lesson_rel rel;
    double          holds, holds_hi;
    double          contra, contra_hi;
};

struct lesson {
    const char *name;       /* the id users type: "gil-cpu" */
    int         order;      /* display order */
    const char *notebook;   /* where in the course: "notebook 3, the sum of array chunks" */
    const char *claim;      /* one sentence */
    const char *course;     /* the course's own figure, or NULL */
    const char *scale;      /* how the course's parameters were scaled, or NULL */
    const char *server;     /* `concbench serve` options, or NULL for no server */
    unsigned    min_cores;  /* below it the claim cannot be tested here */
    /* The claim needs the cores free (a speedup, a pool's makespan on CPU
     * work): measured while other threads were runnable, a result against
     * it is the neighbour's doing as much as the claim's, so it can make
     * the lesson inconclusive, never contradicted. */
    int         needs_free_cores;
    double      budget_s;   /* time to stop starting rounds (quiet machine) */
    const struct lesson_series series[LESSON_SERIES_MAX + 1]; /* ends with a NULL label */
    const struct lesson_part   parts[LESSON_PARTS_MAX + 1];   /* ends with a NULL statistic */
    /* The sentence that explains the result, with the measured figures:
     * printf-style, given each part's median in order (doubles). */
    const char *explain;
};

/* Define and register this file's lesson:
 *     LESSON(gil_cpu) = { .name = "gil-cpu", ... }; */
// clang-format off
#define LESSON(sym)                                                         \
    static const struct lesson sym;                                         \
    __attribute__((used, section("cb_lessons")))                            \
    static const struct registry_entry sym##_entry = {&sym, __FILE__};      \
    static const struct lesson sym
// clang-format on

/* Every lesson, by order then id. */
const struct lesson *const *lesson_list(size_t *n);
const struct lesson        *lesson_find(const char *id);
const struct registry_entry *lesson_entries(size_t *n);

/* Helpers for statistics: a number field of a series' JSON (dotted path),
 * NaN when absent; the series' wall time and cores busy, NaN when the run
 * failed. */
double lesson_field(const struct lesson_round *r, unsigned series, const char *path);
double lesson_wall(const struct lesson_round *r, unsigned series);
double lesson_busy(const struct lesson_round *r, unsigned series);

/* a / b, NaN when either is not a positive number. */
double lesson_ratio(double a, double b);

#endif
