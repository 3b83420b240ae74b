#include "criu-mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util.h"
#include "mount-api.h"
#include "mounts.h"
#include "path.h"

/* The nodes create makes in every container's /dev (devices.c), besides linux.devices. */
static const char *const default_device_paths[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static void map_add(struct criu_mount_map *map, const char *key, const char *value)
{
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->items[i].key, key) == 0)
            return; /* a later mount on the same destination hides the first */
    map->items = xrealloc(map->items, (map->count + 1) * sizeof *map->items);
    map->items[map->count].key = xstrdup(key);
    map->items[map->count].value = xstrdup(value);
    map->count++;
}

static char *bind_source(const struct spec_mount *m, const char *bundle)
{
    const char *source = m->source ? m->source : "";
    return source[0] == '/' ? xstrdup(source) : xasprintf("%s/%s", bundle, source);
}

/* Every external mount: (destination, host source). */
static void external_mounts(const struct spec *spec, const char *bundle, struct criu_mount_map *map)
{
    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        if (!spec_mount_is_bind(m))
            continue;
        cleanup_free char *dest = path_clean(m->destination);
        cleanup_free char *source = bind_source(m, bundle ? bundle : "");
        map_add(map, dest, source);
    }
    for (size_t i = 0; i < ARRAY_SIZE(default_device_paths); i++)
        map_add(map, default_device_paths[i], default_device_paths[i]);
    for (size_t i = 0; i < spec->linux_.devices_count; i++) {
        cleanup_free char *dest = path_clean(spec->linux_.devices[i].path);
        map_add(map, dest, dest);
    }
}

void criu_mount_map_dump(const struct spec *spec, struct criu_mount_map *map)
{
    external_mounts(spec, NULL, map);
    for (size_t i = 0; i < map->count; i++) {
        free((char *)map->items[i].value);
        map->items[i].value = xstrdup(map->items[i].key);
    }
}

void criu_mount_map_restore(const struct spec *spec, const char *bundle, struct criu_mount_map *map)
{
    external_mounts(spec, bundle, map);
}

void criu_mount_map_free(struct criu_mount_map *map)
{
    for (size_t i = 0; i < map->count; i++) {
        free((char *)map->items[i].key);
        free((char *)map->items[i].value);
    }
    free(map->items);
    map->items = NULL;
    map->count = 0;
}

static bool under_tmpfs(const struct spec *spec, const char *dest)
{
    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        if (!m->type || strcmp(m->type, "tmpfs") != 0)
            continue;
        cleanup_free char *tmpfs = path_clean(m->destination);
        size_t len = strlen(tmpfs);
        if (strncmp(dest, tmpfs, len) == 0 && dest[len] == '/')
            return true;
    }
    return false;
}

int criu_prepare_mount_points(const struct spec *spec, const char *rootfs, const char *bundle,
                              struct error *err)
{
    cleanup_close int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (root_fd < 0)
        return error_set(err, errno, "open rootfs %s", rootfs);
    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        cleanup_free char *dest = path_clean(m->destination);
        cleanup_close int fd = -1;
        struct stat st;
        bool file = false;

        /* cgroup: the mount point appears with /sys; tmpfs content comes from the images */
        if ((m->type && strcmp(m->type, "cgroup") == 0) || under_tmpfs(spec, dest))
            continue;
        if (spec_mount_is_bind(m)) {
            cleanup_free char *source = bind_source(m, bundle);
            file = stat(source, &st) == 0 && !S_ISDIR(st.st_mode);
        }
        fd = file ? path_create_file_in_root(root_fd, dest, 0644, err)
                  : path_mkdir_all_in_root(root_fd, dest, 0755, err);
        if (fd < 0)
            return error_prefix(err, "config.json: mounts[%zu]: mount point %s", i, dest);
    }
    return 0;
}

void criu_remove_cgroup_yard(const char *dir)
{
    cleanup_mountinfo struct mountinfo info = {0};
    struct error ignored;
    char resolved[PATH_MAX];

    if (!dir || !realpath(dir, resolved) || mountinfo_read(&info, &ignored) < 0)
        return;
    /* the last mounted first: the hierarchies before the yard's tmpfs */
    for (size_t i = info.count; i-- > 0;) {
        const char *mp = info.entries[i].mount_point;
        size_t len = strlen(resolved);
        if (strncmp(mp, resolved, len) == 0 && strncmp(mp + len, "/.criu.cgyard.", 14) == 0)
            umount2(mp, MNT_DETACH);
    }
    for (size_t i = 0; i < info.count; i++) {
        const char *mp = info.entries[i].mount_point;
        size_t len = strlen(resolved);
        if (strncmp(mp, resolved, len) == 0 && strncmp(mp + len, "/.criu.cgyard.", 14) == 0 &&
            !strchr(mp + len + 1, '/'))
            rmdir(mp);
    }
}

int criu_bind_root(const char *rootfs, const char *target, struct error *err)
{
    if (mkdir(target, 0755) < 0)
        return error_set(err, errno, "mkdir %s", target);
    if (mount(rootfs, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
        int e = errno;
        rmdir(target);
        return error_set(err, e, "bind mount %s on %s", rootfs, target);
    }
    return 0;
}

void criu_unbind_root(const char *target)
{
    umount2(target, MNT_DETACH);
    rmdir(target);
}
