/*
 * spans.c: the bounded, lock-free span record (spans.h).
 */
#include "spans.h"

#include <stdlib.h>

struct spans *spans_new(const char *what, size_t cap)
{
    struct spans *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->v = calloc(cap ? cap : 1, sizeof(*s->v));
    if (s->v == NULL) {
        free(s);
        return NULL;
    }
    s->what = what;
    s->cap  = cap;
    atomic_init(&s->next, 0);
    return s;
}

void spans_free(struct spans *s)
{
    if (s != NULL)
        free(s->v);
    free(s);
}

void spans_add(struct spans *s, uint32_t worker, uint64_t start_ns, uint64_t end_ns)
{
    if (s == NULL)
        return;
    /* Each slot is written by the one thread that drew it; the run's end
     * (joining the threads) publishes them to the reader. */
    size_t k = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
    if (k < s->cap)
        s->v[k] = (struct span){start_ns, end_ns, worker};
}

size_t spans_count(const struct spans *s)
{
    size_t n = s ? atomic_load_explicit(&s->next, memory_order_relaxed) : 0;
    return s && n > s->cap ? s->cap : n;
}

size_t spans_dropped(const struct spans *s)
{
    size_t n = s ? atomic_load_explicit(&s->next, memory_order_relaxed) : 0;
    return s && n > s->cap ? n - s->cap : 0;
}
