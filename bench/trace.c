/*
 * trace.c: completion order and Chrome trace events (trace.h).
 */
#include "trace.h"

#include "save.h"
#include "strategy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_end(const void *a, const void *b, void *arg)
{
    const struct task_result *r = arg;
    uint64_t                  x = r[*(const size_t *)a].end_ns, y = r[*(const size_t *)b].end_ns;
    if (x != y)
        return (x > y) - (x < y);
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Indices of the tasks that ended, by end time; *ended gets their count.
 * NULL when out of memory. The caller frees. */
static size_t *completion_order(const struct task_result *r, size_t n, size_t *ended)
{
    size_t *order = malloc((n ? n : 1) * sizeof(*order));
    *ended        = 0;
    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (r[i].done && r[i].end_ns != 0)
            order[(*ended)++] = i;
    qsort_r(order, *ended, sizeof(*order), by_end, (void *)r);
    return order;
}

/* rank[i]: task i's place among those that ended, 1 first; 0: never. */
static size_t *ranks_of(const struct task_result *r, size_t n, int *in_order)
{
    size_t  ended;
    size_t *order = completion_order(r, n, &ended);
    size_t *rank  = order ? calloc(n ? n : 1, sizeof(*rank)) : NULL;
    *in_order     = 1;
    for (size_t k = 0; rank != NULL && k < ended; k++) {
        rank[order[k]] = k + 1;
        *in_order &= k == 0 || order[k] > order[k - 1];
    }
    free(order);
    return rank;
}

void trace_completion_json(const struct task_result *r, size_t n, cJSON *obj)
{
    int     in_order;
    size_t *rank  = n <= TRACE_RANKS_MAX ? ranks_of(r, n, &in_order) : NULL;
    cJSON  *ranks = rank ? cJSON_CreateArray() : NULL;
    if (ranks != NULL) {
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(ranks, rank[i] ? cJSON_CreateNumber((double)rank[i])
                                                : cJSON_CreateNull());
        cJSON_AddBoolToObject(obj, "in_submission_order", in_order);
        cJSON_AddItemToObject(obj, "completion_rank", ranks);
    }
    free(rank);
}

/* A metadata event naming a process or a thread lane. */
static void name_lane(cJSON *events, const char *what, unsigned pid, unsigned tid, const char *name)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", what);
    cJSON_AddStringToObject(e, "ph", "M");
    cJSON_AddNumberToObject(e, "pid", pid);
    cJSON_AddNumberToObject(e, "tid", tid);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "name", name);
    cJSON_AddItemToArray(events, e);
}

static cJSON *task_event(const struct trace_run *t, size_t i, const char *ph, double ts,
                         unsigned pid, unsigned tid, size_t rank)
{
    const struct task_result *r = &t->results[i];
    char                      name[32];
    snprintf(name, sizeof(name), "task %zu", i);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "cat", "task");
    cJSON_AddStringToObject(e, "ph", ph);
    cJSON_AddNumberToObject(e, "ts", ts);
    cJSON_AddNumberToObject(e, "pid", pid);
    cJSON_AddNumberToObject(e, "tid", tid);
    cJSON *args = cJSON_AddObjectToObject(e, "args");
    cJSON_AddNumberToObject(args, "task", (double)i);
    cJSON_AddNumberToObject(args, "bytes", (double)r->bytes);
    cJSON_AddStringToObject(args, "outcome", t->outcome(t->arg, r));
    cJSON_AddNumberToObject(args, "rank", (double)rank);
    cJSON_AddNumberToObject(args, "attempts", r->attempts ? r->attempts : 1);
    static const char *const phase[3] = {"name_lookup_ms", "connect_ms", "first_byte_ms"};
    for (int k = 0; k < 3; k++) /* libcurl's phases of the last attempt, where it had them */
        if (r->phase_us[k] > 0)
            cJSON_AddNumberToObject(args, phase[k], r->phase_us[k] / 1e3);
    cJSON_AddNumberToObject(args, "worker", r->worker);
    return e;
}

static double us_since(uint64_t t0, uint64_t t)
{
    return t > t0 ? (double)(t - t0) / 1000.0 : 0;
}

/* A task's stages, nested in its span: "X" events on its lane, or, for an
 * asynchronous strategy, "b"/"e" pairs under the task's id. */
static void stage_events(cJSON *ev, const struct trace_run *t, size_t i, unsigned pid, unsigned tid,
                         int async)
{
    const struct task_result *r       = &t->results[i];
    const uint64_t            from[3] = {r->start_ns, r->stage_ns[1], r->stage_ns[2]};
    const uint64_t            to[3]   = {r->stage_ns[0], r->stage_ns[2], r->end_ns};
    for (int k = 0; k < 3 && t->stages[k] != NULL; k++) {
        if (from[k] == 0 || to[k] < from[k])
            continue; /* a stage it never reached */
        double ts = us_since(t->t0_ns, from[k]), dur = us_since(from[k], to[k]);
        for (int end = 0; end <= (async ? 1 : 0); end++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", t->stages[k]);
            cJSON_AddStringToObject(e, "cat", "task");
            cJSON_AddStringToObject(e, "ph", async ? (end ? "e" : "b") : "X");
            cJSON_AddNumberToObject(e, "ts", end ? ts + dur : ts);
            cJSON_AddNumberToObject(e, "pid", pid);
            cJSON_AddNumberToObject(e, "tid", tid);
            if (async)
                cJSON_AddNumberToObject(e, "id", (double)i);
            else
                cJSON_AddNumberToObject(e, "dur", dur);
            cJSON_AddNumberToObject(cJSON_AddObjectToObject(e, "args"), "task", (double)i);
            cJSON_AddItemToArray(ev, e);
        }
    }
}

/* The strategy's own spans, a lane per worker beside the task lanes. */
#define SPAN_LANE 1000 /* tid of worker w's span lane: SPAN_LANE + w */
static void span_events(cJSON *ev, const struct trace_run *t)
{
    size_t   n     = spans_count(t->spans);
    unsigned lanes = 0;
    for (size_t k = 0; k < n; k++)
        if (t->spans->v[k].worker + 1 > lanes)
            lanes = t->spans->v[k].worker + 1;
    for (unsigned w = 0; w < lanes; w++) {
        char label[96];
        snprintf(label, sizeof(label), "worker %u: %s", w, t->spans->what);
        name_lane(ev, "thread_name", 1, SPAN_LANE + w, label);
    }
    for (size_t k = 0; k < n; k++) {
        const struct span *sp = &t->spans->v[k];
        cJSON             *e  = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", t->spans->what);
        cJSON_AddStringToObject(e, "cat", "strategy");
        cJSON_AddStringToObject(e, "ph", "X");
        cJSON_AddNumberToObject(e, "ts", us_since(t->t0_ns, sp->start_ns));
        cJSON_AddNumberToObject(e, "dur", us_since(sp->start_ns, sp->end_ns));
        cJSON_AddNumberToObject(e, "pid", 1);
        cJSON_AddNumberToObject(e, "tid", SPAN_LANE + sp->worker);
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(e, "args"), "worker", sp->worker);
        cJSON_AddItemToArray(ev, e);
    }
}

int trace_write(const char *path, const struct trace_run *t)
{
    int     in_order;
    size_t *rank = ranks_of(t->results, t->n, &in_order);
    cJSON  *root = cJSON_CreateObject();
    cJSON  *ev   = root ? cJSON_AddArrayToObject(root, "traceEvents") : NULL;
    if (rank == NULL || ev == NULL) {
        free(rank);
        cJSON_Delete(root);
        return -ENOMEM;
    }
    int      processes = (t->caps & CAP_PROCESSES) != 0;
    int      async     = (t->caps & CAP_ASYNC) != 0;
    unsigned lanes     = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->results[i].worker + 1 > lanes)
            lanes = t->results[i].worker + 1;
    char label[96];
    if (processes) {
        for (unsigned w = 0; w < lanes; w++) {
            snprintf(label, sizeof(label), "%s worker process %u", t->strategy, w);
            name_lane(ev, "process_name", w + 1, 1, label);
        }
    } else {
        snprintf(label, sizeof(label), "%s: %s", t->strategy, t->workload);
        name_lane(ev, "process_name", 1, 0, label);
        if (async)
            name_lane(ev, "thread_name", 1, 1, "the event loop's thread");
        for (unsigned w = 0; !async && w < lanes; w++) {
            snprintf(label, sizeof(label), "worker %u", w);
            name_lane(ev, "thread_name", 1, w + 1, label);
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct task_result *r = &t->results[i];
        if (!r->done || r->end_ns == 0 || r->start_ns == 0)
            continue;
        double   ts  = us_since(t->t0_ns, r->start_ns);
        double   dur = us_since(r->start_ns, r->end_ns);
        unsigned pid = processes ? r->worker + 1 : 1;
        unsigned tid = processes || async ? 1 : r->worker + 1;
        if (async) { /* overlapping spans on one thread: async begin/end pairs */
            cJSON *b = task_event(t, i, "b", ts, pid, tid, rank[i]);
            cJSON *e = task_event(t, i, "e", ts + dur, pid, tid, rank[i]);
            cJSON_AddNumberToObject(b, "id", (double)i);
            cJSON_AddNumberToObject(e, "id", (double)i);
            cJSON_AddItemToArray(ev, b);
            if (t->stages != NULL)
                stage_events(ev, t, i, pid, tid, 1);
            cJSON_AddItemToArray(ev, e);
        } else {
            cJSON *x = task_event(t, i, "X", ts, pid, tid, rank[i]);
            cJSON_AddNumberToObject(x, "dur", dur);
            cJSON_AddItemToArray(ev, x);
            if (t->stages != NULL)
                stage_events(ev, t, i, pid, tid, 0);
        }
    }
    if (spans_count(t->spans) > 0 && !processes)
        span_events(ev, t);
    cJSON *other = cJSON_AddObjectToObject(root, "otherData");
    cJSON_AddStringToObject(other, "strategy", t->strategy);
    cJSON_AddStringToObject(other, "workload", t->workload);
    cJSON_AddBoolToObject(other, "in_submission_order", in_order);
    if (t->spans != NULL && spans_count(t->spans) > 0) {
        cJSON_AddNumberToObject(other, "spans", (double)spans_count(t->spans));
        cJSON_AddNumberToObject(other, "spans_dropped", (double)spans_dropped(t->spans));
    }
    cJSON_AddStringToObject(root, "displayTimeUnit", "ms");
    char *text = cJSON_PrintUnformatted(root);
    int   rc   = text ? save_path_atomic(path, text, strlen(text)) : -ENOMEM;
    free(text);
    free(rank);
    cJSON_Delete(root);
    return rc;
}
