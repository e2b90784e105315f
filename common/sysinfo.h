/*
 * sysinfo.h: what produced a result: machine, compiler, library versions.
 */
#ifndef CONCBENCH_SYSINFO_H
#define CONCBENCH_SYSINFO_H

#include <cjson/cJSON.h>

/* Add cpu_model, cores, kernel, compiler, cflags and the libcurl, cJSON
 * and xxHash versions to obj. */
void sysinfo_json(cJSON *obj);

/* Online CPU count (at least 1). */
int sysinfo_cores(void);

/* Descriptors this process has open now (from /proc/self/fd), or -1 when
 * that cannot be read. */
int sysinfo_open_fds(void);

#endif
