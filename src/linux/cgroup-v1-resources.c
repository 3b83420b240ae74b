/* linux.resources on cgroup v1: one file per setting, in the hierarchy of its controller,
 * written in runc's order and with runc's checks. */
#include "cgroup-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../log.h"
#include "../util.h"

static int need_dir(const struct cgroup_apply *a, const char *dir, const char *controller,
                    const char *field, struct error *err)
{
    if (dir)
        return 0;
    return error_set(err, 0,
                     "%s.%s: no %s cgroup on this host (mount its v1 hierarchy under "
                     "/sys/fs/cgroup, or remove the field)",
                     a->origin, field, controller);
}

/* runc's message when the kernel refuses a limit below what the cgroup already uses. */
static int set_memory_limit(const struct cgroup_apply *a, const char *dir, int64_t limit,
                            struct error *err)
{
    uint64_t usage = 0, max = 0;

    if (limit == 0 ||
        cgroup_set_int(a, dir, "memory.limit_in_bytes", limit, "memory.limit", err) == 0)
        return 0;
    if (err->errnum != EBUSY)
        return -1;
    cgroup_read_u64(dir, "memory.usage_in_bytes", &usage);
    cgroup_read_u64(dir, "memory.max_usage_in_bytes", &max);
    return error_set(err, 0,
                     "%s.memory.limit: unable to set memory limit to %" PRId64
                     " (current usage: %" PRIu64 ", peak usage: %" PRIu64 ")",
                     a->origin, limit, usage, max);
}

static int set_memory_and_swap(const struct cgroup_apply *a, const char *dir, struct error *err)
{
    const struct spec_memory *m = &a->r->memory;
    int64_t limit = m->has_limit ? m->limit : 0;
    int64_t swap = m->has_swap ? m->swap : 0;
    uint64_t current;

    /* Unlimited memory with swap unset means both unlimited (when swap is accounted). */
    if (limit == -1 && swap == 0 && cgroup_file_exists(dir, "memory.memsw.limit_in_bytes"))
        swap = -1;
    /* memsw (memory + swap) may never be below the limit: order the two writes so every
     * intermediate state is valid, whichever way they move. */
    if (limit != 0 && swap != 0 && cgroup_read_u64(dir, "memory.limit_in_bytes", &current) == 0 &&
        (swap == -1 || current < (uint64_t)swap)) {
        if (cgroup_set_int(a, dir, "memory.memsw.limit_in_bytes", swap, "memory.swap", err) < 0)
            return -1;
        return set_memory_limit(a, dir, limit, err);
    }
    if (set_memory_limit(a, dir, limit, err) < 0)
        return -1;
    if (swap != 0 &&
        cgroup_set_int(a, dir, "memory.memsw.limit_in_bytes", swap, "memory.swap", err) < 0)
        return -1;
    return 0;
}

static int v1_memory(const struct spec_strmap *paths, const struct cgroup_apply *a,
                     struct error *err)
{
    const struct spec_memory *m = &a->r->memory;
    const char *dir = cgroup_v1_dir(paths, "memory");

    if (!m->present)
        return 0;
    if (m->has_kernel)
        log_warn("Kernel memory settings are ignored and will be removed");
    if (!(m->has_limit || m->has_swap || m->has_reservation || m->has_kernel_tcp ||
          m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy))
        return 0;
    if (need_dir(a, dir, "memory", "memory", err) < 0 ||
        cgroup_check_memory_usage(a, dir, "memory.usage_in_bytes", err) < 0 ||
        set_memory_and_swap(a, dir, err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        cgroup_set_int(a, dir, "memory.soft_limit_in_bytes", m->reservation, "memory.reservation",
                       err) < 0)
        return -1;
    if (m->has_kernel_tcp) {
        if (!cgroup_file_exists(dir, "memory.kmem.tcp.limit_in_bytes"))
            log_warn("linux.resources.memory.kernelTCP: not supported by this kernel, ignored");
        else if (cgroup_set_int(a, dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp,
                                "memory.kernelTCP", err) < 0)
            return -1;
    }
    if (m->has_disable_oom_killer && m->disable_oom_killer &&
        cgroup_set(a, dir, "memory.oom_control", "1", "memory.disableOOMKiller", err) < 0)
        return -1;
    if (m->has_swappiness) {
        if (m->swappiness > 100)
            return error_set(err, 0,
                             "%s.memory.swappiness: invalid memory swappiness value: %" PRIu64
                             " (valid range is 0-100)",
                             a->origin, m->swappiness);
        if (cgroup_set_int(a, dir, "memory.swappiness", (long long)m->swappiness,
                           "memory.swappiness", err) < 0)
            return -1;
    }
    if (m->has_use_hierarchy) {
        struct error refused;
        /* Kernels since 6.2 keep it at 1 and refuse 0: warn, as runc ignores the field. */
        if (cgroup_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", &refused) < 0)
            log_warn("%s.memory.useHierarchy: %s", a->origin, refused.msg);
    }
    return 0;
}

/* runc reads cpu.shares back: the kernel clamps out-of-range values silently. */
static int v1_cpu_shares(const struct cgroup_apply *a, const char *dir, struct error *err)
{
    uint64_t shares = a->r->cpu.shares, actual;

    if (cgroup_set_int(a, dir, "cpu.shares", (long long)shares, "cpu.shares", err) < 0)
        return -1;
    if (cgroup_read_u64(dir, "cpu.shares", &actual) < 0 || actual == shares)
        return 0;
    return error_set(err, 0, "%s.cpu.shares: the %s allowed cpu-shares is %" PRIu64, a->origin,
                     shares > actual ? "maximum" : "minimum", actual);
}

static int v1_cpu_bandwidth(const struct cgroup_apply *a, const char *dir, struct error *err)
{
    const struct spec_cpu *c = &a->r->cpu;
    int64_t quota = c->has_quota ? c->quota : 0;
    bool period_pending = false;

    /* A shorter period may be refused (EINVAL) while the old quota/new period exceeds the
     * parent's: then set the quota first and retry the period (runc's order). */
    if (c->has_period && c->period != 0 &&
        cgroup_set_int(a, dir, "cpu.cfs_period_us", (long long)c->period, "cpu.period", err) < 0) {
        if (err->errnum != EINVAL || quota == 0)
            return -1;
        period_pending = true;
    }
    if (quota != 0) {
        if (cgroup_set_int(a, dir, "cpu.cfs_quota_us", quota, "cpu.quota", err) < 0)
            return -1;
        if (period_pending && cgroup_set_int(a, dir, "cpu.cfs_period_us", (long long)c->period,
                                             "cpu.period", err) < 0)
            return -1;
    }
    if (c->has_burst &&
        cgroup_set_int(a, dir, "cpu.cfs_burst_us", (long long)c->burst, "cpu.burst", err) < 0)
        return -1;
    return 0;
}

static int v1_cpu(const struct spec_strmap *paths, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_cpu *c = &a->r->cpu;
    const char *dir = cgroup_v1_dir(paths, "cpu");
    const char *cpuset = cgroup_v1_dir(paths, "cpuset");

    if (!c->present)
        return 0;
    if ((c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_realtime_period ||
         c->has_realtime_runtime || c->has_idle) &&
        need_dir(a, dir, "cpu", "cpu", err) < 0)
        return -1;
    if (c->has_shares && c->shares != 0 && v1_cpu_shares(a, dir, err) < 0)
        return -1;
    if (v1_cpu_bandwidth(a, dir, err) < 0)
        return -1;
    if (c->has_realtime_period && c->realtime_period != 0 &&
        cgroup_set_int(a, dir, "cpu.rt_period_us", (long long)c->realtime_period,
                       "cpu.realtimePeriod", err) < 0)
        return -1;
    if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
        cgroup_set_int(a, dir, "cpu.rt_runtime_us", c->realtime_runtime, "cpu.realtimeRuntime",
                       err) < 0)
        return -1;
    if (c->has_idle && cgroup_set_int(a, dir, "cpu.idle", c->idle, "cpu.idle", err) < 0)
        return -1;
    if (((c->cpus && *c->cpus) || (c->mems && *c->mems)) &&
        need_dir(a, cpuset, "cpuset", "cpu.cpus", err) < 0)
        return -1;
    return cgroup_set_cpuset(a, cpuset, c, err);
}

static int write_throttles(const struct cgroup_apply *a, const char *dir, const char *file,
                           const char *field, const struct spec_block_io_throttle *list,
                           size_t count, struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        char value[96], name[64];
        snprintf(value, sizeof value, "%" PRId64 ":%" PRId64 " %" PRIu64, list[i].major,
                 list[i].minor, list[i].rate);
        snprintf(name, sizeof name, "blockIO.%s[%zu]", field, i);
        if (cgroup_set(a, dir, file, value, name, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_blkio(const struct spec_strmap *paths, const struct cgroup_apply *a,
                    struct error *err)
{
    const struct spec_block_io *b = &a->r->block_io;
    const char *dir = cgroup_v1_dir(paths, "blkio");
    /* CFQ's files, or BFQ's when the kernel has no CFQ (since 5.0) */
    bool cfq = dir && cgroup_file_exists(dir, "blkio.weight");
    const char *weight_file = cfq ? "blkio.weight" : "blkio.bfq.weight";
    const char *weight_device_file = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";

    if (!(b->has_weight || b->has_leaf_weight || b->weight_device_count ||
          b->throttle_read_bps_count || b->throttle_write_bps_count ||
          b->throttle_read_iops_count || b->throttle_write_iops_count))
        return 0;
    if (need_dir(a, dir, "blkio", "blockIO", err) < 0)
        return -1;
    if (b->has_weight && b->weight != 0 &&
        cgroup_set_int(a, dir, weight_file, b->weight, "blockIO.weight", err) < 0)
        return -1;
    if (b->has_leaf_weight && b->leaf_weight != 0 &&
        cgroup_set_int(a, dir, "blkio.leaf_weight", b->leaf_weight, "blockIO.leafWeight", err) < 0)
        return -1;
    for (size_t i = 0; i < b->weight_device_count; i++) {
        const struct spec_block_io_weight_device *d = &b->weight_device[i];
        char value[96], field[64];
        snprintf(field, sizeof field, "blockIO.weightDevice[%zu]", i);
        snprintf(value, sizeof value, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
        if (d->has_weight && d->weight != 0 &&
            cgroup_set(a, dir, weight_device_file, value, field, err) < 0)
            return -1;
        snprintf(value, sizeof value, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                 d->leaf_weight);
        if (d->has_leaf_weight && d->leaf_weight != 0 &&
            cgroup_set(a, dir, "blkio.leaf_weight_device", value, field, err) < 0)
            return -1;
    }
    return write_throttles(a, dir, "blkio.throttle.read_bps_device", "throttleReadBpsDevice",
                           b->throttle_read_bps, b->throttle_read_bps_count, err) < 0 ||
                   write_throttles(a, dir, "blkio.throttle.write_bps_device",
                                   "throttleWriteBpsDevice", b->throttle_write_bps,
                                   b->throttle_write_bps_count, err) < 0 ||
                   write_throttles(a, dir, "blkio.throttle.read_iops_device",
                                   "throttleReadIOPSDevice", b->throttle_read_iops,
                                   b->throttle_read_iops_count, err) < 0 ||
                   write_throttles(a, dir, "blkio.throttle.write_iops_device",
                                   "throttleWriteIOPSDevice", b->throttle_write_iops,
                                   b->throttle_write_iops_count, err) < 0
               ? -1
               : 0;
}

static int v1_pids_hugetlb(const struct spec_strmap *paths, const struct cgroup_apply *a,
                           struct error *err)
{
    const struct spec_resources *r = a->r;
    const char *pids = cgroup_v1_dir(paths, "pids");
    const char *hugetlb = cgroup_v1_dir(paths, "hugetlb");

    /* 0 leaves the limit alone, negative is "max" (runc). */
    if (r->has_pids_limit && r->pids_limit != 0) {
        if (need_dir(a, pids, "pids", "pids.limit", err) < 0)
            return -1;
        if (r->pids_limit > 0
                ? cgroup_set_int(a, pids, "pids.max", r->pids_limit, "pids.limit", err) < 0
                : cgroup_set(a, pids, "pids.max", "max", "pids.limit", err) < 0)
            return -1;
    }
    if (r->hugepage_limits_count && need_dir(a, hugetlb, "hugetlb", "hugepageLimits", err) < 0)
        return -1;
    for (size_t i = 0; i < r->hugepage_limits_count; i++) {
        cleanup_free char *name = NULL;
        char field[48];
        if (cgroup_hugepage_name(a, i, &name, err) < 0)
            return -1;
        cleanup_free char *file = xasprintf("hugetlb.%s.limit_in_bytes", name);
        snprintf(field, sizeof field, "hugepageLimits[%zu].limit", i);
        if (cgroup_set_int(a, hugetlb, file, (long long)r->hugepage_limits[i].limit, field, err) <
            0)
            return -1;
    }
    return 0;
}

/* net_cls/net_prio exist on few hosts (and never on v2): without them the setting can't
 * be honoured, which runc-go reports as a warning rather than refusing the container. */
static int v1_network_rdma(const struct spec_strmap *paths, const struct cgroup_apply *a,
                           struct error *err)
{
    const struct spec_resources *r = a->r;
    const char *net_cls = cgroup_v1_dir(paths, "net_cls");
    const char *net_prio = cgroup_v1_dir(paths, "net_prio");
    const char *rdma = cgroup_v1_dir(paths, "rdma");

    if (r->has_class_id && r->class_id != 0) {
        if (!net_cls)
            log_warn("%s.network.classID: no net_cls cgroup on this host, ignored", a->origin);
        else if (cgroup_set_int(a, net_cls, "net_cls.classid", r->class_id, "network.classID",
                                err) < 0)
            return -1;
    }
    if (r->net_priorities_count && !net_prio)
        log_warn("%s.network.priorities: no net_prio cgroup on this host, ignored", a->origin);
    for (size_t i = 0; net_prio && i < r->net_priorities_count; i++) {
        char field[48];
        cleanup_free char *value =
            xasprintf("%s %u", r->net_priorities[i].name, r->net_priorities[i].priority);
        snprintf(field, sizeof field, "network.priorities[%zu]", i);
        if (cgroup_set(a, net_prio, "net_prio.ifpriomap", value, field, err) < 0)
            return -1;
    }
    if (r->rdma_count && need_dir(a, rdma, "rdma", "rdma", err) < 0)
        return -1;
    if (cgroup_set_rdma(a, rdma, err) < 0)
        return -1;
    return 0;
}

int cgroup_v1_apply(const struct spec_strmap *paths, const struct cgroup_apply *a,
                    struct error *err)
{
    const char *devices = cgroup_v1_dir(paths, "devices");

    if (a->r->unified.count)
        return error_set(err, 0,
                         "%s.unified: invalid configuration: cannot use unified on "
                         "cgroup v1",
                         a->origin);
    if (!a->update && devices && cgroup_v1_apply_devices(devices, a, err) < 0)
        return -1;
    if (v1_memory(paths, a, err) < 0 || v1_cpu(paths, a, err) < 0 || v1_blkio(paths, a, err) < 0 ||
        v1_pids_hugetlb(paths, a, err) < 0 || v1_network_rdma(paths, a, err) < 0)
        return -1;
    return 0;
}
