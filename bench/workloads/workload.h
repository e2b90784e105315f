/*
 * workload.h: what a workload is: its tasks, its options, the right
 * answer, and how make bench runs it.
 *
 * A workload turns its options into a set of tasks (strategy.h's struct
 * tasks: a blocking form, and where it makes sense an asynchronous one and
 * a CPU stage), and after the run verifies the merged results against the
 * answer it knows (the closed-form sum, the sizes and checksums of the
 * files) and computes the figures that follow from it: whether the run
 * was verified, whether failing was its lesson, the least time any
 * strategy could take. It never schedules.
 *
 * A workload is one file in bench/workloads/ that defines its descriptor
 * with WORKLOAD(); nothing else is edited to add one.
 */
#ifndef CONCBENCH_WORKLOAD_H
#define CONCBENCH_WORKLOAD_H

#include "opt.h"
#include "registry.h"
#include "strategy.h"
#include "task.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* What a workload needs of its surroundings, exported to scripts. */
enum {
    WORKLOAD_FETCHES = 1u << 0, /* downloads from a server: give it --url and --out */
    WORKLOAD_CPU     = 1u << 1, /* its cost is computation */
    WORKLOAD_IO      = 1u << 2, /* its cost is waiting */
};

extern const char *const workload_cap_names[];

/* The run being reported on. */
struct run_info {
    const char *strategy;
    unsigned    strategy_caps; /* CAP_* */
    unsigned    workers;       /* as the strategy used them */
};

/* The merged outcome of a run: the runner fills the counts, the
 * workload's report() the verdict and the derived figures. */
struct run_report {
    size_t   tasks;
    size_t   ok;
    size_t   failed;
    size_t   errors[TASK_KINDS_MAX]; /* failed tasks by kind */
    uint64_t bytes;
    size_t   retries;       /* attempts beyond the first, over all tasks */
    int      verified;      /* every task succeeded and every answer was checked and right */
    int      wrong;         /* a check found a wrong answer (exit 1) */
    int      expected_fail; /* failing verification is this run's lesson (the race) */
    double   bound_s;       /* least wall time any strategy could take; 0: unknown */
    char     detail[512];   /* one line: what was checked, and how it came out */
};

/* How make bench runs a workload: one entry per series of points. */
struct bench_series {
    const char *id;            /* "heavy": names the series and its rows */
    const char *title;         /* for tables and charts */
    const char *args;          /* the workload's options for this series */
    const char *quick_args;    /* the same for QUICK=1; NULL: args */
    const char *workers;       /* worker counts: "1 2 4 8"; "cores" and "2xcores" are the machine's */
    const char *quick_workers; /* the same for QUICK=1 */
    const char *chart;         /* latency, speedup, bars, modes or sweep */
    const char *vary;          /* an option whose every choice is a point (modes) */
    const char *values;        /* the values of vary to run, when they are not its
                                  choices: "100 1000 10000" (sweep) */
    const char *quick_values;  /* the same for QUICK=1; NULL: values */
    const char *only;          /* one strategy only; NULL: every strategy */
    const char *ceiling;       /* "bandwidth": memory-bound, drawn against the
                                  measured read bandwidth; NULL: none */
};

struct workload {
    const char                *name;
    const char                *summary;     /* one line */
    unsigned                   caps;        /* WORKLOAD_* */
    int                        order;       /* display order */
    const char                *color;       /* colour hint for charts */
    const char                *test_args;   /* small options for the test suites; "" for none */
    const struct opt          *options;     /* OPT_END-terminated */
    size_t                     opts_size;   /* sizeof its options struct */
    const char *const         *error_kinds; /* its failure kinds, NULL-terminated */
    const struct bench_series *series;      /* ended by an entry with id NULL */
    /* Tasks in stages: the names of the spans task_result.stage_ns marks
     * (from the start to [0], [1] to [2], [2] to the end), for --trace.
     * NULL when its tasks are one piece. */
    const char *const *stages;

    /* Checks across options (exactly one of --url, --links). Optional.
     * Returns 0 or -EINVAL with a message. */
    int (*check)(const void *opts, char *err, size_t errsz);
    /* What the strategy must be able to do with these options: CAP_* bits
     * in *caps, and the option that asks it as the return value ("--sync
     * none"). Optional; NULL or *caps == 0: nothing. */
    const char *(*needs)(const void *opts, unsigned *caps, char *buf, size_t bufsz);

    /* Build the tasks. Returns 0, or -errno with a one-line message in err
     * (bad options, an unreachable index). Runs before the timed region. */
    int (*setup)(const void *opts, struct tasks *t, char *err, size_t errsz);
    void (*teardown)(struct tasks *t);

    /* Verify and describe (rep's counts are filled): set verified, wrong,
     * expected_fail, bound_s and detail, and add the workload's own fields
     * (its answer, what it checked) to fields. */
    void (*report)(const struct tasks *t, const struct task_result *r, const struct run_info *ri,
                   struct run_report *rep, cJSON *fields);
};

/* Define and register this file's workload:
 *     WORKLOAD(cpu) = { .name = CB_PLUGIN_NAME, ... };
 * CB_PLUGIN_NAME is the file's name ("cpu" for cpu.c), as for strategies. */
// clang-format off
#define WORKLOAD(sym)                                                       \
    static const struct workload sym;                                       \
    __attribute__((used, section("cb_workloads")))                          \
    static const struct registry_entry sym##_entry = {&sym, __FILE__};      \
    static const struct workload sym
// clang-format on

/* Every registered workload, by display order then name. */
const struct workload *const *workload_list(size_t *n);
const struct workload        *workload_find(const char *name);
const struct registry_entry  *workload_entries(size_t *n);

/* The name of task error kind err for wl ("connect", "interrupted"). */
const char *workload_err_name(const struct workload *wl, uint32_t err);

/* How many error kinds wl's results can have, TASK_OK included. */
uint32_t workload_err_count(const struct workload *wl);

/* Add "latency_ms": {p50, p95, p99, max} over the tasks that ran. */
void workload_latency_json(const struct task_result *r, size_t n, cJSON *fields);

#endif
