/*
 * bench-timer: run a command and record how long it took and how much memory it used.
 * Built by bench/run.sh (gcc -O2) into $BUILD/bench/timer; not part of runc-go.
 *
 *   timer -o FILE -l LABEL [-w PIDFILE -e LABEL2] -- CMD [ARG...]
 *       Run CMD (stdio inherited) and append one line to FILE:
 *           LABEL <wall ns> <max rss KiB> <status> <user+sys cpu ns>
 *       status is CMD's exit code, or 128+signal. With -w, the pid in PIDFILE is
 *       opened as a pidfd before CMD runs, and after CMD returns the time until
 *       that process exits is appended as "LABEL2 <ns> 0 <0|1> 0" (1: timed out,
 *       10 s). The exit status of timer is CMD's.
 *
 *   timer -o FILE -l LABEL -j N -- CMD [ARG...]
 *       Start N copies of CMD at once, "%i" in any argument replaced by the copy's
 *       index (0..N-1), wait for all, append
 *           LABEL <wall ns> <largest max rss KiB> <copies that failed> <cpu ns, all copies>
 *
 *   timer reaper [-L DIR] -- CMD [ARG...]
 *       Become a child subreaper, run CMD, reap every orphan reparented to us
 *       (container init processes whose runtime exited, as containerd-shim or
 *       conmon would), and exit with CMD's status once CMD is gone. With -L, first
 *       take an exclusive flock on DIR (exit 75 if another holder has it) and keep
 *       it, close-on-exec so no runtime or container inherits it, until we exit.
 *
 * Timing is CLOCK_MONOTONIC around posix_spawn .. wait4; memory and cpu come from
 * the rusage of wait4, which covers the command and every descendant it reaped
 * (for `run` that includes the runtime's own init before it execs the process).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PROGNAME "bench-timer"
#include "bench-util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

extern char **environ;


static void record(const char *file, const char *label, long long ns, long rss_kib, int status,
                   long long cpu)
{
    char line[512];
    int len;

    len = snprintf(line, sizeof line, "%s %lld %ld %d %lld\n", label, ns, rss_kib, status, cpu);
    if (len < 0 || (size_t)len >= sizeof line) {
        fprintf(stderr, "%s: label too long\n", BENCH_PROGNAME);
        exit(125);
    }
    append_line(file, line, len);
}

static pid_t spawn(char **argv)
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

    if (rc != 0) {
        errno = rc;
        die(argv[0]);
    }
    return pid;
}

static int open_pidfd(const char *pidfile)
{
    char buf[32] = {0};
    int fd = open(pidfile, O_RDONLY | O_CLOEXEC), pidfd;
    ssize_t n;

    if (fd < 0)
        die(pidfile);
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || atoi(buf) <= 0) {
        fprintf(stderr, "%s: %s: no pid\n", BENCH_PROGNAME, pidfile);
        exit(125);
    }
    pidfd = (int)syscall(SYS_pidfd_open, atoi(buf), 0);
    if (pidfd < 0)
        die("pidfd_open");
    return pidfd;
}

static int run_one(const char *out, const char *label, const char *pidfile, const char *label2,
                   char **argv)
{
    struct rusage ru;
    int status, pidfd = pidfile ? open_pidfd(pidfile) : -1;
    long long start = now_ns(), end;
    pid_t pid = spawn(argv);

    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            die("wait4");
    end = now_ns();
    record(out, label, end - start, ru.ru_maxrss, exit_code(status), cpu_ns(&ru));
    if (pidfd >= 0) {
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        int n;

        while ((n = poll(&pfd, 1, 10000)) < 0)
            if (errno != EINTR)
                die("poll");
        record(out, label2, now_ns() - end, 0, n == 0, 0);
        close(pidfd);
    }
    return exit_code(status);
}

/* argv with every "%i" replaced by index; the strings leak, the process is short-lived. */
static char **argv_for(char **argv, int index)
{
    int argc = 0, i;
    char **copy;

    while (argv[argc])
        argc++;
    copy = calloc(argc + 1, sizeof *copy);
    if (!copy)
        die("calloc");
    for (i = 0; i < argc; i++) {
        const char *at = strstr(argv[i], "%i");

        if (!at) {
            copy[i] = argv[i];
            continue;
        }
        if (asprintf(&copy[i], "%.*s%d%s", (int)(at - argv[i]), argv[i], index, at + 2) < 0)
            die("asprintf");
    }
    return copy;
}

static int run_parallel(const char *out, const char *label, int copies, char **argv)
{
    pid_t *pids = calloc(copies, sizeof *pids);
    long long start, cpu = 0;
    long rss = 0;
    int i, failed = 0, left = copies;

    if (!pids)
        die("calloc");
    start = now_ns();
    for (i = 0; i < copies; i++)
        pids[i] = spawn(argv_for(argv, i));
    while (left > 0) {
        struct rusage ru;
        int status;
        pid_t pid = wait4(-1, &status, 0, &ru);

        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("wait4");
        }
        for (i = 0; i < copies; i++)
            if (pids[i] == pid)
                break;
        if (i == copies)
            continue; /* not one of ours (we are never a subreaper here) */
        left--;
        failed += exit_code(status) != 0;
        cpu += cpu_ns(&ru);
        if (ru.ru_maxrss > rss)
            rss = ru.ru_maxrss;
    }
    record(out, label, now_ns() - start, rss, failed, cpu);
    free(pids);
    return failed ? 1 : 0;
}

static void ignore_signal(int sig)
{
    (void)sig;
}

static int run_reaper(const char *lock_dir, char **argv)
{
    pid_t main_pid;
    int main_status = 0, status;

    if (lock_dir) {
        int fd = open(lock_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
            die(lock_dir);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            if (errno != EWOULDBLOCK)
                die(lock_dir);
            fprintf(stderr, "%s: %s is locked: another bench is running\n", BENCH_PROGNAME, lock_dir);
            exit(75);
        }
        /* fd stays open (and locked) until we exit */
    }

    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        die("prctl PR_SET_CHILD_SUBREAPER");
    /* Let the command handle ^C and termination; we only wait. A handler, not SIG_IGN:
     * an ignored signal stays ignored across exec, in the command and every runtime. */
    struct sigaction sa = {.sa_handler = ignore_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    main_pid = spawn(argv);
    for (;;) {
        pid_t pid = waitpid(-1, &status, 0);

        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid");
        }
        if (pid == main_pid) {
            main_status = status;
            break;
        }
    }
    /* Orphans killed just before CMD ended may take a moment to die: reap for up to 2 s,
     * then leave anything still running (a container CMD failed to delete) to init
     * rather than keep waiting. */
    for (int tries = 0; tries < 200; tries++) {
        pid_t pid = waitpid(-1, &status, WNOHANG);

        if (pid < 0 && errno == ECHILD)
            break;
        if (pid <= 0)
            usleep(10000);
    }
    return exit_code(main_status);
}

static void usage(void)
{
    fprintf(stderr, "usage: %s -o FILE -l LABEL [-w PIDFILE -e LABEL2 | -j N] -- CMD...\n"
                    "       %s reaper [-L DIR] -- CMD...\n",
            BENCH_PROGNAME, BENCH_PROGNAME);
    exit(125);
}

int main(int argc, char **argv)
{
    const char *out = NULL, *label = NULL, *pidfile = NULL, *label2 = NULL;
    int copies = 0, opt;

    if (argc > 1 && strcmp(argv[1], "reaper") == 0) {
        const char *lock_dir = NULL;
        int i = 2;

        if (i + 1 < argc && strcmp(argv[i], "-L") == 0) {
            lock_dir = argv[i + 1];
            i += 2;
        }
        if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
            usage();
        return run_reaper(lock_dir, argv + i + 1);
    }
    while ((opt = getopt(argc, argv, "+o:l:w:e:j:")) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'l': label = optarg; break;
        case 'w': pidfile = optarg; break;
        case 'e': label2 = optarg; break;
        case 'j': copies = atoi(optarg); break;
        default: usage();
        }
    }
    if (!out || !label || optind >= argc || (pidfile && !label2) || (pidfile && copies) ||
        copies < 0)
        usage();
    if (copies > 0)
        return run_parallel(out, label, copies, argv + optind);
    return run_one(out, label, pidfile, label2, argv + optind);
}
