/* clone3 with CLONE_INTO_CGROUP: the kernel puts the child in the cgroup as it creates it,
 * under the read side of the cgroup_threadgroup_rwsem. A later write to cgroup.procs takes
 * the write side instead, which waits for an RCU grace period: on pure v2 hosts that one
 * write was the most expensive step of create. */
#include "clone.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define INTO_CGROUP 0x200000000ULL /* CLONE_INTO_CGROUP */

/* The kernel's struct clone_args up to CLONE_ARGS_SIZE_VER2 (the cgroup field). */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

pid_t clone_child(unsigned long flags, int cgroup_fd, bool *placed)
{
    *placed = false;
    if (cgroup_fd >= 0) {
        struct clone3_args args = {
            .flags = flags | INTO_CGROUP,
            .exit_signal = SIGCHLD,
            .cgroup = (uint64_t)cgroup_fd,
        };
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0) {
            *placed = true;
            return (pid_t)pid;
        }
        /* Older kernels: no clone3 (ENOSYS), a smaller struct (E2BIG) or the flag unknown
         * (EINVAL). Anything else (EAGAIN, ENOMEM, EPERM) is the clone's own answer. */
        if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
            return -1;
    }
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}
