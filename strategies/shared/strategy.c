/*
 * strategy.c: what strategy.h declares besides the strategies: the
 * registry, read from the linker section STRATEGY() fills, and the small
 * helpers every strategy uses. Why it is shared: the CLI lists and looks up
 * strategies by name, and gil and hybrid build on threads and eventloop by
 * name, so no file names another's symbol and a copy of a strategy file is
 * a new strategy.
 */
#include "strategy.h"

#include "registry.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The linker defines these around the section; weak, so a program that
 * links no strategy sees an empty list. */
extern const struct strategy_entry __start_cb_strategies[] __attribute__((weak));
extern const struct strategy_entry __stop_cb_strategies[] __attribute__((weak));

const char *const strategy_cap_names[] = {
    "shared_memory", "parallel", "async", "processes", "gil", "baseline", "distributed", NULL,
};

const struct strategy_entry *strategy_entries(size_t *n)
{
    *n = (size_t)(__stop_cb_strategies - __start_cb_strategies);
    return __start_cb_strategies;
}

static const struct strategy **sorted;
static size_t                  nsorted;
static pthread_once_t          sort_once = PTHREAD_ONCE_INIT;

static void sort_entries(void)
{
    size_t                       n;
    const struct strategy_entry *e = strategy_entries(&n);
    sorted                         = calloc(n + 1, sizeof(*sorted));
    if (sorted == NULL)
        abort(); /* a few pointers at start-up */
    for (size_t k = 0; k < n; k++)
        sorted[k] = e[k].strategy;
    registry_sort((const void **)sorted, n, offsetof(struct strategy, name),
                  offsetof(struct strategy, order));
    nsorted = n;
}

const struct strategy *const *strategy_list(size_t *n)
{
    pthread_once(&sort_once, sort_entries);
    *n = nsorted;
    return sorted;
}

const struct strategy *strategy_find(const char *name)
{
    size_t n;
    strategy_list(&n);
    return registry_find((const void *const *)sorted, n, offsetof(struct strategy, name), name);
}

int strategy_run_by_name(const char *name, const struct strategy_run *r, unsigned workers,
                         const struct strategy_hooks *hooks)
{
    const struct strategy *s = strategy_find(name);
    if (s == NULL)
        return errc(-ENOENT, r->err, r->errsz, "this strategy builds on '%s', which is missing",
                    name);
    void *opts = calloc(1, s->opts_size ? s->opts_size : 1);
    if (opts == NULL)
        return errc(-ENOMEM, r->err, r->errsz, "out of memory");
    int rc = opt_defaults(s->options, opts, r->err, r->errsz);
    if (rc == 0) {
        struct strategy_run sub = *r;
        sub.workers = s->max_workers && workers > s->max_workers ? s->max_workers : workers;
        sub.opts    = opts;
        sub.hooks   = hooks;
        rc          = s->run(&sub);
    }
    free(opts);
    return rc;
}

int tasks_worker_init(const struct tasks *t, void **w)
{
    *w = NULL;
    return t->ops->worker_init ? t->ops->worker_init(t->ctx, w) : 0;
}

void tasks_worker_fini(const struct tasks *t, void *w)
{
    if (t->ops->worker_fini)
        t->ops->worker_fini(t->ctx, w);
}

void stats_set(struct stats *s, const char *name, double value, const char *warn)
{
    for (unsigned k = 0; k < s->n; k++) {
        if (strcmp(s->v[k].name, name) == 0) {
            s->v[k].value = value;
            return;
        }
    }
    if (s->n < STATS_MAX)
        s->v[s->n++] = (struct stat_entry){name, value, warn, NULL};
}

void stats_set_text(struct stats *s, const char *name, const char *text)
{
    for (unsigned k = 0; k < s->n; k++) {
        if (strcmp(s->v[k].name, name) == 0) {
            s->v[k].text = text;
            return;
        }
    }
    if (s->n < STATS_MAX)
        s->v[s->n++] = (struct stat_entry){name, 0, NULL, text};
}
