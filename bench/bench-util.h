/* What bench/timer.c and bench/floor.c share: fatal errors, clocks, exit codes and the
 * raw-results line writer. Each file defines BENCH_PROGNAME before including this. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", BENCH_PROGNAME, what, strerror(errno));
    exit(125);
}

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(const struct rusage *ru)
{
    return ((long long)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000LL +
           ((long long)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000LL;
}

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* One write with O_APPEND: lines from concurrent processes never interleave. */
static void append_line(const char *file, const char *line, int len)
{
    int fd;

    if (len < 0)
        die("format a result line");
    fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        die(file);
    if (write(fd, line, len) != len)
        die(file);
    close(fd);
}

#endif
