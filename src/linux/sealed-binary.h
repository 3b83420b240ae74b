/* CVE-2019-5736: a container whose process execs /proc/self/exe while it is still the
 * runtime (the init before execve, an exec'd process being set up) gets a handle on the
 * runtime's binary and can overwrite it on the host. The defence runc and crun use: run
 * from a sealed, read-only memfd copy, so /proc/self/exe is that copy, never the file. */
#ifndef RUNC_GO_SEALED_BINARY_H
#define RUNC_GO_SEALED_BINARY_H

/* Re-executes the current program from a sealed memfd copy unless it already runs from one.
 * Returns only on failure (-1, errno set) or when already sealed (0). */
int sealed_binary_ensure(char **argv);

#endif
