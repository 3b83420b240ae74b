/* `ps`: the container's processes, as runc lists them: the host pids of its cgroup, either as
 * JSON or as the matching lines of the host's `ps` output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../linux/cgroup.h"
#include "../util.h"
#include "container.h"
#include "state.h"

static int container_pid_list(const char *root, const char *id, pid_t **pids, size_t *count,
                              struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);

    if (!c)
        return -1;
    /* runc lists a stopped container's (empty) cgroup too: no status check */
    return cgroup_pids(&c->record->cgroup_paths, pids, count, err);
}

static char *pids_json(const pid_t *pids, size_t count)
{
    size_t cap = 16 + count * 12, len = 0;
    char *out;

    if (count == 0)
        return xstrdup("null\n"); /* Go encodes an empty (nil) slice as null */
    out = xmalloc(cap);
    out[len++] = '[';
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%d", i ? "," : "", (int)pids[i]);
    snprintf(out + len, cap - len, "]\n");
    return out;
}

/* Runs ps with its stdout and stderr in one buffer (Go's CombinedOutput). */
static int run_ps(const char *const *args, size_t count, char **output, struct error *err)
{
    cleanup_free const char **argv = xcalloc(count + 2, sizeof *argv);
    cleanup_close int read_end = -1;
    int fds[2], status;
    size_t len;
    pid_t pid;

    argv[0] = "ps";
    for (size_t i = 0; i < count; i++)
        argv[i + 1] = args[i];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return error_set(err, errno, "pipe");
    read_end = fds[0];
    pid = fork();
    if (pid < 0) {
        close(fds[1]);
        return error_set(err, errno, "fork");
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        execvp("ps", (char *const *)argv);
        dprintf(STDERR_FILENO, "exec: \"ps\": %s", strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    if (read_fd_all(read_end, 64 << 20, output, &len, err) < 0) {
        waitpid(pid, NULL, 0);
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        error_set(err, 0, "exit status %d: %s", WEXITSTATUS(status), *output);
    else
        error_set(err, 0, "signal: %s: %s", strsignal(WTERMSIG(status)), *output);
    free(*output);
    *output = NULL;
    return -1;
}

static bool contains(const pid_t *pids, size_t count, long long pid)
{
    for (size_t i = 0; i < count; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

/* The whitespace-separated field `index` of line, copied; NULL when the line is shorter. */
static char *field_at(const char *line, size_t index)
{
    size_t i = 0;
    const char *p = line;

    for (;;) {
        p += strspn(p, " \t");
        if (!*p)
            return NULL;
        size_t len = strcspn(p, " \t");
        if (i++ == index)
            return xstrndup(p, len);
        p += len;
    }
}

/* runc: keep the header, find its PID column, keep the lines whose pid is the container's. */
static char *filter_table(char *output, const pid_t *pids, size_t count, struct error *err)
{
    char *save = NULL;
    char *header = strtok_r(output, "\n", &save);
    size_t pid_index = 0, cap, len;
    bool found = false;
    char *result;

    for (size_t i = 0; header; i++) {
        cleanup_free char *name = field_at(header, i);
        if (!name)
            break;
        if (strcmp(name, "PID") == 0) {
            pid_index = i;
            found = true;
            break;
        }
    }
    if (!found) {
        error_set(err, 0, "couldn't find PID field in ps output");
        return NULL;
    }
    cap = strlen(header) + 2;
    result = xmalloc(cap);
    len = (size_t)snprintf(result, cap, "%s\n", header);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cleanup_free char *field = field_at(line, pid_index);
        long long pid;
        if (!field)
            continue;
        if (parse_long(field, &pid) < 0) {
            free(result);
            error_set(err, 0, "unable to parse pid: strconv.Atoi: parsing \"%s\": invalid syntax",
                      field);
            return NULL;
        }
        if (!contains(pids, count, pid))
            continue;
        cap += strlen(line) + 1;
        result = xrealloc(result, cap);
        len += (size_t)snprintf(result + len, cap - len, "%s\n", line);
    }
    return result;
}

char *container_ps(const char *root, const char *id, bool json, const char *const *ps_args,
                   size_t ps_args_count, struct error *err)
{
    static const char *const default_args[] = {"-ef"};
    cleanup_free pid_t *pids = NULL;
    cleanup_free char *output = NULL;
    size_t count = 0;

    if (container_pid_list(root, id, &pids, &count, err) < 0)
        return NULL;
    if (json)
        return pids_json(pids, count);
    if (ps_args_count == 0) {
        ps_args = default_args;
        ps_args_count = 1;
    }
    if (run_ps(ps_args, ps_args_count, &output, err) < 0)
        return NULL;
    return filter_table(output, pids, count, err);
}
