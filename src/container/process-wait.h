/* What the runtime does for a process it created and stays with: the pid file engines read,
 * and waiting in the foreground while forwarding signals (run, exec). */
#ifndef RUNC_GO_PROCESS_WAIT_H
#define RUNC_GO_PROCESS_WAIT_H

#include <sys/types.h>

#include "../error.h"

/* Writes pid (host view, no newline, as runc) to path atomically: tmp file + rename. */
int pid_file_write(const char *path, pid_t pid, struct error *err);

/* With every signal blocked by the caller: forwards each signal received to pid, reaps every
 * child (we may be a subreaper) and returns pid's wait status once it has exited. */
int forward_signals_until_exit(pid_t pid);

#endif
