/*
 * bench-floor: the kernel work any runtime must do for `run true` with the default spec,
 * done directly, with no runtime: "the floor" of bench/run.sh's table.
 * Built by bench/run.sh (gcc -O2) into $BUILD/bench/floor; not part of runc-go.
 *
 *   floor -o FILE -i ITER ROOTFS
 *       One round: each step below once, the order rotated by ITER, one line per step
 *       appended to FILE in bench/timer.c's format:
 *           floor-STEP floor ITER <wall ns> <max rss KiB> <status> <user+sys cpu ns>
 *       bench/run.sh calls this once per iteration of its `run true` loop, so the floor
 *       is measured interleaved with the runtimes, under the same load.
 *
 *   floor -n N ROOTFS
 *       N rounds, then print median / p90 / min of each step in ms (for a quick look).
 *
 * ROOTFS is the bench's shared busybox rootfs (ROOTFS/bin/true -> busybox, static). It is
 * never written to: the rootfs step bind-mounts it and mounts on top, in a private mount
 * namespace that dies with the child.
 *
 * Steps; each is timed with CLOCK_MONOTONIC from just before clone() until wait4()
 * returns, in a single-threaded parent, as bench/timer.c times a runtime:
 *   fork    clone(SIGCHLD) (what fork() is), the child execs ROOTFS/bin/true
 *   ns      the same with CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC
 *   netns   the same plus CLONE_NEWNET (the default spec has a network namespace)
 *   rootfs  netns plus, in the child, the minimal root filesystem work of a runtime:
 *           make the mount tree private (MS_REC|MS_PRIVATE on /), bind ROOTFS onto
 *           itself, mount proc on ROOTFS/proc, pivot_root(".", ".") and umount2 of the
 *           old root (MNT_DETACH), remount the root read-only (the bench's spec sets
 *           root.readonly), then exec /bin/true inside
 * Not in the floor: the runtime's own exec, cgroups, /dev, sysfs, masked paths, state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PROGNAME "bench-floor"
#include "bench-util.h"

enum { STEP_FORK, STEP_NS, STEP_NETNS, STEP_ROOTFS, NSTEPS };

static const char *const step_name[NSTEPS] = {"fork", "ns", "netns", "rootfs"};
static const char *const step_label[NSTEPS] = {
    "fork+exec true", "+ mnt,pid,uts,ipc namespaces", "+ netns", "+ pivot_root, /proc"};

static const char *rootfs;
static char true_path[4096];

/* In the child: report what failed (one write, no stdio buffers shared with the parent)
 * and exit with a status the report counts as a failure. */
static void child_fail(const char *what)
{
    char msg[256];
    int len = snprintf(msg, sizeof msg, "%s: child: %s: %s\n", BENCH_PROGNAME, what, strerror(errno));

    if (len > 0)
        (void)!write(2, msg, (size_t)len < sizeof msg ? (size_t)len : sizeof msg - 1);
    _exit(126);
}

static void child(int step)
{
    static char *const argv[] = {"true", NULL};
    static char *const envp[] = {"PATH=/bin", NULL};

    if (step == STEP_ROOTFS) {
        char proc[4096];

        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            child_fail("make / private");
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
            child_fail("bind the rootfs");
        snprintf(proc, sizeof proc, "%s/proc", rootfs);
        if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            child_fail("mount /proc");
        if (chdir(rootfs) < 0)
            child_fail("chdir rootfs");
        /* pivot_root(".", "."): the old root ends up stacked on top of the new one, so no
         * put_old directory has to be made in the (read-only, shared) rootfs. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
            child_fail("pivot_root");
        if (umount2(".", MNT_DETACH) < 0)
            child_fail("umount the old root");
        if (chdir("/") < 0)
            child_fail("chdir /");
        if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
            child_fail("remount / read-only");
        execve("/bin/true", argv, envp);
        child_fail("exec /bin/true");
    }
    execve(true_path, argv, envp);
    child_fail(true_path);
}

/* One step: clone (fork semantics: no new stack, SIGCHLD) into the step's namespaces,
 * the child execs true; time until wait4 returns. */
static void run_step(int step, long long *ns, long *rss, int *status, long long *cpu)
{
    unsigned long flags = SIGCHLD;
    struct rusage ru;
    long long start;
    int st;
    pid_t pid;

    if (step >= STEP_NS)
        flags |= CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
    if (step >= STEP_NETNS)
        flags |= CLONE_NEWNET;
    start = now_ns();
    pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (pid < 0)
        die("clone");
    if (pid == 0)
        child(step);
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR)
            die("wait4");
    *ns = now_ns() - start;
    *rss = ru.ru_maxrss;
    *status = exit_code(st);
    *cpu = cpu_ns(&ru);
}

static void record(const char *file, int step, int iter, long long ns, long rss, int status,
                   long long cpu)
{
    char line[256];
    int len;

    len = snprintf(line, sizeof line, "floor-%s floor %d %lld %ld %d %lld\n", step_name[step],
                   iter, ns, rss, status, cpu);
    append_line(file, line, len < (int)sizeof line ? len : -1);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

static void usage(void)
{
    fprintf(stderr, "usage: %s -o FILE -i ITER ROOTFS\n       %s -n N ROOTFS\n", BENCH_PROGNAME,
            BENCH_PROGNAME);
    exit(125);
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int iter = -1, rounds = 0, opt, failed = 0;

    while ((opt = getopt(argc, argv, "+o:i:n:")) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'i': iter = atoi(optarg); break;
        case 'n': rounds = atoi(optarg); break;
        default: usage();
        }
    }
    if (optind + 1 != argc || (out ? iter < 0 || rounds : rounds <= 0))
        usage();
    rootfs = argv[optind];
    if (rootfs[0] != '/') {
        fprintf(stderr, "%s: %s: the rootfs must be an absolute path\n", BENCH_PROGNAME, rootfs);
        exit(125);
    }
    snprintf(true_path, sizeof true_path, "%s/bin/true", rootfs);
    if (access(true_path, X_OK) < 0)
        die(true_path);

    if (out) {
        for (int k = 0; k < NSTEPS; k++) {
            int step = (iter + k) % NSTEPS, status;
            long long ns, cpu;
            long rss;

            run_step(step, &ns, &rss, &status, &cpu);
            record(out, step, iter, ns, rss, status, cpu);
            failed += status != 0;
        }
        return failed ? 1 : 0;
    }

    long long *t[NSTEPS];
    int n[NSTEPS] = {0};

    for (int s = 0; s < NSTEPS; s++)
        if (!(t[s] = calloc(rounds, sizeof **t)))
            die("calloc");
    for (int i = 0; i < rounds; i++)
        for (int k = 0; k < NSTEPS; k++) {
            int step = (i + k) % NSTEPS, status;
            long long ns, cpu;
            long rss;

            run_step(step, &ns, &rss, &status, &cpu);
            if (status != 0)
                failed++;
            else
                t[step][n[step]++] = ns;
        }
    printf("%-32s %7s %7s %7s  (ms, N=%d)\n", "floor", "median", "p90", "min", rounds);
    for (int s = 0; s < NSTEPS; s++) {
        int k = n[s], p90;

        if (k == 0) {
            printf("  %-30s %7s\n", step_label[s], "n/a");
            continue;
        }
        qsort(t[s], k, sizeof **t, cmp_ll);
        p90 = (9 * k + 9) / 10; /* nearest rank: ceil(0.9 k) */
        printf("  %-30s %7.3f %7.3f %7.3f\n", step_label[s],
               (k % 2 ? t[s][k / 2] : (t[s][k / 2 - 1] + t[s][k / 2]) / 2) / 1e6,
               t[s][p90 - 1] / 1e6, t[s][0] / 1e6);
    }
    if (failed)
        fprintf(stderr, "%s: %d attempts failed\n", BENCH_PROGNAME, failed);
    return failed ? 1 : 0;
}
