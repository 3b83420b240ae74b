/* Running one hook: fork + execve with the state on stdin, output captured for the error
 * message, and the hook's timeout enforced. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../log.h"
#include "../util.h"
#include "hooks.h"

static const char *const kind_names[] = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};

static void hooks_of(const struct spec_hooks *hooks, enum hook_kind kind,
                     const struct spec_hook **list, size_t *count)
{
    switch (kind) {
    case HOOK_PRESTART:
        *list = hooks->prestart, *count = hooks->prestart_count;
        break;
    case HOOK_CREATE_RUNTIME:
        *list = hooks->create_runtime, *count = hooks->create_runtime_count;
        break;
    case HOOK_CREATE_CONTAINER:
        *list = hooks->create_container, *count = hooks->create_container_count;
        break;
    case HOOK_START_CONTAINER:
        *list = hooks->start_container, *count = hooks->start_container_count;
        break;
    case HOOK_POSTSTART:
        *list = hooks->poststart, *count = hooks->poststart_count;
        break;
    default:
        *list = hooks->poststop, *count = hooks->poststop_count;
        break;
    }
}

bool hooks_present(const struct spec_hooks *hooks, enum hook_kind kind)
{
    const struct spec_hook *list;
    size_t count;
    hooks_of(hooks, kind, &list, &count);
    return count > 0;
}

static __attribute__((noreturn)) void exec_hook(const struct spec_hook *hook, int stdin_fd,
                                                int output_fd)
{
    char **argv = xcalloc(hook->args_count + 2, sizeof *argv);
    char **envp = xcalloc(hook->env_count + 1, sizeof *envp);

    if (hook->args_count)
        memcpy(argv, hook->args, hook->args_count * sizeof *argv);
    else
        argv[0] = hook->path;
    if (hook->env_count)
        memcpy(envp, hook->env, hook->env_count * sizeof *envp);
    /* `run` blocks every signal for forwarding; the hook must start with none blocked. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    dup2(stdin_fd, STDIN_FILENO);
    dup2(output_fd, STDOUT_FILENO);
    dup2(output_fd, STDERR_FILENO);
    execve(hook->path, argv, envp);
    _exit(127);
}

/* Waits for pid up to timeout seconds (0: forever); kills it when the time is up. */
static int wait_hook(pid_t pid, int64_t timeout, int *status, bool *timed_out)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

    *timed_out = false;
    if (pidfd >= 0 && timeout > 0) {
        int ready;
        do
            ready = poll(&pfd, 1, (int)(timeout > 2000000 ? 2000000000 : timeout * 1000));
        while (ready < 0 && errno == EINTR);
        if (ready == 0) {
            *timed_out = true;
            kill(pid, SIGKILL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

static void describe_output(int output_fd, char *buf, size_t len)
{
    ssize_t n = pread(output_fd, buf, len - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

/* The state goes in through a memfd rather than a pipe: no SIGPIPE when a hook ignores it,
 * and no partial write to handle while the hook runs. */
static int make_stdin(const char *state_json)
{
    int fd = (int)syscall(SYS_memfd_create, "hook-state", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (write_all(fd, state_json, strlen(state_json)) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int run_one(const struct spec_hook *hook, enum hook_kind kind, size_t index,
                   const char *state_json, struct error *err)
{
    cleanup_close int output_fd = (int)syscall(SYS_memfd_create, "hook-output", MFD_CLOEXEC);
    cleanup_close int stdin_fd = make_stdin(state_json);
    char output[512];
    bool timed_out;
    int status;
    pid_t pid;

    if (output_fd < 0 || stdin_fd < 0)
        return error_set(err, errno, "%s hook #%zu: memfd", kind_names[kind], index);
    pid = fork();
    if (pid == 0)
        exec_hook(hook, stdin_fd, output_fd);
    if (pid < 0)
        return error_set(err, errno, "%s hook #%zu: fork", kind_names[kind], index);
    if (wait_hook(pid, hook->has_timeout ? hook->timeout : 0, &status, &timed_out) < 0)
        return error_set(err, errno, "%s hook #%zu: wait", kind_names[kind], index);
    describe_output(output_fd, output, sizeof output);
    if (timed_out)
        return error_set(err, 0,
                         "%s hook #%zu (%s): timed out after %llds (hooks[].timeout), output: %s",
                         kind_names[kind], index, hook->path, (long long)hook->timeout,
                         *output ? output : "none");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return error_set(err, 0, "%s hook #%zu (%s): exit status %d, output: %s", kind_names[kind],
                         index, hook->path, WEXITSTATUS(status), output);
    return error_set(err, 0, "%s hook #%zu (%s): killed by signal %d, output: %s", kind_names[kind],
                     index, hook->path, WTERMSIG(status), output);
}

int hooks_run(const struct spec_hooks *hooks, enum hook_kind kind, const char *state_json,
              struct error *err)
{
    const struct spec_hook *list;
    size_t count;

    hooks_of(hooks, kind, &list, &count);
    for (size_t i = 0; i < count; i++)
        if (run_one(&list[i], kind, i, state_json, err) < 0)
            return -1;
    return 0;
}

void hooks_run_warn(const struct spec_hooks *hooks, enum hook_kind kind, const char *state_json)
{
    const struct spec_hook *list;
    size_t count;

    hooks_of(hooks, kind, &list, &count);
    for (size_t i = 0; i < count; i++) {
        struct error err;
        if (run_one(&list[i], kind, i, state_json, &err) < 0)
            log_warn("%s", err.msg);
    }
}
