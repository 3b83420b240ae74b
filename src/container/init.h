/* The container's init: the child that sets the container up from the inside and becomes
 * the user's process. */
#ifndef RUNC_GO_INIT_H
#define RUNC_GO_INIT_H

#include <signal.h>
#include <stdbool.h>

#include "../spec/spec.h"

struct init_config {
    const struct spec *spec;
    const char *id;
    const char *bundle; /* absolute */
    const char *rootfs; /* absolute, canonical */
    char *const *argv;  /* process.args, NULL-terminated */
    char *const *envp;  /* process.env, NULL-terminated */
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    int sync_fd;    /* init's end of the sync socketpair */
    int fifo_fd;    /* O_PATH fd of exec.fifo */
    int proc_fd;    /* the host's /proc (checked to be procfs), to reopen fifo_fd after pivot */
    int console_fd; /* process.terminal: the socket the pty master goes to, else -1 */
    bool console_proxied; /* ... and the runtime proxies it (foreground run) */
    const int *ns_fds;
    const enum spec_namespace_type *ns_types;
    int ns_count;
    pid_t host_pid;   /* our pid as the host sees it (from SYNC_GO), for the hooks' state */
    int new_ns_flags; /* namespaces the clone did not create (cgroup, time) */
    const int *mount_tree_fds; /* idmapped mounts made by the runtime, by mounts[] index */
    bool dumpable_until_go;    /* rootless: the runtime writes our id maps through our /proc */
    const struct spec_strmap *cgroup_join; /* v1 hierarchies we join ourselves after GO */
    int early_ns_flags;                    /* made before GO (network), by unshare */
    sigset_t original_mask;                /* restored before execve */
};

/* Never returns: execs the user's process or exits non-zero after reporting over sync_fd. */
__attribute__((noreturn)) void init_main(struct init_config *config);

#endif
