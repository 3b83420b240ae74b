/* The mounts CRIU needs around a container: which of the config's mounts come from outside
 * (CRIU must be told, on dump and on restore), and the rootfs prepared for a restore. */
#ifndef RUNC_GO_CRIU_MOUNTS_H
#define RUNC_GO_CRIU_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../spec/spec.h"
#include "criu-rpc.h"

/* ext_mount_map entries: allocated strings. */
struct criu_mount_map {
    struct criu_key_value *items;
    size_t count;
};

/* The config's bind mounts and device nodes: CRIU cannot dump a mount whose source lies
 * outside the container, so each is named after its destination. On dump the key is the
 * mount point and the value the name saved in the images (the destination again); on
 * restore the key is that name and the value the host path to mount. A device node made by
 * mknod is no mount at all: CRIU ignores the entry. */
void criu_mount_map_dump(const struct spec *spec, struct criu_mount_map *map);
void criu_mount_map_restore(const struct spec *spec, const char *bundle,
                            struct criu_mount_map *map);
void criu_mount_map_free(struct criu_mount_map *map);

/* CRIU restores the mount namespace itself but wants the mount points to exist in the
 * rootfs, as create would have made them (a fresh copy of an image may lack them). Mount
 * points under a tmpfs mount are left alone: CRIU restores the tmpfs with its content. */
int criu_prepare_mount_points(const struct spec *spec, const char *rootfs, const char *bundle,
                              struct error *err);

/* CRIU mounts its "cgroup yard" (.criu.cgyard.XXXXXX, a tmpfs with the hierarchies) in the
 * images or work directory, in our mount namespace, and leaves it there when it fails
 * half-way: unmounted here (dir: that directory, absolute or relative to the cwd). */
void criu_remove_cgroup_yard(const char *dir);

/* CRIU wants the root to be a mount point whose parent is not over-mounted: the rootfs
 * bind-mounted (recursively) on target, a directory in the state dir. */
int criu_bind_root(const char *rootfs, const char *target, struct error *err);
void criu_unbind_root(const char *target);

#endif
