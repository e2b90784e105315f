/*
 * sysinfo.c: /proc/cpuinfo, uname, and the build's own description.
 */
#include "sysinfo.h"

#include <curl/curl.h>
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xxhash.h>

#ifndef CONCBENCH_CFLAGS
#define CONCBENCH_CFLAGS "unknown"
#endif
#ifndef CONCBENCH_COMPILER
#define CONCBENCH_COMPILER "unknown"
#endif

int sysinfo_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int sysinfo_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    int            n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory's own */
}

static void cpu_model(char *out, size_t outsz)
{
    char line[512];
    snprintf(out, outsz, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon != NULL && strncmp(line, "model name", 10) == 0) {
            colon++;
            colon += strspn(colon, " \t");
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(out, outsz, "%s", colon);
            break;
        }
    }
    fclose(f);
}

void sysinfo_json(cJSON *obj)
{
    char           model[256], kernel[256];
    struct utsname u;
    cpu_model(model, sizeof(model));
    if (uname(&u) == 0)
        snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(kernel, sizeof(kernel), "unknown");
    cJSON_AddStringToObject(obj, "cpu_model", model);
    cJSON_AddNumberToObject(obj, "cores", sysinfo_cores());
    cJSON_AddStringToObject(obj, "kernel", kernel);
    cJSON_AddStringToObject(obj, "compiler", CONCBENCH_COMPILER);
    cJSON_AddStringToObject(obj, "cflags", CONCBENCH_CFLAGS);
    cJSON_AddStringToObject(obj, "libcurl", curl_version_info(CURLVERSION_NOW)->version);
    cJSON_AddStringToObject(obj, "cjson", cJSON_Version());
    char     xxh[16];
    unsigned v = XXH_versionNumber();
    snprintf(xxh, sizeof(xxh), "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
    cJSON_AddStringToObject(obj, "xxhash", xxh);
}

/* The first line of a small file, without its newline; 0, or -1 when it
 * cannot be read. */
static int read_line(const char *path, char *out, size_t outsz)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int ok = fgets(out, (int)outsz, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    out[strcspn(out, "\n")] = '\0';
    return 0;
}

static void add_line(cJSON *obj, const char *key, const char *path)
{
    char v[256];
    if (read_line(path, v, sizeof(v)) == 0)
        cJSON_AddStringToObject(obj, key, v);
    else
        cJSON_AddNullToObject(obj, key);
}

void sysinfo_load_json(cJSON *obj)
{
    char   v[256];
    double l1, l5, l15;
    int    running, threads;
    if (read_line("/proc/loadavg", v, sizeof(v)) == 0 &&
        sscanf(v, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &running, &threads) == 5) {
        cJSON_AddNumberToObject(obj, "loadavg_1m", l1);
        cJSON_AddNumberToObject(obj, "loadavg_5m", l5);
        cJSON_AddNumberToObject(obj, "loadavg_15m", l15);
        cJSON_AddNumberToObject(obj, "runnable", running);
        cJSON_AddNumberToObject(obj, "threads", threads);
    }
}

/* A CPU set as ranges: "0-3,6". */
static void cpu_ranges(const cpu_set_t *set, char *out, size_t outsz)
{
    size_t len = 0;
    out[0]     = '\0';
    for (int c = 0; c < CPU_SETSIZE && len < outsz; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int last = c;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
            last++;
        int n = last > c ? snprintf(out + len, outsz - len, "%s%d-%d", len ? "," : "", c, last)
                         : snprintf(out + len, outsz - len, "%s%d", len ? "," : "", c);
        len += n > 0 ? (size_t)n : 0;
        c = last;
    }
}

void sysinfo_system_json(cJSON *obj)
{
    char v[256];
    if (gethostname(v, sizeof(v)) == 0) {
        v[sizeof(v) - 1] = '\0';
        cJSON_AddStringToObject(obj, "hostname", v);
    }
    add_line(obj, "boot_id", "/proc/sys/kernel/random/boot_id");
    double up;
    if (read_line("/proc/uptime", v, sizeof(v)) == 0 && sscanf(v, "%lf", &up) == 1)
        cJSON_AddNumberToObject(obj, "uptime_s", up);
    sysinfo_load_json(obj);
    /* Frequency: cpufreq where the kernel has it, else /proc/cpuinfo. */
    cJSON *mhz = cJSON_AddArrayToObject(obj, "cpu_mhz");
    for (int c = 0; c < sysinfo_cores(); c++) {
        char path[128];
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", c);
        if (read_line(path, v, sizeof(v)) == 0)
            cJSON_AddItemToArray(mhz, cJSON_CreateNumber(atof(v) / 1000.0));
    }
    if (cJSON_GetArraySize(mhz) == 0) {
        FILE *f = fopen("/proc/cpuinfo", "r");
        while (f != NULL && fgets(v, sizeof(v), f) != NULL) {
            char *colon = strchr(v, ':');
            if (colon != NULL && strncmp(v, "cpu MHz", 7) == 0)
                cJSON_AddItemToArray(mhz, cJSON_CreateNumber(atof(colon + 1)));
        }
        if (f != NULL)
            fclose(f);
    }
    add_line(obj, "governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    if (read_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof(v)) == 0)
        cJSON_AddBoolToObject(obj, "boost", atoi(v) != 0);
    else if (read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof(v)) == 0)
        cJSON_AddBoolToObject(obj, "boost", atoi(v) == 0);
    else
        cJSON_AddNullToObject(obj, "boost");
    if (read_line("/proc/sys/kernel/randomize_va_space", v, sizeof(v)) == 0)
        cJSON_AddNumberToObject(obj, "aslr", atoi(v));
    else
        cJSON_AddNullToObject(obj, "aslr");
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        cpu_ranges(&set, v, sizeof(v));
        cJSON_AddStringToObject(obj, "affinity", v);
    }
    add_line(obj, "isolated_cpus", "/sys/devices/system/cpu/isolated");
}
