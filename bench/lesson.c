/*
 * lesson.c: `concbench lesson`: each lesson of the course (bench/lessons/, one file each)
 * run as a claim the numbers decide.
 *
 * A lesson's series run interleaved, one round after another, each run a
 * whole `concbench run --json` (or `info --bandwidth`) process of this
 * very binary, so every sample is the same measurement `run` makes and
 * verifies. After each round, every part's statistic is computed per
 * round (paired: the contenders of one round lived through the same
 * moment of the machine), and the median's exact 95 % interval
 * (common/stats.h) is compared with the part's relation. Rounds go on
 * until every part is decided or the time budget ends; an undecided part
 * makes the lesson inconclusive, never a guess. The load before each round
 * is recorded beside it.
 *
 * This file is the engine and the command; it names no lesson.
 */
#include "cli.h"

#include "clock.h"
#include "cmdline.h"
#include "lesson.h"
#include "lessonchart.h"
#include "lessonrun.h"
#include "save.h"
#include "stats.h"
#include "sysinfo.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEVEL      0.95
#define MAX_ROUNDS 60

/* ---- the registry --------------------------------------------------- */

REGISTRY_SECTION(cb_lessons);
static struct registry lessons = REGISTRY_INIT(cb_lessons, struct lesson);

const struct lesson *const *lesson_list(size_t *n)
{
    return (const struct lesson *const *)registry_list(&lessons, n);
}

const struct lesson *lesson_find(const char *id)
{
    return registry_find(&lessons, id);
}

const struct registry_entry *lesson_entries(size_t *n)
{
    return registry_entries(&lessons, n);
}

/* ---- helpers the lessons' statistics use ------------------------------ */

double lesson_ratio(double a, double b)
{
    return isfinite(a) && isfinite(b) && a > 0 && b > 0 ? a / b : NAN;
}

double lesson_field(const struct lesson_round *r, unsigned series, const char *path)
{
    const cJSON *j = r->s[series].json;
    char         key[64];
    while (j != NULL && *path != '\0') {
        size_t len = strcspn(path, ".");
        if (len >= sizeof(key))
            return NAN;
        memcpy(key, path, len);
        key[len] = '\0';
        j        = cJSON_GetObjectItemCaseSensitive(j, key);
        path += len + (path[len] == '.');
    }
    if (cJSON_IsNumber(j))
        return j->valuedouble;
    if (cJSON_IsString(j)) { /* big integers travel as strings ("sum") */
        char  *end = NULL;
        double v   = strtod(j->valuestring, &end);
        return end != j->valuestring && *end == '\0' ? v : NAN;
    }
    if (cJSON_IsBool(j))
        return cJSON_IsTrue(j) ? 1 : 0;
    return NAN;
}

double lesson_wall(const struct lesson_round *r, unsigned series)
{
    return r->s[series].json != NULL ? r->s[series].wall_s : NAN;
}

double lesson_busy(const struct lesson_round *r, unsigned series)
{
    return r->s[series].json != NULL ? r->s[series].busy : NAN;
}

/* ---- verdicts --------------------------------------------------------- */

static const char *const verdict_names[] = {"holds", "contradicted", "inconclusive"};

enum verdict lesson_decide(const struct lesson_part *p, struct interval ci)
{
    if (!isfinite(ci.lo) || !isfinite(ci.hi))
        return V_INCONCLUSIVE;
    switch (p->rel) {
    case LESSON_ABOVE:
        if (ci.lo > p->holds)
            return V_HOLDS;
        if (ci.hi < p->contra)
            return V_CONTRADICTED;
        break;
    case LESSON_BELOW:
        if (ci.hi < p->holds)
            return V_HOLDS;
        if (ci.lo > p->contra)
            return V_CONTRADICTED;
        break;
    case LESSON_WITHIN:
        if (ci.lo >= p->holds && ci.hi <= p->holds_hi)
            return V_HOLDS;
        if (ci.hi < p->contra || ci.lo > p->contra_hi)
            return V_CONTRADICTED;
        break;
    }
    return V_INCONCLUSIVE;
}

/* "above 3", "below 1.15", "within 0.65..0.85" */
static void relation_text(const struct lesson_part *p, char *buf, size_t sz)
{
    switch (p->rel) {
    case LESSON_ABOVE:
        snprintf(buf, sz, "above %g%s", p->holds, p->unit);
        break;
    case LESSON_BELOW:
        snprintf(buf, sz, "below %g%s", p->holds, p->unit);
        break;
    case LESSON_WITHIN:
        snprintf(buf, sz, "within %g..%g%s", p->holds, p->holds_hi, p->unit);
        break;
    }
}

/* ---- one lesson, measured --------------------------------------------- */

struct part_result {
    double         *values; /* one a round */
    double          estimate;
    struct interval ci;
    enum verdict    verdict;
};

struct outcome {
    const struct lesson *l;
    size_t               rounds;
    struct lesson_round *round; /* rounds of them */
    struct part_result   part[LESSON_PARTS_MAX];
    size_t               nparts, nseries;
    enum verdict         verdict;
    char                 reason[512];
    double               elapsed_s;
    unsigned             seed;
    int                  interrupted;
};

static size_t count_parts(const struct lesson *l)
{
    size_t k = 0;
    while (k < LESSON_PARTS_MAX && l->parts[k].statistic != NULL)
        k++;
    return k;
}

static size_t count_series(const struct lesson *l)
{
    size_t k = 0;
    while (k < LESSON_SERIES_MAX && l->series[k].label != NULL)
        k++;
    return k;
}

/* Every part's median, interval and verdict over the rounds so far, and
 * the lesson's: holds when every part holds, contradicted when one is. */
static void judge(struct outcome *o)
{
    int contradicted = 0, undecided = 0;
    for (size_t p = 0; p < o->nparts; p++) {
        struct part_result *pr = &o->part[p];
        pr->estimate           = stats_median(pr->values, o->rounds);
        pr->ci                 = stats_median_ci(pr->values, o->rounds, LEVEL);
        pr->verdict            = lesson_decide(&o->l->parts[p], pr->ci);
        contradicted |= pr->verdict == V_CONTRADICTED;
        undecided |= pr->verdict == V_INCONCLUSIVE;
    }
    o->verdict = contradicted ? V_CONTRADICTED : undecided ? V_INCONCLUSIVE : V_HOLDS;
}

/* A value as the lesson's JSON carries it. cJSON prints 15 significant
 * digits whenever they read back within a rounding error, so a value is
 * kept at those 15 digits (which read back bit for bit): the run judges
 * exactly what a replay of its file reads. */
static double as_recorded(double v)
{
    char text[32];
    snprintf(text, sizeof(text), "%.15g", v);
    return strtod(text, NULL);
}

/* The last round's statistics, then the verdicts. */
static void evaluate(struct outcome *o)
{
    for (size_t p = 0; p < o->nparts; p++)
        o->part[p].values[o->rounds - 1] =
            as_recorded(o->l->parts[p].value(&o->round[o->rounds - 1]));
    judge(o);
}

/* Other threads runnable before the rounds (the median; /proc/loadavg
 * counts this process too). */
static double others_runnable(const struct outcome *o)
{
    double v[MAX_ROUNDS];
    for (size_t r = 0; r < o->rounds; r++)
        v[r] = o->round[r].runnable > 0 ? o->round[r].runnable - 1.0 : 0;
    return stats_median(v, o->rounds);
}

/* A part whose every round so far measured nothing (its runs failed). */
static int part_unmeasured(const struct outcome *o)
{
    for (size_t p = 0; p < o->nparts; p++) {
        size_t ok = 0;
        for (size_t r = 0; r < o->rounds; r++)
            ok += isfinite(o->part[p].values[r]) != 0;
        if (ok == 0)
            return 1;
    }
    return 0;
}

/* The part the verdict turns on: the first contradicted, else the first
 * undecided, else the first. */
static size_t deciding_part(const struct outcome *o)
{
    for (size_t p = 0; p < o->nparts; p++)
        if (o->part[p].verdict == V_CONTRADICTED)
            return p;
    for (size_t p = 0; p < o->nparts; p++)
        if (o->part[p].verdict == V_INCONCLUSIVE)
            return p;
    return 0;
}

static void explain_inconclusive(struct outcome *o)
{
    size_t                    p   = deciding_part(o);
    const struct lesson_part *lp  = &o->l->parts[p];
    struct part_result       *pr  = &o->part[p];
    size_t                    min = stats_min_n(LEVEL);
    char                      rel[64];
    relation_text(lp, rel, sizeof(rel));
    if (o->rounds < min)
        snprintf(o->reason, sizeof(o->reason),
                 "%zu rounds in the time budget: a 95 %% interval needs %zu; a quieter "
                 "machine or a longer --budget would decide it",
                 o->rounds, min);
    else if (!isfinite(pr->estimate))
        snprintf(o->reason, sizeof(o->reason), "%s was not measured: its runs failed",
                 lp->statistic);
    else
        snprintf(o->reason, sizeof(o->reason),
                 "%s: the interval [%.3g, %.3g] reaches across the line (%s holds, "
                 "beyond %g contradicts); more rounds (--budget) or a quieter machine would "
                 "decide it",
                 lp->statistic, pr->ci.lo, pr->ci.hi, rel, lp->contra);
}

/* The rules applied once the rounds are over: no verdict from fewer
 * rounds than an interval needs, and no contradiction of a claim that
 * needs free cores from rounds a neighbour shared. */
static void conclude(struct outcome *o)
{
    if (o->rounds < stats_min_n(LEVEL))
        o->verdict = V_INCONCLUSIVE;
    double busy = others_runnable(o);
    if (o->verdict == V_CONTRADICTED && o->l->needs_free_cores && busy >= 1) {
        o->verdict = V_INCONCLUSIVE;
        snprintf(o->reason, sizeof(o->reason),
                 "measured while %.0f other thread%s ran (the median before a round): this claim "
                 "needs the cores free, and what the numbers say against it may be the "
                 "neighbour's doing; run it again on a quiet machine",
                 busy, busy == 1 ? "" : "s");
    } else if (o->verdict == V_INCONCLUSIVE && o->reason[0] == '\0') {
        explain_inconclusive(o);
    }
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int measure(const struct lesson *l, const struct lesson_opts *lo, struct outcome *o,
                   char *err, size_t errsz)
{
    unsigned cores = (unsigned)sysinfo_cores();
    memset(o, 0, sizeof(*o));
    o->l       = l;
    o->seed    = lo->seed;
    o->nparts  = count_parts(l);
    o->nseries = count_series(l);
    o->verdict = V_INCONCLUSIVE;
    if (cores < l->min_cores) {
        snprintf(o->reason, sizeof(o->reason),
                 "this machine has %u core%s; the claim needs %u to be tested", cores,
                 cores == 1 ? "" : "s", l->min_cores);
        return 0;
    }
    for (size_t k = 0; k < o->nseries; k++) {
        const char *missing = lessonrun_missing(&l->series[k]);
        if (missing != NULL) {
            snprintf(o->reason, sizeof(o->reason), "%s: not in this build (%s)",
                     l->series[k].label, missing);
            return 0;
        }
    }
    o->round = calloc(MAX_ROUNDS, sizeof(*o->round));
    for (size_t p = 0; p < o->nparts; p++)
        o->part[p].values = calloc(MAX_ROUNDS, sizeof(double));
    for (size_t p = 0; p < o->nparts; p++)
        if (o->part[p].values == NULL)
            return errc(-ENOMEM, err, errsz, "out of memory");
    if (o->round == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");

    struct lessonrun *run = NULL;
    int               rc  = lessonrun_start(l, lo->seed, &run, err, errsz);
    if (rc != 0)
        return rc;
    double   budget = lo->budget_s > 0 ? lo->budget_s : l->budget_s;
    uint64_t t0     = clock_ns();
    double   last   = 0; /* how long the last round took */
    size_t   min    = stats_min_n(LEVEL);
    while (o->rounds < MAX_ROUNDS && !stop_signal) {
        double spent = ns_to_s(clock_ns() - t0);
        if (o->rounds >= min && (o->verdict != V_INCONCLUSIVE || spent + last > budget))
            break;
        if (o->rounds > 0 && o->rounds < min && spent + last > 2 * budget)
            break; /* a machine so slow even the minimum does not fit */
        uint64_t r0 = clock_ns();
        rc          = lessonrun_round(run, o->rounds, &o->round[o->rounds], err, errsz);
        if (rc != 0)
            break;
        last = ns_to_s(clock_ns() - r0);
        o->rounds++;
        evaluate(o);
        if (o->rounds >= 3 && part_unmeasured(o)) {
            snprintf(o->reason, sizeof(o->reason), "nothing measured in %zu rounds: %s",
                     o->rounds, lessonrun_last_error(run));
            o->verdict = V_INCONCLUSIVE;
            break;
        }
        if (!lo->quiet) {
            size_t              p  = deciding_part(o);
            struct part_result *pr = &o->part[p];
            fprintf(stderr, "  round %2zu  %5.1f s  %s %.3g%s", o->rounds,
                    ns_to_s(clock_ns() - t0), l->parts[p].statistic, pr->estimate,
                    l->parts[p].unit);
            if (isfinite(pr->ci.lo))
                fprintf(stderr, " [%.3g, %.3g]", pr->ci.lo, pr->ci.hi);
            fprintf(stderr, "  %s\n", o->rounds >= min ? verdict_names[o->verdict] : "...");
        }
    }
    lessonrun_stop(run);
    o->elapsed_s   = ns_to_s(clock_ns() - t0);
    o->interrupted = stop_signal != 0;
    if (rc != 0)
        return rc;
    conclude(o);
    return 0;
}

static void free_outcome(struct outcome *o)
{
    for (size_t r = 0; o->round != NULL && r < o->rounds; r++)
        for (size_t k = 0; k < LESSON_SERIES_MAX; k++)
            cJSON_Delete(o->round[r].s[k].json);
    free(o->round);
    for (size_t p = 0; p < LESSON_PARTS_MAX; p++)
        free(o->part[p].values);
}

/* ---- a lesson judged again from what it recorded ------------------------- */

/* Rebuild o from a lesson's JSON (`lesson ID --json`): the lesson it
 * names, each part's values round by round and the load before each
 * round; then judge it by the same rules as a measurement. Nothing runs. */
static int replay(const cJSON *doc, struct outcome *o, char *err, size_t errsz)
{
    const cJSON *id    = cJSON_GetObjectItem(doc, "id");
    const cJSON *parts = cJSON_GetObjectItem(doc, "parts");
    const cJSON *load  = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "load"), "per_round");
    const cJSON *seed  = cJSON_GetObjectItem(doc, "seed");
    memset(o, 0, sizeof(*o));
    if (!cJSON_IsString(id) || (o->l = lesson_find(id->valuestring)) == NULL)
        return errf(err, errsz, "--replay: no lesson called %s", cJSON_IsString(id) ? id->valuestring : "(no \"id\")");
    o->nparts  = count_parts(o->l);
    o->nseries = count_series(o->l);
    o->seed    = cJSON_IsNumber(seed) ? (unsigned)seed->valuedouble : 0;
    if (cJSON_GetArraySize(parts) != (int)o->nparts)
        return errf(err, errsz, "--replay: %s has %zu parts, the file %d", o->l->name, o->nparts,
                    cJSON_GetArraySize(parts));
    o->round = calloc(MAX_ROUNDS, sizeof(*o->round));
    if (o->round == NULL)
        return errf(err, errsz, "out of memory");
    for (size_t p = 0; p < o->nparts; p++) {
        const cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(parts, (int)p), "values");
        int          n = cJSON_GetArraySize(v);
        if (!cJSON_IsArray(v) || n > MAX_ROUNDS || (p > 0 && (size_t)n != o->rounds))
            return errf(err, errsz, "--replay: part %zu's values are missing, uneven or more "
                                    "than %d", p, MAX_ROUNDS);
        o->rounds         = (size_t)n;
        o->part[p].values = calloc(MAX_ROUNDS, sizeof(double));
        if (o->part[p].values == NULL)
            return errf(err, errsz, "out of memory");
        for (int r = 0; r < n; r++) {
            const cJSON *x          = cJSON_GetArrayItem(v, r);
            o->part[p].values[r] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
        }
    }
    for (size_t r = 0; r < o->rounds; r++) {
        const cJSON *run = cJSON_GetObjectItem(cJSON_GetArrayItem(load, (int)r), "runnable");
        o->round[r].runnable = cJSON_IsNumber(run) ? (unsigned)run->valuedouble : 0;
    }
    judge(o);
    conclude(o);
    return 0;
}

/* ---- what a lesson says ----------------------------------------------- */

static void explanation(const struct outcome *o, char *buf, size_t sz)
{
    double m[LESSON_PARTS_MAX] = {NAN, NAN, NAN, NAN};
    for (size_t p = 0; p < o->nparts; p++)
        m[p] = o->part[p].estimate;
    int measured = o->rounds > 0 && o->l->explain != NULL;
    for (size_t p = 0; p < o->nparts; p++)
        measured &= isfinite(m[p]);
    if (!measured)
        snprintf(buf, sz, "%s", o->reason);
    else
        snprintf(buf, sz, o->l->explain, m[0], m[1], m[2], m[3]);
}

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *outcome_json(const struct outcome *o)
{
    const struct lesson *l = o->l;
    cJSON               *j = cJSON_CreateObject();
    char                 text[1024];
    cJSON_AddStringToObject(j, "id", l->name);
    cJSON_AddStringToObject(j, "claim", l->claim);
    cJSON_AddStringToObject(j, "notebook", l->notebook);
    cJSON_AddItemToObject(j, "course",
                          l->course ? cJSON_CreateString(l->course) : cJSON_CreateNull());
    cJSON_AddItemToObject(j, "scale", l->scale ? cJSON_CreateString(l->scale) : cJSON_CreateNull());
    cJSON_AddNumberToObject(j, "seed", o->seed);
    cJSON_AddStringToObject(j, "verdict", verdict_names[o->verdict]);
    cJSON_AddStringToObject(j, "reason", o->reason);
    size_t p = deciding_part(o);
    if (o->nparts > 0) {
        const struct part_result *pr = &o->part[p];
        cJSON_AddStringToObject(j, "statistic", l->parts[p].statistic);
        cJSON_AddStringToObject(j, "unit", l->parts[p].unit);
        cJSON_AddItemToObject(j, "estimate", num_or_null(o->rounds ? pr->estimate : NAN));
        cJSON *ci = cJSON_AddArrayToObject(j, "ci");
        cJSON_AddItemToArray(ci, num_or_null(o->rounds ? pr->ci.lo : NAN));
        cJSON_AddItemToArray(ci, num_or_null(o->rounds ? pr->ci.hi : NAN));
    }
    cJSON_AddNumberToObject(j, "rounds", (double)o->rounds);
    cJSON_AddNumberToObject(j, "elapsed_s", o->elapsed_s);
    cJSON_AddNumberToObject(j, "cores", sysinfo_cores());
    cJSON_AddBoolToObject(j, "interrupted", o->interrupted);
    explanation(o, text, sizeof(text));
    cJSON_AddStringToObject(j, "explanation", text);

    /* The load, round by round, and its median. */
    cJSON  *load = cJSON_AddObjectToObject(j, "load");
    cJSON  *per  = cJSON_AddArrayToObject(load, "per_round");
    double  runq[MAX_ROUNDS];
    for (size_t r = 0; r < o->rounds; r++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "loadavg_1m", o->round[r].load_1m);
        cJSON_AddNumberToObject(e, "runnable", o->round[r].runnable);
        cJSON_AddItemToArray(per, e);
        runq[r] = o->round[r].runnable;
    }
    cJSON_AddItemToObject(load, "median_runnable", num_or_null(stats_median(runq, o->rounds)));

    cJSON *parts = cJSON_AddArrayToObject(j, "parts");
    for (size_t k = 0; k < o->nparts; k++) {
        const struct lesson_part *lp = &l->parts[k];
        const struct part_result *pr = &o->part[k];
        cJSON                    *e  = cJSON_CreateObject();
        char                      rel[64];
        relation_text(lp, rel, sizeof(rel));
        cJSON_AddStringToObject(e, "statistic", lp->statistic);
        cJSON_AddStringToObject(e, "unit", lp->unit);
        cJSON_AddStringToObject(e, "holds_if", rel);
        cJSON *hl = cJSON_AddArrayToObject(e, "holds_line");
        cJSON *cl = cJSON_AddArrayToObject(e, "contra_line");
        cJSON_AddItemToArray(hl, num_or_null(lp->holds));
        cJSON_AddItemToArray(cl, num_or_null(lp->contra));
        if (lp->rel == LESSON_WITHIN) {
            cJSON_AddItemToArray(hl, num_or_null(lp->holds_hi));
            cJSON_AddItemToArray(cl, num_or_null(lp->contra_hi));
        }
        cJSON_AddStringToObject(e, "verdict", verdict_names[o->rounds ? pr->verdict : V_INCONCLUSIVE]);
        cJSON_AddItemToObject(e, "estimate", num_or_null(o->rounds ? pr->estimate : NAN));
        cJSON *ci = cJSON_AddArrayToObject(e, "ci");
        cJSON_AddItemToArray(ci, num_or_null(o->rounds ? pr->ci.lo : NAN));
        cJSON_AddItemToArray(ci, num_or_null(o->rounds ? pr->ci.hi : NAN));
        cJSON_AddNumberToObject(e, "coverage", o->rounds ? pr->ci.coverage : 0);
        cJSON *v = cJSON_AddArrayToObject(e, "values");
        for (size_t r = 0; r < o->rounds; r++)
            cJSON_AddItemToArray(v, num_or_null(pr->values[r]));
        cJSON_AddItemToArray(parts, e);
    }

    cJSON *series = cJSON_AddArrayToObject(j, "series");
    for (size_t k = 0; k < o->nseries; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "label", l->series[k].label);
        cJSON_AddItemToObject(e, "strategy", l->series[k].strategy
                                                 ? cJSON_CreateString(l->series[k].strategy)
                                                 : cJSON_CreateNull());
        cJSON_AddItemToObject(e, "workload", l->series[k].workload
                                                 ? cJSON_CreateString(l->series[k].workload)
                                                 : cJSON_CreateNull());
        cJSON *w = cJSON_AddArrayToObject(e, "wall_s");
        cJSON *b = cJSON_AddArrayToObject(e, "busy");
        cJSON *x = cJSON_AddArrayToObject(e, "exit");
        for (size_t r = 0; r < o->rounds; r++) {
            cJSON_AddItemToArray(w, num_or_null(lesson_wall(&o->round[r], (unsigned)k)));
            cJSON_AddItemToArray(b, num_or_null(lesson_busy(&o->round[r], (unsigned)k)));
            cJSON_AddItemToArray(x, cJSON_CreateNumber(o->round[r].s[k].exit));
        }
        /* The last round's document: what the chart reads beyond times
         * (a trace's ranks, a sum, the memory). */
        if (o->rounds > 0 && o->round[o->rounds - 1].s[k].json != NULL) {
            /* Less what every run repeats (the machine) and what grows with
             * the tasks (a rank per chunk: 200,000 of them for the race). */
            cJSON *last = cJSON_Duplicate(o->round[o->rounds - 1].s[k].json, 1);
            cJSON_DeleteItemFromObject(last, "machine");
            cJSON_DeleteItemFromObject(last, "system");
            if (cJSON_GetArraySize(cJSON_GetObjectItem(last, "completion_rank")) > 64)
                cJSON_DeleteItemFromObject(last, "completion_rank");
            cJSON_AddItemToObject(e, "last", last);
        }
        cJSON_AddItemToArray(series, e);
    }
    return j;
}

static void print_header(const struct lesson *l)
{
    printf("%s — %s\n  %s\n", l->name, l->notebook, l->claim);
    if (l->course != NULL)
        printf("  the course: %s\n", l->course);
    if (l->scale != NULL)
        printf("  here: %s\n", l->scale);
    fflush(stdout);
}

static void print_outcome(const struct outcome *o)
{
    char text[1024];
    for (size_t p = 0; p < o->nparts && o->rounds > 0; p++) {
        const struct part_result *pr = &o->part[p];
        char                      rel[64];
        relation_text(&o->l->parts[p], rel, sizeof(rel));
        printf("  %-52s %8.3g%-2s", o->l->parts[p].statistic, pr->estimate, o->l->parts[p].unit);
        if (isfinite(pr->ci.lo))
            printf(" 95%% [%.3g, %.3g]", pr->ci.lo, pr->ci.hi);
        printf("  (holds %s): %s\n", rel, verdict_names[pr->verdict]);
    }
    explanation(o, text, sizeof(text));
    printf("  %s: %s\n", o->verdict == V_HOLDS          ? "HOLDS"
                         : o->verdict == V_CONTRADICTED ? "CONTRADICTED"
                                                        : "INCONCLUSIVE",
           text);
    if (o->verdict == V_INCONCLUSIVE && o->rounds > 0)
        printf("  why undecided: %s\n", o->reason);
    printf("  %zu rounds in %.1f s%s\n\n", o->rounds, o->elapsed_s,
           o->interrupted ? ", interrupted" : "");
}

/* ---- the command ------------------------------------------------------ */

/* j on stdout. -ENOMEM (said here) or -EIO: a write error, which main
 * says once for every command. */
static int print_json(const cJSON *j)
{
    char *s = cJSON_Print(j);
    if (s == NULL) {
        fprintf(stderr, "concbench: lesson: out of memory\n");
        return -ENOMEM;
    }
    int rc = puts(s) >= 0 && fflush(stdout) == 0 ? 0 : -EIO;
    free(s);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: concbench lesson list [--json]\n"
            "       concbench lesson ID|all [--json] [--out DIR] [--budget S] [--seed S] [--quiet]\n"
            "       concbench lesson --replay FILE [--json] [--out DIR]\n\n"
            "Run one of the course's lessons (or all of them) as a claim the numbers decide:\n"
            "its series run interleaved, round after round, until the 95 %% interval of each\n"
            "paired statistic decides the claim or the time budget ends. Prints the claim,\n"
            "the course's figure, the measured figure with its interval and the verdict:\n"
            "holds, contradicted or inconclusive (with what would decide it).\n\n"
            "  --json         print one JSON object (all: {\"lessons\": [...]})\n"
            "  --out DIR      also write DIR/ID.json for each lesson run, and its chart,\n"
            "                 DIR/ID.png and DIR/ID.svg, when gnuplot is on PATH\n"
            "  --budget S     seconds of rounds per lesson (1..600) [default: the lesson's own]\n"
            "  --seed S       the fixture server's seed [default 1]\n"
            "  --quiet        no progress lines on stderr\n"
            "  --replay FILE  judge again, by the same rules, the rounds a lesson's JSON\n"
            "                 recorded (its parts' values and load); nothing runs\n"
            "  --help         this help\n\n"
            "Exit status: 0 no lesson contradicted, 1 a lesson contradicted, 2 usage or\n"
            "setup error, 130/143 interrupted.\n");
}

static int list_lessons(int json)
{
    size_t                      n;
    const struct lesson *const *v = lesson_list(&n);
    if (!json) {
        for (size_t k = 0; k < n; k++)
            printf("  %-17s %s\n", v[k]->name, v[k]->claim);
        return 0;
    }
    cJSON *j   = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(j, "lessons");
    for (size_t k = 0; k < n; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", v[k]->name);
        cJSON_AddStringToObject(e, "claim", v[k]->claim);
        cJSON_AddStringToObject(e, "notebook", v[k]->notebook);
        cJSON_AddItemToObject(e, "course",
                              v[k]->course ? cJSON_CreateString(v[k]->course) : cJSON_CreateNull());
        cJSON_AddItemToObject(e, "scale",
                              v[k]->scale ? cJSON_CreateString(v[k]->scale) : cJSON_CreateNull());
        cJSON_AddNumberToObject(e, "seed", 1);
        cJSON_AddNumberToObject(e, "budget_s", v[k]->budget_s);
        cJSON_AddNumberToObject(e, "min_cores", v[k]->min_cores);
        cJSON *ser = cJSON_AddArrayToObject(e, "series");
        for (size_t s = 0; s < LESSON_SERIES_MAX && v[k]->series[s].label; s++)
            cJSON_AddItemToArray(ser, cJSON_CreateString(v[k]->series[s].label));
        cJSON *parts = cJSON_AddArrayToObject(e, "parts");
        for (size_t p = 0; p < LESSON_PARTS_MAX && v[k]->parts[p].statistic; p++) {
            char rel[64];
            relation_text(&v[k]->parts[p], rel, sizeof(rel));
            cJSON *pe = cJSON_CreateObject();
            cJSON_AddStringToObject(pe, "statistic", v[k]->parts[p].statistic);
            cJSON_AddStringToObject(pe, "holds_if", rel);
            cJSON_AddItemToArray(parts, pe);
        }
        cJSON_AddItemToArray(arr, e);
    }
    int rc = print_json(j);
    cJSON_Delete(j);
    return rc != 0 ? EXIT_USAGE : 0;
}

/* Write lesson j to DIR/ID.json (atomically, save.h) and draw its chart
 * there (when gnuplot is on PATH; a chart that fails is said, not fatal). */
static int write_out(const char *out, const cJSON *j, const char *id, char *err, size_t errsz)
{
    char path[4096];
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return errc(-errno, err, errsz, "unable to create %s: %s", out, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s.json", out, id);
    char  *s  = cJSON_Print(j);
    size_t n  = s ? strlen(s) : 0;
    int    rc = s ? 0 : -ENOMEM;
    if (s != NULL && (s = realloc(s, n + 2)) == NULL)
        rc = -ENOMEM;
    if (rc == 0) {
        memcpy(s + n, "\n", 2);
        rc = save_path_atomic(path, s, n + 1);
    }
    free(s);
    if (rc != 0)
        return errc(rc, err, errsz, "unable to write %s: %s", path, strerror(-rc));
    if (lesson_chart_available() && lesson_chart(j, out, err, errsz) != 0) {
        fprintf(stderr, "concbench: lesson %s: no chart: %s\n", id, err);
        err[0] = '\0';
    }
    return 0;
}

/* What a command says of the lessons it judged: each one's text as it
 * comes (unless --json), DIR/ID.json and its chart (--out), and with
 * --json one document at the end: a lesson, or {"lessons": [...]}. */
struct said {
    int         json;
    const char *out;
    cJSON      *doc, *arr;
    int         contradicted;
};

static void said_open(struct said *sd, int json, const char *out, int many)
{
    *sd     = (struct said){.json = json, .out = out, .doc = cJSON_CreateObject()};
    sd->arr = many ? cJSON_AddArrayToObject(sd->doc, "lessons") : NULL;
}

static int said_add(struct said *sd, const struct outcome *o, char *err, size_t errsz)
{
    sd->contradicted |= o->verdict == V_CONTRADICTED;
    if (!sd->json)
        print_outcome(o);
    cJSON *j  = outcome_json(o);
    int    rc = sd->out != NULL ? write_out(sd->out, j, o->l->name, err, errsz) : 0;
    if (sd->arr != NULL) {
        cJSON_AddItemToArray(sd->arr, j);
    } else {
        cJSON_Delete(sd->doc);
        sd->doc = j;
    }
    return rc;
}

/* Print the document (--json) unless rc says the command failed; rc, or
 * the printing's. */
static int said_close(struct said *sd, int rc)
{
    if (rc == 0 && sd->json)
        rc = print_json(sd->doc);
    cJSON_Delete(sd->doc);
    return rc;
}

static int replay_command(const char *path, int json, const char *outdir)
{
    char  *text = NULL, err[512] = "";
    size_t len  = 0;
    int    rc   = read_file(path, 64u << 20, &text, &len);
    if (rc != 0)
        return usage_error("lesson --replay: unable to read %s: %s", path, strerror(-rc));
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    if (doc == NULL)
        return usage_error("lesson --replay: %s is not valid JSON", path);
    const cJSON *list = cJSON_GetObjectItem(doc, "lessons");
    int          n    = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 1;
    struct said  sd;
    said_open(&sd, json, outdir, cJSON_IsArray(list));
    for (int k = 0; k < n && rc == 0; k++) {
        struct outcome o;
        rc = replay(cJSON_IsArray(list) ? cJSON_GetArrayItem(list, k) : doc, &o, err, sizeof(err));
        if (rc == 0) {
            if (!json)
                print_header(o.l);
            rc = said_add(&sd, &o, err, sizeof(err));
        }
        free_outcome(&o);
    }
    cJSON_Delete(doc);
    int contradicted = sd.contradicted;
    if (rc != 0) {
        said_close(&sd, rc);
        return usage_error("lesson %s", err);
    }
    if (said_close(&sd, 0) != 0)
        return EXIT_USAGE;
    return contradicted ? EXIT_FAILED : 0;
}

int cmd_lesson(int argc, char **argv)
{
    struct lesson_opts lo   = {.seed = 1};
    int                json = 0, all = 0;
    const char        *id = NULL, *out = NULL, *replay_file = NULL;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return usage(stdout), 0;
        if (strcmp(arg, "--json") == 0) {
            json = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            lo.quiet = 1;
        } else if (strcmp(arg, "--replay") == 0) {
            if (a + 1 >= argc)
                return usage_error("lesson: --replay needs a file");
            replay_file = argv[++a];
        } else if (strcmp(arg, "--out") == 0 || strcmp(arg, "--budget") == 0 ||
                   strcmp(arg, "--seed") == 0) {
            if (a + 1 >= argc)
                return usage_error("lesson: %s needs a value", arg);
            const char *val = argv[++a];
            uint64_t    u;
            if (arg[2] == 'o') {
                out = val;
            } else if (arg[2] == 'b') {
                if (parse_double(val, 1, 600, &lo.budget_s) != 0)
                    return usage_error("lesson: --budget takes 1..600 seconds, not '%s'", val);
            } else {
                if (parse_u64(val, 0, 0xffffffffu, &u) != 0)
                    return usage_error("lesson: --seed takes 0..4294967295, not '%s'", val);
                lo.seed = (unsigned)u;
            }
        } else if (arg[0] == '-') {
            return usage_error("lesson: unknown option '%s' (try 'concbench lesson --help')", arg);
        } else if (id != NULL) {
            return usage_error("lesson: one lesson at a time ('%s' and '%s'), or 'all'", id, arg);
        } else {
            id = arg;
        }
    }
    if (replay_file != NULL)
        return replay_command(replay_file, json, out);
    if (id == NULL)
        return usage(stderr), EXIT_USAGE;
    if (strcmp(id, "list") == 0)
        return list_lessons(json);
    all = strcmp(id, "all") == 0;
    size_t                      n;
    const struct lesson *const *v = lesson_list(&n);
    const struct lesson        *one = all ? NULL : lesson_find(id);
    if (!all && one == NULL) {
        const char *names[64];
        size_t      k = 0;
        for (; k < n && k < 63; k++)
            names[k] = v[k]->name;
        names[k]         = NULL;
        const char *near = cmdline_suggest(id, names);
        if (near != NULL)
            return usage_error("unknown lesson '%s' (did you mean %s?)", id, near);
        return usage_error("unknown lesson '%s' ('concbench lesson list' names them)", id);
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct said sd;
    int         rc       = 0;
    char        err[512] = "";
    said_open(&sd, json, out, all);
    for (size_t k = 0; k < (all ? n : 1) && !stop_signal; k++) {
        const struct lesson *l = all ? v[k] : one;
        struct outcome       o;
        if (!json)
            print_header(l);
        else if (!lo.quiet)
            fprintf(stderr, "%s: %s\n", l->name, l->claim);
        rc = measure(l, &lo, &o, err, sizeof(err));
        if (rc == 0)
            rc = said_add(&sd, &o, err, sizeof(err));
        free_outcome(&o);
        if (rc != 0)
            break;
    }
    int contradicted = sd.contradicted;
    if (rc != 0 && err[0])
        fprintf(stderr, "concbench: lesson: %s\n", err);
    if (said_close(&sd, rc) != 0)
        return EXIT_USAGE;
    if (stop_signal)
        return 128 + stop_signal;
    return contradicted ? EXIT_FAILED : 0;
}
