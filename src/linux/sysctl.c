#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "../util.h"
#include "mount-api.h"

/* Never leave the procfs instance (a mount over a file is another filesystem) and never
 * follow a link: each write reaches the sysctl its name says or fails. */
#define SYSCTL_RESOLVE (RESOLVE_NO_XDEV | RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)

static int open_beneath(int dirfd, const char *path, int flags)
{
    struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
                           .resolve = SYSCTL_RESOLVE};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* /proc/sys of a procfs instance of our own, attached nowhere: no mount in the container's
 * namespace (a volume, or a process racing us in a shared one) can cover or redirect its
 * files (CVE-2025-52881). Its net/ tree is that of our (the container's) network namespace.
 * -1 when the kernel won't give one (no new mount API, or a user namespace where the
 * container's /proc is not fully visible). */
static int open_private_proc_sys(void)
{
    cleanup_close int fs = fsopen("proc", FSOPEN_CLOEXEC);
    cleanup_close int mnt = -1;

    if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (mnt < 0)
        return -1;
    return open_beneath(mnt, "sys", O_RDONLY | O_DIRECTORY);
}

/* Else the container's /proc/sys, which must at least be procfs itself: the image's rootfs
 * is hostile. */
static int open_proc_sys(struct error *err)
{
    int fd = open_private_proc_sys();
    struct statfs st;

    if (fd >= 0)
        return fd;
    fd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fstatfs(fd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC) {
        if (fd >= 0)
            close(fd);
        return error_set(err, fd < 0 ? errno : EINVAL,
                         "config.json: linux.sysctl: /proc/sys is not procfs");
    }
    return fd;
}

static int write_sysctl(int dirfd, const char *key, const char *value, struct error *err)
{
    cleanup_free char *name = xstrdup(key);
    cleanup_close int fd = -1;

    if (strstr(name, "..") || name[0] == '/' || name[0] == '\0')
        return error_set(err, EINVAL, "config.json: linux.sysctl: invalid key \"%s\"", key);
    for (char *p = name; *p; p++)
        if (*p == '.')
            *p = '/';
    fd = open_beneath(dirfd, name, O_WRONLY);
    if (fd < 0)
        return error_set(err, errno, "config.json: linux.sysctl.%s: open /proc/sys/%s", key, name);
    if (write_all(fd, value, strlen(value)) < 0)
        return error_set(err, errno, "config.json: linux.sysctl.%s: write \"%s\"", key, value);
    return 0;
}

int sysctl_apply(const struct spec_strmap *sysctl, struct error *err)
{
    cleanup_close int dirfd = -1;

    if (sysctl->count == 0)
        return 0;
    dirfd = open_proc_sys(err);
    if (dirfd < 0)
        return -1;
    for (size_t i = 0; i < sysctl->count; i++)
        if (write_sysctl(dirfd, sysctl->keys[i], sysctl->values[i], err) < 0)
            return -1;
    return 0;
}
