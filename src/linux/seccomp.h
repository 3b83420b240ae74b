/* linux.seccomp with libseccomp. */
#ifndef RUNC_GO_SECCOMP_H
#define RUNC_GO_SECCOMP_H

#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

/* Builds and loads the filter of linux.seccomp into the calling process (the container's
 * init or an exec'd process). Does nothing when the config has no seccomp section.
 * *notify_fd receives the listener fd when a rule uses SCMP_ACT_NOTIFY, else -1: the
 * caller passes it to the runtime, which calls seccomp_send_to_agent().
 * The caller loads it as late as possible: after no_new_privs when the config sets it,
 * else while still privileged (a filter without no_new_privs needs CAP_SYS_ADMIN). */
int seccomp_load_config(const struct spec_seccomp *seccomp, int *notify_fd, struct error *err);

/* The container process state of runtime.md sent with the fd: pid is the process's (host)
 * pid, state_json the container's state document. Malloc'd. */
char *seccomp_agent_payload(const struct spec_seccomp *seccomp, pid_t pid, const char *state_json);

/* Connects to linux.seccomp.listenerPath, sends the payload with notify_fd attached
 * (SCM_RIGHTS), and closes the connection. */
int seccomp_send_to_agent(const struct spec_seccomp *seccomp, int notify_fd, pid_t pid,
                          const char *state_json, struct error *err);

#endif
