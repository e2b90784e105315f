/*
 * mpi.c: tasks handed out by message passing, over MPI (Open MPI): rank 0
 * coordinates, the other ranks work, on one host or on many.
 * build: mpi
 *
 *     rank 0 --(MPI_Send: a task index)--> rank 1, rank 2, ... rank N
 *     rank 0 <--(MPI_Send: index + result)-- whichever rank finished
 *
 * Rank 0 hands out task indices on demand, as the procs pipe does: each
 * other rank holds up to WINDOW tasks (the next one is already there
 * when it finishes one), and every result it sends back earns it the
 * next index. Between messages rank 0 runs tasks itself, one at a time,
 * so N ranks are N workers. A worker runs its tasks through the workload's hooks with
 * its own worker state (its own easy handle, saving into --out on its own
 * host) and holds no shared data: under CAP_DISTRIBUTED the cpu workload
 * makes each chunk from its index, so a rank holds one chunk, not the
 * array. When every task is back, rank 0 sends each worker a stop index;
 * each answers with what it measured (seconds in tasks, seconds in
 * messages, its host) and rank 0 merges, verifies and reports, like any
 * run. The other ranks print nothing.
 *
 * Two ways to start it. Under `mpirun -n N concbench run --strategy mpi
 * ...` the ranks are mpirun's (N workers; --workers is ignored). Without
 * mpirun, `--workers N` starts `mpirun -n N` (in a process group of its
 * own) on this host with the same arguments and waits for it: a SIGINT or
 * SIGTERM is passed on (mpirun then stops every rank) and the run exits
 * 130 or 143. A stop while the ranks still start ends the job instead, and
 * the run reports every task interrupted; every wait has a deadline, then
 * SIGTERM, then SIGKILL to the group. If concbench itself dies, mpirun is
 * told (PR_SET_PDEATHSIG) and a guard process ends the job. Open
 * MPI refuses to run as root unless OMPI_ALLOW_RUN_AS_ROOT=1 and
 * OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are set; concbench never sets them
 * itself, and says exactly that when they are missing.
 *
 * A rank that dies ends the job: Open MPI's default error handler aborts
 * every rank, mpirun names the one that died, and the run exits non-zero;
 * nothing waits forever. A stop request (SIGTERM from mpirun, or SIGINT)
 * makes rank 0 hand out no more tasks; the workers finish or abandon the
 * ones they hold and report, and the run ends as an interrupted one.
 *
 * Rank 0 looks for results with MPI_Iprobe between its own tasks; once it
 * has none left it polls with a backoff that sleeps, so it does not take a
 * core from the ranks still working. The other ranks block in MPI_Recv.
 */
#include "strategy.h"

#include "clock.h"
#include "exec.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WINDOW     3          /* tasks a worker rank holds at once */
#define STOP_INDEX UINT64_MAX /* the task index that means "no more" */
#define HOST_MAX   64

enum { TAG_TASK = 1, TAG_RESULT, TAG_DONE };

struct result_msg {
    uint64_t           task;
    struct task_result r;
};

/* What a worker rank measured, sent once at the end. */
struct done_msg {
    double task_s;    /* in the workload's hooks */
    double message_s; /* in MPI_Send and MPI_Recv */
    char   host[HOST_MAX];
};

static int in_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

/* --- the launcher: concbench run --strategy mpi --workers N ---------------- */

static double seconds_since(uint64_t t0)
{
    return (double)(clock_ns() - t0) / 1e9;
}

static double init_seconds; /* MPI_Init's, in launch */

/* A stop while the ranks start: how long they may take to get ready for
 * it, how long asked ranks have to end, how long mpirun has after SIGTERM. */
#define READY_WAIT_NS 1000000000u
#define RANKS_STOP_NS 5000000000u
#define TERM_GRACE_NS 1500000000u

static double launch_wait_s = -1; /* the ranks' start when a stop ended it */

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Wait until no process of the group is left, or the deadline; 1 if gone. */
static int group_gone_by(pid_t group, uint64_t deadline)
{
    while (kill(-group, 0) == 0 || errno != ESRCH) {
        if (clock_ns() > deadline)
            return 0;
        pause_ms(20);
    }
    return 1;
}

/* The launcher's guard, a process of its own forked once mpirun runs: if
 * the launcher dies (SIGKILL, which it cannot catch), mpirun gets SIGUSR2
 * from the kernel (its death signal), but an mpirun still starting may
 * take half a minute to act on it. The guard gives the job the launcher's
 * own deadlines (RANKS_STOP once the ranks are ready, READY_WAIT before),
 * then SIGTERM to mpirun and, TERM_GRACE later, SIGKILL to the group. It
 * makes only async-signal-safe calls and holds none of the launcher's
 * output open. */
static _Noreturn void guard(pid_t launcher, pid_t group, const char *ready)
{
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2 && null >= 0; fd++)
        dup2(null, fd);
    signal(SIGINT, SIG_IGN); /* a Ctrl-C is the launcher's to pass on */
    signal(SIGTERM, SIG_IGN);
    while (getppid() == launcher) {
        if (kill(-group, 0) != 0 && errno == ESRCH)
            _exit(0);
        pause_ms(50);
    }
    uint64_t wait = access(ready, F_OK) == 0 ? RANKS_STOP_NS : READY_WAIT_NS;
    if (!group_gone_by(group, clock_ns() + wait)) {
        kill(group, SIGTERM);
        if (!group_gone_by(group, clock_ns() + TERM_GRACE_NS))
            kill(-group, SIGKILL);
    }
    unlink(ready);
    _exit(0);
}

static char status_path[96];

static void report_status(int status, void *arg)
{
    (void)arg;
    const char *launcher = getenv("CONCBENCH_MPI_LAUNCHER");
    if (launcher != NULL && kill((pid_t)atol(launcher), 0) != 0) {
        /* The launcher is gone (killed): nobody will read or remove them. */
        unlink(getenv("CONCBENCH_MPI_READY"));
        _exit(0);
    }
    FILE *f = fopen(status_path, "w");
    if (f != NULL) {
        fprintf(f, "%d\n", status);
        fclose(f);
    }
    _exit(0);
}

static void finalize(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

/* A stop request reaches the ranks through mpirun as SIGUSR1 (for SIGINT)
 * or SIGUSR2 (for SIGTERM), which mpirun passes on to every rank as they
 * are; a SIGINT or SIGTERM to mpirun would make it kill the job instead of
 * letting the ranks finish their run (report, --output, no temporary file). */
static volatile sig_atomic_t forwarded;

static void forward_signal(int sig)
{
    forwarded = sig; /* the launcher's wait loop passes it on */
}

static void rank_stop_signal(int sig)
{
    exec_request_stop(sig == SIGUSR1 ? SIGINT : SIGTERM);
}

static int mpi_launch(int argc, char **argv, unsigned *workers)
{
    if (in_mpirun()) { /* a rank: the world decides how many work */
        /* Start MPI now, before the workload's set-up: its start-up, like
         * any process's, stays out of the in-process clock (mpi_init_s
         * records it). */
        struct sigaction sa = {.sa_handler = rank_stop_signal}; /* no SA_RESTART */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGUSR2, &sa, NULL);
        /* MPI_Init starts threads of its own; a stop signal delivered to
         * one of them would not interrupt this thread's transfer. They
         * inherit the mask: block the stop signals around MPI_Init, so
         * only this thread takes them. */
        sigset_t stops, before;
        sigemptyset(&stops);
        sigaddset(&stops, SIGINT);
        sigaddset(&stops, SIGTERM);
        sigaddset(&stops, SIGUSR1);
        sigaddset(&stops, SIGUSR2);
        pthread_sigmask(SIG_BLOCK, &stops, &before);
        uint64_t t0 = clock_ns();
        int      ok = MPI_Init(NULL, NULL) == MPI_SUCCESS;
        pthread_sigmask(SIG_SETMASK, &before, NULL);
        if (!ok) {
            fprintf(stderr, "concbench: mpi: MPI_Init failed\n");
            return 2;
        }
        init_seconds = seconds_since(t0);
        /* Every rank is past its handlers once MPI_Init returns on rank 0:
         * tell a launcher waiting to pass a stop request on. */
        int         rank  = 0;
        const char *ready = getenv("CONCBENCH_MPI_READY");
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        if (rank == 0 && ready != NULL) {
            /* Launched by concbench: rank 0's exit status goes to the
             * launcher in a file and the rank itself exits 0, since mpirun
             * lingers a second over a rank that exits non-zero. */
            snprintf(status_path, sizeof(status_path), "%s.status", ready);
            on_exit(report_status, NULL);
        }
        atexit(finalize); /* runs first: MPI's shut-down is not the run's */
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank == 0 && ready != NULL) {
            FILE *f = fopen(ready, "w");
            if (f != NULL)
                fclose(f);
        }
        int n = 0;
        MPI_Comm_size(MPI_COMM_WORLD, &n);
        *workers = n >= 1 ? (unsigned)n : 1;
        return -1;
    }
    if (geteuid() == 0 &&
        !(getenv("OMPI_ALLOW_RUN_AS_ROOT") && getenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"))) {
        fprintf(stderr,
                "concbench: mpi: Open MPI refuses to run as root. To run anyway, set both\n"
                "  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1\n"
                "in the environment (concbench does not set them for you), or run as another "
                "user.\n");
        return 2;
    }
    char    self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0) {
        fprintf(stderr, "concbench: mpi: cannot find my own executable: %s\n", strerror(errno));
        return 2;
    }
    self[len] = '\0';
    char ranks[16];
    snprintf(ranks, sizeof(ranks), "%u", *workers);
    /* mpirun -n N --oversubscribe --bind-to none --mca pml ob1 SELF run ARGS... */
    char **args = calloc((size_t)argc + 11, sizeof(*args));
    if (args == NULL)
        return fprintf(stderr, "concbench: mpi: out of memory\n"), 2;
    int k     = 0;
    args[k++] = "mpirun";
    args[k++] = "-n";
    args[k++] = ranks;
    /* More ranks than cores needs --oversubscribe, which also makes Open
     * MPI yield in its waits; with it, computing ranks ran ~15 % slower
     * here, so only when it is needed. */
    if (*workers > (unsigned)sysconf(_SC_NPROCESSORS_ONLN))
        args[k++] = "--oversubscribe";
    args[k++] = "--bind-to";
    args[k++] = "none";
    /* Open MPI picks ob1 (shared memory on one host) in the end, but first
     * opens the cm messaging layer, which loads and probes the PSM/PSM2
     * (Omni-Path) libraries: 0.2 s of the 0.55 s a whole run took here.
     * Naming ob1 skips that and changes no message's path. A choice of
     * the user's own (OMPI_MCA_pml) wins. */
    if (getenv("OMPI_MCA_pml") == NULL) {
        args[k++] = "--mca";
        args[k++] = "pml";
        args[k++] = "ob1";
    }
    args[k++] = self;
    for (int a = 0; a < argc; a++)
        args[k++] = argv[a];
    args[k] = NULL;

    /* Rank 0 creates this file once every rank can take a stop request. */
    char ready[64];
    snprintf(ready, sizeof(ready), "/tmp/concbench-mpi-ready.%d", (int)getpid());
    unlink(ready);
    setenv("CONCBENCH_MPI_READY", ready, 1);
    char me[24];
    snprintf(me, sizeof(me), "%d", (int)getpid());
    setenv("CONCBENCH_MPI_LAUNCHER", me, 1);

    struct sigaction sa = {.sa_handler = forward_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    pid_t parent = getpid();
    pid_t pid    = fork();
    if (pid == 0) {
        /* concbench gone: the ranks are asked to stop, as by SIGTERM. */
        prctl(PR_SET_PDEATHSIG, SIGUSR2);
        if (getppid() != parent)
            _exit(143);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        /* A process group of its own, so that a Ctrl-C at the terminal
         * reaches concbench alone, which passes it on once the ranks can
         * take it (mpirun would kill the job at once), and the job can be
         * ended as a whole. Its stdin is /dev/null: a background group
         * that read the terminal would be stopped (mpirun forwards stdin
         * to rank 0, and no rank reads it). */
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY);
        if (null > STDIN_FILENO) {
            dup2(null, STDIN_FILENO);
            close(null);
        }
        /* Start-up costs that buy a run on one host nothing, unless the user
         * chose otherwise: hwloc's discovery of I/O devices (mpirun and
         * every rank read each PCI device's config space) and PMIx's
         * shared-memory store of the job's data (zeroed pages in every
         * process), together 15 % of a 4-rank run here (0.68 -> 0.58 s);
         * and hwloc's GL probe, which opens X displays :0, :1, ... and,
         * finding no socket, tries TCP to "localhost": in a root with no
         * /etc/hosts (a bare Debian made by mmdebstrap) each is a DNS
         * lookup, 10 s apiece where no DNS answers. No message takes
         * another path. */
        setenv("HWLOC_COMPONENTS", "-linuxio,-pci,-gl", 0);
        setenv("PMIX_MCA_gds", "hash", 0);
        execvp("mpirun", args);
        fprintf(stderr, "concbench: mpi: cannot start mpirun: %s (make installs openmpi-bin)\n",
                strerror(errno));
        _exit(127);
    }
    free(args);
    if (pid < 0) {
        fprintf(stderr, "concbench: mpi: fork: %s\n", strerror(errno));
        return 2;
    }
    setpgid(pid, pid); /* as the child does: whichever runs first */
    pid_t guard_pid = fork();
    if (guard_pid == 0)
        guard(parent, pid, ready);
    /* Wait for mpirun, passing a stop request on to the ranks once every
     * one of them can take it (rank 0 says so). Until then they are still
     * starting: given READY_WAIT for it, the job is ended instead (nothing
     * has run, and the run reports every task interrupted). Ranks that
     * were asked but have not ended after RANKS_STOP (one wedged, or deep
     * in a long task) are ended too. Ending is SIGTERM to mpirun, which
     * stops its ranks, then after TERM_GRACE SIGKILL to the whole process
     * group: every wait here has a deadline. */
    enum { RUNNING, PASSED_ON, TERMINATED, KILLED } stage = RUNNING;
    int      status = 0, before_ready = 0;
    uint64_t since  = 0, started = clock_ns();
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR))
            break;
        uint64_t now = clock_ns();
        if (forwarded && stage == RUNNING) {
            since = since ? since : now;
            if (access(ready, F_OK) == 0) {
                kill(pid, forwarded == SIGINT ? SIGUSR1 : SIGUSR2);
                stage = PASSED_ON, since = now;
            } else if (now - since > READY_WAIT_NS) {
                launch_wait_s = (double)(now - started) / 1e9;
                fprintf(stderr,
                        "concbench: mpi: stopped while the ranks were starting (%.1f s in): "
                        "ending mpirun; no task ran\n",
                        launch_wait_s);
                kill(pid, SIGTERM);
                stage = TERMINATED, since = now, before_ready = 1;
            }
        } else if (stage == PASSED_ON && now - since > RANKS_STOP_NS) {
            fprintf(stderr,
                    "concbench: mpi: the ranks have not stopped %d s after the request: "
                    "ending mpirun and its ranks\n",
                    (int)(RANKS_STOP_NS / 1000000000u));
            kill(pid, SIGTERM);
            stage = TERMINATED, since = now;
        } else if (stage == TERMINATED && now - since > TERM_GRACE_NS) {
            kill(-pid, SIGKILL);
            stage = KILLED;
        }
        pause_ms(5);
    }
    if (stage >= TERMINATED) /* a rank mpirun left behind goes with the group */
        kill(-pid, SIGKILL);
    if (guard_pid > 0) {
        kill(guard_pid, SIGKILL);
        waitpid(guard_pid, NULL, 0);
    }
    char status_file[96];
    int  code = -1;
    snprintf(status_file, sizeof(status_file), "%s.status", ready);
    FILE *f = fopen(status_file, "r");
    if (f != NULL) {
        if (fscanf(f, "%d", &code) != 1)
            code = -1;
        fclose(f);
    }
    unlink(status_file);
    unlink(ready);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (before_ready)
        return LAUNCH_STOPPED(forwarded);
    if (forwarded)
        return 128 + forwarded;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    if (WEXITSTATUS(status) == 0 && code >= 0) /* the job ran: rank 0's own status */
        return code;
    return WEXITSTATUS(status) == 127 ? 2 : WEXITSTATUS(status);
}

/* --- the ranks ---------------------------------------------------------------- */

static int worker_rank(const struct strategy_run *r, int rank)
{
    const struct tasks *t = r->tasks;
    void               *w;
    struct done_msg     done = {0};
    int                 len  = 0;
    char                host[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(host, &len);
    snprintf(done.host, sizeof(done.host), "%.*s", HOST_MAX - 1, host);
    int rc = tasks_worker_init(t, &w);
    for (;;) {
        uint64_t i, m0 = clock_ns();
        MPI_Recv(&i, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (i == STOP_INDEX) /* waiting for the others to finish is not messaging */
            break;
        done.message_s += seconds_since(m0);
        struct result_msg msg = {.task = i};
        uint64_t          t0  = clock_ns();
        if (rc != 0 || i >= t->n)
            msg.r = (struct task_result){.done = 1, .err = TASK_LOST};
        else if (exec_stopping())
            msg.r = (struct task_result){.done = 1, .err = TASK_INTERRUPTED};
        else
            t->ops->run(t->ctx, w, i, &msg.r);
        msg.r.worker = (uint32_t)rank;
        done.task_s += seconds_since(t0);
        m0 = clock_ns();
        MPI_Send(&msg, sizeof(msg), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        done.message_s += seconds_since(m0);
    }
    if (rc == 0)
        tasks_worker_fini(t, w);
    MPI_Send(&done, sizeof(done), MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD);
    return STRATEGY_HELPER;
}

/* Nothing came: spin a little (a result is often close), then sleep a
 * little longer each time, up to 500 us, so the coordinator leaves the
 * cores to the workers. With WINDOW tasks queued at each worker, a late
 * reply costs them nothing unless tasks are shorter than the sleep. */
#define SPIN 100
static void backoff(unsigned *idle)
{
    if (++*idle < SPIN)
        return;
    unsigned        us = *idle - SPIN < 500 ? *idle - SPIN + 1 : 500;
    struct timespec ts = {0, (long)us * 1000};
    nanosleep(&ts, NULL);
}

static char hosts_text[4096];
static char library_text[128];

/* Send rank rk its next task. */
static void hand_out(size_t *next, size_t *handed, unsigned *inflight, int rk)
{
    MPI_Send(next, 1, MPI_UINT64_T, rk, TAG_TASK, MPI_COMM_WORLD);
    (*next)++, (*handed)++, inflight[rk]++;
}

static int coordinator(const struct strategy_run *r, int size, double init_s)
{
    const struct tasks *t       = r->tasks;
    unsigned            workers = (unsigned)size - 1;
    size_t              next = 0, got = 0, handed = 0, local = 0;
    uint64_t            stop = STOP_INDEX;
    void               *w;
    int                 wrc      = tasks_worker_init(t, &w);
    double              local_s  = 0;
    unsigned           *inflight = calloc((size_t)size, sizeof(*inflight));
    if (inflight == NULL)
        return errc(-ENOMEM, r->err, r->errsz, "out of memory");
    /* One task each first, so that with as many tasks as ranks all run at
     * once; a window of WINDOW only while there is plenty left. */
    for (int rk = 1; rk <= (int)workers && next < t->n; rk++)
        hand_out(&next, &handed, inflight, rk);
    unsigned idle = 0;
    while (got < handed || (next < t->n && !exec_stopping())) {
        int        ready = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &ready, &st);
        if (ready) {
            idle = 0;
            struct result_msg msg;
            MPI_Recv(&msg, sizeof(msg), MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            if (msg.task < t->n)
                r->results[msg.task] = msg.r;
            got++;
            inflight[st.MPI_SOURCE]--;
            if (next < t->n && !exec_stopping())
                hand_out(&next, &handed, inflight, st.MPI_SOURCE);
        } else if (next < t->n && !exec_stopping()) {
            /* Plenty left: top every worker up to WINDOW before working. */
            for (int rk = 1; rk <= (int)workers; rk++)
                while (inflight[rk] < WINDOW && t->n - next > (size_t)size * WINDOW)
                    hand_out(&next, &handed, inflight, rk);
            /* Nothing to answer: rank 0 works too, one task at a time, so
             * it looks at the mail between tasks (each worker has WINDOW
             * queued meanwhile). */
            uint64_t t0 = clock_ns();
            if (wrc != 0)
                r->results[next] = (struct task_result){.done = 1, .err = TASK_LOST};
            else
                t->ops->run(t->ctx, w, next, &r->results[next]);
            r->results[next].worker = 0;
            local_s += seconds_since(t0);
            next++, local++;
        } else {
            backoff(&idle);
        }
    }
    if (wrc == 0)
        tasks_worker_fini(t, w);
    free(inflight);
    /* Every worker: stop, then what it measured. */
    double task_s = local_s, message_s = 0;
    size_t used = (size_t)snprintf(hosts_text, sizeof(hosts_text), "0:");
    int    len  = 0;
    char   host[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(host, &len);
    used += (size_t)snprintf(hosts_text + used, sizeof(hosts_text) - used, "%s", host);
    for (unsigned rk = 1; rk <= workers; rk++) {
        struct done_msg d;
        MPI_Send(&stop, 1, MPI_UINT64_T, (int)rk, TAG_TASK, MPI_COMM_WORLD);
        MPI_Recv(&d, sizeof(d), MPI_BYTE, (int)rk, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        d.host[HOST_MAX - 1] = '\0';
        task_s += d.task_s;
        message_s += d.message_s;
        if (used < sizeof(hosts_text))
            used += (size_t)snprintf(hosts_text + used, sizeof(hosts_text) - used, " %u:%s", rk,
                                     d.host);
    }
    stats_set(r->stats, "ranks", size, NULL);
    stats_set(r->stats, "mpi_init_s", init_s,
              init_s > 1.0 ? "s in MPI_Init, over a second: a host name that does not resolve "
                             "(no /etc/hosts line for it) is the usual cause"
                           : NULL);
    stats_set(r->stats, "task_s", task_s, NULL);
    stats_set(r->stats, "message_s", message_s, NULL);
    stats_set(r->stats, "tasks_on_rank_0", (double)local, NULL);
    stats_set(r->stats, "message_us_per_task", got ? message_s / (double)got * 1e6 : 0, NULL);
    stats_set_text(r->stats, "hosts", hosts_text);
    stats_set_text(r->stats, "mpi_library", library_text);
    return 0;
}

/* Only ever reached in a rank: mpi_launch started MPI there (and
 * finalizes it at exit), or ran mpirun instead of coming here. */
static int mpi_run(const struct strategy_run *r)
{
    int initialized = 0, rank = 0, size = 0;
    MPI_Initialized(&initialized);
    if (!initialized && exec_stopping() && launch_wait_s >= 0) {
        /* The launcher ended the job while its ranks started: no task ran,
         * so every one is reported interrupted. */
        stats_set(r->stats, "mpi_start_s", launch_wait_s, NULL);
        return 0;
    }
    if (!initialized)
        return errc(-EINVAL, r->err, r->errsz, "MPI is not started (mpi runs through its launch)");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int  len = 0;
    MPI_Get_library_version(lib, &len);
    snprintf(library_text, sizeof(library_text), "%.*s", (int)strcspn(lib, ",\n"), lib);
    return rank == 0 ? coordinator(r, size, init_seconds) : worker_rank(r, rank);
}

STRATEGY(mpi) = {
    .name    = CB_PLUGIN_NAME, /* "mpi": the file's name */
    .course  = "mpi4py, message passing",
    .summary = "MPI ranks (Open MPI), fed task indices by message from rank 0, on one host or many",
    .limits  = "--workers ranks (under mpirun: its -n), rank 0 handing out the tasks between "
               "its own; "
               "each rank has its own worker state and saves into --out on its own host; "
               "no shared memory, so no shared --sync mode",
    .caps    = CAP_PARALLEL | CAP_PROCESSES | CAP_DISTRIBUTED,
    .order   = 25,
    .max_workers = 10, /* ranks are whole processes, each ~0.1 s of start-up CPU here */
    .color       = "#44aa99",
    .run         = mpi_run,
    .launch      = mpi_launch,
};
