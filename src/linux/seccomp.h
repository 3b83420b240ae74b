/* linux.seccomp with libseccomp. */
#ifndef RUNC_GO_SECCOMP_H
#define RUNC_GO_SECCOMP_H

#include "../error.h"
#include "../spec/spec.h"

/* Builds and loads the filter of linux.seccomp into the calling process (the container's
 * init or an exec'd process). Does nothing when the config has no seccomp section.
 * *notify_fd receives the listener fd when a rule uses SCMP_ACT_NOTIFY, else -1.
 * The caller loads it as late as possible: after no_new_privs when the config sets it,
 * else while still privileged (a filter without no_new_privs needs CAP_SYS_ADMIN). */
int seccomp_load_config(const struct spec_seccomp *seccomp, int *notify_fd, struct error *err);

#endif
