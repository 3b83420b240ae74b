/* linux.resources on cgroup v2: the unified directory's files, with runc's conversions of the
 * spec's v1-style values (shares -> cpu.weight, memory+swap -> memory.swap.max, blkio weight
 * -> io.weight) and its order of writes. */
#include "cgroup-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../log.h"
#include "../util.h"

static int v2_memory(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_memory *m = &a->r->memory;
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0, swap_v2;
    cleanup_free char *swap_value = NULL;

    if (!m->present)
        return 0;
    if (m->has_kernel || m->has_kernel_tcp)
        log_warn("Kernel memory settings are ignored and will be removed");
    if (m->has_swappiness)
        log_warn("%s.memory.swappiness: not supported on cgroup v2, ignored", a->origin);
    if (m->has_disable_oom_killer && m->disable_oom_killer)
        log_warn("%s.memory.disableOOMKiller: not supported on cgroup v2, ignored", a->origin);
    if (!(limit || swap || (m->has_reservation && m->reservation)))
        return 0;
    if (cgroup_check_memory_usage(a, dir, "memory.current", err) < 0)
        return -1;
    if (cgroup_memory_swap_to_v2(swap, limit, &swap_v2, err) < 0)
        return cgroup_field_error(a, "memory.swap", err);
    /* swap_v2 0 with a swap given means memory == swap: no swap at all */
    if (swap_v2 != 0 || swap > 0)
        swap_value = cgroup_v2_limit_string(swap_v2);
    if (swap_value) {
        struct error missing;
        /* Without swap accounting the file is absent: "max" or "0" then change nothing. */
        if (cgroup_write(dir, "memory.swap.max", swap_value, &missing) < 0) {
            bool harmless = missing.errnum == ENOENT &&
                            (strcmp(swap_value, "max") == 0 || strcmp(swap_value, "0") == 0);
            if (!harmless) {
                *err = missing;
                return cgroup_field_error(a, "memory.swap", err);
            }
        }
    }
    if (limit != 0) {
        cleanup_free char *value = cgroup_v2_limit_string(limit);
        if (cgroup_set(a, dir, "memory.max", value, "memory.limit", err) < 0)
            return -1;
    }
    if (m->has_reservation && m->reservation != 0) {
        cleanup_free char *value = cgroup_v2_limit_string(m->reservation);
        if (cgroup_set(a, dir, "memory.low", value, "memory.reservation", err) < 0)
            return -1;
    }
    return 0;
}

static int v2_cpu(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_cpu *c = &a->r->cpu;
    int64_t quota = c->has_quota ? c->quota : 0;
    uint64_t period = c->has_period ? c->period : 0;
    bool burst_pending = false;

    if (!c->present)
        return 0;
    if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
        (c->has_realtime_period && c->realtime_period != 0))
        return error_set(err, 0,
                         "%s.cpu.realtimeRuntime: realtime scheduling is not supported "
                         "on cgroup v2",
                         a->origin);
    if (c->has_idle && cgroup_set_int(a, dir, "cpu.idle", c->idle, "cpu.idle", err) < 0)
        return -1;
    if (c->has_shares && c->shares != 0 &&
        cgroup_set_int(a, dir, "cpu.weight", (long long)cgroup_shares_to_weight(c->shares),
                       "cpu.shares", err) < 0)
        return -1;
    /* A burst above what the old quota allows is refused (EINVAL) until the new quota is
     * in: retry it after cpu.max, as runc does. */
    if (c->has_burst &&
        cgroup_set_int(a, dir, "cpu.max.burst", (long long)c->burst, "cpu.burst", err) < 0) {
        if (err->errnum != EINVAL || quota == 0)
            return -1;
        burst_pending = true;
    }
    if (quota != 0 || period != 0) {
        cleanup_free char *value = cgroup_cpu_max(quota, period);
        if (cgroup_set(a, dir, "cpu.max", value, quota ? "cpu.quota" : "cpu.period", err) < 0)
            return -1;
    }
    if (burst_pending &&
        cgroup_set_int(a, dir, "cpu.max.burst", (long long)c->burst, "cpu.burst", err) < 0)
        return -1;
    return cgroup_set_cpuset(a, dir, c, err);
}

static int write_io_max(const struct cgroup_apply *a, const char *dir, const char *key,
                        const char *field, const struct spec_block_io_throttle *list, size_t count,
                        struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        char value[128], name[64];
        snprintf(value, sizeof value, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, list[i].major,
                 list[i].minor, key, list[i].rate);
        snprintf(name, sizeof name, "blockIO.%s[%zu]", field, i);
        if (cgroup_set(a, dir, "io.max", value, name, err) < 0)
            return -1;
    }
    return 0;
}

/* BFQ's io.bfq.weight takes per-device weights since 5.4: then it reads back more than the
 * single default number. */
static bool bfq_device_weights(const char *dir)
{
    cleanup_free char *content = cgroup_read(dir, "io.bfq.weight");
    long long ignored;
    return content && parse_long(content, &ignored) < 0;
}

static int v2_io(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_block_io *b = &a->r->block_io;
    bool bfq = cgroup_file_exists(dir, "io.bfq.weight");

    if (!b->present)
        return 0;
    if (b->has_weight && b->weight != 0) {
        /* BFQ takes the v1 value as is; io.weight needs runc's conversion. */
        if (bfq ? cgroup_set_int(a, dir, "io.bfq.weight", b->weight, "blockIO.weight", err) < 0
                : cgroup_set_int(a, dir, "io.weight",
                                 (long long)cgroup_blkio_weight_to_io_weight(b->weight),
                                 "blockIO.weight", err) < 0)
            return -1;
    }
    if (b->has_leaf_weight && b->leaf_weight != 0)
        log_warn("%s.blockIO.leafWeight: not supported on cgroup v2, ignored", a->origin);
    for (size_t i = 0; bfq && bfq_device_weights(dir) && i < b->weight_device_count; i++) {
        const struct spec_block_io_weight_device *d = &b->weight_device[i];
        char value[96], field[48];
        if (!d->has_weight || d->weight == 0)
            continue;
        snprintf(value, sizeof value, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
        snprintf(field, sizeof field, "blockIO.weightDevice[%zu]", i);
        if (cgroup_set(a, dir, "io.bfq.weight", value, field, err) < 0)
            return -1;
    }
    return write_io_max(a, dir, "rbps", "throttleReadBpsDevice", b->throttle_read_bps,
                        b->throttle_read_bps_count, err) < 0 ||
                   write_io_max(a, dir, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps,
                                b->throttle_write_bps_count, err) < 0 ||
                   write_io_max(a, dir, "riops", "throttleReadIOPSDevice", b->throttle_read_iops,
                                b->throttle_read_iops_count, err) < 0 ||
                   write_io_max(a, dir, "wiops", "throttleWriteIOPSDevice", b->throttle_write_iops,
                                b->throttle_write_iops_count, err) < 0
               ? -1
               : 0;
}

int cgroup_v2_apply_hugetlb(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_resources *r = a->r;

    for (size_t i = 0; i < r->hugepage_limits_count; i++) {
        cleanup_free char *name = NULL;
        char field[48];
        if (cgroup_hugepage_name(a, i, &name, err) < 0)
            return -1;
        cleanup_free char *file = xasprintf("hugetlb.%s.max", name);
        snprintf(field, sizeof field, "hugepageLimits[%zu].limit", i);
        if (cgroup_set_int(a, dir, file, (long long)r->hugepage_limits[i].limit, field, err) < 0)
            return -1;
    }
    return 0;
}

static int v2_pids_rdma_network(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_resources *r = a->r;

    if (r->has_pids_limit && r->pids_limit != 0) {
        cleanup_free char *value = cgroup_v2_limit_string(r->pids_limit);
        if (cgroup_set(a, dir, "pids.max", value, "pids.limit", err) < 0)
            return -1;
    }
    if (cgroup_set_rdma(a, dir, err) < 0)
        return -1;
    if ((r->has_class_id && r->class_id) || r->net_priorities_count)
        log_warn("%s.network: net_cls and net_prio do not exist on cgroup v2, ignored", a->origin);
    return 0;
}

/* linux.resources.unified: written last, so it overrides the converted values. */
static int v2_unified(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    const struct spec_strmap *u = &a->r->unified;

    for (size_t i = 0; i < u->count; i++) {
        const char *key = u->keys[i];
        cleanup_free char *field = xasprintf("unified.%s", key);
        const char *dot = strchr(key, '.');
        if (strchr(key, '/') || key[0] == '.' || key[0] == '\0')
            return error_set(err, 0,
                             "%s.%s: unified resource \"%s\" must be a file name (no "
                             "slashes)",
                             a->origin, field, key);
        if (cgroup_write(dir, key, u->values[i], err) == 0)
            continue;
        if (err->errnum == ENOENT || err->errnum == EPERM || err->errnum == EACCES) {
            if (!dot)
                return error_set(err, 0,
                                 "%s.%s: unified resource \"%s\" must be in the form "
                                 "CONTROLLER.PARAMETER",
                                 a->origin, field, key);
            cleanup_free char *controller = xstrndup(key, (size_t)(dot - key));
            if (strcmp(controller, "cgroup") != 0 && !cgroup_v2_has_controller(dir, controller))
                return error_set(err, 0,
                                 "%s.%s: unified resource \"%s\" can't be set: "
                                 "controller \"%s\" not available",
                                 a->origin, field, key, controller);
        }
        return cgroup_field_error(a, field, err);
    }
    return 0;
}

int cgroup_v2_apply(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    if (!a->update && cgroup_v2_apply_devices(dir, a, err) < 0)
        return -1;
    if (v2_memory(dir, a, err) < 0 || v2_cpu(dir, a, err) < 0 || v2_io(dir, a, err) < 0 ||
        cgroup_v2_apply_hugetlb(dir, a, err) < 0 || v2_pids_rdma_network(dir, a, err) < 0 ||
        v2_unified(dir, a, err) < 0)
        return -1;
    return 0;
}
