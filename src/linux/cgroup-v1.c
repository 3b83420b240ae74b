/* The cgroup v1 backend: one directory per mounted hierarchy. */
#include "cgroup-internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

/* Copies cpuset.cpus / cpuset.mems from the nearest ancestor that has them. */
static int cpuset_inherit(const char *dir, const char *file, struct error *err)
{
    cleanup_free char *value = cgroup_read(dir, file);
    cleanup_free char *parent = xstrdup(dir);
    char *slash;

    if (!value)
        return error_set(err, errno, "read %s/%s", dir, file);
    if (value[strspn(value, " \n")] != '\0')
        return 0;
    slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return error_set(err, EINVAL, "%s: no parent cpuset", dir);
    *slash = '\0';
    if (cpuset_inherit(parent, file, err) < 0)
        return -1;
    free(value);
    value = cgroup_read(parent, file);
    if (!value)
        return error_set(err, errno, "read %s/%s", parent, file);
    return cgroup_write(dir, file, value, err);
}

int cgroup_v1_cpuset_init(const char *dir, struct error *err)
{
    if (cpuset_inherit(dir, "cpuset.cpus", err) < 0 || cpuset_inherit(dir, "cpuset.mems", err) < 0)
        return error_prefix(err, "cpuset");
    return 0;
}

static int v1_create(const struct spec_strmap *paths, struct error *err)
{
    const char *cpuset = cgroup_v1_dir(paths, "cpuset");

    for (size_t i = 0; i < paths->count; i++) {
        const char *dir = paths->values[i];
        if (!cgroup_is_v1_key(paths->keys[i]))
            continue;
        if (cgroup_mkdir_p(dir, err) < 0)
            return -1;
        if (dir == cpuset && cgroup_v1_cpuset_init(dir, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_enter(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    for (size_t i = 0; i < paths->count; i++)
        if (cgroup_is_v1_key(paths->keys[i]) && cgroup_write_pid(paths->values[i], pid, err) < 0)
            return -1;
    return 0;
}

static void sleep_ns(long ns)
{
    nanosleep(&(struct timespec){.tv_nsec = ns}, NULL);
}

/* As runc: a cgroup whose tasks keep forking (or that `exec` keeps joining) can stay in
 * FREEZING; retry, with an occasional thaw and sleep, and give up (thawed) after a while
 * rather than leave it half frozen. */
static int v1_freeze(const struct spec_strmap *paths, bool frozen, struct error *err)
{
    const char *dir = cgroup_v1_dir(paths, "freezer");

    if (!dir)
        return error_set(err, ENOTSUP, "no freezer cgroup on this host");
    if (!frozen)
        return cgroup_write(dir, "freezer.state", "THAWED", err);
    for (int i = 0; i < 1000; i++) {
        if (i % 50 == 49) {
            struct error ignored;
            cgroup_write(dir, "freezer.state", "THAWED", &ignored);
            sleep_ns(10 * 1000 * 1000);
        }
        if (cgroup_write(dir, "freezer.state", "FROZEN", err) < 0)
            return -1;
        if (i % 25 == 24)
            sleep_ns(10 * 1000);
        cleanup_free char *state = cgroup_read(dir, "freezer.state");
        if (!state)
            return error_set(err, errno, "read %s/freezer.state", dir);
        if (strcmp(state, "FROZEN") == 0)
            return 0;
        if (strcmp(state, "FREEZING") != 0)
            return error_set(err, 0, "unexpected state %s while freezing", state);
    }
    struct error ignored;
    cgroup_write(dir, "freezer.state", "THAWED", &ignored);
    return error_set(err, EBUSY, "unable to freeze");
}

static int v1_frozen(const struct spec_strmap *paths)
{
    const char *dir = cgroup_v1_dir(paths, "freezer");

    if (!dir)
        return -1;
    for (int i = 0; i < 1000; i++) {
        cleanup_free char *state = cgroup_read(dir, "freezer.state");
        if (!state)
            return -1;
        if (strcmp(state, "THAWED") == 0)
            return 0;
        if (strcmp(state, "FROZEN") == 0) {
            /* Frozen by request, or only because an ancestor is. */
            cleanup_free char *self = cgroup_read(dir, "freezer.self_freezing");
            return !self || strcmp(self, "1") == 0 ? 1 : 0;
        }
        sleep_ns(1000 * 1000); /* FREEZING settles soon */
    }
    return 1;
}

/* Membership is the same in every hierarchy: read the one made for counting tasks. */
static int v1_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err)
{
    const char *dir = cgroup_v1_dir(paths, "pids");

    if (!dir)
        dir = cgroup_v1_dir(paths, "freezer");
    for (size_t i = 0; !dir && i < paths->count; i++)
        if (cgroup_is_v1_key(paths->keys[i]))
            dir = paths->values[i];
    if (!dir)
        return error_set(err, ENOENT, "container has no cgroup");
    cgroup_collect_pids(dir, pids, count);
    return 0;
}

static int v1_kill(const struct spec_strmap *paths, int sig, struct error *err)
{
    return cgroup_signal_frozen(&cgroup_backend_v1, paths, sig, err);
}

static int v1_destroy(const struct spec_strmap *paths, struct error *err)
{
    int result = 0;

    for (size_t i = 0; i < paths->count; i++)
        if (cgroup_is_v1_key(paths->keys[i]) && cgroup_remove_tree(paths->values[i]) < 0)
            result = error_set(err, errno, "remove cgroup %s", paths->values[i]);
    return result;
}

static int v1_oom_watch(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                        struct error *err)
{
    const char *dir = cgroup_v1_dir(paths, "memory");

    if (!dir)
        return error_set(err, ENOTSUP, "no memory cgroup on this host");
    return cgroup_oom_watch_v1(dir, watch, err);
}

const struct cgroup_backend cgroup_backend_v1 = {
    .name = "v1",
    .create = v1_create,
    .enter = v1_enter,
    .apply = cgroup_v1_apply,
    .freeze = v1_freeze,
    .frozen = v1_frozen,
    .pids = v1_pids,
    .kill = v1_kill,
    .stats = cgroup_v1_stats,
    .oom_watch = v1_oom_watch,
    .destroy = v1_destroy,
};
