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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const strategy_cap_names[] = {
    "shared_memory", "parallel", "async", "processes", "gil", "baseline", "distributed", NULL,
};

/* The linker defines the section's bounds; weak, so a program that links
 * no strategy sees an empty list. */
REGISTRY_SECTION(cb_strategies);
static struct registry strategies = REGISTRY_INIT(cb_strategies, struct strategy);

const struct registry_entry *strategy_entries(size_t *n)
{
    return registry_entries(&strategies, n);
}

const struct strategy *const *strategy_list(size_t *n)
{
    return (const struct strategy *const *)registry_list(&strategies, n);
}

const struct strategy *strategy_find(const char *name)
{
    return registry_find(&strategies, name);
}

/* Does word equal one of the comma-separated terms of list, ignoring case
 * and the blanks around each term? */
static int in_list(const char *list, const char *word, size_t len)
{
    while (list != NULL && *list != '\0') {
        list += strspn(list, " ");
        size_t n = strcspn(list, ",");
        size_t m = n;
        while (m > 0 && list[m - 1] == ' ')
            m--;
        if (m == len && strncasecmp(list, word, len) == 0)
            return 1;
        list += n + (list[n] == ',');
    }
    return 0;
}

const struct strategy *strategy_for_course_word(const char *word)
{
    /* "concurrent.futures.ThreadPoolExecutor", "multiprocessing.Pool()":
     * try the whole word, then its first and last dotted parts. */
    size_t      len  = strcspn(word, "(");
    const char *last = memrchr(word, '.', len);
    struct {
        const char *s;
        size_t      n;
    } tries[] = {
        {word, len},
        {word, strcspn(word, ".(")},
        {last ? last + 1 : word, last ? len - (size_t)(last + 1 - word) : len},
    };
    size_t                        n;
    const struct strategy *const *v = strategy_list(&n);
    for (size_t t = 0; t < sizeof(tries) / sizeof(tries[0]); t++)
        for (size_t k = 0; k < n; k++)
            if (tries[t].n > 0 && in_list(v[k]->course, tries[t].s, tries[t].n))
                return v[k];
    return NULL;
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
