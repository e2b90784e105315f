/*
 * exec.c: the thread-local hook pointer. A call without hooks is one TLS
 * load and a branch.
 */
#include "exec.h"

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

/* Written by a signal handler, read by every thread: a lock-free atomic
 * (volatile sig_atomic_t would only be safe within one thread). */
static atomic_int stop_signal;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop flag must be lock-free to be signal-safe");

void exec_request_stop(int sig)
{
    atomic_store_explicit(&stop_signal, sig ? sig : SIGTERM, memory_order_relaxed);
}

int exec_stopping(void)
{
    return atomic_load_explicit(&stop_signal, memory_order_relaxed);
}

static _Thread_local const struct exec_hooks *hooks;

void exec_set_hooks(const struct exec_hooks *h)
{
    hooks = h;
}

void exec_blocking_begin(void)
{
    if (hooks != NULL && hooks->blocking_begin != NULL)
        hooks->blocking_begin(hooks->arg);
}

void exec_blocking_end(void)
{
    if (hooks != NULL && hooks->blocking_end != NULL)
        hooks->blocking_end(hooks->arg);
}

void exec_checkpoint(void)
{
    if (hooks != NULL && hooks->checkpoint != NULL)
        hooks->checkpoint(hooks->arg);
}
