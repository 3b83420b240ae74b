/* `restore`: the container made again from a checkpoint. The state dir, the cgroup and
 * state.json are made as create makes them (container_new, the cgroup manager,
 * container_record_early); then CRIU, started inside that cgroup, restores the process tree
 * as our child (rst_sibling), and its notifications finish the job: hooks at
 * setup-namespaces, state.json at post-restore, the new pty master at orphan-pts-master. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../hooks/hooks.h"
#include "../linux/cgroup.h"
#include "../linux/console.h"
#include "../linux/criu-mounts.h"
#include "../linux/criu.h"
#include "../linux/proc.h"
#include "../log.h"
#include "../util.h"
#include "checkpoint-internal.h"
#include "console-proxy.h"
#include "create-internal.h"
#include "process-wait.h"
#include "restore-internal.h"

/* Whatever a failed restore made is taken down: processes, cgroup (unit), state dir. */
static void rollback(struct restore *r)
{
    struct error ignored;

    if (r->pid > 0)
        kill(r->pid, SIGKILL);
    if (r->cgroup_made)
        cgroup_signal_all(&r->cgroup_paths, SIGKILL, &ignored);
    if (r->pid > 0)
        while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    if (r->unit_started)
        cgroup_systemd_stop(r->systemd_unit, &ignored);
    if (r->cgroup_paths.count)
        cgroup_destroy(&r->cgroup_paths, &ignored);
    if (r->container)
        container_remove_state(r->container, &ignored);
}

/* CRIU is done with the rootfs view it was given (the container has its own mounts). */
static void unbind_root(struct restore *r)
{
    if (r->criu_root)
        criu_unbind_root(r->criu_root);
    free(r->criu_root);
    r->criu_root = NULL;
}

static void release(struct restore *r)
{
    unbind_root(r);
    if (r->console_fd >= 0)
        close(r->console_fd);
    if (r->console_master >= 0)
        close(r->console_master);
    container_free(r->container);
    spec_strmap_free(&r->cgroup_paths);
    free(r->systemd_unit);
    restore_release_setup(r);
}

/* As create does: the state dir, the cgroup's paths (cgroupfs or systemd), the first
 * state.json. */
static int make_state(struct restore *r, struct error *err)
{
    const char *cgroups_path = r->spec->linux_.cgroups_path;

    r->container = container_new(r->o->root, r->o->id, err);
    if (!r->container)
        return -1;
    if (cgroup_resolve(r->o->systemd_cgroup, cgroups_path, r->o->id, &r->spec->annotations,
                       &r->systemd_unit, &r->cgroup_paths, err) < 0)
        return -1;
    return container_record_early(r->container, r->spec, r->bundle, r->rootfs, &r->cgroup_paths,
                                  r->systemd_unit, err);
}

/* process.terminal: CRIU hands a new master for the container's pty (its old master was
 * outside the container); it goes to --console-socket, or to us in the foreground. */
static int prepare_console(struct restore *r, struct error *err)
{
    if (!r->spec->process.terminal)
        return 0;
    if (!r->o->detach) {
        r->console_proxied = true;
        return 0;
    }
    r->console_fd = console_connect(r->o->console_socket, err);
    return r->console_fd < 0 ? -1 : 0;
}

static int prepare_root(struct restore *r, struct error *err)
{
    if (criu_prepare_mount_points(r->spec, r->rootfs, r->bundle, err) < 0)
        return -1;
    r->criu_root = xasprintf("%s/criu-root", r->container->dir);
    if (criu_bind_root(r->rootfs, r->criu_root, err) < 0) {
        free(r->criu_root);
        r->criu_root = NULL;
        return -1;
    }
    return 0;
}

/* Before CRIU restores anything: CRIU itself goes into the container's cgroup, made as
 * create makes it, and the tasks are restored where it is. */
static int place_criu(void *data, pid_t criu_pid, struct error *err)
{
    struct restore *r = data;

    if (r->systemd_unit) {
        const struct cgroup_systemd_start start = {
            .cgroups_path = r->spec->linux_.cgroups_path,
            .id = r->o->id,
            .resources = &r->spec->linux_.resources,
            .annotations = &r->spec->annotations,
            .pid = criu_pid,
        };
        r->unit_started = true;
        if (cgroup_systemd_start(&start, err) < 0)
            return -1;
    }
    r->cgroup_made = true;
    if (cgroup_create_and_enter(&r->cgroup_paths, &r->spec->linux_.resources, criu_pid, err) < 0)
        return -1;
    return restore_cgroup_roots(r, criu_pid, err);
}

/* The processes are back, not yet running: the container is recorded now. */
static int record_restored(struct restore *r, pid_t pid, struct error *err)
{
    struct state_record *record = r->container->record;

    r->pid = pid;
    record->pid = pid;
    if (proc_stat_read(pid, &record->init_start_time, NULL) < 0)
        return error_set(err, ESRCH, "restored init %d is gone", (int)pid);
    free(record->created);
    record->created = rfc3339_nano_now();
    if (container_write_file(r->container, CONFIG_FILE, r->config_text, r->config_len, err) < 0 ||
        container_save(r->container, err) < 0)
        return -1;
    if (r->o->pid_file && *r->o->pid_file && pid_file_write(r->o->pid_file, pid, err) < 0)
        return -1;
    return 0;
}

static int restore_notify(void *data, struct criu_notify *notify, struct error *err)
{
    struct restore *r = data;

    if (strcmp(notify->script, "setup-namespaces") == 0) {
        cleanup_free char *state =
            hooks_state_json(r->spec, r->o->id, notify->pid, r->bundle, "creating");
        if (hooks_run(&r->spec->hooks, HOOK_PRESTART, state, err) < 0 ||
            hooks_run(&r->spec->hooks, HOOK_CREATE_RUNTIME, state, err) < 0)
            return -1;
    } else if (strcmp(notify->script, "post-restore") == 0) {
        return record_restored(r, notify->pid, err);
    } else if (strcmp(notify->script, "orphan-pts-master") == 0) {
        if (notify->fd < 0)
            return error_set(err, EPROTO, "criu: orphan-pts-master without a file descriptor");
        if (r->console_proxied) {
            r->console_master = take_fd(&notify->fd);
            return 0;
        }
        if (r->console_fd >= 0)
            return console_send_fd(r->console_fd, notify->fd, CONSOLE_MASTER_NAME, err);
    }
    return 0;
}

static int run_criu(struct restore *r, struct error *err)
{
    struct criu_call call = {.binary = r->o->criu,
                             .stdio = {0, 1, 2},
                             .extra_fds = r->ns_fds,
                             .extra_fd_count = r->ns_count,
                             .started = place_criu,
                             .notify = restore_notify,
                             .data = r};
    struct criu_request req = {.type = CRIU_REQ_RESTORE, .opts = &r->opts};
    struct criu_response resp;

    if (criu_call(&call, &req, &resp, err) < 0) {
        criu_remove_cgroup_yard(r->image_path);
        criu_remove_cgroup_yard(r->o->work_path);
        return checkpoint_criu_failed(err, r->log_dir, CRIU_RESTORE_LOG);
    }
    if (r->pid <= 0 && resp.restore_pid > 0 && record_restored(r, resp.restore_pid, err) < 0) {
        criu_response_free(&resp);
        return -1;
    }
    criu_response_free(&resp);
    if (r->pid <= 0)
        return error_set(err, EPROTO, "criu: restored without telling the init's pid");
    return 0;
}

static int open_work_dir(struct restore *r, struct error *err)
{
    r->log_dir = r->image_path;
    if (!r->o->work_path || !*r->o->work_path)
        return 0;
    r->work_fd = checkpoint_open_dir(r->o->work_path, true, "--work-path", err);
    if (r->work_fd < 0)
        return -1;
    r->log_dir = r->o->work_path;
    return 0;
}

static int restore_steps(struct restore *r, struct error *err)
{
    enum criu_cg_mode mode;

    if (checkpoint_parse_cg_mode(r->o->manage_cgroups_mode, &mode, err) < 0 ||
        checkpoint_empty_ns_mask(r->o->empty_ns, r->o->empty_ns_count, &r->opts.empty_ns, err) <
            0 ||
        restore_load_bundle(r, err) < 0 || restore_open_images(r, err) < 0)
        return -1;
    r->opts.manage_cgroups_mode = mode;
    if (checkpoint_require_criu(r->o->criu, "restore", &r->criu_version, err) < 0 ||
        open_work_dir(r, err) < 0 || make_state(r, err) < 0 || prepare_console(r, err) < 0 ||
        prepare_root(r, err) < 0 || restore_fill_opts(r, err) < 0)
        return -1;
    return run_criu(r, err);
}

/* Foreground: like `run`, wait for the init forwarding signals (a console proxy with a
 * terminal), then delete the container. */
static int wait_foreground(struct restore *r, int *exit_status, struct error *err)
{
    cleanup_console_proxy struct console_proxy proxy = {.master = -1, .host_fd = -1};
    int status;

    if (r->console_master >= 0) {
        if (console_proxy_start(&proxy, take_fd(&r->console_master), err) < 0)
            return -1;
        status = console_proxy_wait(&proxy, r->pid, !r->o->no_subreaper, err);
        if (status < 0)
            return -1;
    } else {
        status = forward_signals_until_exit(r->pid);
    }
    console_proxy_stop(&proxy);
    *exit_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    return container_destroy(r->container, err);
}

int container_restore(const struct restore_options *options, int *exit_status, struct error *err)
{
    struct restore r = {
        .o = options, .image_fd = -1, .work_fd = -1, .console_fd = -1, .console_master = -1};
    sigset_t all, original;
    int result;

    *exit_status = 0;
    criu_opts_init(&r.opts);
    r.image_path = options->image_path && *options->image_path ? options->image_path : "checkpoint";
    /* Foreground: no signal may be lost between the restore and the wait. */
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, NULL, &original);
    if (!options->detach) {
        sigprocmask(SIG_BLOCK, &all, NULL);
        if (!options->no_subreaper)
            prctl(PR_SET_CHILD_SUBREAPER, 1);
    }
    result = restore_steps(&r, err);
    unbind_root(&r);
    if (result < 0)
        rollback(&r);
    else if (!options->detach)
        result = wait_foreground(&r, exit_status, err);
    sigprocmask(SIG_SETMASK, &original, NULL);
    release(&r);
    return result;
}
