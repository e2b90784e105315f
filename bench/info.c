/*
 * info.c: `concbench info`, and the description of the machine and the
 * build that every result carries (machine_json).
 */
#include "cli.h"

#include "membw.h"
#include "sysinfo.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void machine_json(cJSON *obj)
{
    sysinfo_json(obj);
    cJSON_AddStringToObject(obj, "libevent", event_get_version());
    cJSON_AddStringToObject(obj, "concbench", CONCBENCH_VERSION);
    cJSON_AddStringToObject(obj, "commit", cb_git_commit);
    cJSON_AddBoolToObject(obj, "dirty", cb_git_dirty);
}

int cmd_info(int argc, char **argv)
{
    int           bandwidth = 0;
    unsigned long mib       = MEMBW_BYTES >> 20;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            printf("usage: concbench info [--bandwidth] [--bandwidth-mib MIB]\n\n"
                   "Print the machine and build description (CPU model, cores, kernel,\n"
                   "compiler and flags, library versions, the concbench commit) that every\n"
                   "result records, and under \"system\" what tells a quiet machine from a busy\n"
                   "one (hostname, boot id, uptime, load average and runnable threads, CPU\n"
                   "frequency, governor, boost, ASLR, affinity, isolated CPUs), as JSON.\n\n"
                   "  --bandwidth        also measure the memory read bandwidth with 1..cores\n"
                   "                     threads (best of %u reads of a %u MiB array, the sum\n"
                   "                     kernel's loop): the ceiling of the cpu workload's sum\n"
                   "                     kernel; about a second\n"
                   "  --bandwidth-mib N  the same, reading an array of N MiB (%u..%u); keep it\n"
                   "                     well above the last-level cache\n",
                   MEMBW_REPS, MEMBW_BYTES >> 20, MEMBW_MIN_MIB, MEMBW_MAX_MIB);
            return 0;
        }
        if (strcmp(argv[a], "--bandwidth") == 0) {
            bandwidth = 1;
        } else if (strcmp(argv[a], "--bandwidth-mib") == 0) {
            char *end = NULL;
            if (a + 1 >= argc)
                return usage_error("info: --bandwidth-mib needs a size in MiB");
            errno = 0;
            mib   = strtoul(argv[++a], &end, 10);
            if (errno != 0 || end == argv[a] || *end != '\0' || argv[a][0] == '-' ||
                mib < MEMBW_MIN_MIB || mib > MEMBW_MAX_MIB)
                return usage_error("info: --bandwidth-mib takes %u..%u (MiB), not '%s'",
                                   MEMBW_MIN_MIB, MEMBW_MAX_MIB, argv[a]);
            bandwidth = 1;
        } else {
            return usage_error("info: unexpected argument '%s' (try --help)", argv[a]);
        }
    }
    cJSON *j = cJSON_CreateObject();
    machine_json(j);
    sysinfo_system_json(cJSON_AddObjectToObject(j, "system"));
    if (bandwidth) {
        struct membw bw;
        int          rc = membw_measure((unsigned)sysinfo_cores(), (size_t)mib << 20, &bw);
        if (rc != 0) {
            cJSON_Delete(j);
            return usage_error("info --bandwidth: %s", strerror(-rc));
        }
        cJSON *b = cJSON_AddObjectToObject(j, "bandwidth");
        cJSON_AddNumberToObject(b, "bytes", (double)bw.bytes);
        cJSON_AddNumberToObject(b, "best_of", bw.reps);
        for (unsigned t = 1; t <= bw.max_threads; t++) {
            char key[32];
            snprintf(key, sizeof(key), "threads_%u_gbps", t);
            cJSON_AddNumberToObject(b, key, bw.gbps[t]);
        }
    }
    char *s = cJSON_Print(j);
    if (s != NULL)
        puts(s);
    free(s);
    cJSON_Delete(j);
    return 0;
}
