#include "process.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util.h"

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int process_apply_rlimits(const struct spec_process *process, struct error *err)
{
    for (size_t i = 0; i < process->rlimits_count; i++) {
        const struct spec_rlimit *r = &process->rlimits[i];
        int resource = -1;
        struct rlimit limit = {.rlim_cur = r->soft, .rlim_max = r->hard};

        for (size_t j = 0; j < ARRAY_SIZE(rlimit_names); j++)
            if (strcmp(r->type, rlimit_names[j].name) == 0)
                resource = rlimit_names[j].resource;
        if (resource < 0)
            return error_set(err, EINVAL, "config.json: process.rlimits[%zu].type: unknown %s", i,
                             r->type);
        if (setrlimit(resource, &limit) < 0)
            return error_set(err, errno, "config.json: process.rlimits[%zu]: setrlimit %s", i,
                             r->type);
    }
    return 0;
}

int process_apply_oom_score_adj_to(pid_t pid, const struct spec_process *process, struct error *err)
{
    char value[16], path[64];
    if (!process->has_oom_score_adj)
        return 0;
    snprintf(value, sizeof value, "%d", process->oom_score_adj);
    if (pid > 0)
        snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/oom_score_adj");
    if (write_file_string(path, value, err) < 0)
        return error_prefix(err, "config.json: process.oomScoreAdj");
    return 0;
}

int process_apply_oom_score_adj(const struct spec_process *process, struct error *err)
{
    return process_apply_oom_score_adj_to(0, process, err);
}

int process_switch_user(const struct spec_process *process, struct error *err)
{
    const struct spec_user *user = &process->user;
    gid_t *groups = (gid_t *)user->additional_gids;

    /* setgroups is refused in a user namespace whose setgroups is "deny": only call it when
     * there is something to set or groups inherited from the runtime must be dropped. */
    if (setgroups(user->additional_gids_count, groups) < 0 &&
        !(errno == EPERM && user->additional_gids_count == 0))
        return error_set(err, errno, "setgroups");
    if (setresgid(user->gid, user->gid, user->gid) < 0)
        return error_set(err, errno, "setgid %u", user->gid);
    if (setresuid(user->uid, user->uid, user->uid) < 0)
        return error_set(err, errno, "setuid %u", user->uid);
    return 0;
}

int process_apply_umask(const struct spec_process *process)
{
    umask(process->user.has_umask ? (mode_t)process->user.umask : 0022);
    return 0;
}

int process_apply_no_new_privs(const struct spec_process *process, struct error *err)
{
    if (process->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    return 0;
}

const char *process_getenv(const struct spec_process *process, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < process->env_count; i++)
        if (strncmp(process->env[i], name, len) == 0 && process->env[i][len] == '=')
            return process->env[i] + len + 1;
    return NULL;
}

static int check_executable(const char *path, int *saved_errno)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        *saved_errno = errno;
        return -1;
    }
    if (S_ISDIR(st.st_mode) || access(path, X_OK) < 0) {
        *saved_errno = S_ISDIR(st.st_mode) ? EACCES : errno;
        return -1;
    }
    return 0;
}

char *process_find_executable(const struct spec_process *process, struct error *err)
{
    const char *name = process->args[0];
    const char *path_env = process_getenv(process, "PATH");
    cleanup_free char *dirs = NULL;
    char *save = NULL;
    int failure = ENOENT;

    if (strchr(name, '/')) {
        if (check_executable(name, &failure) == 0)
            return xstrdup(name);
        /* Go's lower-case texts: engines map "no such file or directory" to exit 127 and
         * "permission denied" to 126 by matching them. */
        if (failure == ENOENT)
            error_set(err, 0, "exec: \"%s\": stat %s: no such file or directory", name, name);
        else if (failure == EACCES)
            error_set(err, 0, "exec: \"%s\": permission denied", name);
        else
            error_set(err, failure, "exec: \"%s\"", name);
        return NULL;
    }
    /* As runc: the process's own PATH only; without one, no search (no default list). */
    dirs = xstrdup(path_env ? path_env : "");
    for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *candidate = xasprintf("%s/%s", dir, name);
        int this_errno = ENOENT;
        if (check_executable(candidate, &this_errno) == 0)
            return take_ptr(&candidate);
        if (this_errno == EACCES)
            failure = EACCES;
    }
    if (failure == EACCES)
        error_set(err, 0, "exec: \"%s\": permission denied", name);
    else
        error_set(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
    return NULL;
}
