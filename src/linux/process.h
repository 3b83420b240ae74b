/* The per-process attributes of config.json's `process`, applied by the container's init
 * (and later by exec) just before execve. */
#ifndef RUNC_GO_PROCESS_H
#define RUNC_GO_PROCESS_H

#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

/* process.rlimits: setrlimit for each entry. */
int process_apply_rlimits(const struct spec_process *process, struct error *err);

/* process.oomScoreAdj via /proc/self/oom_score_adj. */
int process_apply_oom_score_adj(const struct spec_process *process, struct error *err);
/* The same for another process, through the host's /proc: the container's init gets it from
 * the runtime, never through a /proc the image could fake (CVE-2019-16884 family). */
int process_apply_oom_score_adj_to(pid_t pid, const struct spec_process *process,
                                   struct error *err);

/* additionalGids, gid, uid (in that order: setgroups needs the privilege we drop last). */
int process_switch_user(const struct spec_process *process, struct error *err);

/* umask (0022 when unset, as runc), noNewPrivileges. */
int process_apply_umask(const struct spec_process *process);
int process_apply_no_new_privs(const struct spec_process *process, struct error *err);

/* Resolves args[0] against PATH from process.env (as exec.LookPath does, so engines'
 * "executable file not found in $PATH" and "no such file or directory" texts match).
 * Returns a malloc'd path, or NULL with err set. */
char *process_find_executable(const struct spec_process *process, struct error *err);

/* The env entry for name ("PATH") or NULL. */
const char *process_getenv(const struct spec_process *process, const char *name);

#endif
