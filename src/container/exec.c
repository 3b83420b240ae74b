/* `exec`: a new process in a created or running container.
 *
 * The runtime forks a child that joins the init's namespaces (no re-exec):
 *   parent                                   child
 *   setns(pid ns) just for the fork ------>  already in the container's pid namespace
 *   back to its own pid ns                   rlimits, oom score (host privileges)
 *   moves the child into the cgroups         waits for SYNC_GO
 *   unlocks the state, SYNC_GO ----------->  joins user ns first, then the others; setsid,
 *                                            keyring, HOME, cwd ... seccomp, caps, fds
 *   <--------------------------------------- SYNC_READY (or SYNC_ERROR), then execve
 *   EOF on the sync socket = exec'd          (the socket is close-on-exec; an execve
 *   pid file (detached) or waits (foreground) failure comes as SYNC_ERROR instead)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../hooks/hooks.h"
#include "../linux/cgroup.h"
#include "../linux/clone.h"
#include "../linux/console.h"
#include "../linux/namespaces.h"
#include "../linux/proc.h"
#include "../linux/sched.h"
#include "../fault.h"
#include "../log.h"
#include "../util.h"
#include "console-proxy.h"
#include "exec-internal.h"
#include "process-wait.h"
#include "process-setup.h"
#include "sync.h"

#define START_FAILED "unable to start container process"

#define AFFINITY_INITIAL "process.execCPUAffinity.initial"
#define AFFINITY_FINAL "process.execCPUAffinity.final"

/* The order runc joins in: the user namespace first, as it grants the capabilities the
 * other joins need; the cgroup namespace after the cgroup (the parent moved us already). */
static const struct {
    enum spec_namespace_type type;
    const char *name;
} join_order[] = {
    {SPEC_NS_USER, "user"},     {SPEC_NS_IPC, "ipc"},   {SPEC_NS_UTS, "uts"},
    {SPEC_NS_NETWORK, "net"},   {SPEC_NS_PID, "pid"},   {SPEC_NS_MOUNT, "mnt"},
    {SPEC_NS_CGROUP, "cgroup"}, {SPEC_NS_TIME, "time"},
};

static void context_release(struct exec_context *ctx)
{
    for (int i = 0; i < ctx->ns_count; i++)
        close(ctx->ns_fds[i]);
    ctx->ns_count = 0;
    for (int i = 0; i < 2; i++)
        if (ctx->sync_fds[i] >= 0)
            close(ctx->sync_fds[i]);
    if (ctx->console_fd >= 0)
        close(ctx->console_fd);
    if (ctx->console_recv_fd >= 0)
        close(ctx->console_recv_fd);
    container_free(ctx->container);
    spec_process_free(ctx->file_process);
    spec_free(ctx->config);
    spec_strmap_free(&ctx->cgroup_paths);
    free(ctx->argv);
    free(ctx->envp);
    free(ctx->agent_state);
    if (ctx->signals_blocked)
        sigprocmask(SIG_SETMASK, &ctx->original_mask, NULL);
}

/* A child that failed (or whose exec we gave up on) is killed and reaped. */
static void kill_child(struct exec_context *ctx)
{
    if (ctx->pid <= 0)
        return;
    kill(ctx->pid, SIGKILL);
    while (waitpid(ctx->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    ctx->pid = 0;
}

/* runc stats each fd --preserve-fds names; done before we open anything, so none of our
 * own fds can pass for the caller's. */
static int check_preserved_fds(int count, struct error *err)
{
    for (int i = 0; i < count; i++)
        if (fcntl(3 + i, F_GETFD) < 0)
            return error_set(err, errno, "unable to stat preserved-fd %d (of %d)", i, count);
    return 0;
}

static int load_container(struct exec_context *ctx, struct error *err)
{
    const struct exec_options *options = ctx->options;
    enum container_status status;

    ctx->container = container_load(options->root, options->id, err);
    if (!ctx->container)
        return -1;
    status = container_status(ctx->container);
    ctx->init_pid = ctx->container->record->pid;
    ctx->init_start_time = ctx->container->record->init_start_time;
    if (status == STATUS_STOPPED)
        return error_set(err, 0, "cannot exec in a stopped container");
    ctx->paused = status == STATUS_PAUSED;
    if (status == STATUS_PAUSED && !options->ignore_paused)
        return error_set(err, 0,
                         "cannot exec in a paused container (use --ignore-paused to "
                         "override)");
    if (!(options->process_file && *options->process_file) && options->args_count == 0)
        return error_set(err, 0, "process args cannot be empty");
    ctx->config = container_load_config(ctx->container, err);
    return ctx->config ? 0 : -1;
}

static int same_namespace(int fd, const char *name, bool *same, struct error *err)
{
    char path[64];
    struct stat theirs, ours;

    snprintf(path, sizeof path, "/proc/self/ns/%s", name);
    if (fstat(fd, &theirs) < 0)
        return error_set(err, errno, "stat the container's %s namespace", name);
    *same = stat(path, &ours) == 0 && ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
    return 0;
}

/* Opens the init's namespaces that differ from ours. Through a /proc/PID directory fd
 * checked against the init's start time: a recycled pid can't hand us a stranger's. */
static int open_namespaces(struct exec_context *ctx, struct error *err)
{
    const struct state_record *record = ctx->container->record;
    char path[64];
    cleanup_close int dirfd = -1;

    snprintf(path, sizeof path, "/proc/%d", record->pid);
    dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0 || !proc_is_alive(record->pid, record->init_start_time))
        return error_set(err, 0, "cannot exec in a stopped container");
    for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
        cleanup_close int fd = -1;
        bool same = false;

        snprintf(path, sizeof path, "ns/%s", join_order[i].name);
        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            continue; /* this kernel has no such namespace type */
        if (fd < 0)
            return error_set(err, errno, "open /proc/%d/%s", record->pid, path);
        if (same_namespace(fd, join_order[i].name, &same, err) < 0)
            return -1;
        if (same)
            continue;
        ctx->ns_types[ctx->ns_count] = join_order[i].type;
        ctx->ns_fds[ctx->ns_count++] = take_fd(&fd);
    }
    return 0;
}

static int join_namespaces(const struct exec_context *ctx, struct error *err)
{
    bool user_ns = ctx->ns_count > 0 && ctx->ns_types[0] == SPEC_NS_USER;

    int skip = CLONE_NEWPID | (ctx->joined_user_ns ? CLONE_NEWUSER : 0);

    if (namespaces_join(ctx->ns_fds, ctx->ns_types, ctx->ns_count, skip, err) < 0)
        return -1;
    /* Root of the joined user namespace, as runc's nsexec does before the process setup. */
    if (user_ns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return error_set(err, errno, "become root in the container's user namespace");
    return 0;
}

static int child_setup(struct exec_context *ctx, char **executable, struct error *err)
{
    const struct spec_process *process = ctx->process;
    __attribute__((cleanup(lsm_close))) struct lsm_handles labels = LSM_HANDLES_NONE;
    struct process_setup setup = {.process = process,
                                  .seccomp = &ctx->config->linux_.seccomp,
                                  .personality = &ctx->config->linux_.personality,
                                  .preserve_fds = ctx->options->preserve_fds,
                                  .sync_fd = ctx->sync_fds[1],
                                  .labels = &labels};
    int result;

    /* With the host's privileges and the host's /proc, before joining anything. */
    if (process_setup_limits(process, err) < 0 || lsm_open(process, &labels, err) < 0)
        return -1;
    result = join_namespaces(ctx, err);
    for (int i = 0; i < ctx->ns_count; i++)
        close(ctx->ns_fds[i]);
    /* A session of its own, as runc's exec'd processes have. */
    if (result == 0 && setsid() < 0)
        result = error_set(err, errno, "setsid");
    if (result == 0 && ctx->console_fd >= 0)
        result = process_setup_terminal(ctx->process, &ctx->console_fd, false, ctx->console_proxied,
                                        err);
    if (result == 0)
        result = process_join_session_keyring(ctx->options->id, err);
    if (result == 0) {
        /* setns(mnt) made the container's root our root: /etc/passwd is the container's. */
        process_env_add_home(&ctx->envp, process->user.uid);
        setup.envp = ctx->envp;
        result = process_setup_finish(&setup, executable, err);
    }
    return result;
}

/* The forked child: never returns, never prints (errors go over the sync socket). */
__attribute__((noreturn)) static void child_main(struct exec_context *ctx)
{
    int sync_fd = ctx->sync_fds[1], saved;
    struct error err = {0};
    char *executable = NULL;

    /* Die with the runtime while it still owns us; no container process may ptrace us or
     * read our memory while we hold host fds (CVE-2016-9962: the parent made us
     * non-dumpable already; this keeps it so whatever the parent's state). */
    /* (Not when a helper forked us: its exit would kill us. Without the runtime our sync
     * socket closes, and we exit at SYNC_GO.) */
    if (!ctx->joined_user_ns)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0);
    /* The state dir's flock must not outlive the runtime in our copy of the fd. */
    close(ctx->container->dirfd);
    close(ctx->sync_fds[0]);
    if (ctx->console_recv_fd >= 0)
        close(ctx->console_recv_fd);
    /* Into the container's cgroup before anything else; the parent holds the state lock
     * until it hears we are in (a `kill --all` meanwhile must find us). */
    if (ctx->cgroup_self_join) {
        int joined = cgroup_join_self(&ctx->cgroup_paths);
        if (joined < 0) {
            error_set(&err, -joined, "join cgroup");
            sync_send_error(sync_fd, &err);
            _exit(1);
        }
        if (sync_send(sync_fd, SYNC_JOINED, &err) < 0)
            _exit(1);
    }
    if (sync_expect(sync_fd, SYNC_GO, &err) < 0)
        _exit(1);
    if (child_setup(ctx, &executable, &err) < 0) {
        sync_send_error(sync_fd, &err);
        _exit(1);
    }
    /* From here on the process may outlive the runtime (--detach). */
    prctl(PR_SET_PDEATHSIG, 0);
    if (sync_send(sync_fd, SYNC_READY, &err) < 0)
        _exit(1);
    sigprocmask(SIG_SETMASK, &ctx->original_mask, NULL);
    execve(executable, ctx->argv, ctx->envp);
    saved = errno;
    error_set(&err, saved, "exec: \"%s\"", ctx->argv[0]);
    sync_send_error(sync_fd, &err);
    _exit(saved == ENOENT ? 127 : 126);
}

/* --console-socket is connected before the child exists, as runc does; without one the
 * foreground runtime keeps the master (a socketpair). */
static int prepare_console(struct exec_context *ctx, struct error *err)
{
    const char *path = ctx->options->console_socket;
    int pair[2];

    if (!ctx->process->terminal)
        return 0;
    if (path && *path) {
        ctx->console_fd = console_connect(path, err);
        return ctx->console_fd < 0 ? -1 : 0;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return error_set(err, errno, "socketpair");
    ctx->console_recv_fd = pair[0];
    ctx->console_fd = pair[1];
    ctx->console_proxied = true;
    return 0;
}

/* Not root, the container in a user namespace of its own: setns() into its pid namespace
 * needs that user namespace's privileges, which only a process inside it has. A helper joins
 * the user and pid namespaces and forks the child there (runc's nsexec does the same), then
 * tells us the child's pid and exits; we are the subreaper that adopts the child. */
static pid_t fork_through_user_ns(struct exec_context *ctx, int user_ns, int pid_ns,
                                  struct error *err)
{
    int report[2], status;
    pid_t helper, child = -1;

    if (pipe2(report, O_CLOEXEC) < 0)
        return error_set(err, errno, "pipe");
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    ctx->joined_user_ns = true;
    helper = fork();
    if (helper == 0) {
        close(report[0]);
        if (setns(user_ns, CLONE_NEWUSER) == 0 && (pid_ns < 0 || setns(pid_ns, CLONE_NEWPID) == 0))
            child = fork();
        if (child == 0) {
            close(report[1]);
            child_main(ctx);
        }
        (void)!write(report[1], &child, sizeof child);
        _exit(child > 0 ? 0 : 1);
    }
    close(report[1]);
    if (helper < 0 || read(report[0], &child, sizeof child) != sizeof child || child <= 0)
        error_set(err, helper < 0 ? errno : EPERM, "join the container's user and pid namespaces");
    close(report[0]);
    while (helper > 0 && waitpid(helper, &status, 0) < 0 && errno == EINTR)
        ;
    return child > 0 ? child : -1;
}

static int spawn_child(struct exec_context *ctx, struct error *err)
{
    int pid_ns = -1, dumpable;
    cleanup_close int own_pid_ns = -1;
    sigset_t all;

    int user_ns = ctx->ns_count > 0 && ctx->ns_types[0] == SPEC_NS_USER ? ctx->ns_fds[0] : -1;

    for (int i = 0; i < ctx->ns_count; i++)
        if (ctx->ns_types[i] == SPEC_NS_PID)
            pid_ns = ctx->ns_fds[i];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx->sync_fds) < 0)
        return error_set(err, errno, "socketpair");
    if (prepare_console(ctx, err) < 0)
        return -1;
    /* Foreground: every signal is blocked before the child exists, so none meant for it is
     * lost; they are forwarded once it runs. */
    sigfillset(&all);
    if (ctx->options->detach) {
        sigprocmask(SIG_SETMASK, NULL, &ctx->original_mask);
    } else {
        sigprocmask(SIG_BLOCK, &all, &ctx->original_mask);
        ctx->signals_blocked = true;
    }
    /* The child is visible to the container from its first instruction: born non-dumpable
     * (the flag is inherited), not only from its own prctl on (CVE-2016-9962). */
    dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (geteuid() != 0 && user_ns >= 0) {
        ctx->pid = fork_through_user_ns(ctx, user_ns, pid_ns, err);
    } else {
        /* The child joins the cgroup by itself (src/linux/cgroup-join.c), unless the CPU
         * affinity must be set around its joining, or the cgroup is frozen: a child that
         * joins it freezes at once and could not tell us. */
        ctx->cgroup_self_join =
            !ctx->has_affinity_initial && !ctx->has_affinity_final && !ctx->paused;
        cleanup_close int unified_fd =
            ctx->cgroup_self_join ? cgroup_open_clone_target(&ctx->cgroup_paths) : -1;
        /* setns(CLONE_NEWPID) moves only our future children: join for the fork, then back. */
        if (pid_ns >= 0) {
            own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
            if (own_pid_ns < 0 || setns(pid_ns, CLONE_NEWPID) < 0)
                return error_set(err, errno, "join the container's pid namespace");
        }
        ctx->pid = ctx->cgroup_self_join ? clone_child(0, unified_fd, &ctx->cgroup_placed) : fork();
        if (ctx->pid == 0)
            child_main(ctx);
        if (ctx->pid < 0)
            error_set(err, errno, "fork");
        if (own_pid_ns >= 0 && setns(own_pid_ns, CLONE_NEWPID) < 0 && ctx->pid > 0)
            return error_set(err, errno, "return to our own pid namespace");
    }
    if (dumpable > 0)
        prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
    close(ctx->sync_fds[1]);
    ctx->sync_fds[1] = -1;
    if (ctx->console_fd >= 0)
        close(ctx->console_fd);
    ctx->console_fd = -1;
    return ctx->pid < 0 ? -1 : 0;
}

/* Serves the child until SYNC_READY, then expects EOF (execve closed the socket) or the
 * execve error. */
static int wait_for_exec(struct exec_context *ctx, struct error *err)
{
    bool ready = false;

    for (;;) {
        struct sync_msg msg;
        cleanup_close int attached_fd = -1;
        bool closed;

        if (sync_read(ctx->sync_fds[0], &msg, &attached_fd, &closed, err) < 0)
            return -1;
        if (closed && ready)
            return 0;
        if (closed)
            return error_set(err, EPROTO, "the process exited during its setup");
        if (msg.type == SYNC_ERROR)
            return sync_error_of(&msg, err);
        if (!ready && msg.type == SYNC_READY)
            ready = true;
        else if (!ready && msg.type == SYNC_SECCOMP_FD) {
            if (process_serve_seccomp_fd(ctx->sync_fds[0], &ctx->config->linux_.seccomp,
                                         attached_fd, ctx->pid, ctx->agent_state, err) < 0)
                return -1;
        } else
            return error_set(err, EPROTO, "sync: unexpected message %u", msg.type);
    }
}

/* The child joined the cgroup; a closed socket is a child killed meanwhile (with its
 * container, say: EPROTO lets container_exec() find out). */
static int wait_for_joined(struct exec_context *ctx, struct error *err)
{
    struct sync_msg msg;
    cleanup_close int attached_fd = -1;
    bool closed;

    if (sync_read(ctx->sync_fds[0], &msg, &attached_fd, &closed, err) < 0)
        return -1;
    if (closed)
        return error_set(err, EPROTO, "the process exited during its setup");
    if (msg.type == SYNC_ERROR)
        return sync_error_of(&msg, err);
    if (msg.type != SYNC_JOINED)
        return error_set(err, EPROTO, "sync: unexpected message %u", msg.type);
    return 0;
}

static int start_child(struct exec_context *ctx, struct error *err)
{
    const struct container *c = ctx->container;

    /* process.execCPUAffinity: initial before the cgroup (whose cpuset may differ), final
     * after it; without final the kernel's choice stands. */
    if (ctx->has_affinity_initial &&
        sched_set_affinity(ctx->pid, &ctx->affinity_initial, AFFINITY_INITIAL, err) < 0)
        return -1;
    if (ctx->cgroup_self_join) {
        if (!ctx->cgroup_placed && cgroup_join_unified(&ctx->cgroup_paths, ctx->pid, err) < 0)
            return -1;
        if (wait_for_joined(ctx, err) < 0)
            return -1;
    } else if (cgroup_enter(&ctx->cgroup_paths, ctx->pid, err) < 0) {
        return -1;
    }
    if (ctx->has_affinity_final &&
        sched_set_affinity(ctx->pid, &ctx->affinity_final, AFFINITY_FINAL, err) < 0)
        return -1;
    /* The state the seccomp agent gets is the container's, read while we hold the lock. */
    if (ctx->config->linux_.seccomp.listener_path)
        ctx->agent_state =
            hooks_state_json(ctx->config, ctx->options->id, c->record->pid, c->record->bundle,
                             container_status_name(container_status(c)));
    /* In a paused container (--ignore-paused) the child freezes now until `resume`, which
     * needs the lock: give it up before waiting for the child. */
    container_free(ctx->container);
    ctx->container = NULL;
    if (sync_send(ctx->sync_fds[0], SYNC_GO, err) < 0)
        return -1;
    return wait_for_exec(ctx, err);
}

static int parse_affinity(struct exec_context *ctx, struct error *err)
{
    const char *initial = ctx->process->exec_cpu_affinity_initial;
    const char *final = ctx->process->exec_cpu_affinity_final;

    ctx->has_affinity_initial = initial && *initial;
    ctx->has_affinity_final = final && *final;
    if (ctx->has_affinity_initial &&
        sched_parse_cpu_list(initial, &ctx->affinity_initial, AFFINITY_INITIAL, err) < 0)
        return -1;
    if (ctx->has_affinity_final &&
        sched_parse_cpu_list(final, &ctx->affinity_final, AFFINITY_FINAL, err) < 0)
        return -1;
    return 0;
}

static int prepare(struct exec_context *ctx, struct error *err)
{
    if (check_preserved_fds(ctx->options->preserve_fds, err) < 0 || load_container(ctx, err) < 0)
        return -1;
    if (exec_prepare_process(ctx, err) < 0 || parse_affinity(ctx, err) < 0 ||
        exec_resolve_cgroups(ctx, err) < 0 || exec_check_io(ctx, err) < 0)
        return -1;
    return open_namespaces(ctx, err);
}

/* The child sent the master before SYNC_READY: it is waiting in the socket. */
static int start_proxy(struct exec_context *ctx, struct console_proxy *proxy, struct error *err)
{
    int master = console_recv_fd(ctx->console_recv_fd, true, err);
    if (master < 0)
        return -1;
    return console_proxy_start(proxy, master, err);
}

/* Whether the container's init is gone or going: a dying pid namespace init first kills every
 * other process in it (our child among them) and only then exits, so give it 200 ms. Only
 * asked after a failure. */
static bool init_stopping(const struct exec_context *ctx, const struct error *failure)
{
    /* Only the failures a dying container causes are worth the wait: the child gone from
     * under the sync socket, or no fork into a pid namespace without its init. */
    bool torn = failure->errnum == EPIPE || failure->errnum == EPROTO ||
                failure->errnum == ECONNRESET || failure->errnum == ENOMEM;

    for (int i = 0; i < (torn ? 20 : 1); i++) {
        if (i > 0)
            usleep(10000);
        if (!proc_is_alive(ctx->init_pid, ctx->init_start_time))
            return true;
    }
    return false;
}

/* One step of exec; with --debug it is logged with its duration. */
static int timed_step(struct exec_context *ctx, const char *name,
                      int (*step)(struct exec_context *ctx, struct error *err), struct error *err)
{
    char point[96];
    unsigned long long started = log_clock();
    int result;

    snprintf(point, sizeof point, "exec: %s", name);
    result = fault_point(point, err) < 0 ? -1 : step(ctx, err);
    log_step(started, "exec", name, result);
    return result;
}

int container_exec(const struct exec_options *options, int *exit_status, struct error *err)
{
    struct exec_context ctx = {
        .options = options, .sync_fds = {-1, -1}, .console_fd = -1, .console_recv_fd = -1};
    cleanup_console_proxy struct console_proxy proxy = {.master = -1, .host_fd = -1};
    int result, status;

    *exit_status = 0;
    result = timed_step(&ctx, "read the container and the process", prepare, err);
    if (result == 0)
        result = timed_step(&ctx, "fork into the pid namespace", spawn_child, err);
    if (result == 0 && timed_step(&ctx, "cgroup, the child's setup, execve", start_child, err) < 0)
        result = error_prefix(err, START_FAILED);
    if (result == 0 && ctx.console_recv_fd >= 0)
        result = start_proxy(&ctx, &proxy, err);
    if (result == 0 && options->pid_file)
        result = pid_file_write(options->pid_file, ctx.pid, err);
    if (result == 0 && !options->detach) {
        status = proxy.master >= 0 ? console_proxy_wait(&proxy, ctx.pid, false, err)
                                   : forward_signals_until_exit(ctx.pid);
        if (status < 0)
            result = -1;
        else
            *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (result < 0)
        kill_child(&ctx);
    /* The container stopped while we were joining it (a `kill` racing us): whatever broke on
     * our side (a closed sync socket, a pid namespace without its init), that is the cause. */
    if (result < 0 && ctx.init_pid > 0 && init_stopping(&ctx, err))
        error_set(err, 0, "cannot exec in a stopped container");
    /* The user's terminal is back before the signals are unblocked. */
    console_proxy_stop(&proxy);
    context_release(&ctx);
    return result;
}
