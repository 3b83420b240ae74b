/* The cgroup manager: path resolution, the choice of backend for this host, and the hybrid
 * backend composed of the v1 and v2 ones. */
#include "cgroup-internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../spec/state-json.h"
#include "../util.h"

static const struct cgroup_backend *host_backend(void)
{
    switch (cgroup_detect_mode()) {
    case CGROUP_MODE_V2:
        return &cgroup_backend_v2;
    case CGROUP_MODE_HYBRID:
        return &cgroup_backend_hybrid;
    case CGROUP_MODE_V1:
        break;
    }
    return &cgroup_backend_v1;
}

int cgroup_resolve_paths(const char *cgroups_path, const char *id, struct spec_strmap *paths,
                         struct error *err)
{
    struct cgroup_hierarchy *list;
    size_t count;
    const char *wanted = cgroups_path && *cgroups_path ? cgroups_path : id;

    if (cgroup_hierarchies(&list, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        cleanup_free char *joined =
            wanted[0] == '/' ? xstrdup(wanted) : xasprintf("%s/%s", list[i].own_path, wanted);
        cleanup_free char *clean = cgroup_clean_path(joined);
        cleanup_free char *dir = xasprintf("%s%s", list[i].mountpoint, clean);
        if (strcmp(clean, "/") == 0) {
            cgroup_hierarchies_free(list, count);
            spec_strmap_free(paths);
            return error_set(err, EINVAL,
                             "config.json: linux.cgroupsPath: refusing the root cgroup");
        }
        spec_strmap_add(paths, list[i].key, dir);
    }
    cgroup_hierarchies_free(list, count);
    return 0;
}

int cgroup_resolve(bool systemd, const char *cgroups_path, const char *id,
                   const struct spec_strmap *annotations, char **unit, struct spec_strmap *paths,
                   struct error *err)
{
    if (systemd)
        return cgroup_systemd_resolve(cgroups_path, id, annotations, unit, paths, err);
    return cgroup_resolve_paths(cgroups_path, id, paths, err);
}

int cgroup_paths_at(const char *dir, struct spec_strmap *paths, struct error *err)
{
    struct cgroup_hierarchy *list;
    size_t count;

    if (cgroup_hierarchies(&list, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        cleanup_free char *full = xasprintf("%s%s", list[i].mountpoint, dir);
        spec_strmap_add(paths, list[i].key, full);
    }
    cgroup_hierarchies_free(list, count);
    return 0;
}

static int apply(const struct spec_strmap *paths, const struct spec_resources *r, bool update,
                 struct error *err)
{
    const struct cgroup_apply a = {
        .r = r,
        .update = update,
        .origin = update ? "linux.resources" : "config.json: linux.resources",
    };
    /* Even without linux.resources the device rules apply (runc's defaults). */
    return host_backend()->apply(paths, &a, err);
}

int cgroup_apply_resources(const struct spec_strmap *paths, const struct spec_resources *r,
                           struct error *err)
{
    return apply(paths, r, false, err);
}

int cgroup_update_resources(const struct spec_strmap *paths, const struct spec_resources *r,
                            struct error *err)
{
    return apply(paths, r, true, err);
}

int cgroup_create(const struct spec_strmap *paths, struct error *err)
{
    const struct cgroup_backend *b = host_backend();
    struct error ignored;

    if (b->create(paths, err) < 0) {
        b->destroy(paths, &ignored);
        return error_prefix(err, "create cgroup");
    }
    return 0;
}

int cgroup_create_and_apply(const struct spec_strmap *paths, const struct spec_resources *resources,
                            struct error *err)
{
    struct error ignored;

    if (cgroup_create(paths, err) < 0)
        return -1;
    if (cgroup_apply_resources(paths, resources, err) < 0) {
        host_backend()->destroy(paths, &ignored);
        return -1;
    }
    return 0;
}

int cgroup_create_and_enter(const struct spec_strmap *paths, const struct spec_resources *resources,
                            pid_t pid, struct error *err)
{
    const struct cgroup_backend *b = host_backend();
    struct error ignored;

    /* Limits (and device rules) first, then the init: it must never run unconstrained. */
    if (cgroup_create_and_apply(paths, resources, err) < 0)
        return -1;
    if (b->enter(paths, pid, err) < 0) {
        b->destroy(paths, &ignored);
        return error_prefix(err, "join cgroup");
    }
    return 0;
}

int cgroup_enter(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    if (host_backend()->enter(paths, pid, err) < 0)
        return error_prefix(err, "join cgroup");
    return 0;
}

int cgroup_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err)
{
    *pids = NULL;
    *count = 0;
    return host_backend()->pids(paths, pids, count, err);
}

int cgroup_signal_all(const struct spec_strmap *paths, int sig, struct error *err)
{
    return host_backend()->kill(paths, sig, err);
}

int cgroup_freeze(const struct spec_strmap *paths, bool frozen, struct error *err)
{
    return host_backend()->freeze(paths, frozen, err);
}

bool cgroup_is_frozen(const struct spec_strmap *paths)
{
    return host_backend()->frozen(paths) == 1;
}

int cgroup_destroy(const struct spec_strmap *paths, struct error *err)
{
    return host_backend()->destroy(paths, err);
}

int cgroup_stats(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err)
{
    memset(stats, 0, sizeof *stats);
    return host_backend()->stats(paths, stats, err);
}

void cgroup_stats_free(struct cgroup_stats *stats)
{
    free(stats->cpu.percpu);
    free(stats->cpu.percpu_kernel);
    free(stats->cpu.percpu_user);
    free(stats->cpuset.cpus);
    free(stats->cpuset.mems);
    for (size_t i = 0; i < stats->memory.raw_count; i++)
        free(stats->memory.raw[i].key);
    free(stats->memory.raw);
    for (size_t i = 0; i < CGROUP_BLKIO_TABLES; i++)
        free(stats->blkio[i]);
    for (size_t i = 0; i < stats->hugetlb_count; i++)
        free(stats->hugetlb[i].page_size);
    free(stats->hugetlb);
    memset(stats, 0, sizeof *stats);
}

int cgroup_oom_watch_open(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                          struct error *err)
{
    *watch = NULL;
    return host_backend()->oom_watch(paths, watch, err);
}

int cgroup_signal_frozen(const struct cgroup_backend *backend, const struct spec_strmap *paths,
                         int sig, struct error *err)
{
    int was_frozen = backend->frozen(paths);
    cleanup_free pid_t *pids = NULL;
    size_t count = 0;
    struct error ignored;

    /* An empty cgroup has nobody to fork: no freeze (two writes that wait for the kernel)
     * for the common case, a container whose init is gone. */
    if (was_frozen == 0) {
        if (backend->pids(paths, &pids, &count, err) < 0)
            return -1;
        if (count == 0)
            return 0;
        free(pids);
        pids = NULL;
        count = 0;
    }
    /* Frozen, a fork loop can't outrun the scan of cgroup.procs. */
    bool froze = was_frozen == 0 && backend->freeze(paths, true, &ignored) == 0;
    int result = backend->pids(paths, &pids, &count, err);

    for (size_t i = 0; result == 0 && i < count; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            result = error_set(err, errno, "kill %d", (int)pids[i]);
    /* Thawed at the end even when it was paused before, as runc 1.1 does: v1 tasks only act
     * on a signal (SIGKILL included) once thawed. */
    if (froze || was_frozen == 1)
        backend->freeze(paths, false, &ignored);
    return result;
}

/* ------------------------------------------------------------ the hybrid backend */

/* v1 for every controller; the unified tree for membership, and for hugetlb when the host
 * offers it only there and its unified root delegates it (runc-go never changes the root of a
 * hybrid host's unified tree: it belongs to the host's init). */
static bool hugetlb_in_unified(const struct spec_strmap *paths)
{
    cleanup_free char *delegated = NULL;
    char *save = NULL;

    if (cgroup_v1_dir(paths, "hugetlb") || !cgroup_unified_dir(paths))
        return false;
    delegated = cgroup_read(cgroup_v2_mountpoint(), "cgroup.subtree_control");
    for (char *c = delegated ? strtok_r(delegated, " ", &save) : NULL; c;
         c = strtok_r(NULL, " ", &save))
        if (strcmp(c, "hugetlb") == 0)
            return true;
    return false;
}

static int hybrid_create(const struct spec_strmap *paths, struct error *err)
{
    const char *unified = cgroup_unified_dir(paths);

    if (cgroup_backend_v1.create(paths, err) < 0)
        return -1;
    return unified ? cgroup_mkdir_p(unified, err) : 0;
}

static int hybrid_enter(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    if (cgroup_backend_v1.enter(paths, pid, err) < 0)
        return -1;
    return cgroup_unified_dir(paths) ? cgroup_backend_v2.enter(paths, pid, err) : 0;
}

static int hybrid_apply(const struct spec_strmap *paths, const struct cgroup_apply *a,
                        struct error *err)
{
    struct spec_resources v1_part;
    struct cgroup_apply v1_apply = *a;

    if (!a->r->hugepage_limits_count || !hugetlb_in_unified(paths))
        return cgroup_v1_apply(paths, a, err);
    v1_part = *a->r;
    v1_part.hugepage_limits_count = 0;
    v1_apply.r = &v1_part;
    if (cgroup_v1_apply(paths, &v1_apply, err) < 0 ||
        cgroup_v2_enable_controllers(cgroup_unified_dir(paths), err) < 0)
        return -1;
    return cgroup_v2_apply_hugetlb(cgroup_unified_dir(paths), a, err);
}

static int hybrid_stats(const struct spec_strmap *paths, struct cgroup_stats *stats,
                        struct error *err)
{
    if (cgroup_v1_stats(paths, stats, err) < 0)
        return -1;
    if (!cgroup_v1_dir(paths, "hugetlb") && cgroup_unified_dir(paths) &&
        cgroup_v2_has_controller(cgroup_unified_dir(paths), "hugetlb"))
        cgroup_v2_stats_hugetlb(cgroup_unified_dir(paths), stats);
    return 0;
}

static int hybrid_destroy(const struct spec_strmap *paths, struct error *err)
{
    int result = cgroup_backend_v1.destroy(paths, err);
    struct error v2_err;

    if (cgroup_unified_dir(paths) && cgroup_backend_v2.destroy(paths, &v2_err) < 0 && result == 0) {
        *err = v2_err;
        result = -1;
    }
    return result;
}

static int hybrid_freeze(const struct spec_strmap *paths, bool frozen, struct error *err)
{
    return cgroup_backend_v1.freeze(paths, frozen, err);
}

static int hybrid_frozen(const struct spec_strmap *paths)
{
    return cgroup_backend_v1.frozen(paths);
}

static int hybrid_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count,
                       struct error *err)
{
    return cgroup_backend_v1.pids(paths, pids, count, err);
}

static int hybrid_kill(const struct spec_strmap *paths, int sig, struct error *err)
{
    return cgroup_backend_v1.kill(paths, sig, err);
}

static int hybrid_oom_watch(const struct spec_strmap *paths, struct cgroup_oom_watch **watch,
                            struct error *err)
{
    return cgroup_backend_v1.oom_watch(paths, watch, err);
}

const struct cgroup_backend cgroup_backend_hybrid = {
    .name = "hybrid",
    .create = hybrid_create,
    .enter = hybrid_enter,
    .apply = hybrid_apply,
    .freeze = hybrid_freeze,
    .frozen = hybrid_frozen,
    .pids = hybrid_pids,
    .kill = hybrid_kill,
    .stats = hybrid_stats,
    .oom_watch = hybrid_oom_watch,
    .destroy = hybrid_destroy,
};
