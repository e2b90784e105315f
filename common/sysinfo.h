/*
 * sysinfo.h: what produced a result: machine, compiler, library versions.
 */
#ifndef CONCBENCH_SYSINFO_H
#define CONCBENCH_SYSINFO_H

#include <cjson/cJSON.h>

/* Add cpu_model, cores, kernel, compiler, cflags and the libcurl, cJSON
 * and xxHash versions to obj. */
void sysinfo_json(cJSON *obj);

/* What tells a quiet machine from a busy one, pyperf's way: hostname,
 * boot_id, uptime_s, the load now (sysinfo_load_json), cpu_mhz (current,
 * per CPU), governor, boost, aslr (randomize_va_space), affinity and
 * isolated CPUs. A figure the machine does not expose (a VM without
 * cpufreq) is null, never made up. */
void sysinfo_system_json(cJSON *obj);

/* The load now: loadavg_1m, loadavg_5m, loadavg_15m, runnable (threads
 * runnable, this one included) and threads, from /proc/loadavg. */
void sysinfo_load_json(cJSON *obj);

/* Online CPU count (at least 1). */
int sysinfo_cores(void);

/* Descriptors this process has open now (from /proc/self/fd), or -1 when
 * that cannot be read. */
int sysinfo_open_fds(void);

#endif
