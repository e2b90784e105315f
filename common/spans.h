/*
 * spans.h: a bounded, lock-free record of time spans, for the timeline.
 *
 * What a strategy wants seen over time besides its tasks (the spans each
 * thread held an emulated GIL) goes here while the run is traced, and only
 * then: spans_add is one relaxed fetch-and-add and one store, no lock, so
 * any number of threads record at once. The buffer is allocated once with
 * a fixed capacity; what does not fit is counted as dropped, never grown.
 */
#ifndef CONCBENCH_SPANS_H
#define CONCBENCH_SPANS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct span {
    uint64_t start_ns, end_ns; /* clock_ns() */
    uint32_t worker;           /* the strategy's worker (thread) index */
};

struct spans {
    const char   *what; /* what a span means, e.g. "holds the GIL" */
    struct span  *v;
    size_t        cap;
    atomic_size_t next; /* slots handed out; those >= cap were dropped */
};

/* A record for up to cap spans, or NULL when out of memory. */
struct spans *spans_new(const char *what, size_t cap);
void          spans_free(struct spans *s);

/* Record one span (s may be NULL: nothing). Thread-safe. */
void spans_add(struct spans *s, uint32_t worker, uint64_t start_ns, uint64_t end_ns);

/* Spans recorded, and dropped for want of room. Read after the run. */
size_t spans_count(const struct spans *s);
size_t spans_dropped(const struct spans *s);

#endif
