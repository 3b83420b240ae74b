/* The container's filesystem view: rootfs, mounts, /dev, pivot_root, readonly root,
 * masked and readonly paths. Runs inside the container's init, in its new mount namespace,
 * after the namespaces are set up and before the user's process is executed. */
#ifndef RUNC_GO_ROOTFS_H
#define RUNC_GO_ROOTFS_H

#include <stdbool.h>

#include "../error.h"
#include "../spec/spec.h"

struct rootfs_options {
    const struct spec *spec;
    const char *rootfs;        /* absolute, canonical path of the rootfs on the host */
    bool no_pivot;             /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
    const int *mount_tree_fds; /* per mounts[] index: idmapped mounts made by the runtime */
    /* Called after the mounts, before the root switch (prestart, createRuntime and
     * createContainer hooks run there); may be NULL. */
    int (*before_pivot)(void *data, struct error *err);
    void *before_pivot_data;
};

/* Prepares the whole filesystem view and switches the root to it:
 * 1. makes / recursively slave (as runc; or per linux.rootfsPropagation);
 * 2. bind-mounts the rootfs onto itself so it is a mount point;
 * 3. mounts every entry of spec->mounts, each destination resolved inside the rootfs;
 * 4. creates /dev as runc does (default devices, linux.devices, /dev/pts/ptmx, /dev/fd and
 *    std* links) when /dev is a fresh tmpfs;
 * 5. pivot_root (or move + chroot with no_pivot) and detaches the old root;
 * 6. applies rootfsPropagation to /, writes linux.sysctl, makes linux.readonlyPaths
 *    read-only, masks linux.maskedPaths, remounts / read-only when root.readonly.
 * On return the cwd is the new "/". */
int rootfs_setup(const struct rootfs_options *options, struct error *err);

#endif
