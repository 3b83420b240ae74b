/* CVE-2019-5736: a container whose process execs /proc/self/exe while it is still the
 * runtime (the init before execve, an exec'd process being set up) gets a handle on the
 * runtime's binary and can overwrite it on the host. The defence: /proc/self/exe must never
 * be writable. It is made to name the binary through a read-only bind mount of its own,
 * without an execve: the process's mappings of the binary are swapped for the same file
 * seen through that mount and the mount becomes its exe (exe-remap.c); nothing is copied
 * and nothing starts twice. Where that is not allowed, the binary re-executes itself through
 * the mount, or, without the privilege for a mount, from a sealed memfd copy as runc and crun
 * do. */
#ifndef RUNC_GO_SEALED_BINARY_H
#define RUNC_GO_SEALED_BINARY_H

/* Makes /proc/self/exe unwritable unless it already is (a sealed memfd, a read-only mount).
 * Returns 0 when protected, in place or after re-executing; -1 with errno on failure. */
int sealed_binary_ensure(char **argv);

#endif
