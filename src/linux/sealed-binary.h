/* CVE-2019-5736: a container whose process execs /proc/self/exe while it is still the
 * runtime (the init before execve, an exec'd process being set up) gets a handle on the
 * runtime's binary and can overwrite it on the host. The defence: /proc/self/exe must never
 * be writable. We re-execute the binary through a read-only bind mount of its own (no copy,
 * which keeps the start fast), or, without the privilege for a mount, from a sealed memfd
 * copy as runc and crun do. */
#ifndef RUNC_GO_SEALED_BINARY_H
#define RUNC_GO_SEALED_BINARY_H

/* Re-executes the current program from a read-only view (or sealed copy) of itself unless it
 * already runs from one. Returns only on failure (-1, errno set) or when protected (0). */
int sealed_binary_ensure(char **argv);

#endif
