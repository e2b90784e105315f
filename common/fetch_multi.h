/*
 * fetch_multi.h: many transfers on one thread: libcurl's multi_socket API
 * driven by an event loop through async.h.
 *
 * libcurl says which sockets to watch and when to wake it; the loop (the
 * eventloop strategy) does the waiting and hands back ready sockets and
 * expired timers; each finished transfer is reported to the loop with the
 * token it was added with, its CURLcode stored in its struct fetch. The
 * loop never sees a libcurl type.
 *
 * Thread-safety: one loop thread owns the multi handle and every transfer
 * added to it.
 */
#ifndef CONCBENCH_FETCH_MULTI_H
#define CONCBENCH_FETCH_MULTI_H

#include "async.h"
#include "fetch.h"

struct fetch_multi;

/* A multi handle reporting to loop. NULL on out of memory. */
struct fetch_multi *fetch_multi_new(struct async_loop *loop);
void                fetch_multi_free(struct fetch_multi *m);

/* Start the prepared transfer f; loop->done(token) follows when it ends.
 * Returns 0 or -1. */
int fetch_multi_add(struct fetch_multi *m, struct fetch *f, void *token);

/* Abandon f's transfer (a stop request): no done() will follow. */
void fetch_multi_remove(struct fetch_multi *m, struct fetch *f);

/* fd is ready for events (ASYNC_*), or fd == -1: the timer expired. */
void fetch_multi_ready(struct fetch_multi *m, int fd, unsigned events);

#endif
