/* Facts about processes read from /proc. */
#ifndef RUNC_GO_PROC_H
#define RUNC_GO_PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot) and field 3 (state).
 * Returns -1 when the process doesn't exist. */
int proc_stat_read(pid_t pid, unsigned long long *start_time, char *state);

/* True when pid exists, is not a zombie and started at start_time: the container's init,
 * not a process that reused its pid. */
bool proc_is_alive(pid_t pid, unsigned long long start_time);

#endif
