#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../util.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static bool is_set(const char *value)
{
    return value != NULL && value[0] != '\0';
}

bool lsm_apparmor_enabled(void)
{
    char enabled = 'N';
    cleanup_close int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

    return fd >= 0 && read(fd, &enabled, 1) == 1 && enabled == 'Y';
}

bool lsm_selinux_enabled(void)
{
    struct statfs st;
    char current[16] = "";
    cleanup_close int fd = -1;

    if (statfs("/sys/fs/selinux", &st) < 0 || st.f_type != (typeof(st.f_type))SELINUX_MAGIC)
        return false;
    /* As go-selinux: selinuxfs mounted and a task label other than "kernel". */
    fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
    return fd >= 0 && read(fd, current, sizeof current - 1) > 0 && strcmp(current, "kernel") != 0;
}

int lsm_check(const struct spec_process *process, struct error *err)
{
    if (is_set(process->apparmor_profile) && !lsm_apparmor_enabled())
        return error_set(err, 0,
                         "config.json: process.apparmorProfile: apparmor failed to apply "
                         "profile \"%s\": apparmor is not enabled on this host (boot with "
                         "apparmor=1 security=apparmor, or remove the field)",
                         process->apparmor_profile);
    if (is_set(process->selinux_label) && !lsm_selinux_enabled())
        return error_set(err, 0,
                         "config.json: process.selinuxLabel: selinux label is specified in "
                         "config, but selinux is disabled or not supported");
    return 0;
}

int lsm_check_mount_label(const char *mount_label, struct error *err)
{
    if (!is_set(mount_label))
        return 0;
    if (!lsm_selinux_enabled())
        return error_set(err, 0,
                         "config.json: linux.mountLabel: a mount label is specified, but "
                         "selinux is disabled or not supported");
    return error_set(err, ENOTSUP,
                     "config.json: linux.mountLabel: mount labels are not supported "
                     "yet");
}

/* Opens the first existing candidate for writing; refuses anything that is not procfs. */
static int open_attr(const char *const *candidates, struct error *err)
{
    struct statfs st;

    for (const char *const *path = candidates; *path; path++) {
        cleanup_close int fd = open(*path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 && errno == ENOENT && path[1])
            continue;
        if (fd < 0)
            return error_set(err, errno, "open %s", *path);
        if (fstatfs(fd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC)
            return error_set(err, 0, "%s is not on procfs", *path);
        return take_fd(&fd);
    }
    return error_set(err, ENOENT, "no attr file");
}

void lsm_close(struct lsm_handles *handles)
{
    if (handles->apparmor_fd >= 0)
        close(handles->apparmor_fd);
    if (handles->selinux_fd >= 0)
        close(handles->selinux_fd);
    handles->apparmor_fd = handles->selinux_fd = -1;
}

int lsm_open(const struct spec_process *process, struct lsm_handles *handles, struct error *err)
{
    /* The AppArmor-specific file first: with stacked LSMs attr/exec may be another's. */
    static const char *const apparmor[] = {"/proc/self/attr/apparmor/exec", "/proc/self/attr/exec",
                                           NULL};
    static const char *const selinux[] = {"/proc/self/attr/exec", NULL};

    handles->apparmor_fd = handles->selinux_fd = -1;
    if (is_set(process->apparmor_profile)) {
        handles->apparmor_fd = open_attr(apparmor, err);
        if (handles->apparmor_fd < 0)
            return error_prefix(err, "apparmor failed to apply profile");
    }
    if (is_set(process->selinux_label)) {
        handles->selinux_fd = open_attr(selinux, err);
        if (handles->selinux_fd < 0) {
            lsm_close(handles);
            return error_prefix(err, "set selinux label");
        }
    }
    return 0;
}

int lsm_apply(const struct spec_process *process, struct lsm_handles *handles, struct error *err)
{
    int result = 0;

    if (handles->apparmor_fd >= 0) {
        cleanup_free char *value = xasprintf("exec %s", process->apparmor_profile);
        if (write(handles->apparmor_fd, value, strlen(value)) < 0)
            result = error_set(err, errno,
                               "apparmor failed to apply profile \"%s\": write "
                               "attr/exec",
                               process->apparmor_profile);
    }
    if (result == 0 && handles->selinux_fd >= 0 &&
        write(handles->selinux_fd, process->selinux_label, strlen(process->selinux_label)) < 0)
        result = error_set(err, errno, "set selinux label \"%s\": write attr/exec",
                           process->selinux_label);
    lsm_close(handles);
    return result;
}
