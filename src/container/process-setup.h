/* The last steps that turn a child of the runtime into the container's process, from
 * process.rlimits to sealing the fds: shared by exec and the container's init.
 * Everything here runs in the child; errors go back to the parent over the sync socket,
 * the child never prints. */
#ifndef RUNC_GO_PROCESS_SETUP_H
#define RUNC_GO_PROCESS_SETUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "../linux/lsm.h"
#include "../spec/spec.h"

struct process_setup {
    const struct spec_process *process;
    const struct spec_seccomp *seccomp;         /* linux.seccomp of the container's config */
    const struct spec_personality *personality; /* linux.personality of the config */
    char *const *envp;                          /* the final environment (PATH lookup uses it) */
    int preserve_fds;
    int sync_fd;                /* the child's end of the sync socket (seccomp listener fd) */
    struct lsm_handles *labels; /* opened while /proc was the host's (lsm_open); NULL: none */
};

/* process.rlimits and process.oomScoreAdj. exec applies them before joining the container's
 * user namespace: raising a hard limit or lowering the score needs CAP_SYS_RESOURCE in the
 * host's, and /proc is still the host's. */
int process_setup_limits(const struct spec_process *process, struct error *err);

/* process.terminal, in the container's mount namespace as a session leader: a pty of the
 * container's devpts becomes stdio and the controlling terminal, its master goes over
 * *socket_fd, which is closed. The init also makes it /dev/console; proxied: the runtime
 * relays the pty itself. */
int process_setup_terminal(const struct spec_process *process, int *socket_fd, bool dev_console,
                           bool proxied, struct error *err);

/* Joins a fresh session keyring "_ses.<id>" so the container doesn't share the caller's keys
 * (ENOSYS is not an error, as in runc). */
int process_join_session_keyring(const char *id, struct error *err);

/* The environment as runc builds it: entries applied in order, a later NAME=... replacing
 * the earlier one in place. Checks each entry ("invalid environment variable"). Returns a
 * NULL-terminated array of borrowed strings (free only the array). */
char **process_build_env(char *const *env, size_t count, struct error *err);

/* Adds HOME from the container's /etc/passwd (or "/") when envp has none, as runc does.
 * Call inside the container's mount namespace, before the uid switch. */
void process_env_add_home(char ***envp, uid_t uid);

/* linux.seccomp of the container's config into the calling process (NULL: none). A
 * SCMP_ACT_NOTIFY listener fd goes to the runtime over sync_fd (SYNC_SECCOMP_FD), which
 * passes it to the agent; returns once the runtime says it did. */
int process_load_seccomp(const struct spec_seccomp *seccomp, int sync_fd, struct error *err);

/* The runtime's side of SYNC_SECCOMP_FD: the child's listener fd to the agent at
 * listenerPath with the container state, then SYNC_SECCOMP_FD_DONE over sync_fd. */
int process_serve_seccomp_fd(int sync_fd, const struct spec_seccomp *seccomp, int notify_fd,
                             pid_t pid, const char *state_json, struct error *err);

/* Marks every fd above stdio + preserve_fds close-on-exec and clears it on the preserved. */
int process_seal_fds(int preserve_fds, struct error *err);

/* cwd, executable lookup, umask, scheduler, I/O priority, personality, seccomp, capabilities around
 * the uid/gid switch, no_new_privs, LSM labels, and every fd above stdio + preserve_fds marked
 * close-on-exec. *executable receives the path to execve. */
int process_setup_finish(const struct process_setup *setup, char **executable, struct error *err);

#endif
