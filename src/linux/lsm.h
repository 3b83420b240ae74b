/* process.apparmorProfile, process.selinuxLabel and linux.mountLabel: Linux security modules.
 *
 * What runc 1.1.5 does, and so do we:
 * - apparmorProfile: written as "exec <profile>" to the process's attr/exec (AppArmor's
 *   change_onexec), effective at execve. With AppArmor disabled runc 1.1.5 still writes and
 *   fails ("apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument"):
 *   a profile is never ignored. We fail the same way, before anything exists.
 * - selinuxLabel: written to attr/exec (setexeccon). On a host without SELinux runc refuses the
 *   config ("selinux label is specified in config, but selinux is disabled or not supported").
 * - mountLabel: runc adds context="<label>" to the mounts' data, which a kernel without
 *   SELinux refuses (EINVAL): create fails. We refuse up front; with SELinux enabled we don't
 *   label mounts yet, and refuse rather than run the container unlabelled.
 *
 * The attr files are opened while /proc is still the host's (before pivot_root, or before
 * joining the container's mount namespace): after that, /proc is the container's to fake
 * (CVE-2019-16884). Each fd is checked to be on procfs. */
#ifndef RUNC_GO_LSM_H
#define RUNC_GO_LSM_H

#include <stdbool.h>

#include "../error.h"
#include "../spec/spec.h"

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);

/* In the runtime, before anything exists: fails when the process asks for a label this host
 * can't apply (see above). */
int lsm_check(const struct spec_process *process, struct error *err);

/* linux.mountLabel: fails unless it is empty (see above). */
int lsm_check_mount_label(const char *mount_label, struct error *err);

/* fds of the attr files the process's labels need, -1 when unused. */
struct lsm_handles {
    int apparmor_fd;
    int selinux_fd;
};

#define LSM_HANDLES_NONE                                                                           \
    {                                                                                              \
        .apparmor_fd = -1, .selinux_fd = -1                                                        \
    }

/* Opens the attr files of the calling task: call it while /proc is the host's. */
int lsm_open(const struct spec_process *process, struct lsm_handles *handles, struct error *err);

/* Writes the labels (effective at the next execve) and closes the fds. Call it in the same
 * task as lsm_open, before the capabilities are dropped (as runc does). */
int lsm_apply(const struct spec_process *process, struct lsm_handles *handles, struct error *err);

void lsm_close(struct lsm_handles *handles);

#endif
