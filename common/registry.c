/*
 * registry.c: ordering and lookup for the plug-in registries.
 */
#include "registry.h"

#include <string.h>

static const char *name_at(const void *e, size_t off)
{
    return *(const char *const *)((const char *)e + off);
}

static int order_at(const void *e, size_t off)
{
    return *(const int *)((const char *)e + off);
}

static int before(const void *a, const void *b, size_t name_off, size_t order_off)
{
    int oa = order_at(a, order_off), ob = order_at(b, order_off);
    if (oa != ob)
        return oa < ob;
    return strcmp(name_at(a, name_off), name_at(b, name_off)) < 0;
}

void registry_sort(const void **v, size_t n, size_t name_off, size_t order_off)
{
    for (size_t i = 1; i < n; i++) {
        const void *e = v[i];
        size_t      j = i;
        for (; j > 0 && before(e, v[j - 1], name_off, order_off); j--)
            v[j] = v[j - 1];
        v[j] = e;
    }
}

const void *registry_find(const void *const *v, size_t n, size_t name_off, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(name_at(v[k], name_off), name) == 0)
            return v[k];
    return NULL;
}
