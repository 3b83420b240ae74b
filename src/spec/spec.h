/* The config.json model of runtime-spec v1.3.0 (Linux parts), as typed C structs.
 * Optional scalars carry a has_ flag; absent strings are NULL; arrays are pointer + count.
 * Only src/spec/ touches yajl: everything else reads these structs. */
#ifndef RUNC_GO_SPEC_H
#define RUNC_GO_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define SPEC_VERSION "1.3.0"

struct spec_strmap {
    size_t count;
    char **keys;
    char **values;
};

struct spec_hook {
    char *path;
    char **args;
    size_t args_count;
    char **env;
    size_t env_count;
    bool has_timeout;
    int64_t timeout;
};

struct spec_hooks {
    struct spec_hook *prestart, *create_runtime, *create_container, *start_container, *poststart,
        *poststop;
    size_t prestart_count, create_runtime_count, create_container_count, start_container_count,
        poststart_count, poststop_count;
};

struct spec_id_mapping {
    uint32_t container_id;
    uint32_t host_id;
    uint32_t size;
};

struct spec_mount {
    char *destination;
    char *source;
    char *type;
    char **options;
    size_t options_count;
    struct spec_id_mapping *uid_mappings, *gid_mappings;
    size_t uid_mappings_count, gid_mappings_count;
};

struct spec_rlimit {
    char *type; /* "RLIMIT_NOFILE" ... */
    uint64_t soft;
    uint64_t hard;
};

struct spec_capabilities {
    bool present; /* process.capabilities given at all */
    char **bounding, **effective, **inheritable, **permitted, **ambient;
    size_t bounding_count, effective_count, inheritable_count, permitted_count, ambient_count;
    bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct spec_user {
    uint32_t uid;
    uint32_t gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t additional_gids_count;
    char *username;
};

struct spec_scheduler {
    bool present;
    char *policy;
    bool has_nice, has_priority, has_runtime, has_deadline, has_period;
    int32_t nice;
    int32_t priority;
    char **flags;
    size_t flags_count;
    uint64_t runtime, deadline, period;
};

struct spec_process {
    bool terminal;
    bool has_console_size;
    uint64_t console_height, console_width;
    struct spec_user user;
    char **args;
    size_t args_count;
    char *command_line;
    char **env;
    size_t env_count;
    char *cwd;
    struct spec_capabilities capabilities;
    struct spec_rlimit *rlimits;
    size_t rlimits_count;
    bool no_new_privileges;
    char *apparmor_profile;
    bool has_oom_score_adj;
    int oom_score_adj;
    char *selinux_label;
    struct spec_scheduler scheduler;
    bool has_io_priority;
    char *io_priority_class;
    int32_t io_priority;
    char *exec_cpu_affinity_initial;
    char *exec_cpu_affinity_final;
};

enum spec_namespace_type {
    SPEC_NS_MOUNT,
    SPEC_NS_PID,
    SPEC_NS_NETWORK,
    SPEC_NS_UTS,
    SPEC_NS_IPC,
    SPEC_NS_USER,
    SPEC_NS_CGROUP,
    SPEC_NS_TIME,
    SPEC_NS_COUNT
};

struct spec_namespace {
    enum spec_namespace_type type;
    char *path; /* NULL: create a new namespace */
};

struct spec_device {
    char *type; /* "c", "b", "u", "p" */
    char *path;
    bool has_major, has_minor, has_file_mode, has_uid, has_gid;
    int64_t major, minor;
    uint32_t file_mode;
    uint32_t uid, gid;
};

struct spec_device_cgroup {
    bool allow;
    char *type;
    bool has_major, has_minor;
    int64_t major, minor;
    char *access;
};

struct spec_block_io_weight_device {
    int64_t major, minor;
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
};

struct spec_block_io_throttle {
    int64_t major, minor;
    uint64_t rate;
};

struct spec_block_io {
    bool present;
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
    struct spec_block_io_weight_device *weight_device;
    size_t weight_device_count;
    struct spec_block_io_throttle *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
        *throttle_write_iops;
    size_t throttle_read_bps_count, throttle_write_bps_count, throttle_read_iops_count,
        throttle_write_iops_count;
};

struct spec_memory {
    bool present;
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
    int64_t limit, reservation, swap, kernel, kernel_tcp;
    uint64_t swappiness;
    bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
    bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_cpu {
    bool present;
    bool has_shares, has_quota, has_period, has_burst, has_realtime_runtime, has_realtime_period,
        has_idle;
    uint64_t shares, period, burst, realtime_period;
    int64_t quota, realtime_runtime, idle;
    char *cpus;
    char *mems;
};

struct spec_hugepage_limit {
    char *page_size;
    uint64_t limit;
};

struct spec_net_priority {
    char *name;
    uint32_t priority;
};

struct spec_rdma {
    char *device;
    bool has_hca_handles, has_hca_objects;
    uint32_t hca_handles, hca_objects;
};

struct spec_resources {
    bool present;
    struct spec_device_cgroup *devices;
    size_t devices_count;
    struct spec_memory memory;
    struct spec_cpu cpu;
    bool has_pids_limit;
    int64_t pids_limit;
    struct spec_block_io block_io;
    struct spec_hugepage_limit *hugepage_limits;
    size_t hugepage_limits_count;
    bool has_network;
    bool has_class_id;
    uint32_t class_id;
    struct spec_net_priority *net_priorities;
    size_t net_priorities_count;
    struct spec_rdma *rdma;
    size_t rdma_count;
    struct spec_strmap unified;
};

struct spec_seccomp_arg {
    uint32_t index;
    uint64_t value;
    uint64_t value_two;
    char *op;
};

struct spec_syscall {
    char **names;
    size_t names_count;
    char *action;
    bool has_errno_ret;
    uint32_t errno_ret;
    struct spec_seccomp_arg *args;
    size_t args_count;
};

struct spec_seccomp {
    bool present;
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    char **architectures;
    size_t architectures_count;
    char **flags;
    size_t flags_count;
    char *listener_path;
    char *listener_metadata;
    struct spec_syscall *syscalls;
    size_t syscalls_count;
};

struct spec_time_offset {
    bool present;
    int64_t secs;
    uint32_t nanosecs;
};

struct spec_intel_rdt {
    bool present;
    char *clos_id;
    char **schemata;
    size_t schemata_count;
    char *l3_cache_schema;
    char *mem_bw_schema;
    bool enable_monitoring;
};

struct spec_memory_policy {
    bool present;
    char *mode;
    char *nodes;
    char **flags;
    size_t flags_count;
};

struct spec_personality {
    bool present;
    char *domain;
    char **flags;
    size_t flags_count;
};

struct spec_net_device {
    char *host_name; /* key in linux.netDevices */
    char *name;
};

struct spec_linux {
    bool present;
    struct spec_namespace *namespaces;
    size_t namespaces_count;
    struct spec_id_mapping *uid_mappings, *gid_mappings;
    size_t uid_mappings_count, gid_mappings_count;
    struct spec_device *devices;
    size_t devices_count;
    struct spec_net_device *net_devices;
    size_t net_devices_count;
    char *cgroups_path;
    struct spec_resources resources;
    char *rootfs_propagation;
    struct spec_seccomp seccomp;
    struct spec_strmap sysctl;
    char **masked_paths;
    size_t masked_paths_count;
    bool has_masked_paths;
    char **readonly_paths;
    size_t readonly_paths_count;
    bool has_readonly_paths;
    char *mount_label;
    struct spec_intel_rdt intel_rdt;
    struct spec_memory_policy memory_policy;
    struct spec_personality personality;
    struct spec_time_offset time_boottime, time_monotonic;
};

struct spec {
    char *oci_version;
    char *root_path;
    bool root_readonly;
    bool has_process;
    struct spec_process process;
    char *hostname;
    char *domainname;
    struct spec_mount *mounts;
    size_t mounts_count;
    struct spec_hooks hooks;
    struct spec_strmap annotations;
    struct spec_linux linux_;
};

/* Parses config.json text. `file` names the file in error messages
 * ("config.json: linux.resources.memory.limit: expected integer").
 * Unknown fields are ignored. Returns NULL and fills err on failure. */
struct spec *spec_parse(const char *json, size_t len, const char *file, struct error *err);

/* Reads and parses <bundle>/config.json. */
struct spec *spec_load_bundle(const char *bundle_dir, struct error *err);

/* Checks required fields and values (root.path, process.args/cwd, namespace types and
 * duplicates, absolute paths where the spec wants them, rlimit names, ...). */
int spec_validate(const struct spec *spec, const char *file, bool need_process, struct error *err);

void spec_free(struct spec *spec);

/* A LinuxResources object on its own, as `update --resources` reads it. */
struct spec_resources *spec_parse_resources(const char *json, size_t len, const char *file,
                                            struct error *err);
void spec_resources_free(struct spec_resources *resources);

/* Parses a process.json (the `process` object of config.json on its own, as `exec --process`
 * takes it). Errors name `file` and the field ("process.json: user.uid: expected integer");
 * rlimit and scheduler values are validated, while args/cwd are left to the caller (exec
 * checks them with runc's messages). Free with spec_process_free. */
struct spec_process *spec_parse_process(const char *json, size_t len, const char *file,
                                        struct error *err);
void spec_process_free(struct spec_process *process);

/* Looks up a namespace entry; NULL when the config doesn't list that type. */
const struct spec_namespace *spec_find_namespace(const struct spec *spec,
                                                 enum spec_namespace_type type);
const char *spec_namespace_type_name(enum spec_namespace_type type);
/* Looks up an annotation or returns NULL. */
const char *spec_annotation(const struct spec *spec, const char *key);

/* Whether a mount lists an option ("rbind", "idmap", ...). */
bool spec_mount_has_option(const struct spec_mount *m, const char *option);
/* A bind mount: type "bind", or a "bind"/"rbind" option. */
bool spec_mount_is_bind(const struct spec_mount *m);
/* Whether the mount is idmapped (its own maps, or "idmap"/"ridmap"). */
bool spec_mount_is_idmapped(const struct spec_mount *m);
/* Why an idmapped mount can't be made from this config (no maps to take, not a bind mount),
 * or NULL: create refuses, check reports it. */
const char *spec_mount_idmap_problem(const struct spec *spec, const struct spec_mount *m);

/* Writes the default config.json (what `runc spec` writes) as pretty-printed JSON.
 * rootless: the variant `runc spec --rootless` writes, mapping uid/gid to the given ids.
 * cgroup_ns: add a cgroup namespace, as runc does on pure cgroup v2 hosts. */
char *spec_default_json(bool rootless, bool cgroup_ns, uint32_t uid, uint32_t gid);

#endif
