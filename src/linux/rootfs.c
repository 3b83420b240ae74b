#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../log.h"
#include "../util.h"
#include "devices.h"
#include "masked-paths.h"
#include "mount-api.h"
#include "mount-options.h"
#include "mounts.h"
#include "path.h"
#include "sysctl.h"

#define cleanup_mounts_context __attribute__((cleanup(mounts_context_release)))

static bool spec_has_namespace(const struct spec *spec, enum spec_namespace_type type)
{
    for (size_t i = 0; i < spec->linux_.namespaces_count; i++) {
        if (spec->linux_.namespaces[i].type == type)
            return true;
    }
    return false;
}

/* pivot_root(2) refuses a new root whose parent mount is shared, and a bind mount under a
 * shared parent would propagate to the host: make that parent private first (runc's
 * rootfsParentMountPrivate). */
static int make_parent_mount_private(const char *rootfs, struct error *err)
{
    cleanup_mountinfo struct mountinfo mountinfo = {0};

    if (mountinfo_read(&mountinfo, err) < 0)
        return -1;
    const struct mountinfo_entry *parent = mountinfo_find_containing(&mountinfo, rootfs);
    if (parent == NULL)
        return error_set(err, 0, "no mount contains %s", rootfs);
    if (strstr(parent->optional, "shared:") == NULL)
        return 0;
    if (mount(NULL, parent->mount_point, NULL, MS_PRIVATE, NULL) < 0)
        return error_set(err, errno, "make %s private", parent->mount_point);
    return 0;
}

/* As runc's prepareRoot: / gets rootfsPropagation (default rslave, so that nothing we mount
 * reaches the host while host mounts still reach us), then the rootfs becomes a mount point. */
static int prepare_root(const char *rootfs, unsigned long propagation, struct error *err)
{
    unsigned long flags = propagation ? propagation : MS_SLAVE | MS_REC;

    if (mount(NULL, "/", NULL, flags, NULL) < 0)
        return error_set(err, errno, "set propagation of /");
    if (make_parent_mount_private(rootfs, err) < 0)
        return -1;
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return error_set(err, errno, "bind %s onto itself", rootfs);
    return 0;
}

static int setup_mounts(int root_fd, const struct rootfs_options *options, struct error *err)
{
    const struct spec *spec = options->spec;
    cleanup_mounts_context struct mounts_context ctx = {
        .root_fd = root_fd,
        .rootfs = options->rootfs,
        .cgroup_ns = spec_has_namespace(spec, SPEC_NS_CGROUP),
        .tree_fds = options->mount_tree_fds,
    };
    bool dev_is_bind = false;

    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        if (mounts_setup_entry(&ctx, m, i, err) < 0)
            return -1;
        cleanup_free char *dest = path_clean(m->destination);
        dev_is_bind = dev_is_bind || (spec_mount_is_bind(m) && strcmp(dest, "/dev") == 0);
    }
    /* A /dev bound from elsewhere (the host's) is used as it is: nodes made in it would
     * appear there too. */
    if (!dev_is_bind &&
        devices_setup(root_fd, spec->linux_.devices, spec->linux_.devices_count, err) < 0)
        return -1;
    return mounts_finish(&ctx, err);
}

/* pivot_root(".", ".") stacks the old root on top of the new one, so no directory for it is
 * needed in the image; it is then detached from the cwd it leaves us in. */
static int pivot_into(const char *rootfs, struct error *err)
{
    cleanup_close int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0)
        return error_set(err, errno, "open /");
    cleanup_close int new_root = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (new_root < 0)
        return error_set(err, errno, "open %s", rootfs);
    if (fchdir(new_root) < 0)
        return error_set(err, errno, "chdir %s", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return error_set(err, errno, "pivot_root %s", rootfs);
    if (fchdir(old_root) < 0)
        return error_set(err, errno, "chdir to the old root");
    /* A slave's unmounts do not propagate: detaching the old root must not unmount anything
     * in the host's namespace through a shared peer group. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return error_set(err, errno, "make the old root a slave");
    if (umount2(".", MNT_DETACH) < 0)
        return error_set(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return error_set(err, errno, "chdir /");
    return 0;
}

/* --no-pivot: the host's mounts stay under the moved rootfs. A host procfs or sysfs there
 * would let the container mount a fresh one without the masks (runc's msMoveRoot): detach
 * them, or cover them where we may not. */
static int hide_host_proc_and_sys(const char *rootfs, struct error *err)
{
    cleanup_mountinfo struct mountinfo mountinfo = {0};

    if (mountinfo_read(&mountinfo, err) < 0)
        return -1;
    for (size_t i = mountinfo.count; i-- > 0;) {
        const struct mountinfo_entry *entry = &mountinfo.entries[i];
        const char *mp = entry->mount_point;
        size_t len = strlen(rootfs);
        if ((strcmp(entry->fstype, "proc") != 0 && strcmp(entry->fstype, "sysfs") != 0) ||
            (strncmp(mp, rootfs, len) == 0 && (mp[len] == '\0' || mp[len] == '/')))
            continue;
        if (mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
            if (errno == ENOENT) /* under a mount detached already */
                continue;
            return error_set(err, errno, "make %s a slave", mp);
        }
        if (umount2(mp, MNT_DETACH) == 0)
            continue;
        if ((errno != EINVAL && errno != EPERM) || mount("tmpfs", mp, "tmpfs", 0, NULL) < 0)
            return error_set(err, errno, "hide %s", mp);
    }
    return 0;
}

static int move_into(const char *rootfs, struct error *err)
{
    if (hide_host_proc_and_sys(rootfs, err) < 0)
        return -1;
    if (chdir(rootfs) < 0)
        return error_set(err, errno, "chdir %s", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return error_set(err, errno, "move %s to /", rootfs);
    if (chroot(".") < 0)
        return error_set(err, errno, "chroot %s", rootfs);
    if (chdir("/") < 0)
        return error_set(err, errno, "chdir /");
    return 0;
}

/* Standard streams still on the host's /dev/null would keep a host file open in the container
 * (runc's reOpenDevNull): point them at the container's. */
static int reopen_dev_null(struct error *err)
{
    struct stat null_st, st;
    /* After the switch, / is the container's: a plain open cannot leave it. */
    cleanup_close int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null_fd < 0 && errno == ENOENT)
        return 0;
    if (null_fd < 0 || fstat(null_fd, &null_st) < 0)
        return error_set(err, errno, "open /dev/null");
    for (int fd = 0; fd < 3; fd++) {
        if (fstat(fd, &st) < 0)
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev && dup3(null_fd, fd, 0) < 0)
            return error_set(err, errno, "reopen fd %d on /dev/null", fd);
    }
    return 0;
}

static int finish_root(const struct spec *spec, unsigned long propagation, struct error *err)
{
    cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (root_fd < 0)
        return error_set(err, errno, "open /");
    /* Applied now rather than before the switch: it is the new / that must get it. */
    if (propagation && mount(NULL, "/", NULL, propagation, NULL) < 0)
        return error_set(err, errno, "linux.rootfsPropagation: set propagation of /");
    if (spec->has_process && spec->process.cwd != NULL) {
        cleanup_close int cwd = path_mkdir_all_in_root(root_fd, spec->process.cwd, 0755, err);
        if (cwd < 0)
            return error_prefix(err, "process.cwd");
    }
    /* Before readonlyPaths: the default config makes /proc/sys read-only. */
    if (sysctl_apply(&spec->linux_.sysctl, err) < 0)
        return -1;
    if (readonly_paths_apply(root_fd, spec->linux_.readonly_paths,
                             spec->linux_.readonly_paths_count, err) < 0 ||
        masked_paths_apply(root_fd, spec->linux_.masked_paths, spec->linux_.masked_paths_count,
                           err) < 0)
        return -1;
    /* mount_setattr keeps every other flag of the mount (locked ones included), which a
     * MS_REMOUNT would have to restate. */
    if (spec->root_readonly && mount_set_attr(root_fd, false, MOUNT_ATTR_RDONLY, 0, err) < 0)
        return error_prefix(err, "root.readonly");
    return 0;
}

static int root_propagation(const struct spec *spec, unsigned long *propagation, struct error *err)
{
    const char *name = spec->linux_.rootfs_propagation;

    *propagation = 0;
    if (name == NULL || name[0] == '\0')
        return 0;
    if (mount_propagation_parse(name, propagation) < 0)
        return error_set(err, 0, "linux.rootfsPropagation: unknown value \"%s\"", name);
    return 0;
}

int rootfs_setup(const struct rootfs_options *options, struct error *err)
{
    const struct spec *spec = options->spec;
    unsigned long propagation;

    if (options->rootfs == NULL || options->rootfs[0] != '/')
        return error_set(err, 0, "rootfs: expected an absolute path");
    if (root_propagation(spec, &propagation, err) < 0)
        return -1;
    if (prepare_root(options->rootfs, propagation, err) < 0)
        return error_prefix(err, "prepare rootfs");
    /* Opened after the bind: every lookup starts on the rootfs mount itself. */
    cleanup_close int root_fd = open(options->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return error_set(err, errno, "open rootfs %s", options->rootfs);
    /* --debug: the init logs its phases itself (the same log as the runtime's). */
    unsigned long long started = log_clock();
    if (setup_mounts(root_fd, options, err) < 0)
        return -1;
    log_step(started, "init", "mounts and devices", 0);
    if (options->before_pivot && options->before_pivot(options->before_pivot_data, err) < 0)
        return -1;
    started = log_clock();
    if ((options->no_pivot ? move_into(options->rootfs, err) : pivot_into(options->rootfs, err)) <
        0)
        return error_prefix(err, "switch root");
    if (reopen_dev_null(err) < 0)
        return -1;
    int result = finish_root(spec, propagation, err);
    log_step(started, "init", "pivot_root, masked and read-only paths", result);
    return result;
}
