#include "process-setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/openat2.h>

#include "../linux/caps.h"
#include "../linux/console.h"
#include "../linux/lsm.h"
#include "../linux/passwd.h"
#include "../linux/process.h"
#include "../linux/sched.h"
#include "../linux/seccomp.h"
#include "../util.h"
#include "sync.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

int process_setup_limits(const struct spec_process *process, struct error *err)
{
    if (process_apply_rlimits(process, err) < 0)
        return -1;
    return process_apply_oom_score_adj(process, err);
}

int process_setup_terminal(const struct spec_process *process, int *socket_fd, bool dev_console,
                           bool proxied, struct error *err)
{
    struct console_setup setup = {
        .socket_fd = *socket_fd,
        /* runc resizes only when both are given */
        .has_size = process->has_console_size && process->console_height && process->console_width,
        .rows = (unsigned short)process->console_height,
        .cols = (unsigned short)process->console_width,
        .owner = process->user.uid,
        .mount_dev_console = dev_console,
        .clear_onlcr = proxied,
    };
    int result = console_setup_terminal(&setup, err);

    close(take_fd(socket_fd));
    return result;
}

int process_join_session_keyring(const char *id, struct error *err)
{
    cleanup_free char *name = xasprintf("_ses.%s", id);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
        return error_set(err, errno, "unable to join session keyring");
    return 0;
}

static size_t env_name_length(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

char **process_build_env(char *const *env, size_t count, struct error *err)
{
    char **out = xcalloc(count + 1, sizeof *out);
    size_t used = 0;

    for (size_t i = 0; i < count; i++) {
        size_t len = env_name_length(env[i]), j;
        if (env[i][len] != '=') {
            error_set(err, 0, "invalid environment variable: \"%s\"", env[i]);
            free(out);
            return NULL;
        }
        if (len == 0) {
            error_set(err, 0, "environment variable name can't be empty: \"%s\"", env[i]);
            free(out);
            return NULL;
        }
        for (j = 0; j < used; j++)
            if (env_name_length(out[j]) == len && strncmp(out[j], env[i], len) == 0)
                break;
        out[j] = env[i];
        if (j == used)
            used++;
    }
    return out;
}

void process_env_add_home(char ***envp, uid_t uid)
{
    cleanup_free char *home = NULL;
    size_t count = 0;

    for (; (*envp)[count]; count++)
        if (strncmp((*envp)[count], "HOME=", 5) == 0)
            return;
    /* Inside the container's root: the image's /etc/passwd. */
    home = passwd_lookup(uid, PASSWD_HOME);
    *envp = xrealloc(*envp, (count + 2) * sizeof **envp);
    (*envp)[count] = xasprintf("HOME=%s", home ? home : "/");
    (*envp)[count + 1] = NULL;
}

/* chdir(cwd) resolved with our root as the root and no magic link followed: a volume that
 * swaps a component of the path for a symlink to /proc/self/fd/N (an fd of the runtime's
 * still open here) cannot take the process out of the container (CVE-2024-21626's kind). */
static int chdir_in_root(const char *cwd)
{
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                           .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int fd = -1;

    if (root < 0)
        return -1;
    fd = (int)syscall(SYS_openat2, root, cwd, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        return chdir(cwd);
    return fd < 0 ? -1 : fchdir(fd);
}

/* The cwd exists: the init's rootfs setup made it, and exec's is not created (runc fails). */
static int enter_cwd(const struct process_setup *setup, bool *retry, struct error *err)
{
    const char *cwd = setup->process->cwd;

    *retry = false;
    if (chdir_in_root(cwd) == 0)
        return 0;
    /* The directory may be readable by the container's user and not by us (a volume chowned
     * to it): try again after the uid switch, as runc does. */
    if (errno == EACCES || errno == EPERM) {
        *retry = true;
        return 0;
    }
    return error_set(err, errno, "chdir to cwd (\"%s\") set in config.json failed", cwd);
}

static char *find_executable(const struct process_setup *setup, struct error *err)
{
    struct spec_process with_env = *setup->process;
    size_t count = 0;

    while (setup->envp[count])
        count++;
    with_env.env = (char **)setup->envp;
    with_env.env_count = count;
    return process_find_executable(&with_env, err);
}

int process_load_seccomp(const struct spec_seccomp *seccomp, int sync_fd, struct error *err)
{
    cleanup_close int notify_fd = -1;

    if (!seccomp || seccomp_load_config(seccomp, &notify_fd, err) < 0)
        return seccomp ? -1 : 0;
    if (notify_fd < 0)
        return 0;
    /* The runtime, outside the container, hands it to the agent at listenerPath with the
     * state only it knows (id, bundle, our host pid); we wait so no notification can come
     * before the agent holds the fd. The container never keeps it. */
    if (sync_send_fd(sync_fd, SYNC_SECCOMP_FD, notify_fd, err) < 0)
        return -1;
    close(take_fd(&notify_fd));
    return sync_expect(sync_fd, SYNC_SECCOMP_FD_DONE, err);
}

int process_serve_seccomp_fd(int sync_fd, const struct spec_seccomp *seccomp, int notify_fd,
                             pid_t pid, const char *state_json, struct error *err)
{
    if (notify_fd < 0 || !state_json)
        return error_set(err, EPROTO, "sync: seccomp listener message without an fd");
    if (seccomp_send_to_agent(seccomp, notify_fd, pid, state_json, err) < 0)
        return -1;
    return sync_send(sync_fd, SYNC_SECCOMP_FD_DONE, err);
}

/* Only the fds the process should get stay open across execve: stdio and preserve-fds. */
int process_seal_fds(int preserve_fds, struct error *err)
{
    unsigned int first_sealed = 3 + (unsigned int)preserve_fds;
    for (int fd = 3; fd < (int)first_sealed; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0)
            return error_set(err, errno, "--preserve-fds: fd %d", fd);
    if (syscall(SYS_close_range, first_sealed, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return error_set(err, errno, "close_range");
    return 0;
}

static int switch_identity(const struct process_setup *setup, bool retry_cwd, struct error *err)
{
    const struct spec_process *process = setup->process;

    if (caps_prepare(&process->capabilities, err) < 0)
        return -1;
    if (process_switch_user(process, err) < 0)
        return error_prefix(err, "unable to setup user");
    if (retry_cwd && chdir_in_root(process->cwd) < 0)
        return error_set(err, errno, "chdir to cwd (\"%s\") set in config.json failed",
                         process->cwd);
    if (caps_apply(&process->capabilities, err) < 0)
        return -1;
    return process_apply_no_new_privs(process, err);
}

int process_setup_finish(const struct process_setup *setup, char **executable, struct error *err)
{
    const struct spec_process *process = setup->process;
    bool retry_cwd;

    if (enter_cwd(setup, &retry_cwd, err) < 0)
        return -1;
    *executable = find_executable(setup, err);
    if (!*executable)
        return -1;
    process_apply_umask(process);
    /* With every capability still ours: a real-time policy or I/O class needs them. */
    if (sched_apply_process(process, err) < 0 ||
        (setup->personality && sched_apply_personality(setup->personality, err) < 0))
        return -1;
    /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it before the
     * capabilities go; with it, as late as possible so fewer of our own calls are filtered. */
    if (!process->no_new_privileges &&
        process_load_seccomp(setup->seccomp, setup->sync_fd, err) < 0)
        return -1;
    /* As runc: the labels are written while we still have every capability. */
    if (setup->labels && lsm_apply(process, setup->labels, err) < 0)
        return -1;
    if (switch_identity(setup, retry_cwd, err) < 0)
        return -1;
    if (process->no_new_privileges && process_load_seccomp(setup->seccomp, setup->sync_fd, err) < 0)
        return -1;
    return process_seal_fds(setup->preserve_fds, err);
}
