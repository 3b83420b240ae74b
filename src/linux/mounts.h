/* Mounting inside the container's mount namespace: the kernel primitives (all by fd, so a
 * destination is never looked up again by name), the mount table, and the config's mounts[]
 * entries. */
#ifndef RUNC_GO_MOUNTS_H
#define RUNC_GO_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../spec/spec.h"

/* mount(2) of a new filesystem onto the object dest_fd refers to, through /proc/self/fd:
 * only while a /proc is visible (before the root is switched). */
int mount_fs_at(int dest_fd, const char *source, const char *fstype, unsigned long flags,
                const char *data, struct error *err);

/* Bind mount: clones the tree at src_dir_fd/src_path (src_path "" for src_dir_fd itself;
 * all of it when recursive), applies the per-mount flags of `flags` (MS_RDONLY, MS_NOSUID, ...)
 * to the clone's top mount, then attaches it on dest_fd. Setting the flags on the detached
 * clone replaces the classic bind + MS_REMOUNT pair and keeps the flags the source mount has
 * (nosuid/nodev are locked in a user namespace). Returns an fd of the new mount. */
int mount_bind_at(int src_dir_fd, const char *src_path, bool recursive, unsigned long flags,
                  unsigned long cleared, int dest_fd, struct error *err);

/* An empty read-only tmpfs on dest_fd: what masks a directory. */
int mount_empty_tmpfs_readonly_at(int dest_fd, struct error *err);

/* mount_setattr(2) on the mount whose root mount_fd is. */
int mount_set_attr(int mount_fd, bool recursive, uint64_t attr_set, uint64_t attr_clr,
                   struct error *err);

/* Propagation change (MS_SHARED, MS_SLAVE | MS_REC, ...) of the mount whose root mount_fd is. */
int mount_set_propagation(int mount_fd, unsigned long propagation, struct error *err);

/* One line of /proc/self/mountinfo; the strings point into `line`. */
struct mountinfo_entry {
    char *line;
    char *root;
    char *mount_point;
    char *optional; /* "shared:1 master:2", "" when none */
    char *fstype;
    char *source;
    char *super_options;
};

struct mountinfo {
    struct mountinfo_entry *entries;
    size_t count;
};

int mountinfo_read(struct mountinfo *out, struct error *err);
void mountinfo_release(struct mountinfo *mountinfo);
#define cleanup_mountinfo __attribute__((cleanup(mountinfo_release)))

/* The mount that path (absolute, canonical) lives on: the longest mount point prefix, the
 * topmost when several are stacked. */
const struct mountinfo_entry *mountinfo_find_containing(const struct mountinfo *mountinfo,
                                                        const char *path);

struct mounts_context {
    int root_fd;         /* the rootfs, the root of every destination lookup */
    const char *rootfs;  /* its canonical host path, for the /proc destination checks */
    bool cgroup_ns;      /* the container has its own cgroup namespace */
    const int *tree_fds; /* per mounts[] index: an idmapped mount the runtime made (detached),
                          * or -1; NULL when there are none */
    /* Destinations of tmpfs and /dev mounts asked to be "ro": mounted writable so that the
     * devices and later mount points can be made in them, read-only at mounts_finish(). */
    char **deferred_readonly;
    size_t deferred_readonly_count;
};

/* Mounts config.json's mounts[index] (source relative to the cwd, the bundle), destination
 * resolved inside the rootfs. Errors read "mount mounts[3] /proc (proc): <reason>". */
int mounts_setup_entry(struct mounts_context *ctx, const struct spec_mount *mount, size_t index,
                       struct error *err);

/* An idmapped bind mount of source, detached, with the mount's flags: made by the runtime,
 * where it has CAP_SYS_ADMIN over the source's filesystem (a container's init in its own user
 * namespace has not), and attached by the init. The files show the ids of userns_fd's maps. */
struct mount_options;
int mount_idmapped_tree(const char *source, const struct mount_options *opts, int userns_fd,
                        struct error *err);

/* Makes the deferred read-only mounts read-only, once everything is created in them. */
int mounts_finish(struct mounts_context *ctx, struct error *err);

void mounts_context_release(struct mounts_context *ctx);

#endif
