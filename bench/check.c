/*
 * check.c: the check of the plug-in and lesson tables, made once at
 * start-up (registry_check): unique names, the hooks each kind must have,
 * defaults that parse, no option claimed twice or by two owners.
 */
#include "cli.h"

#include "lesson.h"
#include "strategy.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_table(const char *who, const struct opt *table, size_t size)
{
    char  err[256];
    void *opts = calloc(1, size ? size : 1);
    int   rc   = opts ? opt_defaults(table, opts, err, sizeof(err)) : -1;
    free(opts);
    if (rc != 0)
        fprintf(stderr, "concbench: %s: %s\n", who, opts ? err : "out of memory");
    for (const struct opt *o = table; o && o->name; o++) {
        if (opt_find(o + 1, o->name) != NULL) {
            fprintf(stderr, "concbench: %s declares --%s twice\n", who, o->name);
            rc = -1;
        }
        if (o->offset >= size && size > 0) {
            fprintf(stderr, "concbench: %s: --%s lies outside its options struct\n", who, o->name);
            rc = -1;
        }
    }
    return rc;
}

/* Two registrations of one kind under one name: the second would never
 * be found. name_of gives an entry's name. */
static int check_unique(const char *kind, const struct registry_entry *e, size_t n,
                        const char *(*name_of)(const void *item))
{
    int rc = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t j = k + 1; j < n; j++)
            if (strcmp(name_of(e[k].item), name_of(e[j].item)) == 0) {
                fprintf(stderr, "concbench: two %s are called '%s' (%s and %s)\n", kind,
                        name_of(e[k].item), e[k].file, e[j].file);
                rc = -1;
            }
    return rc;
}

static const char *strategy_name(const void *item)
{
    return ((const struct strategy *)item)->name;
}

static const char *workload_name(const void *item)
{
    return ((const struct workload *)item)->name;
}

static const char *lesson_name(const void *item)
{
    return ((const struct lesson *)item)->name;
}

/* Lessons: one id each, and something to run and to judge. */
static int check_lessons(void)
{
    size_t                       n;
    const struct registry_entry *e  = lesson_entries(&n);
    int                          rc = check_unique("lessons", e, n, lesson_name);
    for (size_t k = 0; k < n; k++) {
        const struct lesson *l = e[k].item;
        if (l->claim == NULL || l->series[0].label == NULL || l->parts[0].statistic == NULL) {
            fprintf(stderr, "concbench: lesson %s (%s) lacks a claim, a series or a part\n",
                    l->name, e[k].file);
            rc = -1;
        }
    }
    return rc;
}

static int check_strategies(void)
{
    size_t                       n;
    const struct registry_entry *e  = strategy_entries(&n);
    int                          rc = check_unique("strategies", e, n, strategy_name);
    for (size_t k = 0; k < n; k++) {
        const struct strategy *s = e[k].item;
        if (s->run == NULL || s->summary == NULL || s->limits == NULL) {
            fprintf(stderr, "concbench: strategy %s (%s) lacks run, summary or limits\n", s->name,
                    e[k].file);
            rc = -1;
        }
        if (check_table(s->name, s->options, s->opts_size) != 0)
            rc = -1;
    }
    return rc;
}

static int check_workloads(void)
{
    size_t                       n;
    const struct registry_entry *e  = workload_entries(&n);
    int                          rc = check_unique("workloads", e, n, workload_name);
    for (size_t k = 0; k < n; k++) {
        const struct workload *w = e[k].item;
        if (w->setup == NULL || w->report == NULL || w->teardown == NULL ||
            workload_err_count(w) > TASK_KINDS_MAX) {
            fprintf(stderr,
                    "concbench: workload %s (%s) lacks a hook or has too many error "
                    "kinds\n",
                    w->name, e[k].file);
            rc = -1;
        }
        if (check_table(w->name, w->options, w->opts_size) != 0)
            rc = -1;
    }
    return rc;
}

/* Every option name of every plug-in against run's own and the other
 * kind's: the parser must never have to guess whose an option is. */
static int check_clashes(void)
{
    size_t                        ns, nw;
    const struct strategy *const *ss = strategy_list(&ns);
    const struct workload *const *ws = workload_list(&nw);
    int                           rc = 0;
    for (size_t k = 0; k < nw + ns; k++) {
        const char       *who   = k < nw ? ws[k]->name : ss[k - nw]->name;
        const struct opt *table = k < nw ? ws[k]->options : ss[k - nw]->options;
        for (const struct opt *o = table; o && o->name; o++) {
            const char *clash = opt_find(run_option_table(), o->name) ? "run" : NULL;
            for (size_t j = 0; k < nw && clash == NULL && j < ns; j++)
                if (opt_find(ss[j]->options, o->name))
                    clash = ss[j]->name;
            if (clash != NULL) {
                fprintf(stderr, "concbench: --%s of %s is also an option of %s\n", o->name, who,
                        clash);
                rc = -1;
            }
        }
    }
    return rc;
}

int registry_check(void)
{
    return check_strategies() | check_workloads() | check_lessons() | check_clashes();
}
