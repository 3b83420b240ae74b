#include "namespaces.h"

#include <errno.h>
#include <sys/wait.h>
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int namespace_clone_flag(enum spec_namespace_type type)
{
    switch (type) {
    case SPEC_NS_MOUNT:
        return CLONE_NEWNS;
    case SPEC_NS_PID:
        return CLONE_NEWPID;
    case SPEC_NS_NETWORK:
        return CLONE_NEWNET;
    case SPEC_NS_UTS:
        return CLONE_NEWUTS;
    case SPEC_NS_IPC:
        return CLONE_NEWIPC;
    case SPEC_NS_USER:
        return CLONE_NEWUSER;
    case SPEC_NS_CGROUP:
        return CLONE_NEWCGROUP;
    case SPEC_NS_TIME:
        return CLONE_NEWTIME;
    default:
        return 0;
    }
}

int namespaces_new_flags(const struct spec *spec)
{
    int flags = 0;
    for (size_t i = 0; i < spec->linux_.namespaces_count; i++)
        if (!spec->linux_.namespaces[i].path)
            flags |= namespace_clone_flag(spec->linux_.namespaces[i].type);
    return flags;
}

bool namespaces_any_joined(const struct spec *spec)
{
    for (size_t i = 0; i < spec->linux_.namespaces_count; i++)
        if (spec->linux_.namespaces[i].path)
            return true;
    return false;
}

static int open_one(const struct spec_namespace *ns, size_t index, int *fd, struct error *err)
{
    *fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return error_set(err, errno, "config.json: linux.namespaces[%zu].path: open %s", index,
                         ns->path);
    return 0;
}

int namespaces_open_joined(const struct spec *spec, int *fds, enum spec_namespace_type *types,
                           struct error *err)
{
    int count = 0;

    /* Two passes: the user namespace first, then the rest in config order. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < spec->linux_.namespaces_count; i++) {
            const struct spec_namespace *ns = &spec->linux_.namespaces[i];
            bool is_user = ns->type == SPEC_NS_USER;
            if (!ns->path || (pass == 0) != is_user)
                continue;
            if (open_one(ns, i, &fds[count], err) < 0) {
                for (int j = 0; j < count; j++)
                    close(fds[j]);
                return -1;
            }
            types[count++] = ns->type;
        }
    }
    return count;
}

int namespaces_join(const int *fds, const enum spec_namespace_type *types, int count,
                    int skip_flags, struct error *err)
{
    for (int i = 0; i < count; i++) {
        int flag = namespace_clone_flag(types[i]);
        if (flag & skip_flags)
            continue;
        if (setns(fds[i], flag) < 0)
            return error_set(err, errno, "join %s namespace", spec_namespace_type_name(types[i]));
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *maps, size_t count,
                     struct error *err)
{
    char path[64];
    size_t cap = 32 * count + 1, len = 0;
    cleanup_free char *buf = xmalloc(cap);
    cleanup_close int fd = -1;

    buf[0] = '\0';
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%u %u %u\n", maps[i].container_id,
                                maps[i].host_id, maps[i].size);
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    /* The kernel takes the whole map in one write and only once. */
    if (write(fd, buf, len) != (ssize_t)len)
        return error_set(err, errno, "write %s", path);
    return 0;
}

int namespaces_make_userns(const struct spec_id_mapping *uids, size_t uid_count,
                           const struct spec_id_mapping *gids, size_t gid_count, const char *field,
                           struct error *err)
{
    int ready[2], status, fd = -1;
    char path[64], byte;
    pid_t pid;

    if (pipe2(ready, O_CLOEXEC) < 0)
        return error_set(err, errno, "%s: pipe", field);
    pid = fork();
    if (pid == 0) {
        /* The namespace's holder until the parent has its fd: unshare, say so, wait. */
        close(ready[0]);
        if (unshare(CLONE_NEWUSER) < 0)
            _exit(1);
        (void)!write(ready[1], "1", 1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    if (pid < 0 || read(ready[0], &byte, 1) != 1) {
        error_set(err, pid < 0 ? errno : EPERM, "%s: create a user namespace", field);
    } else if (write_map(pid, "uid_map", uids, uid_count, err) < 0 ||
               write_map(pid, "gid_map", gids, gid_count, err) < 0) {
        error_prefix(err, "%s", field);
    } else {
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            error_set(err, errno, "%s: open %s", field, path);
    }
    close(ready[0]);
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    return fd;
}

/* Whether the kernel takes this map from us directly: root may write any; anyone else only
 * the single line that maps their own id (user_namespaces(7)). */
static bool writable_directly(const struct spec_id_mapping *maps, size_t count, unsigned own_id)
{
    return geteuid() == 0 || (count == 1 && maps[0].size == 1 && maps[0].host_id == own_id);
}

/* newuidmap / newgidmap (shadow's setuid helpers, Debian's uidmap package) write what
 * /etc/subuid and /etc/subgid grant this user. */
static int write_map_with_helper(const char *helper, pid_t pid, const struct spec_id_mapping *maps,
                                 size_t count, struct error *err)
{
    size_t argc = 2 + 3 * count + 1;
    cleanup_free char **argv = xcalloc(argc, sizeof *argv);
    char **text = xcalloc(3 * count + 1, sizeof *text);
    int status = -1, result = 0;
    pid_t child;

    argv[0] = (char *)helper;
    argv[1] = xasprintf("%d", (int)pid);
    for (size_t i = 0; i < count; i++) {
        text[3 * i] = xasprintf("%u", maps[i].container_id);
        text[3 * i + 1] = xasprintf("%u", maps[i].host_id);
        text[3 * i + 2] = xasprintf("%u", maps[i].size);
        argv[2 + 3 * i] = text[3 * i];
        argv[3 + 3 * i] = text[3 * i + 1];
        argv[4 + 3 * i] = text[3 * i + 2];
    }
    child = fork();
    if (child == 0) {
        execvp(helper, argv);
        _exit(127);
    }
    while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
        result = error_set(
            err, 0, "mapping more than your own id needs %s (apt-get install uidmap)", helper);
    else if (WEXITSTATUS(status) != 0)
        result = error_set(err, 0,
                           "%s refused the map (exit %d): the ranges must be granted to this "
                           "user in /etc/%s",
                           helper, WEXITSTATUS(status),
                           strcmp(helper, "newuidmap") == 0 ? "subuid" : "subgid");
    for (size_t i = 0; text[i]; i++)
        free(text[i]);
    free(text);
    free(argv[1]);
    return result;
}

static int deny_setgroups(pid_t pid, struct error *err)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    return write_file_string(path, "deny", err);
}

int namespaces_write_id_maps(pid_t pid, const struct spec *spec, struct error *err)
{
    const struct spec_linux *lx = &spec->linux_;

    bool uid_direct = writable_directly(lx->uid_mappings, lx->uid_mappings_count, geteuid());
    bool gid_direct = writable_directly(lx->gid_mappings, lx->gid_mappings_count, getegid());

    if (lx->uid_mappings_count > 0 &&
        (uid_direct ? write_map(pid, "uid_map", lx->uid_mappings, lx->uid_mappings_count, err)
                    : write_map_with_helper("newuidmap", pid, lx->uid_mappings,
                                            lx->uid_mappings_count, err)) < 0)
        return error_prefix(err, "config.json: linux.uidMappings");
    /* Without CAP_SETGID in our namespace the kernel takes a gid_map we write only once
     * setgroups(2) is denied in the new one (user_namespaces(7)); newgidmap decides itself. */
    if (lx->gid_mappings_count > 0 && geteuid() != 0 && gid_direct && deny_setgroups(pid, err) < 0)
        return error_prefix(err, "config.json: linux.gidMappings");
    if (lx->gid_mappings_count > 0 &&
        (gid_direct ? write_map(pid, "gid_map", lx->gid_mappings, lx->gid_mappings_count, err)
                    : write_map_with_helper("newgidmap", pid, lx->gid_mappings,
                                            lx->gid_mappings_count, err)) < 0)
        return error_prefix(err, "config.json: linux.gidMappings");
    return 0;
}
