/* The process attributes the kernel's scheduler and execution domains keep per task:
 * process.scheduler (sched_setattr), process.ioPriority (ioprio_set), process.execCPUAffinity
 * (sched_setaffinity) and linux.personality. */
#ifndef RUNC_GO_SCHED_H
#define RUNC_GO_SCHED_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

/* process.scheduler and process.ioPriority into the calling task; nothing when unset. Call
 * before the capabilities go: a real-time policy or class needs CAP_SYS_NICE / CAP_SYS_ADMIN. */
int sched_apply_process(const struct spec_process *process, struct error *err);

/* linux.personality into the calling task (effective for it and across execve). */
int sched_apply_personality(const struct spec_personality *personality, struct error *err);

/* A CPU list ("0-3,7") into *set; `field` names it in the error. */
int sched_parse_cpu_list(const char *list, cpu_set_t *set, const char *field, struct error *err);

/* sched_setaffinity of pid; `field` names the config value in the error. */
int sched_set_affinity(pid_t pid, const cpu_set_t *set, const char *field, struct error *err);

#endif
