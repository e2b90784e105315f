/*
 * sysinfo.c: /proc/cpuinfo, uname, and the build's own description.
 */
#include "sysinfo.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
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
