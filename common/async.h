/*
 * async.h: the contract between an event loop and an asynchronous task
 * source, such as libcurl's multi handle.
 *
 * The loop owns the waiting: readiness of file descriptors (epoll) and
 * time (a timer). The source owns the work: it says which descriptors to
 * watch and when it next wants to be woken, the loop hands it each ready
 * descriptor or the expired timer, and the source reports every task that
 * finished by calling done() with the token it was started with. That is
 * libcurl's multi_socket design, stated without a libcurl type, so the
 * event loop strategy knows no HTTP and the io code knows no epoll.
 *
 * Thread-safety: everything happens on the loop's one thread.
 */
#ifndef CONCBENCH_ASYNC_H
#define CONCBENCH_ASYNC_H

enum {
    ASYNC_IN  = 1, /* readable */
    ASYNC_OUT = 2, /* writable */
    ASYNC_ERR = 4, /* error or hang-up (reported only) */
};

struct async_loop {
    /* Watch fd for events (ASYNC_IN | ASYNC_OUT), or stop watching it
     * (events 0). fresh is 1 the first time the source names fd. Returns
     * 0 or -errno. */
    int (*watch)(struct async_loop *loop, int fd, unsigned events, int fresh);
    /* Wake the source after ms milliseconds (0: as soon as the loop can;
     * -1: never). A new call replaces the last. Returns 0 or -errno. */
    int (*timer)(struct async_loop *loop, long ms);
    /* The task started with token has finished. */
    void (*done)(struct async_loop *loop, void *token);
};

#endif
