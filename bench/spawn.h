/*
 * spawn.h: start a program with one end of a pipe as its stdin or its
 * stdout, and wait for it: how `concbench lesson` runs this binary for
 * every sample and gnuplot for every chart.
 */
#ifndef CONCBENCH_SPAWN_H
#define CONCBENCH_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* Start program (a path, or a name looked up on PATH when it has no '/')
 * with argv. The child's descriptor `which` (0: stdin, 1: stdout) is one
 * end of a new pipe, whose other end *fd gets (close-on-exec). The child's
 * stderr goes to errfile (created or truncated; NULL: /dev/null), and so
 * does its stdout when which is 0. Returns the pid, or -errno. The child
 * makes only async-signal-safe calls before exec; call it from a process
 * with one thread. */
pid_t spawn_piped(const char *program, char *const argv[], int which, int *fd,
                  const char *errfile);

/* Wait for pid: its exit status, 128 + the signal that ended it, or -1. */
int spawn_wait(pid_t pid);

/* The first line of path, without its newline, into buf ("" when there is
 * none or the file cannot be read). */
void spawn_first_line(const char *path, char *buf, size_t bufsz);

#endif
