/*
 * lessonrun.c: the measurements of a lesson (lessonrun.h).
 *
 * Every sample is a whole process of this binary (`/proc/self/exe run
 * ... --json --quiet`), so a lesson measures exactly what `concbench run`
 * measures and verifies, with its in-process clock and its rusage. The
 * series of a round run one after another (never two at once: they would
 * take each other's cores), starting from series r mod n in round r, so
 * no series always follows the same neighbour.
 */
#include "lessonrun.h"

#include "spawn.h"
#include "sysinfo.h"
#include "util.h"
#include "workload.h"
#include "strategy.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS_MAX   48
#define OUTPUT_MAX (64u << 20) /* a run's JSON; far above any real one */

struct lessonrun {
    const struct lesson *l;
    char                 exe[PATH_MAX];
    char                 scratch[PATH_MAX];
    char                 url[600];
    pid_t                server;
    int                  server_fd; /* its stdout, kept open until it stops */
    unsigned             workers; /* what {cores} stands for */
    size_t               nseries;
    char                 last_error[300]; /* the last failed run's first stderr line */
};

const char *lessonrun_last_error(const struct lessonrun *run)
{
    return run->last_error;
}

/* Keep the first line of path, labelled, as the last error. */
static void keep_error(struct lessonrun *run, const char *label, int status, const char *path)
{
    char line[240];
    spawn_first_line(path, line, sizeof(line));
    snprintf(run->last_error, sizeof(run->last_error), "%s exited %d%s%s", label, status,
             line[0] ? ": " : "", line);
}

const char *lessonrun_missing(const struct lesson_series *s)
{
    static __thread char buf[96];
    if (s->strategy == NULL)
        return NULL;
    if (strategy_find(s->strategy) == NULL) {
        snprintf(buf, sizeof(buf), "strategy %s", s->strategy);
        return buf;
    }
    if (workload_find(s->workload) == NULL) {
        snprintf(buf, sizeof(buf), "workload %s", s->workload);
        return buf;
    }
    return NULL;
}

int lessonrun_expand(const char *word, unsigned w, char *buf, size_t bufsz)
{
    const char *open = strchr(word, '{');
    if (open == NULL)
        return snprintf(buf, bufsz, "%s", word) < (int)bufsz ? 0 : -EINVAL;
    const char *close = strchr(open, '}');
    if (close == NULL)
        return -EINVAL;
    char expr[64];
    if ((size_t)(close - open - 1) >= sizeof(expr))
        return -EINVAL;
    memcpy(expr, open + 1, (size_t)(close - open - 1));
    expr[close - open - 1] = '\0';
    /* [(]cores[+K][)][*M] */
    const char        *p      = expr;
    int                paren  = *p == '(';
    unsigned long long add    = 0, mul = 1;
    char              *end    = NULL;
    p += paren;
    if (strncmp(p, "cores", 5) != 0)
        return -EINVAL;
    p += 5;
    if (*p == '+') {
        add = strtoull(p + 1, &end, 10);
        if (end == p + 1)
            return -EINVAL;
        p = end;
    }
    if (paren) {
        if (*p != ')')
            return -EINVAL;
        p++;
    }
    if (*p == '*') {
        mul = strtoull(p + 1, &end, 10);
        if (end == p + 1)
            return -EINVAL;
        p = end;
    }
    if (*p != '\0' || (!paren && add != 0 && mul != 1))
        return -EINVAL; /* "cores+1*8" is ambiguous: write "(cores+1)*8" */
    int n = snprintf(buf, bufsz, "%.*s%llu%s", (int)(open - word), word, (w + add) * mul,
                     close + 1);
    return n >= 0 && (size_t)n < bufsz ? 0 : -EINVAL;
}

/* Split the space-separated options of a lesson, expanding {cores}, into
 * argv[*n...] (each word strdup'd). */
static int add_words(const char *text, unsigned w, char **argv, size_t *n, size_t max)
{
    while (text != NULL && *text != '\0') {
        text += strspn(text, " ");
        size_t len = strcspn(text, " ");
        if (len == 0)
            break;
        char word[256], out[256];
        if (len >= sizeof(word) || *n + 1 >= max)
            return -E2BIG;
        memcpy(word, text, len);
        word[len] = '\0';
        if (lessonrun_expand(word, w, out, sizeof(out)) != 0)
            return -EINVAL;
        argv[(*n)++] = strdup(out);
        if (argv[*n - 1] == NULL)
            return -ENOMEM;
        text += len;
    }
    argv[*n] = NULL;
    return 0;
}

static void free_words(char **argv, size_t from, size_t n)
{
    for (size_t k = from; k < n; k++)
        free(argv[k]);
}

/* All of fd into a new string (at most OUTPUT_MAX). */
static char *read_all(int fd)
{
    size_t cap = 1 << 16, len = 0;
    char  *buf = malloc(cap);
    while (buf != NULL) {
        if (len + 1 >= cap) {
            char *more = cap < OUTPUT_MAX ? realloc(buf, cap * 2) : NULL;
            if (more == NULL) {
                free(buf);
                return NULL;
            }
            buf = more;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    if (buf != NULL)
        buf[len] = '\0';
    return buf;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* `concbench serve --port 0 --seed S OPTIONS`, until it says where it
 * listens (10 s at most). */
static int start_server(struct lessonrun *run, unsigned seed, char *err, size_t errsz)
{
    char  *argv[ARGS_MAX];
    size_t n = 0;
    char   seedbuf[16];
    snprintf(seedbuf, sizeof(seedbuf), "%u", seed);
    argv[n++] = "concbench";
    argv[n++] = "serve";
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--seed";
    argv[n++] = seedbuf;
    size_t first = n;
    int    rc    = add_words(run->l->server, run->workers, argv, &n, ARGS_MAX);
    if (rc != 0) {
        free_words(argv, first, n);
        return errc(rc, err, errsz, "lesson %s: bad server options '%s'", run->l->name,
                    run->l->server);
    }
    char errfile[PATH_MAX + 16];
    snprintf(errfile, sizeof(errfile), "%s/server.err", run->scratch);
    int   fd;
    pid_t pid = spawn_piped(run->exe, argv, 1, &fd, errfile);
    free_words(argv, first, n);
    if (pid < 0)
        return errc((int)pid, err, errsz, "unable to start the fixture server: %s",
                    strerror((int)-pid));
    run->server = pid;
    char   line[512];
    size_t len = 0;
    while (len + 1 < sizeof(line)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 10000) <= 0)
            break;
        ssize_t r = read(fd, line + len, 1);
        if (r <= 0)
            break;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len]      = '\0';
    run->server_fd = fd; /* its last line, at exit, must not meet a closed pipe */
    const char *tag = "listening on ";
    if (strncmp(line, tag, strlen(tag)) != 0) {
        return errc(-EIO, err, errsz, "the fixture server did not start (see 'concbench serve "
                                      "--help'; its options here: %s)",
                    run->l->server);
    }
    snprintf(run->url, sizeof(run->url), "%s/index.json", line + strlen(tag));
    return 0;
}

int lessonrun_start(const struct lesson *l, unsigned seed, struct lessonrun **out, char *err,
                    size_t errsz)
{
    struct lessonrun *run = calloc(1, sizeof(*run));
    if (run == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    run->l       = l;
    run->server  = -1;
    run->server_fd = -1;
    unsigned c   = (unsigned)sysinfo_cores();
    run->workers = c < 2 ? 2 : c;
    for (run->nseries = 0; run->nseries < LESSON_SERIES_MAX && l->series[run->nseries].label;)
        run->nseries++;
    ssize_t len = readlink("/proc/self/exe", run->exe, sizeof(run->exe) - 1);
    if (len <= 0) {
        free(run);
        return errc(-errno, err, errsz, "unable to find this program (/proc/self/exe)");
    }
    run->exe[len]   = '\0';
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(run->scratch, sizeof(run->scratch), "%s/concbench-lesson.XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(run->scratch) == NULL) {
        int e = errno;
        free(run);
        return errc(-e, err, errsz, "unable to make a scratch folder: %s", strerror(e));
    }
    /* Open MPI refuses root unless told twice; `concbench run` never tells
     * it, but a lesson is a harness, as make bench is: it says so for its
     * own runs, and says that it did. */
    for (size_t k = 0; k < run->nseries; k++) {
        if (l->series[k].strategy != NULL && strcmp(l->series[k].strategy, "mpi") == 0 &&
            geteuid() == 0 && getenv("OMPI_ALLOW_RUN_AS_ROOT") == NULL) {
            setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
            setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
            fprintf(stderr, "  (as root: OMPI_ALLOW_RUN_AS_ROOT=1 and "
                            "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 set for this lesson's mpi runs)\n");
            break;
        }
    }
    *out = run;
    if (l->server != NULL) {
        int rc = start_server(run, seed, err, errsz);
        if (rc != 0) {
            lessonrun_stop(run);
            *out = NULL;
            return rc;
        }
    }
    return 0;
}

void lessonrun_stop(struct lessonrun *run)
{
    if (run == NULL)
        return;
    if (run->server > 0) {
        kill(run->server, SIGTERM);
        for (int k = 0; k < 200 && waitpid(run->server, NULL, WNOHANG) == 0; k++)
            usleep(10000);
        if (waitpid(run->server, NULL, WNOHANG) == 0) {
            kill(run->server, SIGKILL);
            waitpid(run->server, NULL, 0);
        }
    }
    if (run->server_fd >= 0)
        close(run->server_fd);
    rm_tree(run->scratch);
    free(run);
}

/* The load before a round: the 1-minute average, and the threads
 * runnable, the fewest of five looks 2 ms apart: a program that computes
 * is runnable at every look, a process that is just exiting or a shell
 * that is just starting is not. This process counts as one. */
static void read_load(struct lesson_round *res)
{
    res->load_1m  = 0;
    res->runnable = 0;
    for (int k = 0; k < 5; k++) {
        FILE *f = fopen("/proc/loadavg", "r");
        if (f == NULL)
            return;
        double   l1, l5, l15;
        unsigned run, all;
        if (fscanf(f, "%lf %lf %lf %u/%u", &l1, &l5, &l15, &run, &all) == 5) {
            res->load_1m = l1;
            if (k == 0 || run < res->runnable)
                res->runnable = run;
        }
        fclose(f);
        usleep(2000);
    }
}

/* One sample: build the command, run it, parse its JSON. */
static int run_series(struct lessonrun *run, size_t k, struct lesson_sample *out)
{
    const struct lesson_series *s = &run->l->series[k];
    char                       *argv[ARGS_MAX];
    size_t                      n = 0, first;
    char                        wbuf[16], outdir[PATH_MAX + 16];
    argv[n++] = "concbench";
    if (s->strategy == NULL) {
        argv[n++] = "info";
    } else {
        argv[n++] = "run";
        argv[n++] = "--workload";
        argv[n++] = (char *)s->workload;
        argv[n++] = "--strategy";
        argv[n++] = (char *)s->strategy;
        if (s->workers != LESSON_NO_WORKERS) {
            snprintf(wbuf, sizeof(wbuf), "%u", s->workers ? s->workers : run->workers);
            argv[n++] = "--workers";
            argv[n++] = wbuf;
        }
        argv[n++]                = "--json";
        argv[n++]                = "--quiet";
        const struct workload *w = workload_find(s->workload);
        if (w != NULL && (w->caps & WORKLOAD_FETCHES) && run->url[0] != '\0') {
            snprintf(outdir, sizeof(outdir), "%s/dl", run->scratch);
            argv[n++] = "--url";
            argv[n++] = run->url;
            argv[n++] = "--out";
            argv[n++] = outdir;
        }
    }
    first  = n;
    int rc = add_words(s->args, run->workers, argv, &n, ARGS_MAX);
    if (rc != 0) {
        free_words(argv, first, n);
        return rc;
    }
    char errfile[PATH_MAX + 16];
    snprintf(errfile, sizeof(errfile), "%s/run.err", run->scratch);
    int   fd;
    pid_t pid = spawn_piped(run->exe, argv, 1, &fd, errfile);
    free_words(argv, first, n);
    if (pid < 0)
        return (int)pid;
    char *text = read_all(fd);
    close(fd);
    out->exit = spawn_wait(pid);
    out->json = text != NULL ? cJSON_Parse(text) : NULL;
    free(text);
    if (out->json == NULL)
        keep_error(run, s->label, out->exit, errfile);
    snprintf(outdir, sizeof(outdir), "%s/dl", run->scratch);
    rm_tree(outdir);
    out->wall_s = out->cpu_s = out->busy = NAN;
    if (out->json != NULL) {
        const cJSON *wall = cJSON_GetObjectItem(out->json, "wall_s");
        const cJSON *user = cJSON_GetObjectItem(out->json, "user_s");
        const cJSON *sys  = cJSON_GetObjectItem(out->json, "sys_s");
        if (cJSON_IsNumber(wall) && wall->valuedouble > 0) {
            out->wall_s = wall->valuedouble;
            if (cJSON_IsNumber(user) && cJSON_IsNumber(sys)) {
                out->cpu_s = user->valuedouble + sys->valuedouble;
                out->busy  = out->cpu_s / out->wall_s;
            }
        }
        /* A run interrupted (a stop, not its own failure) measured nothing. */
        const cJSON *intr = cJSON_GetObjectItem(out->json, "interrupted");
        if (cJSON_IsString(intr) && intr->valuestring[0] != '\0') {
            cJSON_Delete(out->json);
            out->json = NULL;
        }
    }
    return 0;
}

int lessonrun_round(struct lessonrun *run, size_t r, struct lesson_round *res, char *err,
                    size_t errsz)
{
    memset(res, 0, sizeof(*res));
    res->cores   = (unsigned)sysinfo_cores();
    res->workers = run->workers;
    read_load(res);
    for (size_t i = 0; i < run->nseries; i++) {
        size_t k  = (r + i) % run->nseries;
        int    rc = run_series(run, k, &res->s[k]);
        if (rc != 0)
            return errc(rc, err, errsz, "lesson %s: unable to run %s: %s", run->l->name,
                        run->l->series[k].label, strerror(-rc));
    }
    return 0;
}
