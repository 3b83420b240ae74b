/* The cgroup backends and the helpers they share.
 *
 * One backend per host layout, behind a table of function pointers (crun's
 * cgroup-internal.h idea): v1 (one hierarchy per controller set), v2 (the unified tree) and
 * hybrid, composed of the two (v1 for the controllers, v2 for membership of the unified
 * tree and for what only it offers there, hugetlb on this kind of host). Every operation
 * gets the container's whole path map; a backend picks the entries it owns. */
#ifndef RUNC_GO_CGROUP_INTERNAL_H
#define RUNC_GO_CGROUP_INTERNAL_H

#include "cgroup.h"

/* One application of linux.resources. */
struct cgroup_apply {
    const struct spec_resources *r;
    bool update;        /* `update`: device rules untouched, checkBeforeUpdate honoured */
    const char *origin; /* what errors start with: "config.json: linux.resources" */
};

struct cgroup_backend {
    const char *name;
    /* mkdir the directories (and what a new cgroup needs before it takes tasks). */
    int (*create)(const struct spec_strmap *paths, struct error *err);
    int (*enter)(const struct spec_strmap *paths, pid_t pid, struct error *err);
    int (*apply)(const struct spec_strmap *paths, const struct cgroup_apply *a, struct error *err);
    int (*freeze)(const struct spec_strmap *paths, bool frozen, struct error *err);
    /* 1 frozen, 0 thawed, -1 no freezer. */
    int (*frozen)(const struct spec_strmap *paths);
    int (*pids)(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err);
    int (*kill)(const struct spec_strmap *paths, int sig, struct error *err);
    int (*stats)(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err);
    int (*oom_watch)(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                     struct error *err);
    int (*destroy)(const struct spec_strmap *paths, struct error *err);
};

extern const struct cgroup_backend cgroup_backend_v1, cgroup_backend_v2, cgroup_backend_hybrid;

/* Each cgroup hierarchy the host has mounted: its key in the path map, its mount point
 * and the caller's own cgroup in it (from /proc/self/cgroup). */
struct cgroup_hierarchy {
    char *key;        /* "cpu,cpuacct", "name=systemd", or "unified" */
    char *mountpoint; /* /sys/fs/cgroup/cpu,cpuacct */
    char *own_path;   /* /user.slice/... */
};

int cgroup_hierarchies(struct cgroup_hierarchy **out, size_t *count, struct error *err);
void cgroup_hierarchies_free(struct cgroup_hierarchy *list, size_t count);

/* ------------------------------------------------------------- directories of a map */

/* The v1 directory of the hierarchy holding `controller` ("memory", "cpu"), or NULL. */
const char *cgroup_v1_dir(const struct spec_strmap *paths, const char *controller);
/* The unified directory, or NULL. */
const char *cgroup_unified_dir(const struct spec_strmap *paths);
/* Where the v2 tree is mounted on this host (/sys/fs/cgroup or /sys/fs/cgroup/unified). */
const char *cgroup_v2_mountpoint(void);
/* True for every key except the unified one. */
bool cgroup_is_v1_key(const char *key);
/* word is one of the space-separated words of list ("cpu" in "cpuset cpu io"). */
bool cgroup_word_in(const char *list, const char *word);
/* The controllers enabled in a v2 directory contain `controller`. */
bool cgroup_v2_has_controller(const char *dir, const char *controller);

/* ------------------------------------------------------------------- device rules */

struct cgroup_device_rule {
    bool allow;
    char type;            /* 'a' (all devices), 'c', 'b' */
    int64_t major, minor; /* -1: any */
    const char *access;   /* "rwm" subset */
};

/* The full ordered list a container gets: deny-all, the spec's rules, runc's defaults.
 * Errors start with origin ("config.json: linux.resources"). */
int cgroup_device_rules(const struct spec_resources *r, const char *origin,
                        struct cgroup_device_rule **out, size_t *count, struct error *err);

/* ------------------------------------------------------------------- file helpers */

int cgroup_mkdir_p(const char *dir, struct error *err);
/* Writes value to dir/file; the error names the file ("write DIR/FILE: strerror"). */
int cgroup_write(const char *dir, const char *file, const char *value, struct error *err);
int cgroup_write_pid(const char *dir, pid_t pid, struct error *err);
bool cgroup_file_exists(const char *dir, const char *file);
/* The file's content (trailing newline removed), or NULL. */
char *cgroup_read(const char *dir, const char *file);
/* A number file; "max" reads as UINT64_MAX, a negative number as 0 (runc). */
int cgroup_read_u64(const char *dir, const char *file, uint64_t *value);
/* The value of `key` in a "key value" per line file (memory.events, cpu.stat). */
int cgroup_read_keyed(const char *dir, const char *file, const char *key, uint64_t *value);
/* Appends the pids of dir and its sub-cgroups. */
void cgroup_collect_pids(const char *dir, pid_t **pids, size_t *count);
/* rmdir of dir and its sub-cgroups, retrying while the kernel tears tasks down. */
int cgroup_remove_tree(const char *dir);

/* ----------------------------------------------------------- resources, per version */

/* The error of one resource field: "<origin>.<field>: " before err's message. */
int cgroup_field_error(const struct cgroup_apply *a, const char *field, struct error *err);
/* Writes one resource file; the error names the field. */
int cgroup_set(const struct cgroup_apply *a, const char *dir, const char *file, const char *value,
               const char *field, struct error *err);
/* linux.resources.rdma: one rdma.max line per device, the same on v1 and v2. */
int cgroup_set_rdma(const struct cgroup_apply *a, const char *dir, struct error *err);
/* linux.resources.cpu.cpus and .mems, the same files on v1 (the cpuset hierarchy) and v2. */
int cgroup_set_cpuset(const struct cgroup_apply *a, const char *dir, const struct spec_cpu *c,
                      struct error *err);
int cgroup_set_int(const struct cgroup_apply *a, const char *dir, const char *file, long long value,
                   const char *field, struct error *err);
/* memory.checkBeforeUpdate: refuse a limit at or below the current usage (runc's text). */
int cgroup_check_memory_usage(const struct cgroup_apply *a, const char *dir, const char *usage_file,
                              struct error *err);
/* Checks every hugepage size against the host's and returns the kernel's name. */
int cgroup_hugepage_name(const struct cgroup_apply *a, size_t index, char **name,
                         struct error *err);

int cgroup_v1_apply(const struct spec_strmap *paths, const struct cgroup_apply *a,
                    struct error *err);
int cgroup_v2_apply(const char *dir, const struct cgroup_apply *a, struct error *err);
int cgroup_v2_apply_hugetlb(const char *dir, const struct cgroup_apply *a, struct error *err);
/* Enables in every ancestor of dir (below the mount point) the controllers the tree offers. */
int cgroup_v2_enable_controllers(const char *dir, struct error *err);
/* v1 cpuset: a new cgroup has empty cpuset.cpus/mems and refuses tasks until set. */
int cgroup_v1_cpuset_init(const char *dir, struct error *err);

/* Device rules: v1 devices.allow/deny, v2 an eBPF program. Both start from deny-all and
 * add the spec's rules, then the devices runc always allows. */
int cgroup_v1_apply_devices(const char *dir, const struct cgroup_apply *a, struct error *err);
int cgroup_v2_apply_devices(const char *dir, const struct cgroup_apply *a, struct error *err);

int cgroup_v1_stats(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err);
int cgroup_v2_stats(const char *dir, struct cgroup_stats *stats, struct error *err);
void cgroup_v2_stats_hugetlb(const char *dir, struct cgroup_stats *stats);
/* The host's hugepage sizes in the kernel's names ("2MB", "1GB"), sorted as runc does. */
char **cgroup_hugepage_sizes(size_t *count);

/* Shared by the backends' kill: freeze, signal every pid, restore the freezer (thaw after
 * SIGKILL). */
int cgroup_signal_frozen(const struct cgroup_backend *backend, const struct spec_strmap *paths,
                         int sig, struct error *err);

int cgroup_oom_watch_v1(const char *memory_dir, struct cgroup_oom_watch **watch, struct error *err);
int cgroup_oom_watch_v2(const char *dir, struct cgroup_oom_watch **watch, struct error *err);

#endif
