#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../util.h"
#include "mounts.h"
#include "path.h"

struct device_node {
    const char *path;
    char type; /* 'c', 'u', 'b' or 'p' */
    unsigned int major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    bool must_match; /* an existing file that is not this device is an error */
};

static const struct device_node default_devices[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0, false},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0, false},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0, false},    {"/dev/random", 'c', 1, 8, 0666, 0, 0, false},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0, false}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0, false},
};

static const struct {
    const char *target;
    const char *name;
} dev_links[] = {
    {"/proc/self/fd", "fd"},
    {"/proc/self/fd/0", "stdin"},
    {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"},
};

static int device_file_type(char type, mode_t *out)
{
    switch (type) {
    case 'c':
    case 'u':
        *out = S_IFCHR;
        return 0;
    case 'b':
        *out = S_IFBLK;
        return 0;
    case 'p':
        *out = S_IFIFO;
        return 0;
    default:
        return -1;
    }
}

/* mknod is refused in a user namespace (and by some LSMs): give the container the host's
 * node through a bind mount on an empty file instead. */
static int device_bind_host(int parent_fd, const char *name, const struct device_node *node,
                            struct error *err)
{
    cleanup_close int created =
        openat(parent_fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (created < 0)
        return error_set(err, errno, "create %s", node->path);
    cleanup_close int dest = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (dest < 0)
        return error_set(err, errno, "open %s", node->path);
    cleanup_close int mnt = mount_bind_at(AT_FDCWD, node->path, false, 0, 0, dest, err);
    return mnt < 0 ? -1 : 0;
}

static int device_check_existing(int parent_fd, const char *name, const struct device_node *node,
                                 mode_t file_type, dev_t dev, struct error *err)
{
    struct stat st;

    if (!node->must_match)
        return 0;
    if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "stat %s", node->path);
    if ((st.st_mode & S_IFMT) != file_type || (file_type != S_IFIFO && st.st_rdev != dev))
        return error_set(err, 0, "%s exists and is not the requested device", node->path);
    return 0;
}

static int device_create(int root_fd, const struct device_node *node, struct error *err)
{
    cleanup_free char *name = NULL;
    mode_t file_type;

    if (device_file_type(node->type, &file_type) < 0)
        return error_set(err, 0, "%s: unknown device type '%c'", node->path, node->type);
    dev_t dev = file_type == S_IFIFO ? 0 : makedev(node->major, node->minor);
    cleanup_close int parent_fd = path_open_parent_in_root(root_fd, node->path, &name, err);
    if (parent_fd < 0)
        return -1;
    if (mknodat(parent_fd, name, file_type | (node->mode & 07777), dev) < 0) {
        if (errno == EEXIST)
            return device_check_existing(parent_fd, name, node, file_type, dev, err);
        if (errno == EPERM)
            return device_bind_host(parent_fd, name, node, err);
        return error_set(err, errno, "mknod %s", node->path);
    }
    if (fchownat(parent_fd, name, node->uid, node->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "chown %s", node->path);
    return 0;
}

static int spec_device_node(const struct spec_device *device, size_t index,
                            struct device_node *node, struct error *err)
{
    if (device->path == NULL || device->type == NULL || strlen(device->type) != 1)
        return error_set(err, 0, "linux.devices[%zu]: path and type are required", index);
    if (device->type[0] != 'p' && (!device->has_major || !device->has_minor))
        return error_set(err, 0, "linux.devices[%zu]: major and minor are required", index);
    *node = (struct device_node){
        .path = device->path,
        .type = device->type[0],
        .major = (unsigned int)device->major,
        .minor = (unsigned int)device->minor,
        .mode = device->has_file_mode ? (mode_t)device->file_mode & 07777 : 0666,
        .uid = device->has_uid ? device->uid : 0,
        .gid = device->has_gid ? device->gid : 0,
        .must_match = true,
    };
    return 0;
}

static bool devices_list_path(const struct spec_device *devices, size_t count, const char *path)
{
    for (size_t i = 0; i < count; i++) {
        if (devices[i].path == NULL)
            continue;
        cleanup_free char *clean = path_clean(devices[i].path);
        if (strcmp(clean, path) == 0)
            return true;
    }
    return false;
}

static int devices_create_all(int root_fd, const struct spec_device *devices, size_t count,
                              struct error *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
        if (devices_list_path(devices, count, default_devices[i].path))
            continue;
        if (device_create(root_fd, &default_devices[i], err) < 0)
            return -1;
    }
    for (size_t i = 0; i < count; i++) {
        struct device_node node = {0};
        if (spec_device_node(&devices[i], i, &node, err) < 0)
            return -1;
        cleanup_free char *clean = path_clean(node.path);
        /* /dev/ptmx is the link to the container's own devpts instance, made below. */
        if (strcmp(clean, "/dev/ptmx") == 0)
            continue;
        if (device_create(root_fd, &node, err) < 0)
            return error_prefix(err, "linux.devices[%zu]", i);
    }
    return 0;
}

static int devices_links(int root_fd, struct error *err)
{
    cleanup_close int dev_fd = path_mkdir_all_in_root(root_fd, "/dev", 0755, err);
    if (dev_fd < 0)
        return -1;
    if (unlinkat(dev_fd, "ptmx", 0) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove /dev/ptmx");
    if (symlinkat("pts/ptmx", dev_fd, "ptmx") < 0)
        return error_set(err, errno, "symlink /dev/ptmx");
    for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
        if (symlinkat(dev_links[i].target, dev_fd, dev_links[i].name) < 0 && errno != EEXIST)
            return error_set(err, errno, "symlink /dev/%s", dev_links[i].name);
    }
    /* Kernels without CONFIG_PROC_KCORE have no /proc/kcore to point at. */
    if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev_fd, "core") < 0 &&
        errno != EEXIST)
        return error_set(err, errno, "symlink /dev/core");
    return 0;
}

int devices_setup(int root_fd, const struct spec_device *devices, size_t count, struct error *err)
{
    mode_t old_umask = umask(0);
    int ret = devices_create_all(root_fd, devices, count, err);
    if (ret == 0)
        ret = devices_links(root_fd, err);
    umask(old_umask);
    return ret < 0 ? error_prefix(err, "create devices") : 0;
}
