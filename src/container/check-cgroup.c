/* `check`: linux.resources against this host's cgroups. The conditions follow the backends
 * that apply the resources (cgroup-v1-resources.c, cgroup-v2-resources.c, and the hybrid
 * backend of cgroup.c: v1 for every controller, the unified tree for hugetlb when the v1 side
 * lacks it and the unified root delegates it): what they refuse is a problem, what they
 * ignore with a warning is a warning. */
#include <string.h>

#include "../spec/json-out.h"
#include "../util.h"
#include "check-internal.h"

#define FIELD "linux.resources."

static bool v1_has(const struct host_probe *probe, const char *controller)
{
    for (size_t i = 0; i < probe->v1_hierarchies_count; i++)
        if (host_hierarchy_has(&probe->v1_hierarchies[i], controller))
            return true;
    return false;
}

static bool usable(const struct host_probe *probe, const char *controller)
{
    switch (probe->cgroup_mode) {
    case CGROUP_MODE_V2:
        /* create enables in every ancestor, the root included, what the root offers */
        return host_list_has(&probe->v2_controllers, controller);
    case CGROUP_MODE_HYBRID:
        /* the hybrid root belongs to the host's init: only what it delegates */
        return v1_has(probe, controller) ||
               (strcmp(controller, "hugetlb") == 0 && probe->v2_mountpoint &&
                host_list_has(&probe->v2_delegated, controller));
    case CGROUP_MODE_V1:
        break;
    }
    return v1_has(probe, controller);
}

/* Adds the problem of a controller the resource needs and the host can't give. */
static void need(const struct host_probe *probe, struct check_bundle *b, const char *controller,
                 const char *field)
{
    const char *v2 = probe->v2_mountpoint ? probe->v2_mountpoint : "/sys/fs/cgroup";

    if (usable(probe, controller))
        return;
    if (probe->cgroup_mode == CGROUP_MODE_V2)
        check_add(&b->problems, field,
                  "no %s controller on this host: not in %s/cgroup.controllers", controller, v2);
    else if (probe->cgroup_mode == CGROUP_MODE_HYBRID && probe->v2_mountpoint &&
             host_list_has(&probe->v2_controllers, controller))
        check_add(&b->problems, field,
                  strcmp(controller, "hugetlb") == 0
                      ? "no %s controller on this host: no cgroup v1 hierarchy has it, and the "
                        "cgroup v2 root %s offers it but does not delegate it "
                        "(cgroup.subtree_control)"
                      : "no %s controller on this host: no cgroup v1 hierarchy has it (the "
                        "cgroup v2 root %s has it, but on a hybrid host runc-go sets it through "
                        "cgroup v1)",
                  controller, v2);
    else
        check_add(&b->problems, field,
                  "no %s controller on this host: no cgroup v1 hierarchy has it mounted",
                  controller);
}

static void swap_unaccounted(const struct host_probe *probe, struct check_bundle *b)
{
    const char *source = probe->swap_accounting_source;
    bool file = strcmp(source, "memory.swap.max") == 0 ||
                strcmp(source, "memory.memsw.limit_in_bytes") == 0;

    check_add(&b->problems, FIELD "memory.swap",
              "no swap accounting on this host (%s%s): boot with swapaccount=1", source,
              file ? " missing" : "");
}

static void check_memory_v2(const struct host_probe *probe, const struct spec_memory *m,
                            struct check_bundle *b)
{
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0, swap_v2;
    struct error err;

    if (m->has_kernel_tcp)
        check_add(&b->warnings, FIELD "memory.kernelTCP",
                  "kernel memory settings are ignored on cgroup v2");
    if (m->has_swappiness)
        check_add(&b->warnings, FIELD "memory.swappiness", "not supported on cgroup v2, ignored");
    if (m->has_disable_oom_killer && m->disable_oom_killer)
        check_add(&b->warnings, FIELD "memory.disableOOMKiller",
                  "not supported on cgroup v2, ignored");
    if (!(limit || swap || (m->has_reservation && m->reservation)))
        return;
    need(probe, b, "memory", FIELD "memory");
    if (cgroup_memory_swap_to_v2(swap, limit, &swap_v2, &err) < 0) {
        check_add_error(&b->problems, FIELD "memory.swap", &err);
        return;
    }
    /* cgroup-v2-resources.c: without the file, "max" (-1) and "0" change nothing */
    if (swap_v2 > 0 && probe->swap_accounting == HOST_NO)
        swap_unaccounted(probe, b);
}

static void check_memory(const struct host_probe *probe, const struct spec_memory *m,
                         struct check_bundle *b)
{
    if (!m->present)
        return;
    if (m->has_kernel)
        check_add(&b->warnings, FIELD "memory.kernel",
                  "kernel memory limits are ignored and will be removed (as in runc)");
    if (probe->cgroup_mode == CGROUP_MODE_V2) {
        check_memory_v2(probe, m, b);
        return;
    }
    if (!(m->has_limit || m->has_swap || m->has_reservation || m->has_kernel_tcp ||
          m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy))
        return;
    need(probe, b, "memory", FIELD "memory");
    if (!v1_has(probe, "memory"))
        return;
    /* cgroup-v1-resources.c writes memory.memsw.limit_in_bytes for any swap but 0 */
    if (m->has_swap && m->swap != 0 && probe->swap_accounting == HOST_NO)
        swap_unaccounted(probe, b);
    if (m->has_kernel_tcp && !probe->v1_kernel_tcp)
        check_add(&b->warnings, FIELD "memory.kernelTCP", "not supported by this kernel, ignored");
}

static void check_cpu_v1_files(const struct host_probe *probe, const struct spec_cpu *c,
                               struct check_bundle *b)
{
    if (!v1_has(probe, "cpu"))
        return;
    if (((c->has_realtime_runtime && c->realtime_runtime != 0) ||
         (c->has_realtime_period && c->realtime_period != 0)) &&
        !probe->v1_cpu_rt)
        check_add(&b->problems, FIELD "cpu.realtimeRuntime",
                  "this kernel has no real-time group scheduling (CONFIG_RT_GROUP_SCHED: no "
                  "cpu.rt_runtime_us)");
    if (c->has_burst && !probe->v1_cpu_burst)
        check_add(&b->problems, FIELD "cpu.burst",
                  "this kernel has no CFS burst (cpu.cfs_burst_us, Linux 5.14+)");
    if (c->has_idle && !probe->v1_cpu_idle)
        check_add(&b->problems, FIELD "cpu.idle", "this kernel has no cpu.idle (Linux 5.15+)");
}

static void check_cpu(const struct host_probe *probe, const struct spec_cpu *c,
                      struct check_bundle *b)
{
    bool v2 = probe->cgroup_mode == CGROUP_MODE_V2;
    bool realtime = (c->has_realtime_runtime && c->realtime_runtime != 0) ||
                    (c->has_realtime_period && c->realtime_period != 0);

    if (!c->present)
        return;
    if (v2 && realtime)
        check_add(&b->problems, FIELD "cpu.realtimeRuntime",
                  "realtime scheduling is not supported on cgroup v2");
    if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
        (!v2 && (c->has_realtime_period || c->has_realtime_runtime)))
        need(probe, b, "cpu", FIELD "cpu");
    if (c->cpus && *c->cpus)
        need(probe, b, "cpuset", FIELD "cpu.cpus");
    if (c->mems && *c->mems)
        need(probe, b, "cpuset", FIELD "cpu.mems");
    if (!v2)
        check_cpu_v1_files(probe, c, b);
}

static void check_block_io(const struct host_probe *probe, const struct spec_block_io *io,
                           struct check_bundle *b)
{
    bool v2 = probe->cgroup_mode == CGROUP_MODE_V2;
    bool throttles = io->throttle_read_bps_count || io->throttle_write_bps_count ||
                     io->throttle_read_iops_count || io->throttle_write_iops_count;

    if (!io->present)
        return;
    if (v2 && io->has_leaf_weight && io->leaf_weight != 0)
        check_add(&b->warnings, FIELD "blockIO.leafWeight", "not supported on cgroup v2, ignored");
    if (io->has_weight || io->weight_device_count || throttles || (!v2 && io->has_leaf_weight))
        need(probe, b, v2 ? "io" : "blkio", FIELD "blockIO");
}

static void check_hugepages(const struct host_probe *probe, const struct spec_resources *r,
                            struct check_bundle *b)
{
    if (!r->hugepage_limits_count)
        return;
    need(probe, b, "hugetlb", FIELD "hugepageLimits");
    for (size_t i = 0; i < r->hugepage_limits_count; i++) {
        const char *size = r->hugepage_limits[i].page_size;
        cleanup_free char *name = size ? cgroup_hugepage_size_name(size) : NULL;
        cleanup_free char *field = xasprintf(FIELD "hugepageLimits[%zu].pageSize", i);
        if (name && host_list_has(&probe->hugepage_sizes, name))
            continue;
        cleanup_free char *sizes = xstrdup("");
        for (size_t s = 0; s < probe->hugepage_sizes.count; s++) {
            char *joined =
                xasprintf("%s%s%s", sizes, s ? ", " : "", probe->hugepage_sizes.names[s]);
            free(sizes);
            sizes = joined;
        }
        check_add(&b->problems, field, "%s is not a hugepage size of this host (it has: %s)",
                  size ? size : "(none)", *sizes ? sizes : "none");
    }
}

static void check_network(const struct host_probe *probe, const struct spec_resources *r,
                          struct check_bundle *b)
{
    bool class_id = r->has_class_id && r->class_id != 0;

    if (probe->cgroup_mode == CGROUP_MODE_V2) {
        if (class_id || r->net_priorities_count)
            check_add(&b->warnings, FIELD "network",
                      "net_cls and net_prio do not exist on cgroup v2, ignored");
        return;
    }
    if (class_id && !v1_has(probe, "net_cls"))
        check_add(&b->warnings, FIELD "network.classID", "no net_cls cgroup on this host, ignored");
    if (r->net_priorities_count && !v1_has(probe, "net_prio"))
        check_add(&b->warnings, FIELD "network.priorities",
                  "no net_prio cgroup on this host, ignored");
}

static void check_unified(const struct host_probe *probe, const struct spec_strmap *u,
                          struct check_bundle *b)
{
    if (!u->count)
        return;
    if (probe->cgroup_mode != CGROUP_MODE_V2) {
        check_add(&b->problems, FIELD "unified",
                  "needs cgroup v2: this host is %s and runc-go applies resources through the "
                  "v1 hierarchies (runc: cannot use unified on cgroup v1)",
                  probe->cgroup_mode == CGROUP_MODE_HYBRID ? "hybrid" : "cgroup v1");
        return;
    }
    for (size_t i = 0; i < u->count; i++) {
        const char *key = u->keys[i], *dot = strchr(key, '.');
        cleanup_free char *quoted = json_quote(key);
        cleanup_free char *field = xasprintf(FIELD "unified[%s]", quoted);
        if (!dot || strchr(key, '/') || key[0] == '.') {
            check_add(&b->problems, field,
                      "unified resource \"%s\" must be a file name of the form "
                      "CONTROLLER.PARAMETER",
                      key);
            continue;
        }
        cleanup_free char *controller = xstrndup(key, (size_t)(dot - key));
        if (strcmp(controller, "cgroup") != 0)
            need(probe, b, controller, field);
    }
}

void check_cgroup_resources(const struct host_probe *probe, const struct spec_resources *r,
                            struct check_bundle *b)
{
    bool v2 = probe->cgroup_mode == CGROUP_MODE_V2;

    check_memory(probe, &r->memory, b);
    check_cpu(probe, &r->cpu, b);
    check_block_io(probe, &r->block_io, b);
    if (r->has_pids_limit && r->pids_limit != 0)
        need(probe, b, "pids", FIELD "pids.limit");
    check_hugepages(probe, r, b);
    if (r->rdma_count)
        need(probe, b, "rdma", FIELD "rdma");
    check_network(probe, r, b);
    check_unified(probe, &r->unified, b);
    /* cgroup_v1_apply() sets device rules only where a devices hierarchy exists */
    if (!v2 && r->devices_count && !v1_has(probe, "devices"))
        check_add(&b->warnings, FIELD "devices",
                  "no devices cgroup on this host: the device rules are not enforced");
}
