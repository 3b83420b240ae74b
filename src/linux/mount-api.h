/* The mount API (struct mount_attr, MOUNT_ATTR_*, OPEN_TREE_*, MOVE_MOUNT_*, FSOPEN_*,
 * FSCONFIG_*, and open_tree() ... fsmount()): glibc 2.36 declares all of it in
 * <sys/mount.h>; with musl the constants come from the kernel's <linux/mount.h> (which
 * clashes with glibc's header, so it is one or the other) and the calls are made here. */
#ifndef RUNC_GO_MOUNT_API_H
#define RUNC_GO_MOUNT_API_H

#include <sys/mount.h>

#ifndef __GLIBC__
#include <linux/mount.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int open_tree(int dfd, const char *path, unsigned int flags)
{
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                             unsigned int flags)
{
    return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int mount_setattr(int dfd, const char *path, unsigned int flags,
                                struct mount_attr *attr, size_t size)
{
    return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

static inline int fsopen(const char *fsname, unsigned int flags)
{
    return (int)syscall(SYS_fsopen, fsname, flags);
}

static inline int fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
    return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}
#endif

#endif
