/* What only cgroup v1 hierarchies need. */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

/* Copies cpuset.cpus / cpuset.mems from the nearest ancestor that has them. */
static int cpuset_inherit(const char *dir, const char *file, struct error *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    cleanup_free char *value = NULL;
    cleanup_free char *parent = xstrdup(dir);
    char *slash;

    if (read_file(path, 4096, &value, NULL, err) < 0)
        return -1;
    if (value[strspn(value, " \n")] != '\0')
        return 0;
    slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return error_set(err, EINVAL, "%s: no parent cpuset", dir);
    *slash = '\0';
    if (cpuset_inherit(parent, file, err) < 0)
        return -1;
    free(value);
    value = NULL;
    cleanup_free char *parent_path = xasprintf("%s/%s", parent, file);
    if (read_file(parent_path, 4096, &value, NULL, err) < 0)
        return -1;
    return write_file_string(path, value, err);
}

int cgroup_v1_cpuset_init(const char *dir, struct error *err)
{
    if (cpuset_inherit(dir, "cpuset.cpus", err) < 0 || cpuset_inherit(dir, "cpuset.mems", err) < 0)
        return error_prefix(err, "cpuset");
    return 0;
}

int cgroup_freeze_dir(const char *dir, bool v2, bool frozen)
{
    struct error err;
    cleanup_free char *path =
        xasprintf("%s/%s", dir, v2 ? "cgroup.freeze" : "freezer.state");
    const char *value = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");

    if (access(path, W_OK) < 0)
        return -1;
    return write_file_string(path, value, &err);
}
