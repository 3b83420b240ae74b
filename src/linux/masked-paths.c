#include "masked-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../util.h"
#include "mount-api.h"
#include "mounts.h"
#include "path.h"

/* Opens path inside the root (flags may add O_NOFOLLOW); a missing path (ENOENT) is not an
 * error: returns -1 with *missing set. */
static int open_existing(int root_fd, const char *path, int flags, bool *missing, struct error *err)
{
    int fd = path_open_in_root(root_fd, path, flags, err);
    *missing = fd < 0 && err->errnum == ENOENT;
    if (*missing)
        error_clear(err);
    return fd;
}

static int readonly_path(int root_fd, const char *path, struct error *err)
{
    bool missing;
    /* A symlink is followed (inside the root), as runc does: what it names becomes read-only,
     * which takes nothing from the container that the path did not already name. */
    cleanup_close int fd = open_existing(root_fd, path, 0, &missing, err);
    if (fd < 0)
        return missing ? 0 : -1;
    /* Read-only on the detached clone, before it is attached: no writable window. */
    cleanup_close int mnt = mount_bind_at(fd, "", true, MS_RDONLY, 0, fd, err);
    return mnt < 0 ? -1 : 0;
}

int readonly_paths_apply(int root_fd, char *const *paths, size_t count, struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (readonly_path(root_fd, paths[i], err) < 0)
            return error_prefix(err, "linux.readonlyPaths[%zu] %s", i, paths[i]);
    }
    return 0;
}

/* The container's /dev/null, checked to be the null device: an image's /dev could hold a
 * regular file there, and masking would then show its content instead of nothing. */
static int open_dev_null(int root_fd, struct error *err)
{
    struct stat st;
    cleanup_close int fd = path_open_in_root(root_fd, "/dev/null", 0, err);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        return error_set(err, errno, "stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        return error_set(err, 0, "/dev/null is not the null device");
    return take_fd(&fd);
}

/* The path itself is covered, never what a final symlink names: an image (or a volume) that
 * makes a masked path a symlink must not get the runtime to mask a file of its choice instead
 * (runc follows the link and masks the target). Over a symlink goes the /dev/null bind: a
 * mount on the link's own dentry, which every lookup of the path crosses before it would
 * follow the link. Earlier components are still resolved inside the root. */
static int masked_path(int root_fd, int *dev_null, const char *path, struct error *err)
{
    struct stat st;
    bool missing;
    cleanup_close int fd = open_existing(root_fd, path, O_NOFOLLOW, &missing, err);

    if (fd < 0)
        return missing ? 0 : -1;
    if (fstat(fd, &st) < 0)
        return error_set(err, errno, "stat");
    if (S_ISDIR(st.st_mode))
        return mount_empty_tmpfs_readonly_at(fd, err);
    if (*dev_null < 0 && (*dev_null = open_dev_null(root_fd, err)) < 0)
        return -1;
    cleanup_close int mnt = mount_bind_at(*dev_null, "", false, 0, 0, fd, err);
    return mnt < 0 ? -1 : 0;
}

int masked_paths_apply(int root_fd, char *const *paths, size_t count, struct error *err)
{
    cleanup_close int dev_null = -1;

    for (size_t i = 0; i < count; i++) {
        if (masked_path(root_fd, &dev_null, paths[i], err) < 0)
            return error_prefix(err, "linux.maskedPaths[%zu] %s", i, paths[i]);
    }
    return 0;
}
