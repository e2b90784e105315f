/*
 * spawn.c: a program on a pipe (spawn.h).
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t spawn_piped(const char *program, char *const argv[], int which, int *fd,
                  const char *errfile)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return -e;
    }
    if (pid == 0) {
        int err = open(errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err < 0 || dup2(p[which == 0 ? 0 : 1], which) < 0 || dup2(err, 2) < 0 ||
            (which == 0 && dup2(err, 1) < 0))
            _exit(127);
        if (strchr(program, '/') != NULL)
            execv(program, argv);
        else
            execvp(program, argv);
        _exit(127);
    }
    close(p[which == 0 ? 0 : 1]);
    *fd = p[which == 0 ? 1 : 0];
    return pid;
}

int spawn_wait(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void spawn_first_line(const char *path, char *buf, size_t bufsz)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (f != NULL) {
        if (fgets(buf, (int)bufsz, f) == NULL)
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = '\0';
}
