/* Helpers shared by the cgroup files. */
#ifndef RUNC_GO_CGROUP_INTERNAL_H
#define RUNC_GO_CGROUP_INTERNAL_H

#include "cgroup.h"

/* Each cgroup hierarchy the host has mounted: its key in the path map, its mount point
 * and the caller's own cgroup in it (from /proc/self/cgroup). */
struct cgroup_hierarchy {
    char *key;        /* "cpu,cpuacct", "name=systemd", or "unified" */
    char *mountpoint; /* /sys/fs/cgroup/cpu,cpuacct */
    char *own_path;   /* /user.slice/... */
};

int cgroup_hierarchies(struct cgroup_hierarchy **out, size_t *count, struct error *err);
void cgroup_hierarchies_free(struct cgroup_hierarchy *list, size_t count);

/* v1 cpuset: a new cgroup has empty cpuset.cpus/mems and refuses tasks until set. */
int cgroup_v1_cpuset_init(const char *dir, struct error *err);

/* Freezes (true) or thaws a cgroup directory, v1 freezer.state or v2 cgroup.freeze. */
int cgroup_freeze_dir(const char *dir, bool v2, bool frozen);

#endif
