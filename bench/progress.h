/*
 * progress.h: a live progress line on a terminal while a run works.
 *
 * progress_start interposes on the run's task operations: every operation
 * that takes the workload's context is forwarded unchanged, and after one
 * that ended a task (r->done) two relaxed atomic increments count it, done
 * and failed. The counters live in a shared anonymous page, so the worker
 * processes of a forked strategy count into the same place. A thread of
 * its own reads them at most 10 times a second and redraws one line on
 * stderr: tasks done of the total, failures, rate, ETA. progress_stop
 * stops the thread, erases the line and puts the original operations back.
 *
 * Nothing of it unless asked: the runner starts it only when stderr is a
 * terminal and neither --json nor --quiet was given; otherwise the task
 * operations are the workload's own and the hot path is untouched.
 */
#ifndef CONCBENCH_PROGRESS_H
#define CONCBENCH_PROGRESS_H

#include "strategy.h"

#include <stdio.h>

struct progress;

/* Start counting t's tasks, for drawing on f labelled with what. Rewrites
 * t->ops and t->ctx (progress_stop restores them): workers forked after
 * this count into the shared page. Starts no thread. NULL, with t
 * untouched, when the line cannot be drawn (out of memory). */
struct progress *progress_start(struct tasks *t, FILE *f, const char *what);

/* Start drawing: the thread that redraws the line. Call it after any
 * fork of the run's workers: no thread may be alive across a fork. 0, or
 * -EAGAIN when no thread could be made (the tasks are still counted). */
int progress_show(struct progress *p);

/* Stop drawing, erase the line, restore t. p may be NULL. */
void progress_stop(struct progress *p, struct tasks *t);

#endif
