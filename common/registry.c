/*
 * registry.c: the plug-in registries, read from their linker sections,
 * ordered for display and searched by name.
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

static const char *name_at(const void *e, size_t off)
{
    return *(const char *const *)((const char *)e + off);
}

static int order_at(const void *e, size_t off)
{
    return *(const int *)((const char *)e + off);
}

static int before(const struct registry *r, const void *a, const void *b)
{
    int oa = order_at(a, r->order_off), ob = order_at(b, r->order_off);
    if (oa != ob)
        return oa < ob;
    return strcmp(name_at(a, r->name_off), name_at(b, r->name_off)) < 0;
}

const struct registry_entry *registry_entries(const struct registry *r, size_t *n)
{
    *n = r->start != NULL ? (size_t)(r->stop - r->start) : 0;
    return r->start;
}

const void *const *registry_list(struct registry *r, size_t *n)
{
    pthread_mutex_lock(&r->lock);
    if (r->sorted == NULL) {
        size_t                       m;
        const struct registry_entry *e = registry_entries(r, &m);
        const void                 **v = calloc(m + 1, sizeof(*v));
        if (v == NULL)
            abort(); /* a few pointers at start-up */
        /* An insertion sort, stable and allocation-free: a registry holds
         * a handful of entries. */
        for (size_t i = 0; i < m; i++) {
            size_t j = i;
            for (; j > 0 && before(r, e[i].item, v[j - 1]); j--)
                v[j] = v[j - 1];
            v[j] = e[i].item;
        }
        r->n      = m;
        r->sorted = v;
    }
    pthread_mutex_unlock(&r->lock);
    *n = r->n;
    return r->sorted;
}

const void *registry_find(struct registry *r, const char *name)
{
    size_t             n;
    const void *const *v = registry_list(r, &n);
    for (size_t k = 0; k < n; k++)
        if (strcmp(name_at(v[k], r->name_off), name) == 0)
            return v[k];
    return NULL;
}
