/* A new process (the init, an exec'd process) joining the container's cgroup without a
 * write by pid. Writing a pid to cgroup.procs takes the kernel's cgroup_threadgroup_rwsem for
 * writing, and when that lock was idle the write waits for an RCU grace period: 5-15 ms on
 * this kind of host, paid by the first container after any pause. Two ways around it:
 *   - the unified (v2) directory: clone3(CLONE_INTO_CGROUP), the child is born in it under
 *     the read side of that lock (src/linux/clone.c);
 *   - each v1 hierarchy: the child writes "0" to the hierarchy's `tasks` file, which moves
 *     only the calling thread; the kernel skips the lock for a thread moving itself. The
 *     process is single-threaded, so the thread is the whole process. */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "../spec/state-json.h"
#include "../util.h"

int cgroup_open_clone_target(const struct spec_strmap *paths)
{
    const char *unified = cgroup_unified_dir(paths);

    return unified ? open(unified, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
}

int cgroup_join_self(const struct spec_strmap *paths)
{
    for (size_t i = 0; i < paths->count; i++) {
        char tasks[4096];
        int fd, saved;

        if (!cgroup_is_v1_key(paths->keys[i]))
            continue;
        if ((size_t)snprintf(tasks, sizeof tasks, "%s/tasks", paths->values[i]) >= sizeof tasks)
            return -ENAMETOOLONG;
        fd = open(tasks, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        saved = write(fd, "0", 1) == 1 ? 0 : errno;
        close(fd);
        if (saved)
            return -saved;
    }
    return 0;
}

int cgroup_join_unified(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    const char *unified = cgroup_unified_dir(paths);

    if (unified && cgroup_write_pid(unified, pid, err) < 0)
        return error_prefix(err, "join cgroup");
    return 0;
}

void cgroup_split_unified(const struct spec_strmap *paths, struct spec_strmap *unified,
                          struct spec_strmap *v1)
{
    for (size_t i = 0; i < paths->count; i++)
        spec_strmap_add(cgroup_is_v1_key(paths->keys[i]) ? v1 : unified, paths->keys[i],
                        paths->values[i]);
}
