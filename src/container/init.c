#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fault.h"
#include "../hooks/hooks.h"
#include "../linux/cgroup.h"
#include "../linux/lsm.h"
#include "../linux/console.h"
#include "../linux/namespaces.h"
#include "../linux/process.h"
#include "../linux/rootfs.h"
#include "../log.h"
#include "../util.h"
#include "process-setup.h"
#include "sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int setup_uts(const struct spec *spec, struct error *err)
{
    if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
        return error_set(err, errno, "config.json: hostname: sethostname");
    if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
        return error_set(err, errno, "config.json: domainname: setdomainname");
    return 0;
}

/* A fresh session keyring per container, so containers don't share the host's keys. */
static int setup_keyring(const struct init_config *config, struct error *err)
{
    return config->no_new_keyring ? 0 : process_join_session_keyring(config->id, err);
}

/* linux.timeOffsets, written while the new time namespace has no member yet (we enter it at
 * execve) and /proc is still the host's. */
static int write_time_offsets(const struct spec *spec, struct error *err)
{
    const struct spec_time_offset *mono = &spec->linux_.time_monotonic;
    const struct spec_time_offset *boot = &spec->linux_.time_boottime;
    char text[128];
    int len = 0;

    if (mono->present)
        len += snprintf(text + len, sizeof text - (size_t)len, "monotonic %lld %u\n",
                        (long long)mono->secs, mono->nanosecs);
    if (boot->present)
        len += snprintf(text + len, sizeof text - (size_t)len, "boottime %lld %u\n",
                        (long long)boot->secs, boot->nanosecs);
    if (len == 0)
        return 0;
    if (write_file_string("/proc/self/timens_offsets", text, err) < 0)
        return error_prefix(err, "config.json: linux.timeOffsets");
    return 0;
}

/* As runc: a new network namespace comes with its loopback up (the kernel makes it down), so
 * 127.0.0.1 works in a container with no other network. */
static int bring_up_loopback(struct error *err)
{
    struct ifreq ifr = {.ifr_name = "lo"};
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        return error_set(err, errno, "loopback: get flags");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
        return error_set(err, errno, "loopback: bring it up");
    return 0;
}

static int setup_namespaces(const struct init_config *config, struct error *err)
{
    const struct spec_namespace *user = spec_find_namespace(config->spec, SPEC_NS_USER);

    /* In a new user namespace we are the unmapped overflow id until we take root of the
     * namespace (the parent has written the maps): files we create need a mapped owner. */
    if (user && !user->path && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return error_set(err, errno, "become root in the user namespace");
    if (namespaces_join(config->ns_fds, config->ns_types, config->ns_count, CLONE_NEWPID, err) < 0)
        return -1;
    const struct spec_namespace *net = spec_find_namespace(config->spec, SPEC_NS_NETWORK);
    if (net && !net->path && bring_up_loopback(err) < 0)
        return -1;
    for (int i = 0; i < config->ns_count; i++)
        close(config->ns_fds[i]);
    /* After the parent placed us in our cgroup, so the namespace's root is that cgroup. */
    if ((config->new_ns_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return error_set(err, errno, "create cgroup namespace");
    /* A new time namespace takes effect for the process at execve. */
    if ((config->new_ns_flags & CLONE_NEWTIME) && unshare(CLONE_NEWTIME) < 0)
        return error_set(err, errno, "create time namespace");
    if (config->new_ns_flags & CLONE_NEWTIME)
        return write_time_offsets(config->spec, err);
    return 0;
}

/* prestart and createRuntime run in the runtime's namespaces: the parent runs them while we
 * wait; createContainer runs here, in the container's namespaces, before pivot_root. */
static int run_creation_hooks(void *data, struct error *err)
{
    const struct init_config *config = data;
    const struct spec_hooks *hooks = &config->spec->hooks;
    cleanup_free char *state = NULL;

    if (hooks_present(hooks, HOOK_PRESTART) || hooks_present(hooks, HOOK_CREATE_RUNTIME)) {
        if (sync_send(config->sync_fd, SYNC_HOOKS, err) < 0 ||
            sync_expect(config->sync_fd, SYNC_HOOKS_DONE, err) < 0)
            return -1;
    }
    if (!hooks_present(hooks, HOOK_CREATE_CONTAINER))
        return 0;
    state =
        hooks_state_json(config->spec, config->id, config->host_pid, config->bundle, "creating");
    return hooks_run(hooks, HOOK_CREATE_CONTAINER, state, err);
}

static int setup_filesystem(struct init_config *config, struct error *err)
{
    const struct spec *spec = config->spec;
    struct rootfs_options options = {.spec = spec,
                                     .rootfs = config->rootfs,
                                     .no_pivot = config->no_pivot,
                                     .mount_tree_fds = config->mount_tree_fds,
                                     .before_pivot = run_creation_hooks,
                                     .before_pivot_data = config};

    /* Relative mount sources are relative to the bundle. */
    if (chdir(config->bundle) < 0)
        return error_set(err, errno, "chdir %s", config->bundle);
    return rootfs_setup(&options, err);
}

static int setup_inside(struct init_config *config, char **executable, struct error *err)
{
    const struct spec *spec = config->spec;
    const struct spec_process *process = &spec->process;
    __attribute__((cleanup(lsm_close))) struct lsm_handles labels = LSM_HANDLES_NONE;

    /* Like runc: the container gets a session of its own, detached from our terminal. */
    if (setsid() < 0)
        return error_set(err, errno, "setsid");
    unsigned long long started = log_clock();
    if (fault_point("init: namespaces", err) < 0 || setup_namespaces(config, err) < 0 ||
        setup_uts(spec, err) < 0 || setup_keyring(config, err) < 0)
        return -1;
    log_step(started, "init", "namespaces, hostname, keyring", 0);
    /* The attr files are opened while /proc is still the host's (CVE-2019-16884). */
    if (lsm_open(process, &labels, err) < 0)
        return -1;
    if (fault_point("init: rootfs and mounts", err) < 0 ||
        (spec_find_namespace(spec, SPEC_NS_MOUNT) && setup_filesystem(config, err) < 0))
        return -1;
    if (config->console_fd >= 0 && process_setup_terminal(process, &config->console_fd, true,
                                                          config->console_proxied, err) < 0)
        return -1;
    if (fault_point("init: process", err) < 0 || process_apply_rlimits(process, err) < 0)
        return -1;
    /* rootfs_setup() made a missing cwd, inside the root as runc does. */
    process_env_add_home((char ***)&config->envp, process->user.uid);
    struct process_setup setup = {.process = process,
                                  .seccomp = &spec->linux_.seccomp,
                                  .personality = &spec->linux_.personality,
                                  .envp = config->envp,
                                  .preserve_fds = config->preserve_fds,
                                  .sync_fd = config->sync_fd,
                                  .labels = &labels};
    started = log_clock();
    int result = process_setup_finish(&setup, executable, err);
    log_step(started, "init", "process: user, capabilities, seccomp", result);
    return result;
}

/* startContainer: in the container, after `start`, before the user's process. */
static int run_start_hooks(const struct init_config *config, struct error *err)
{
    cleanup_free char *state = NULL;
    if (!hooks_present(&config->spec->hooks, HOOK_START_CONTAINER))
        return 0;
    state = hooks_state_json(config->spec, config->id, config->host_pid, config->bundle, "created");
    return hooks_run(&config->spec->hooks, HOOK_START_CONTAINER, state, err);
}

/* Blocks until `start` opens exec.fifo for reading. */
static int wait_for_start(int fifo_fd, int proc_fd, struct error *err)
{
    char path[64];
    cleanup_close int fd = -1;

    /* Through the host's /proc, opened by the parent: the container's /proc may be missing
     * or faked by the image, and must never be trusted with our fds (CVE-2019-16884). */
    snprintf(path, sizeof path, "self/fd/%d", fifo_fd);
    fd = openat(proc_fd, path, O_WRONLY | O_CLOEXEC);
    close(proc_fd);
    if (fd < 0)
        return error_set(err, errno, "open exec fifo");
    if (write(fd, "0", 1) != 1)
        return error_set(err, errno, "write exec fifo");
    close(fifo_fd);
    return 0;
}

/* After SYNC_GO: the network namespace made before it (unshare_errno: how that went), and
 * the v1 cgroup hierarchies, joined first, before our setup is charged to the runtime's. */
static int finish_early_steps(const struct init_config *config, int unshare_errno,
                              struct error *err)
{
    int joined;

    if (unshare_errno)
        return error_set(err, unshare_errno, "unshare network namespace");
    joined = config->cgroup_join ? cgroup_join_self(config->cgroup_join) : 0;
    return joined < 0 ? error_set(err, -joined, "join cgroup") : 0;
}

void init_main(struct init_config *config)
{
    struct error err = {0};
    cleanup_free char *executable = NULL;

    /* Die with the parent while it still owns us; nobody may ptrace or read our memory. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* A runtime that is not root can only write our uid_map/gid_map while our /proc files are
     * its own, i.e. while we are dumpable (as runc's rootless init): until SYNC_GO, when the
     * maps are written and nothing of the container runs yet. */
    prctl(PR_SET_DUMPABLE, config->dumpable_until_go);
    /* Made here while the runtime makes our cgroup (create.c's spawn_init). */
    int early = config->early_ns_flags && unshare(config->early_ns_flags) < 0 ? errno : 0;
    int32_t host_pid;
    if (sync_expect_value(config->sync_fd, SYNC_GO, &host_pid, &err) < 0)
        _exit(1);
    if (finish_early_steps(config, early, &err) < 0) {
        sync_send_error(config->sync_fd, &err);
        _exit(1);
    }
    prctl(PR_SET_DUMPABLE, 0);
    config->host_pid = host_pid;
    if (setup_inside(config, &executable, &err) < 0) {
        sync_send_error(config->sync_fd, &err);
        _exit(1);
    }
    /* From here on the init outlives `create`. */
    prctl(PR_SET_PDEATHSIG, 0);
    if (sync_send(config->sync_fd, SYNC_READY, &err) < 0)
        _exit(1);
    close(config->sync_fd);
    if (wait_for_start(config->fifo_fd, config->proc_fd, &err) < 0 ||
        run_start_hooks(config, &err) < 0) {
        fprintf(stderr, "runc-go: %s\n", err.msg);
        _exit(1);
    }
    sigprocmask(SIG_SETMASK, &config->original_mask, NULL);
    execve(executable, config->argv, config->envp);
    error_set(&err, errno, "exec: \"%s\"", config->spec->process.args[0]);
    fprintf(stderr, "runc-go: %s\n", err.msg);
    _exit(errno == ENOENT ? 127 : 126);
}
