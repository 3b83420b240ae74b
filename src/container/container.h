/* The container lifecycle as the CLI drives it: one function per runc command. */
#ifndef RUNC_GO_CONTAINER_H
#define RUNC_GO_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../error.h"

struct create_options {
    const char *root;
    const char *id;
    const char *bundle; /* NULL: the current directory */
    const char *pid_file;
    const char *console_socket;
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    bool systemd_cgroup;
    bool foreground;   /* `run` without --detach: signals stay blocked for forwarding */
    bool no_subreaper; /* `run --no-subreaper`: orphans of the container go to our parent */
    bool rootless;     /* --rootless: cgroups only where we may write them */
};

int container_create(const struct create_options *options, pid_t *init_pid, struct error *err);
int container_start(const char *root, const char *id, struct error *err);
/* create + start; in the foreground waits and returns the container's exit status
 * (128+signal when it was killed) in *exit_status. */
int container_run(const struct create_options *options, bool detach, bool keep, int *exit_status,
                  struct error *err);

/* `exec`: runc's flags. Lists are borrowed (from argv). */
struct exec_options {
    const char *root;
    const char *id;
    const char *const *args; /* the command after the container id */
    size_t args_count;
    const char *process_file; /* --process: a process.json; "-" reads stdin */
    const char *console_socket;
    const char *cwd;
    const char *const *env; /* --env NAME=VALUE, overriding the config's by name */
    size_t env_count;
    bool tty;
    const char *user; /* --user uid[:gid] */
    const char *const *additional_gids;
    size_t additional_gids_count;
    const char *const *caps; /* --cap: added to bounding, effective, permitted, ambient */
    size_t caps_count;
    bool detach;
    const char *pid_file;
    const char *process_label;
    const char *apparmor;
    bool no_new_privs;
    bool no_new_privs_set; /* given on the command line, maybe as =false */
    int preserve_fds;
    const char *const *cgroups; /* --cgroup [controller[,controller...]:]path */
    size_t cgroups_count;
    bool ignore_paused;
};

/* Runs a new process in a created or running container. In the foreground waits for it and
 * returns its exit status (128+signal when killed) in *exit_status; with detach returns 0
 * as soon as it was exec'd, after writing the pid file. */
int container_exec(const struct exec_options *options, int *exit_status, struct error *err);
int container_kill(const char *root, const char *id, int sig, bool all, struct error *err);
int container_delete(const char *root, const char *id, bool force, struct error *err);
/* runc's `state` JSON (pretty, no trailing newline). */
char *container_state_json(const char *root, const char *id, struct error *err);

/* `pause` / `resume`: freeze or thaw every process of a created or running container
 * (runc's "container not running" / "container not paused" otherwise). */
int container_pause(const char *root, const char *id, struct error *err);
int container_resume(const char *root, const char *id, struct error *err);

/* `ps`: with json, the container's host pids as runc prints them ("[1,2]\n", "null\n" when
 * none); else the output of `ps ps_args` (default -ef) reduced to its header and the lines
 * of the container's processes. */
char *container_ps(const char *root, const char *id, bool json, const char *const *ps_args,
                   size_t ps_args_count, struct error *err);

/* `update`: runc's flags as given on the command line (NULL: not given). */
struct update_options {
    const char *root;
    const char *id;
    const char *resources; /* a LinuxResources JSON file, "-" for stdin: the flags are ignored */
    const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_burst, *cpu_share, *cpu_rt_period,
        *cpu_rt_runtime, *cpu_idle, *cpuset_cpus, *cpuset_mems, *memory, *memory_reservation,
        *memory_swap, *pids_limit, *kernel_memory, *kernel_memory_tcp, *l3_cache_schema,
        *mem_bw_schema;
};

/* Applies the changes to the running container's cgroup and keeps the merged resources in
 * the state directory for the next update. */
int container_update(const struct update_options *options, struct error *err);

/* `events`: with stats_only one stats event; otherwise a stats event every interval_ms and an
 * "oom" event on each OOM kill, until the container stops. One JSON object per line. */
int container_events(const char *root, const char *id, long long interval_ms, bool stats_only,
                     FILE *out, struct error *err);

/* `checkpoint`: runc's flags (CRIU through `criu swrk`, src/linux/criu.h). */
struct checkpoint_options {
    const char *root;
    const char *id;
    const char *criu;        /* --criu: the binary, NULL: "criu" in PATH */
    const char *image_path;  /* NULL: "checkpoint" in the current directory, as runc */
    const char *work_path;   /* CRIU's logs (dump.log); NULL: the image directory */
    const char *parent_path; /* relative to image_path: a pre-dump's images */
    bool leave_running, tcp_established, ext_unix_sk, shell_job, lazy_pages, file_locks, pre_dump,
        auto_dedup;
    int status_fd;                   /* -1: none; with lazy_pages, gets "\0" once ready */
    const char *page_server;         /* ADDRESS:PORT */
    const char *manage_cgroups_mode; /* soft|full|strict|ignore, NULL: CRIU's default */
    const char *const *empty_ns;     /* namespace names ("network") */
    size_t empty_ns_count;
};

/* Dumps the running (or paused) container's processes with CRIU into image_path, with what
 * restore needs beside them (descriptors.json, runc-go-checkpoint.json, the config). Unless
 * leave_running or pre_dump, the container is then gone, as after runc's checkpoint. */
int container_checkpoint(const struct checkpoint_options *options, struct error *err);

/* `restore`: runc's flags. */
struct restore_options {
    const char *root;
    const char *id;
    const char *criu;
    const char *bundle; /* NULL: the current directory */
    const char *image_path;
    const char *work_path;
    const char *pid_file;
    const char *console_socket;
    bool detach, no_subreaper, no_pivot, tcp_established, ext_unix_sk, shell_job, file_locks,
        auto_dedup, lazy_pages;
    const char *manage_cgroups_mode;
    const char *const *empty_ns;
    size_t empty_ns_count;
    const char *lsm_profile, *lsm_mount_context;
    bool systemd_cgroup;
    bool rootless;
};

/* Brings a checkpointed container back under id, in the cgroup of the bundle's config.json
 * (made as create makes it), with the state dir and state.json create would have written.
 * Detached it returns once the processes run; otherwise it waits, forwarding signals, deletes
 * the container and returns its exit status (128+signal when killed) in *exit_status. */
int container_restore(const struct restore_options *options, int *exit_status, struct error *err);

struct container_summary {
    char *id;
    int pid;
    const char *status;
    char *bundle;
    char *rootfs;
    char *created;
    char *owner;
    char *oci_version;
};

int container_list(const char *root, struct container_summary **list, size_t *count,
                   struct error *err);
void container_list_free(struct container_summary *list, size_t count);

#endif
