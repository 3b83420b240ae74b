/* The container lifecycle as the CLI drives it: one function per runc command. */
#ifndef RUNC_GO_CONTAINER_H
#define RUNC_GO_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
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
    bool foreground; /* `run` without --detach: signals stay blocked for forwarding */
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
