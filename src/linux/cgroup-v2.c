/* The cgroup v2 backend: the container's directory in the unified tree. */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

static int unified(const struct spec_strmap *paths, const char **dir, struct error *err)
{
    *dir = cgroup_unified_dir(paths);
    if (!*dir)
        return error_set(err, ENOENT, "container has no cgroup v2 directory");
    return 0;
}

int cgroup_v2_enable_controllers(const char *dir, struct error *err)
{
    const char *mountpoint = cgroup_v2_mountpoint();
    size_t root_len = strlen(mountpoint);
    cleanup_free char *walk = xstrdup(dir);

    if (strncmp(dir, mountpoint, root_len) != 0 || dir[root_len] != '/')
        return error_set(err, EINVAL, "%s is not under %s", dir, mountpoint);
    /* Each ancestor, from the root down, enables for its children what it has itself. */
    for (char *slash = strchr(walk + root_len, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        /* A hybrid host's unified root belongs to the host's init, not to a runtime. */
        if (cgroup_detect_mode() == CGROUP_MODE_HYBRID && strlen(walk) == root_len) {
            *slash = '/';
            continue;
        }
        cleanup_free char *available = cgroup_read(walk, "cgroup.controllers");
        cleanup_free char *enabled = cgroup_read(walk, "cgroup.subtree_control");
        cleanup_free char *request = xstrdup("");
        char *save = NULL;
        for (char *c = available ? strtok_r(available, " ", &save) : NULL; c;
             c = strtok_r(NULL, " ", &save)) {
            /* Only what is missing: any write to subtree_control first waits until every
             * removed child cgroup is fully gone (cgroup_lock_and_drain_offline). */
            if (enabled && cgroup_word_in(enabled, c))
                continue;
            char *joined = xasprintf("%s%s+%s", request, *request ? " " : "", c);
            free(request);
            request = joined;
        }
        struct error ignored;
        /* Best effort: an ancestor with processes refuses ("no internal processes"); the
         * write of a limit then reports the real problem. */
        if (*request)
            cgroup_write(walk, "cgroup.subtree_control", request, &ignored);
        *slash = '/';
    }
    return 0;
}

static int v2_create(const struct spec_strmap *paths, struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0 || cgroup_mkdir_p(dir, err) < 0)
        return -1;
    return cgroup_v2_enable_controllers(dir, err);
}

static int v2_enter(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0)
        return -1;
    return cgroup_write_pid(dir, pid, err);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* cgroup.events turns POLLPRI on every change of its content, "frozen 1" included. */
static int wait_frozen(const char *dir, struct error *err)
{
    cleanup_free char *path = xasprintf("%s/cgroup.events", dir);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    long long deadline = now_ms() + 10000;
    uint64_t frozen = 0;

    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    for (;;) {
        if (cgroup_read_keyed(dir, "cgroup.events", "frozen", &frozen) == 0 && frozen == 1)
            return 0;
        long long left = deadline - now_ms();
        if (left <= 0)
            return error_set(err, ETIMEDOUT,
                             "timeout of 10s reached waiting for the cgroup to freeze");
        struct pollfd pfd = {.fd = fd, .events = POLLPRI};
        char buf[256];
        /* poll reports the change once per read of the file: read it, then wait */
        lseek(fd, 0, SEEK_SET);
        (void)!read(fd, buf, sizeof buf);
        poll(&pfd, 1, left < 100 ? (int)left : 100);
    }
}

static int v2_freeze(const struct spec_strmap *paths, bool frozen, struct error *err)
{
    const char *dir;
    struct error ignored;

    if (unified(paths, &dir, err) < 0)
        return -1;
    if (!cgroup_file_exists(dir, "cgroup.freeze")) {
        if (!frozen)
            return 0;
        return error_set(err, ENOTSUP, "freezer not supported: no %s/cgroup.freeze", dir);
    }
    if (cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    if (!frozen)
        return 0;
    if (wait_frozen(dir, err) < 0) {
        cgroup_write(dir, "cgroup.freeze", "0", &ignored);
        return -1;
    }
    return 0;
}

static int v2_frozen(const struct spec_strmap *paths)
{
    const char *dir = cgroup_unified_dir(paths);
    cleanup_free char *state = dir ? cgroup_read(dir, "cgroup.freeze") : NULL;

    if (!state)
        return -1;
    return strcmp(state, "1") == 0 ? 1 : 0;
}

static int v2_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0)
        return -1;
    cgroup_collect_pids(dir, pids, count);
    return 0;
}

static int v2_kill(const struct spec_strmap *paths, int sig, struct error *err)
{
    const char *dir;
    struct error ignored;

    if (unified(paths, &dir, err) < 0)
        return -1;
    /* cgroup.kill (5.14+) kills every task, forks in flight and frozen tasks included. */
    if (sig == SIGKILL && cgroup_file_exists(dir, "cgroup.kill")) {
        if (cgroup_write(dir, "cgroup.kill", "1", err) < 0)
            return -1;
        if (v2_frozen(paths) == 1)
            v2_freeze(paths, false, &ignored);
        return 0;
    }
    return cgroup_signal_frozen(&cgroup_backend_v2, paths, sig, err);
}

static int v2_apply(const struct spec_strmap *paths, const struct cgroup_apply *a,
                    struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0)
        return -1;
    return cgroup_v2_apply(dir, a, err);
}

static int v2_stats(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0)
        return -1;
    return cgroup_v2_stats(dir, stats, err);
}

static int v2_oom_watch(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                        struct error *err)
{
    const char *dir;

    if (unified(paths, &dir, err) < 0)
        return -1;
    return cgroup_oom_watch_v2(dir, watch, err);
}

static int v2_destroy(const struct spec_strmap *paths, struct error *err)
{
    const char *dir = cgroup_unified_dir(paths);

    if (dir && cgroup_remove_tree(dir) < 0)
        return error_set(err, errno, "remove cgroup %s", dir);
    return 0;
}

const struct cgroup_backend cgroup_backend_v2 = {
    .name = "v2",
    .create = v2_create,
    .enter = v2_enter,
    .apply = v2_apply,
    .freeze = v2_freeze,
    .frozen = v2_frozen,
    .pids = v2_pids,
    .kill = v2_kill,
    .stats = v2_stats,
    .oom_watch = v2_oom_watch,
    .destroy = v2_destroy,
};
