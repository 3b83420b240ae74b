/* Starting a child with new namespaces, born in its cgroup where the kernel allows. */
#ifndef RUNC_GO_CLONE_H
#define RUNC_GO_CLONE_H

#include <stdbool.h>
#include <sys/types.h>

/* Fork-like (the child returns 0 on a copy of our stack) with clone flags (CLONE_NEW*).
 * With cgroup_fd >= 0 the child is created in that cgroup v2 directory (clone3
 * CLONE_INTO_CGROUP, Linux 5.7) and *placed is set; a kernel without it gets a plain clone
 * and *placed false, so the caller moves the child itself. -1 with errno on failure. */
pid_t clone_child(unsigned long flags, int cgroup_fd, bool *placed);

#endif
