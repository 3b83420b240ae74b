/* Cgroups: one manager interface over v1, v2 and hybrid hosts.
 * A container's cgroup is a map "hierarchy -> directory" (one entry per v1 hierarchy, plus
 * "unified" for the v2 tree), kept in state.json so kill --all and delete find it again.
 * Resource limits come with the cgroup issue; here: create, enter, list, signal, destroy. */
#ifndef RUNC_GO_CGROUP_H
#define RUNC_GO_CGROUP_H

#include <signal.h>
#include <stdbool.h>
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

/* Creates every directory (v1 cpuset initialised from its parent) and moves pid in.
 * On failure everything created is removed again. */
int cgroup_create_and_enter(const struct spec_strmap *paths, const struct spec_resources *resources,
                            pid_t pid, struct error *err);

/* Writes linux.resources to the container's cgroup files (v1, or v2 with runc's
 * conversions). Errors name the field. */
int cgroup_apply_resources(const struct spec_strmap *paths, const struct spec_resources *resources,
                           struct error *err);

/* Moves pid into every directory of the map (exec joins this way). */
int cgroup_enter(const struct spec_strmap *paths, pid_t pid, struct error *err);

/* Lists every process of the container's cgroup (and its sub-cgroups). */
int cgroup_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err);

/* Sends sig to every process; freezes the cgroup meanwhile where a freezer exists so a
 * forking process can't escape the signal. */
int cgroup_signal_all(const struct spec_strmap *paths, int sig, struct error *err);

/* Removes the directories, sub-cgroups first. Missing directories are not an error. */
int cgroup_destroy(const struct spec_strmap *paths, struct error *err);

#endif
