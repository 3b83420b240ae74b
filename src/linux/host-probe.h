/* What this host offers a container, for `runc-go check`: the kernel, the cgroup layout and
 * its controllers, user namespaces and the caller's subordinate ids, seccomp, the LSMs and the
 * newer system calls. Every probe only reads files or makes a call that fails harmlessly
 * (ENOSYS tells a missing system call from EINVAL/EBADF of an existing one): nothing is
 * created. */
#ifndef RUNC_GO_HOST_PROBE_H
#define RUNC_GO_HOST_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "../spec/features.h"
#include "../spec/spec.h"
#include "cgroup.h"

enum host_answer { HOST_NO, HOST_YES, HOST_UNKNOWN };

struct host_id_range {
    uint64_t start, count;
};

/* A v1 hierarchy as /proc/self/mountinfo shows it. */
struct host_cgroup_hierarchy {
    char *key;        /* "cpu,cpuacct", "name=systemd" */
    char *mountpoint; /* /sys/fs/cgroup/cpu,cpuacct */
};

struct host_syscalls {
    bool mount_setattr, pidfd_open, clone3, openat2, fsopen, set_mempolicy;
};

struct host_probe {
    char kernel[65];  /* uname -r */
    char machine[65]; /* uname -m */

    enum cgroup_mode cgroup_mode;
    bool has_cgroup; /* any hierarchy mounted at all */
    struct host_cgroup_hierarchy *v1_hierarchies;
    size_t v1_hierarchies_count;
    struct spec_name_list v1_controllers; /* every controller of those, mountinfo order */
    char *v2_mountpoint;                  /* NULL: no cgroup2 where runc-go uses one */
    struct spec_name_list v2_controllers; /* the v2 root's cgroup.controllers */
    struct spec_name_list v2_delegated;   /* the v2 root's cgroup.subtree_control */
    /* files of the v1 roots that only some kernels have (false without the hierarchy) */
    bool v1_kernel_tcp; /* memory.kmem.tcp.limit_in_bytes */
    bool v1_cpu_rt;     /* cpu.rt_runtime_us: CONFIG_RT_GROUP_SCHED */
    bool v1_cpu_burst;  /* cpu.cfs_burst_us: Linux 5.14 */
    bool v1_cpu_idle;   /* cpu.idle: Linux 5.15 */
    enum host_answer swap_accounting;
    const char *swap_accounting_source;   /* what the answer was read from */
    struct spec_name_list hugepage_sizes; /* "2MB", "1GB" */

    bool namespaces[SPEC_NS_COUNT]; /* /proc/self/ns/<type> exists */
    long long max_user_namespaces;  /* -1: no such file */
    int unprivileged_userns_clone;  /* -1: no such sysctl (upstream kernels) */
    char *user;                     /* the caller's name (or uid when it has none) */
    struct host_id_range *subuids, *subgids;
    size_t subuids_count, subgids_count;

    bool seccomp;        /* seccomp filters (SECCOMP_GET_ACTION_AVAIL answers) */
    bool seccomp_notify; /* the kernel's user notification (SECCOMP_GET_NOTIF_SIZES) */
    char libseccomp[32]; /* "2.5.4" */
    unsigned int libseccomp_api;

    bool apparmor, selinux;
    struct host_syscalls syscalls;
    bool overlayfs;
    struct spec_name_list filesystems; /* /proc/filesystems */
    bool intel_rdt;                    /* resctrl mounted at /sys/fs/resctrl */
    unsigned int capabilities;         /* how many the kernel knows (cap_last_cap + 1) */
    /* checkpoint/restore: CRIU found, its version, whether `criu check` passes (else why) */
    bool criu_installed, criu_works;
    char criu_version[16];
    char criu_reason[256];
};

/* Fills probe from the running host. Free with host_probe_free(). */
void host_probe(struct host_probe *probe);
void host_probe_free(struct host_probe *probe);

bool host_list_has(const struct spec_name_list *list, const char *name);
/* The hierarchy's key names the controller ("memory" in "cpu,memory"). */
bool host_hierarchy_has(const struct host_cgroup_hierarchy *h, const char *controller);
/* User namespaces can be made: the kernel has them and max_user_namespaces is not 0. */
bool host_user_namespaces(const struct host_probe *probe);
/* The sysctl ("net.ipv4.ip_forward" or "net/ipv4/ip_forward") is in this host's /proc/sys. */
bool host_sysctl_exists(const char *key);
/* The namespace's name in /proc/self/ns ("mnt" for SPEC_NS_MOUNT). */
const char *host_namespace_proc_name(enum spec_namespace_type type);

#endif
