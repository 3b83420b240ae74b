/* Cgroups: one manager interface over v1, v2 and hybrid hosts.
 * A container's cgroup is a map "hierarchy -> directory" (one entry per v1 hierarchy, plus
 * "unified" for the v2 tree), kept in state.json so kill --all, pause and delete find it
 * again. Behind these functions sits one backend per host layout (cgroup-internal.h). */
#ifndef RUNC_GO_CGROUP_H
#define RUNC_GO_CGROUP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_V2, CGROUP_MODE_HYBRID };

#define CGROUP_UNIFIED_KEY "unified"

/* Detected once per process from the filesystem types under /sys/fs/cgroup. */
enum cgroup_mode cgroup_detect_mode(void);

/* Computes the container's directories as runc does: an absolute cgroupsPath is taken from
 * each hierarchy's root, a relative one (or <id> when unset) nests under the caller's own
 * cgroup. Fills paths; creates nothing. */
int cgroup_resolve_paths(const char *cgroups_path, const char *id, struct spec_strmap *paths,
                         struct error *err);

/* linux.cgroupsPath by the driver in use: with systemd, cgroup_systemd_resolve() (the
 * unit's name to *unit), else cgroup_resolve_paths() (*unit stays NULL). */
int cgroup_resolve(bool systemd, const char *cgroups_path, const char *id,
                   const struct spec_strmap *annotations, char **unit, struct spec_strmap *paths,
                   struct error *err);

/* The map for one directory (absolute, relative to each hierarchy's root) in every
 * hierarchy the host has. */
int cgroup_paths_at(const char *dir, struct spec_strmap *paths, struct error *err);

/* ------------------------------------------------- the systemd driver (--systemd-cgroup) */

/* Parses linux.cgroupsPath in runc's "slice:prefix:name" form (and the
 * org.systemd.property.* annotations, so bad ones fail before anything exists); gives the
 * unit's name ("runc-go-ID.scope") and the path map of its cgroup. Creates nothing. */
int cgroup_systemd_resolve(const char *cgroups_path, const char *id,
                           const struct spec_strmap *annotations, char **unit_name,
                           struct spec_strmap *paths, struct error *err);

struct cgroup_systemd_start {
    const char *cgroups_path, *id; /* as given to cgroup_systemd_resolve() */
    const struct spec_resources *resources;
    const struct spec_strmap *annotations;
    pid_t pid;
};

/* Asks systemd for the transient unit (StartTransientUnit) with pid in it, Delegate=yes
 * and the resources as properties, and waits for the job. "no systemd on the bus" when
 * none answers. cgroup_create_and_enter() then writes the files as usual. */
int cgroup_systemd_start(const struct cgroup_systemd_start *start, struct error *err);
/* `update`: the resources as unit properties (SetUnitProperties). */
int cgroup_systemd_update(const char *unit, const struct spec_resources *r, struct error *err);
/* StopUnit and wait; a unit that is already gone is success. */
int cgroup_systemd_stop(const char *unit, struct error *err);

/* Creates every directory (v1 cpuset initialised from its parent, v2 controllers enabled
 * in the ancestors), applies the resources (devices included) and moves pid in.
 * On failure everything created is removed again. */
int cgroup_create_and_enter(const struct spec_strmap *paths, const struct spec_resources *resources,
                            pid_t pid, struct error *err);

/* Only the directories (as cgroup_create_and_enter() makes them), no resources. */
int cgroup_create(const struct spec_strmap *paths, struct error *err);

/* cgroup_create_and_enter() without the enter: for a process cloned straight into the
 * cgroup (clone3 CLONE_INTO_CGROUP), which saves the cgroup.procs write and its wait for
 * an RCU grace period. */
int cgroup_create_and_apply(const struct spec_strmap *paths, const struct spec_resources *resources,
                            struct error *err);
/* A new process joins the container's cgroup without a write by pid, which waits for the
 * kernel's global cgroup lock (cgroup-join.c): born in the unified directory (clone_child()
 * with the fd cgroup_open_clone_target() gives, -1 when there is none), then
 * cgroup_join_self() in the child for the v1 hierarchies. */
int cgroup_open_clone_target(const struct spec_strmap *paths);
/* In the child, single-threaded: joins every v1 hierarchy of paths (which exist) by writing
 * "0" to its tasks file. 0, or -errno of the first step that failed. */
int cgroup_join_self(const struct spec_strmap *paths);
/* When the clone could not place the child (a kernel without CLONE_INTO_CGROUP): the
 * parent moves it into the unified directory by pid. */
int cgroup_join_unified(const struct spec_strmap *paths, pid_t pid, struct error *err);
/* The map's unified entry into *unified, the v1 ones into *v1 (added to both). */
void cgroup_split_unified(const struct spec_strmap *paths, struct spec_strmap *unified,
                          struct spec_strmap *v1);

/* Writes linux.resources to the container's cgroup files (v1, or v2 with runc's
 * conversions), devices included. Errors name the field. */
int cgroup_apply_resources(const struct spec_strmap *paths, const struct spec_resources *resources,
                           struct error *err);

/* `update`: like cgroup_apply_resources for a running container, but the device rules are
 * left alone (as runc: rewriting them would cut the container off its devices for a moment)
 * and memory.checkBeforeUpdate is honoured. */
int cgroup_update_resources(const struct spec_strmap *paths, const struct spec_resources *resources,
                            struct error *err);

/* Moves pid into every directory of the map (exec joins this way). */
int cgroup_enter(const struct spec_strmap *paths, pid_t pid, struct error *err);

/* Lists every process of the container's cgroup (and its sub-cgroups). */
int cgroup_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err);

/* Sends sig to every process; freezes the cgroup meanwhile where a freezer exists so a
 * forking process can't escape the signal, and thaws it afterwards, a paused one too (runc
 * 1.1's `kill --all`: on v1 frozen tasks only die once thawed). */
int cgroup_signal_all(const struct spec_strmap *paths, int sig, struct error *err);

/* Freezes (and waits until the kernel reports every task frozen) or thaws the cgroup:
 * v1 freezer.state, v2 cgroup.freeze + cgroup.events. */
int cgroup_freeze(const struct spec_strmap *paths, bool frozen, struct error *err);

/* True when the container's cgroup is frozen by request (runc's "paused"): v1
 * freezer.self_freezing (freezer.state on old kernels), v2 cgroup.freeze. */
bool cgroup_is_frozen(const struct spec_strmap *paths);

/* Removes the directories, sub-cgroups first. Missing directories are not an error. */
int cgroup_destroy(const struct spec_strmap *paths, struct error *err);

/* ------------------------------------------------------------------ statistics */

/* What `runc events` reports, in runc's units (nanoseconds, bytes); zero when unknown. */
struct cgroup_memory_entry {
    uint64_t limit, usage, max, failcnt;
};

struct cgroup_counter {
    char *key;
    uint64_t value;
};

struct cgroup_blkio_entry {
    uint64_t major, minor;
    char op[16];
    uint64_t value;
};

enum cgroup_blkio_table {
    CGROUP_BLKIO_SERVICE_BYTES,
    CGROUP_BLKIO_SERVICED,
    CGROUP_BLKIO_QUEUED,
    CGROUP_BLKIO_SERVICE_TIME,
    CGROUP_BLKIO_WAIT_TIME,
    CGROUP_BLKIO_MERGED,
    CGROUP_BLKIO_TIME,
    CGROUP_BLKIO_SECTORS,
    CGROUP_BLKIO_TABLES
};

struct cgroup_hugetlb_stats {
    char *page_size; /* "2MB" */
    uint64_t usage, max, failcnt;
};

struct cgroup_stats {
    struct {
        uint64_t total, kernel, user;
        uint64_t *percpu, *percpu_kernel, *percpu_user;
        size_t percpu_count, percpu_kernel_count, percpu_user_count;
        uint64_t periods, throttled_periods, throttled_time;
    } cpu;
    struct {
        uint16_t *cpus, *mems;
        size_t cpus_count, mems_count;
        uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
            memory_spread_slab, memory_pressure, sched_load_balance;
        int64_t sched_relax_domain_level;
    } cpuset;
    struct {
        uint64_t cache;
        struct cgroup_memory_entry usage, swap, kernel, kernel_tcp;
        struct cgroup_counter *raw; /* memory.stat, sorted by key */
        size_t raw_count;
    } memory;
    struct {
        uint64_t current, limit; /* limit 0: none */
    } pids;
    struct cgroup_blkio_entry *blkio[CGROUP_BLKIO_TABLES];
    size_t blkio_count[CGROUP_BLKIO_TABLES];
    struct cgroup_hugetlb_stats *hugetlb; /* sorted by page size name */
    size_t hugetlb_count;
};

/* Reads every statistic the host offers; a controller that isn't there leaves zeros. */
int cgroup_stats(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err);
void cgroup_stats_free(struct cgroup_stats *stats);

struct cgroup_oom_watch;

/* OOM notifications: a pollable fd that turns readable on an OOM kill in the container
 * (v1: an eventfd registered on memory.oom_control; v2: inotify on memory.events).
 * Returns -1 (with err) when the host offers none. */
int cgroup_oom_watch_open(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                          struct error *err);
int cgroup_oom_watch_fd(const struct cgroup_oom_watch *watch);
/* Consumes the readiness; returns how many new OOM kills happened (0: none, e.g. the
 * cgroup was removed). */
int cgroup_oom_watch_read(struct cgroup_oom_watch *watch);
void cgroup_oom_watch_close(struct cgroup_oom_watch *watch);

/* ---------------------------------------------------- pure conversions (unit tested) */

/* runc's cgroup v1 -> v2 conversions. 0 stays 0 ("unset"). */
uint64_t cgroup_shares_to_weight(uint64_t shares);          /* cpu.shares -> cpu.weight */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight); /* blkio.weight -> io.weight */
/* cpu.max from quota (<= 0: "max") and period (0: the kernel's 100000). */
char *cgroup_cpu_max(int64_t quota, uint64_t period);
/* v1 memory.memsw (memory + swap) to v2 memory.swap.max (swap alone); -1 is "max", 0 is
 * "unset". Fails with runc's messages on inconsistent values. */
int cgroup_memory_swap_to_v2(int64_t swap, int64_t memory, int64_t *out, struct error *err);
/* A memory or pids value as v2 writes it: -1 "max", others as decimal. */
char *cgroup_v2_limit_string(int64_t value);
/* A hugepage size ("2MB", "2048KB", "1GB") in the kernel's file-name form ("2MB");
 * NULL when it isn't a size. */
char *cgroup_hugepage_size_name(const char *size);
/* Lexically cleans an absolute path: no "//", ".", ".."; ".." never climbs above "/". */
char *cgroup_clean_path(const char *path);
/* runc's RAMInBytes: "64m", "1g", "1.5GiB", "100" (binary units, case-insensitive). */
int cgroup_parse_ram_bytes(const char *s, int64_t *out);

#endif
