/* `create`: the parent's side of setting a container up. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "../hooks/hooks.h"
#include "../linux/caps.h"
#include "../linux/cgroup.h"
#include "../linux/clone.h"
#include "../linux/lsm.h"
#include "../linux/console.h"
#include "../linux/intel-rdt.h"
#include "../linux/mount-options.h"
#include "../linux/mounts.h"
#include "../linux/namespaces.h"
#include "../linux/proc.h"
#include "../linux/process.h"
#include "../fault.h"
#include "../log.h"
#include "../spec/spec.h"
#include "../spec/state-json.h"
#include "../util.h"
#include "create-internal.h"
#include "init.h"
#include "process-setup.h"
#include "process-wait.h"
#include "sync.h"

struct create_context {
    const struct create_options *options;
    struct spec *spec;
    char *bundle;
    char *rootfs;
    struct container *container;
    int fifo_fd;
    int proc_fd; /* the host's /proc, for the init to reopen fifo_fd after pivot_root */
    int sync_fds[2];
    int console_fd;      /* process.terminal: the socket the init sends the pty master over */
    int console_recv_fd; /* foreground run: our end of that socket, else -1 */
    int ns_fds[SPEC_NS_COUNT];
    enum spec_namespace_type ns_types[SPEC_NS_COUNT];
    int ns_count;
    pid_t pid;
    struct spec_strmap cgroup_paths;
    char *systemd_unit;    /* --systemd-cgroup: the unit's name; started once it is in state.json */
    int clone_cgroup_fd;   /* the unified directory, made before the clone, or -1 */
    bool cgroup_placed;    /* the init was born in it (CLONE_INTO_CGROUP) */
    bool cgroup_self_join; /* the init joins the v1 hierarchies itself */
    struct spec_strmap v1_later; /* v1 hierarchies made while the init makes its netns */
    bool unit_started;
    char *rdt_path;   /* the resctrl group made for us (linux.intelRdt), NULL or "" when none */
    int *mount_trees; /* per mounts[] index: an idmapped mount, made detached, or -1; NULL
                       * when no mount is idmapped */
    char **argv;
    char **envp;
    int preserve_fds; /* --preserve-fds plus systemd's LISTEN_FDS */
    char *listen_env[2];
    char *config_text;
    size_t config_len;
    const sigset_t *original_mask; /* the caller's, restored in the init before execve */
    int console_master;            /* foreground run: the pty master received, else -1 */
};

static void context_release(struct create_context *ctx)
{
    for (int i = 0; i < ctx->ns_count; i++)
        close(ctx->ns_fds[i]);
    for (int i = 0; i < 2; i++)
        if (ctx->sync_fds[i] >= 0)
            close(ctx->sync_fds[i]);
    if (ctx->fifo_fd >= 0)
        close(ctx->fifo_fd);
    if (ctx->proc_fd >= 0)
        close(ctx->proc_fd);
    if (ctx->console_fd >= 0)
        close(ctx->console_fd);
    if (ctx->console_recv_fd >= 0)
        close(ctx->console_recv_fd);
    if (ctx->console_master >= 0)
        close(ctx->console_master);
    for (size_t i = 0; ctx->mount_trees && i < ctx->spec->mounts_count; i++)
        if (ctx->mount_trees[i] >= 0)
            close(ctx->mount_trees[i]);
    free(ctx->mount_trees);
    container_free(ctx->container);
    spec_strmap_free(&ctx->cgroup_paths);
    if (ctx->clone_cgroup_fd >= 0)
        close(ctx->clone_cgroup_fd);
    spec_strmap_free(&ctx->v1_later);
    free(ctx->systemd_unit);
    free(ctx->rdt_path);
    spec_free(ctx->spec);
    free(ctx->bundle);
    free(ctx->rootfs);
    free(ctx->argv);
    free(ctx->envp);
    free(ctx->listen_env[0]);
    free(ctx->listen_env[1]);
    free(ctx->config_text);
}

/* Everything a failed create made is taken down again: init, cgroups, state dir. */
static void context_rollback(struct create_context *ctx)
{
    struct error ignored;
    if (ctx->pid > 0) {
        kill(ctx->pid, SIGKILL);
        while (waitpid(ctx->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (ctx->unit_started)
        cgroup_systemd_stop(ctx->systemd_unit, &ignored);
    if (ctx->cgroup_paths.count)
        cgroup_destroy(&ctx->cgroup_paths, &ignored);
    intel_rdt_remove(ctx->rdt_path, &ignored);
    if (ctx->container)
        container_remove_state(ctx->container, &ignored);
}

static char **null_terminated(char **items, size_t count)
{
    char **copy = xcalloc(count + 1, sizeof *copy);
    if (count)
        memcpy(copy, items, count * sizeof *copy);
    return copy;
}

/* runc's checkTerminal, with its messages: `create` and `run -d` hand the pty master to
 * --console-socket, a foreground `run` keeps it. */
static int check_terminal(const struct create_context *ctx, struct error *err)
{
    bool detach = !ctx->options->foreground;
    bool terminal = ctx->spec->process.terminal;
    bool socket = ctx->options->console_socket && *ctx->options->console_socket;

    if (detach && terminal && !socket)
        return error_set(err, 0,
                         "cannot allocate tty if runc will detach without setting console "
                         "socket (pass --console-socket, or set process.terminal to false)");
    if ((!detach || !terminal) && socket)
        return error_set(err, 0,
                         "cannot use console socket if runc will not detach or allocate tty");
    return 0;
}

/* systemd socket activation: the listening sockets (fds 3..3+LISTEN_FDS-1) pass through
 * before the --preserve-fds ones, and the container's init, pid 1 in its namespace, is told
 * they are its own (LISTEN_PID=1), as runc does. */
static void add_socket_activation(struct create_context *ctx)
{
    const char *listen_fds = getenv("LISTEN_FDS");
    const char *listen_pid = getenv("LISTEN_PID");
    size_t count = ctx->spec->process.env_count;
    long long n, pid;

    ctx->preserve_fds = ctx->options->preserve_fds;
    /* systemd's rule: the sockets belong to the process LISTEN_PID names, i.e. us. */
    if (!listen_fds || parse_long(listen_fds, &n) < 0 || n <= 0 || n > 1 << 16 || !listen_pid ||
        parse_long(listen_pid, &pid) < 0 || pid != getpid())
        return;
    ctx->preserve_fds += (int)n;
    ctx->envp = xrealloc(ctx->envp, (count + 3) * sizeof *ctx->envp);
    ctx->envp[count] = ctx->listen_env[0] = xasprintf("LISTEN_FDS=%lld", n);
    ctx->envp[count + 1] = ctx->listen_env[1] = xstrdup("LISTEN_PID=1");
    ctx->envp[count + 2] = NULL;
}

static int check_supported(const struct create_context *ctx, struct error *err)
{
    const struct spec *spec = ctx->spec;
    bool user_ns = spec_find_namespace(spec, SPEC_NS_USER) != NULL;

    if (check_terminal(ctx, err) < 0)
        return -1;
    if (ctx->options->systemd_cgroup && ctx->options->rootless)
        return error_set(err, ENOTSUP,
                         "--systemd-cgroup: the systemd cgroup driver is not supported for "
                         "rootless containers (systemd's user instance)");
    if (user_ns && namespaces_any_joined(spec))
        return error_set(err, ENOTSUP,
                         "config.json: linux.namespaces: joining namespaces "
                         "together with a user namespace is not supported yet");
    if (!spec_find_namespace(spec, SPEC_NS_MOUNT))
        return error_set(err, EINVAL,
                         "config.json: linux.namespaces: a mount namespace is required");
    return 0;
}

/* net.* sysctls are the network namespace's: joined by path, it must not be ours (the
 * host's), or the container would set the host's (runc refuses the same). */
static int check_net_sysctls(const struct create_context *ctx, struct error *err)
{
    const struct spec_strmap *sysctl = &ctx->spec->linux_.sysctl;
    struct stat ours, joined;
    size_t i;

    for (i = 0; i < sysctl->count && strncmp(sysctl->keys[i], "net.", 4) != 0; i++)
        ;
    if (i == sysctl->count)
        return 0;
    for (int n = 0; n < ctx->ns_count; n++) {
        if (ctx->ns_types[n] != SPEC_NS_NETWORK)
            continue;
        if (fstat(ctx->ns_fds[n], &joined) < 0 || stat("/proc/self/ns/net", &ours) < 0)
            return error_set(err, errno, "config.json: linux.namespaces: stat network namespace");
        if (joined.st_dev == ours.st_dev && joined.st_ino == ours.st_ino)
            return error_set(err, 0,
                             "config.json: linux.sysctl[\"%s\"]: not allowed in the host's "
                             "network namespace (linux.namespaces joins it by path: use a new "
                             "network namespace, or drop the sysctl)",
                             sysctl->keys[i]);
    }
    return 0;
}

static int prepare_bundle(struct create_context *ctx, struct error *err)
{
    const char *bundle = ctx->options->bundle ? ctx->options->bundle : ".";
    char resolved[PATH_MAX];
    struct stat st;

    if (!realpath(bundle, resolved))
        return error_set(err, errno, "bundle %s", bundle);
    ctx->bundle = xstrdup(resolved);
    cleanup_free char *config_path = xasprintf("%s/config.json", ctx->bundle);
    if (read_file(config_path, 64u << 20, &ctx->config_text, &ctx->config_len, err) < 0)
        return -1;
    ctx->spec = spec_parse(ctx->config_text, ctx->config_len, "config.json", err);
    if (!ctx->spec || spec_validate(ctx->spec, "config.json", true, err) < 0)
        return -1;
    cleanup_free char *rootfs = ctx->spec->root_path[0] == '/'
                                    ? xstrdup(ctx->spec->root_path)
                                    : xasprintf("%s/%s", ctx->bundle, ctx->spec->root_path);
    if (!realpath(rootfs, resolved) || stat(resolved, &st) < 0)
        return error_set(err, errno, "config.json: root.path: %s", rootfs);
    if (!S_ISDIR(st.st_mode))
        return error_set(err, ENOTDIR, "config.json: root.path: %s", rootfs);
    ctx->rootfs = xstrdup(resolved);
    ctx->argv = null_terminated(ctx->spec->process.args, ctx->spec->process.args_count);
    ctx->envp = null_terminated(ctx->spec->process.env, ctx->spec->process.env_count);
    add_socket_activation(ctx);
    if (check_supported(ctx, err) < 0 || caps_check(&ctx->spec->process.capabilities, err) < 0 ||
        lsm_check(&ctx->spec->process, err) < 0 ||
        lsm_check_mount_label(ctx->spec->linux_.mount_label, err) < 0 ||
        intel_rdt_check(&ctx->spec->linux_.intel_rdt, err) < 0)
        return -1;
    ctx->ns_count = namespaces_open_joined(ctx->spec, ctx->ns_fds, ctx->ns_types, err);
    if (ctx->ns_count < 0) {
        ctx->ns_count = 0;
        return -1;
    }
    return check_net_sysctls(ctx, err);
}

/* Keeps the runtime's own fds above the ones --preserve-fds hands to the container. */
static int move_above(int fd, int floor, struct error *err)
{
    int moved;
    if (fd >= floor)
        return fd;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    close(fd);
    if (moved < 0)
        return error_set(err, errno, "dup");
    return moved;
}

static int open_host_proc(struct error *err)
{
    struct statfs st;
    int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fstatfs(fd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC) {
        error_set(err, fd < 0 ? errno : EINVAL, "/proc of the host is not procfs");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* What is known before the init exists, saved as state.json (pid 0: reads as stopped) before
 * anything is made outside the state dir: a runtime killed from here on leaves a record that
 * `delete` (the container reads as stopped) uses to remove the cgroups. */
int container_record_early(struct container *c, const struct spec *spec, const char *bundle,
                           const char *rootfs, const struct spec_strmap *cgroup_paths,
                           const char *systemd_unit, struct error *err)
{
    struct state_record *record = xcalloc(1, sizeof *record);
    const struct spec_strmap *annotations = &spec->annotations;

    c->record = record;
    record->oci_version = xstrdup(spec->oci_version);
    record->id = xstrdup(c->id);
    record->bundle = xstrdup(bundle);
    record->rootfs = xstrdup(rootfs);
    record->created = rfc3339_nano_now();
    record->owner = xstrdup("");
    record->poststart_hooks = hooks_present(&spec->hooks, HOOK_POSTSTART);
    record->poststop_hooks = hooks_present(&spec->hooks, HOOK_POSTSTOP);
    record->intel_rdt_path = xstrdup("");
    record->systemd_unit = systemd_unit ? xstrdup(systemd_unit) : NULL;
    for (size_t i = 0; i < annotations->count; i++)
        spec_strmap_add(&record->annotations, annotations->keys[i], annotations->values[i]);
    for (size_t i = 0; i < cgroup_paths->count; i++)
        spec_strmap_add(&record->cgroup_paths, cgroup_paths->keys[i], cgroup_paths->values[i]);
    return container_save(c, err);
}

static int record_early_state(struct create_context *ctx, struct error *err)
{
    return container_record_early(ctx->container, ctx->spec, ctx->bundle, ctx->rootfs,
                                  &ctx->cgroup_paths, ctx->systemd_unit, err);
}

/* The user namespace an idmapped mount takes its maps from: the mount's own, or the
 * container's (spec_mount_idmap_problem() made sure there are some). */
static int idmap_userns(const struct spec *spec, const struct spec_mount *m, const char *field,
                        struct error *err)
{
    if (m->uid_mappings_count)
        return namespaces_make_userns(m->uid_mappings, m->uid_mappings_count, m->gid_mappings,
                                      m->gid_mappings_count, field, err);
    return namespaces_make_userns(spec->linux_.uid_mappings, spec->linux_.uid_mappings_count,
                                  spec->linux_.gid_mappings, spec->linux_.gid_mappings_count, field,
                                  err);
}

/* Idmapped mounts are made here, detached, and only attached by the init: mount_setattr's
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the source's filesystem, which an init in a user
 * namespace of its own lacks; and /proc/PID of the namespace's helper process is ours to open
 * in the host's pid namespace. Sources are relative to the bundle. */
static int prepare_idmapped_mounts(struct create_context *ctx, int floor, struct error *err)
{
    const struct spec *spec = ctx->spec;

    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        cleanup_mount_options struct mount_options opts = {0};
        cleanup_close int userns = -1;
        cleanup_free char *source = NULL;
        const char *problem;
        char field[48];

        if (!spec_mount_is_idmapped(m))
            continue;
        snprintf(field, sizeof field, "config.json: mounts[%zu]", i);
        if ((problem = spec_mount_idmap_problem(spec, m)) != NULL)
            return error_set(err, 0, "%s: %s", field, problem);
        if (mount_options_parse(m->options, m->options_count, &opts, err) < 0)
            return error_prefix(err, "%s", field);
        if (!ctx->mount_trees) {
            ctx->mount_trees = xmalloc(spec->mounts_count * sizeof *ctx->mount_trees);
            for (size_t j = 0; j < spec->mounts_count; j++)
                ctx->mount_trees[j] = -1;
        }
        userns = idmap_userns(spec, m, field, err);
        if (userns < 0)
            return -1;
        source = m->source && m->source[0] == '/'
                     ? xstrdup(m->source)
                     : xasprintf("%s/%s", ctx->bundle, m->source ? m->source : "");
        ctx->mount_trees[i] = mount_idmapped_tree(source, &opts, userns, err);
        if (ctx->mount_trees[i] < 0)
            return error_prefix(err, "%s", field);
        if ((ctx->mount_trees[i] = move_above(ctx->mount_trees[i], floor, err)) < 0)
            return -1;
    }
    return 0;
}

static int prepare_state(struct create_context *ctx, struct error *err)
{
    int floor = 3 + ctx->preserve_fds;

    ctx->container = container_new(ctx->options->root, ctx->options->id, err);
    if (!ctx->container)
        return -1;
    /* 0622 whatever the umask: the init may write it after switching to a non-root user. */
    if (mkfifoat(ctx->container->dirfd, EXEC_FIFO, 0622) < 0 ||
        fchmodat(ctx->container->dirfd, EXEC_FIFO, 0622, 0) < 0)
        return error_set(err, errno, "create exec fifo");
    ctx->fifo_fd = openat(ctx->container->dirfd, EXEC_FIFO, O_PATH | O_CLOEXEC);
    if (ctx->fifo_fd < 0)
        return error_set(err, errno, "open exec fifo");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx->sync_fds) < 0)
        return error_set(err, errno, "socketpair");
    ctx->proc_fd = open_host_proc(err);
    if (ctx->proc_fd < 0)
        return -1;
    if ((ctx->fifo_fd = move_above(ctx->fifo_fd, floor, err)) < 0 ||
        (ctx->proc_fd = move_above(ctx->proc_fd, floor, err)) < 0 ||
        (ctx->sync_fds[0] = move_above(ctx->sync_fds[0], floor, err)) < 0 ||
        (ctx->sync_fds[1] = move_above(ctx->sync_fds[1], floor, err)) < 0)
        return -1;
    for (int i = 0; i < ctx->ns_count; i++)
        if ((ctx->ns_fds[i] = move_above(ctx->ns_fds[i], floor, err)) < 0)
            return -1;
    if (prepare_idmapped_mounts(ctx, floor, err) < 0)
        return -1;
    if (cgroup_resolve(ctx->options->systemd_cgroup, ctx->spec->linux_.cgroups_path,
                       ctx->options->id, &ctx->spec->annotations, &ctx->systemd_unit,
                       &ctx->cgroup_paths, err) < 0)
        return -1;
    return record_early_state(ctx, err);
}

/* Connected before the init exists, as runc does: the init only sends over it. */
static int prepare_console(struct create_context *ctx, struct error *err)
{
    int floor = 3 + ctx->preserve_fds, pair[2];

    if (!ctx->spec->process.terminal)
        return 0;
    if (ctx->options->console_socket && *ctx->options->console_socket) {
        ctx->console_fd = console_connect(ctx->options->console_socket, err);
        if (ctx->console_fd < 0)
            return -1;
    } else {
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
            return error_set(err, errno, "socketpair");
        ctx->console_recv_fd = pair[0];
        ctx->console_fd = pair[1];
        if ((ctx->console_recv_fd = move_above(ctx->console_recv_fd, floor, err)) < 0)
            return -1;
    }
    ctx->console_fd = move_above(ctx->console_fd, floor, err);
    return ctx->console_fd < 0 ? -1 : 0;
}

/* The init sent the master before SYNC_READY: it is waiting in the socket. */
static int receive_console(struct create_context *ctx, struct error *err)
{
    if (ctx->console_recv_fd < 0)
        return 0;
    ctx->console_master = console_recv_fd(ctx->console_recv_fd, true, err);
    return ctx->console_master < 0 ? -1 : 0;
}

static int joined_pid_namespace(const struct create_context *ctx)
{
    for (int i = 0; i < ctx->ns_count; i++)
        if (ctx->ns_types[i] == SPEC_NS_PID)
            return ctx->ns_fds[i];
    return -1;
}

static int spawn_init(struct create_context *ctx, struct error *err)
{
    const sigset_t *mask = ctx->original_mask;
    int all_new = namespaces_new_flags(ctx->spec);
    /* The cgroup namespace must be made after the init is in its cgroup, and clone() has no
     * room for CLONE_NEWTIME: the init unshares both itself. */
    int deferred = all_new & (CLONE_NEWCGROUP | 0x80);
    /* A new network namespace takes the kernel ~0.3 ms to make: where we still have the v1
     * hierarchies to make (place_init), the init makes it meanwhile. Only then: the kernel
     * charges it to the memory cgroup of whoever makes it, and an init born in its cgroup
     * (pure v2) would charge the container ~0.2 MiB that the runtime pays otherwise. */
    int early = ctx->v1_later.count ? all_new & CLONE_NEWNET : 0;
    int clone_flags = all_new & ~deferred & ~early;
    int pid_ns = joined_pid_namespace(ctx);
    cleanup_close int own_pid_ns = -1;
    struct init_config config = {.spec = ctx->spec,
                                 .id = ctx->options->id,
                                 .bundle = ctx->bundle,
                                 .rootfs = ctx->rootfs,
                                 .argv = ctx->argv,
                                 .envp = ctx->envp,
                                 .no_pivot = ctx->options->no_pivot,
                                 .no_new_keyring = ctx->options->no_new_keyring,
                                 .preserve_fds = ctx->preserve_fds,
                                 .sync_fd = ctx->sync_fds[1],
                                 .fifo_fd = ctx->fifo_fd,
                                 .proc_fd = ctx->proc_fd,
                                 .console_fd = ctx->console_fd,
                                 .console_proxied = ctx->console_recv_fd >= 0,
                                 .ns_fds = ctx->ns_fds,
                                 .ns_types = ctx->ns_types,
                                 .ns_count = ctx->ns_count,
                                 .new_ns_flags = deferred,
                                 .early_ns_flags = early,
                                 .mount_tree_fds = ctx->mount_trees,
                                 .cgroup_join = ctx->cgroup_self_join ? &ctx->cgroup_paths : NULL,
                                 .original_mask = *mask};

    /* setns(CLONE_NEWPID) moves only our future children: join for the clone, then back. */
    if (pid_ns >= 0) {
        own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (own_pid_ns < 0 || setns(pid_ns, CLONE_NEWPID) < 0)
            return error_set(err, errno, "join pid namespace");
    }
    /* Not root and a new user namespace: we write the init's maps through its /proc files,
     * ours only while it is dumpable; it must be born so (see init_main). */
    bool born_dumpable = geteuid() != 0 && (clone_flags & CLONE_NEWUSER);
    config.dumpable_until_go = born_dumpable;
    if (born_dumpable)
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    ctx->pid = clone_child((unsigned long)clone_flags, ctx->clone_cgroup_fd, &ctx->cgroup_placed);
    if (born_dumpable && ctx->pid != 0)
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (ctx->pid == 0) {
        /* The state dir's flock would outlive `create` in our copy of the fd. */
        close(ctx->container->dirfd);
        close(ctx->sync_fds[0]);
        if (ctx->console_recv_fd >= 0)
            close(ctx->console_recv_fd);
        init_main(&config);
    }
    if (ctx->pid < 0)
        error_set(err, errno, "clone");
    if (own_pid_ns >= 0 && setns(own_pid_ns, CLONE_NEWPID) < 0 && ctx->pid > 0)
        return error_set(err, errno, "return to own pid namespace");
    close(ctx->sync_fds[1]);
    ctx->sync_fds[1] = -1;
    if (ctx->console_fd >= 0)
        close(ctx->console_fd);
    ctx->console_fd = -1;
    return ctx->pid < 0 ? -1 : 0;
}

/* The init never waits for the kernel's cgroup lock (src/linux/cgroup-join.c): it is born in
 * the unified directory (made here, before the clone) and joins the v1 hierarchies itself
 * after SYNC_GO. Where the host has v1 hierarchies, they are made after the clone, while the
 * init makes its network namespace (place_init); everything is made here on a pure v2 host
 * and with hugepage limits (which a hybrid host may keep in the unified tree). Not for the
 * systemd driver (systemd moves the pid into its unit) nor rootless (where a cgroup we may
 * not make is only a warning, after the clone). */
static int prepare_clone_cgroup(struct create_context *ctx, struct error *err)
{
    cleanup_strmap struct spec_strmap unified = {0};
    const struct spec_resources *r = &ctx->spec->linux_.resources;

    if (ctx->systemd_unit || ctx->options->rootless || !ctx->cgroup_paths.count)
        return 0;
    if (cgroup_detect_mode() != CGROUP_MODE_V2 && !r->hugepage_limits_count) {
        /* The unified tree of a hybrid host holds no resource then: only its directory. */
        cgroup_split_unified(&ctx->cgroup_paths, &unified, &ctx->v1_later);
        if (unified.count && cgroup_create(&unified, err) < 0)
            return -1;
    } else if (cgroup_create_and_apply(&ctx->cgroup_paths, r, err) < 0) {
        return -1;
    }
    ctx->clone_cgroup_fd = cgroup_open_clone_target(&ctx->cgroup_paths);
    if (ctx->clone_cgroup_fd >= 0 &&
        (ctx->clone_cgroup_fd = move_above(ctx->clone_cgroup_fd, 3 + ctx->preserve_fds, err)) < 0)
        return -1;
    ctx->cgroup_self_join = true;
    return 0;
}

/* The init reports SYNC_READY, or first asks for the prestart and createRuntime hooks,
 * which run here in the runtime's namespaces while it waits before pivot_root. */
/* prestart and createRuntime, in the runtime's namespaces, while the init waits. */
static int run_runtime_hooks(struct create_context *ctx, struct error *err)
{
    cleanup_free char *state =
        hooks_state_json(ctx->spec, ctx->options->id, ctx->pid, ctx->bundle, "creating");

    if (hooks_run(&ctx->spec->hooks, HOOK_PRESTART, state, err) < 0 ||
        hooks_run(&ctx->spec->hooks, HOOK_CREATE_RUNTIME, state, err) < 0)
        return -1;
    return sync_send(ctx->sync_fds[0], SYNC_HOOKS_DONE, err);
}

/* The init closed the sync socket without a word: it died. Say how, and the likely why. */
static int init_died(struct create_context *ctx, struct error *err)
{
    const struct spec_memory *memory = &ctx->spec->linux_.resources.memory;
    int status, sig;

    if (waitpid(ctx->pid, &status, 0) != ctx->pid || !WIFSIGNALED(status))
        return error_set(err, 0, "container init exited unexpectedly");
    ctx->pid = 0; /* reaped: the rollback must not signal a pid that may be reused */
    sig = WTERMSIG(status);
    if (sig == SIGKILL && memory->has_limit && memory->limit > 0)
        return error_set(err, 0,
                         "container init was killed (SIGKILL) during its setup: out of memory? "
                         "(linux.resources.memory.limit is %lld bytes)",
                         (long long)memory->limit);
    return error_set(err, 0, "container init was killed by signal %d during its setup", sig);
}

/* Serves the init's requests until it is ready (or failed). */
static int wait_until_ready(struct create_context *ctx, struct error *err)
{
    unsigned long long started = log_clock();

    for (;;) {
        struct sync_msg msg;
        cleanup_close int attached_fd = -1;
        cleanup_free char *state = NULL;
        bool closed;
        int result;

        if (sync_read(ctx->sync_fds[0], &msg, &attached_fd, &closed, err) < 0)
            return -1;
        if (closed)
            return init_died(ctx, err);
        switch (msg.type) {
        case SYNC_READY:
            log_step(started, "create", "init: the rest of its setup, ready", 0);
            return 0;
        case SYNC_ERROR:
            return sync_error_of(&msg, err);
        case SYNC_HOOKS:
            log_step(started, "create", "init: namespaces and mounts", 0);
            started = log_clock();
            result = run_runtime_hooks(ctx, err);
            log_step(started, "create", "prestart and createRuntime hooks", result);
            started = log_clock();
            break;
        case SYNC_SECCOMP_FD:
            log_step(started, "create", "init: setup up to the seccomp filter", 0);
            started = log_clock();
            state =
                hooks_state_json(ctx->spec, ctx->options->id, ctx->pid, ctx->bundle, "creating");
            result = process_serve_seccomp_fd(ctx->sync_fds[0], &ctx->spec->linux_.seccomp,
                                              attached_fd, ctx->pid, state, err);
            log_step(started, "create", "seccomp listener fd to the agent", result);
            started = log_clock();
            break;
        default:
            result = error_set(err, EPROTO, "sync: unexpected message %u", msg.type);
        }
        if (result < 0)
            return -1;
    }
}

/* Whether linux.resources asks for a limit (device rules aside: runc's default spec always has
 * one, and a rootless container has no device cgroup to apply it to). */
static bool limits_requested(const struct spec_resources *r)
{
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;

    return m->has_limit || m->has_reservation || m->has_swap || c->has_shares || c->has_quota ||
           c->cpus || c->mems || r->has_pids_limit || r->hugepage_limits_count ||
           r->block_io.has_weight || r->rdma_count || r->unified.count;
}

/* From outside, before the init runs any setup: its id maps, OOM score, cgroups, RDT group. */
static int place_init(struct create_context *ctx, struct error *err)
{
    if (spec_find_namespace(ctx->spec, SPEC_NS_USER) &&
        namespaces_write_id_maps(ctx->pid, ctx->spec, err) < 0)
        return -1;
    if (process_apply_oom_score_adj_to(ctx->pid, &ctx->spec->process, err) < 0)
        return -1;
    if (ctx->systemd_unit) {
        const struct cgroup_systemd_start start = {
            .cgroups_path = ctx->spec->linux_.cgroups_path,
            .id = ctx->options->id,
            .resources = &ctx->spec->linux_.resources,
            .annotations = &ctx->spec->annotations,
            .pid = ctx->pid,
        };
        /* Marked first: a job that times out may still have made the unit. */
        ctx->unit_started = true;
        if (cgroup_systemd_start(&start, err) < 0)
            return -1;
    }
    if (ctx->cgroup_self_join) {
        /* See prepare_clone_cgroup: the init joins the v1 hierarchies after SYNC_GO. */
        if (ctx->v1_later.count &&
            cgroup_create_and_apply(&ctx->v1_later, &ctx->spec->linux_.resources, err) < 0)
            return -1;
        if (!ctx->cgroup_placed && cgroup_join_unified(&ctx->cgroup_paths, ctx->pid, err) < 0)
            return -1;
    } else if (cgroup_create_and_enter(&ctx->cgroup_paths, &ctx->spec->linux_.resources, ctx->pid,
                                       err) < 0) {
        /* As runc's rootless mode: no cgroup where this user may not make one; the limits
         * then can't apply, which the log says. */
        if (!ctx->options->rootless ||
            (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS))
            return -1;
        if (limits_requested(&ctx->spec->linux_.resources))
            log_warn("rootless: no cgroup for the container (%s): linux.resources are not applied",
                     err->msg);
        spec_strmap_free(&ctx->cgroup_paths);
        spec_strmap_free(&ctx->container->record->cgroup_paths);
    }
    if (ctx->spec->linux_.intel_rdt.present) {
        ctx->rdt_path =
            intel_rdt_apply(&ctx->spec->linux_.intel_rdt, ctx->options->id, ctx->pid, err);
        if (!ctx->rdt_path)
            return -1;
    }
    return 0;
}

/* The init sets the container up from inside; we serve its requests until it is ready. */
static int release_init(struct create_context *ctx, struct error *err)
{
    if (sync_send_value(ctx->sync_fds[0], SYNC_GO, ctx->pid, err) < 0)
        return -1;
    /* The saved config.json is written while the init works, not after. */
    if (container_write_file(ctx->container, CONFIG_FILE, ctx->config_text, ctx->config_len, err) <
        0)
        return -1;
    return wait_until_ready(ctx, err);
}

static int record_state(struct create_context *ctx, struct error *err)
{
    struct state_record *record = ctx->container->record;

    record->pid = ctx->pid;
    if (proc_stat_read(ctx->pid, &record->init_start_time, NULL) < 0)
        return error_set(err, ESRCH, "container init exited");
    free(record->intel_rdt_path);
    record->intel_rdt_path = xstrdup(ctx->rdt_path ? ctx->rdt_path : "");
    if (container_save(ctx->container, err) < 0)
        return -1;
    if (ctx->options->pid_file && pid_file_write(ctx->options->pid_file, ctx->pid, err) < 0)
        return -1;
    return 0;
}

/* create, step by step; with --debug each is logged with its duration. */
static int run_steps(struct create_context *ctx, struct error *err)
{
    static const struct {
        const char *name;
        int (*run)(struct create_context *ctx, struct error *err);
    } steps[] = {
        {"read and check config.json", prepare_bundle},
        {"state dir, exec fifo, sync socket", prepare_state},
        {"console socket", prepare_console},
        {"cgroup, before the clone", prepare_clone_cgroup},
        {"clone the init", spawn_init},
        {"id maps, cgroups", place_init},
        {"the init's setup", release_init},
        {"receive the pty master", receive_console},
        {"write state.json", record_state},
    };

    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        char point[96];
        unsigned long long started = log_clock();
        int result;

        snprintf(point, sizeof point, "create: %s", steps[i].name);
        result = fault_point(point, err) < 0 ? -1 : steps[i].run(ctx, err);
        log_step(started, "create", steps[i].name, result);
        if (result < 0)
            return -1;
    }
    return 0;
}

int container_create_with_mask(const struct create_options *options, const sigset_t *original_mask,
                               pid_t *init_pid, int *console_master, struct container **created,
                               struct error *err)
{
    struct create_context ctx = {.options = options,
                                 .fifo_fd = -1,
                                 .proc_fd = -1,
                                 .sync_fds = {-1, -1},
                                 .console_fd = -1,
                                 .clone_cgroup_fd = -1,
                                 .console_recv_fd = -1,
                                 .original_mask = original_mask,
                                 .console_master = -1};
    int result = run_steps(&ctx, err);

    if (result < 0) {
        context_rollback(&ctx);
    } else {
        *init_pid = ctx.pid;
        if (console_master)
            *console_master = take_fd(&ctx.console_master);
        if (created)
            *created = take_ptr(&ctx.container);
    }
    context_release(&ctx);
    return result;
}

int container_create(const struct create_options *options, pid_t *init_pid, struct error *err)
{
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    return container_create_with_mask(options, &mask, init_pid, NULL, NULL, err);
}
