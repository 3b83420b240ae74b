#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "../util.h"

int sysctl_apply(const struct spec_strmap *sysctl, struct error *err)
{
    cleanup_close int dirfd = -1;
    struct statfs st;

    if (sysctl->count == 0)
        return 0;
    dirfd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* The rootfs is hostile: make sure /proc/sys is procfs, not a directory of the image. */
    if (dirfd < 0 || fstatfs(dirfd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC)
        return error_set(err, dirfd < 0 ? errno : EINVAL,
                         "config.json: linux.sysctl: /proc/sys is not procfs");
    for (size_t i = 0; i < sysctl->count; i++) {
        cleanup_free char *name = xstrdup(sysctl->keys[i]);
        if (strstr(name, "..") || name[0] == '/' || name[0] == '\0')
            return error_set(err, EINVAL, "config.json: linux.sysctl: invalid key \"%s\"",
                             sysctl->keys[i]);
        for (char *p = name; *p; p++)
            if (*p == '.')
                *p = '/';
        if (write_file_at(dirfd, name, sysctl->values[i], err) < 0)
            return error_prefix(err, "config.json: linux.sysctl.%s", sysctl->keys[i]);
    }
    return 0;
}
