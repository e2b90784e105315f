/*
 * pss.h: the memory a run really holds: proportional set size summed over
 * the process and its children, sampled while it runs.
 *
 * Peak RSS counts every page a process maps, so a pool of forked workers
 * that share the parent's array copy-on-write counts that array once per
 * process. PSS (/proc/PID/smaps_rollup) divides each shared page among the
 * processes that map it, so the sum over the run's processes counts it
 * once. A sampler thread reads it every interval during the run and keeps
 * the largest sum: a few file reads per sample, off the workers' path.
 * The interval stretches when a sample grows costly (a process with many
 * threads or mappings), so sampling stays a small share of one core.
 */
#ifndef CONCBENCH_PSS_H
#define CONCBENCH_PSS_H

#include <stdint.h>

struct pss_sampler;

/* Start sampling this process and its children (and theirs) every
 * interval_ms, or 50 times what a sample costs when that is longer. NULL
 * when no thread could be started or /proc has no smaps_rollup (then
 * there is no figure). */
struct pss_sampler *pss_start(unsigned interval_ms);

/* Take one last sample, stop, and return the largest sum seen in KiB
 * (0: none). */
uint64_t pss_stop(struct pss_sampler *s);

/* One process's PSS in KiB, or 0 when it cannot be read. */
uint64_t pss_of(int pid);

#endif
