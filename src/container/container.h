/* The container lifecycle as the CLI drives it: one function per runc command. */
#ifndef RUNC_GO_CONTAINER_H
#define RUNC_GO_CONTAINER_H

#include <stdbool.h>
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
