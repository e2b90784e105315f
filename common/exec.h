/*
 * exec.h: execution hooks: how a strategy learns where a running task
 * blocks and where its CPU work may be interrupted, without knowing what the
 * task is.
 *
 * Workloads mark their blocking calls (a transfer, a file write) with
 * exec_blocking_begin/end and call exec_checkpoint every few thousand
 * elements of CPU work. Those calls do nothing unless the calling thread has
 * hooks installed; the gil strategy installs hooks that release the global
 * lock around blocking calls and hand it over at checkpoints when another
 * thread asks, as CPython's interpreter does.
 *
 * Thread-safety: the hooks are per thread (thread-local).
 */
#ifndef CONCBENCH_EXEC_H
#define CONCBENCH_EXEC_H

struct exec_hooks {
    void (*blocking_begin)(void *arg);
    void (*blocking_end)(void *arg);
    void (*checkpoint)(void *arg);
    void *arg;
};

/* Elements of CPU work between checkpoints. */
#define EXEC_CHECK_EVERY 4096

/* Install hooks for the calling thread (NULL removes them). */
void exec_set_hooks(const struct exec_hooks *h);

void exec_blocking_begin(void);
void exec_blocking_end(void);
void exec_checkpoint(void);

/* The run-wide stop request (SIGINT, SIGTERM): set from a signal handler,
 * read by every strategy between tasks and by libcurl's progress callback
 * during transfers. Async-signal-safe. */
void exec_request_stop(int sig);
int  exec_stopping(void); /* the signal that asked, or 0 */

#endif
