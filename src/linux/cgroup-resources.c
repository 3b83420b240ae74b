/* linux.resources written to cgroup files: v1 files per controller hierarchy, v2 files in
 * the unified directory (with runc's conversions of v1-style values). */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

/* The directory of the hierarchy that holds `controller`, or NULL. */
static const char *v1_dir(const struct spec_strmap *paths, const char *controller)
{
    for (size_t i = 0; i < paths->count; i++) {
        cleanup_free char *key = xasprintf(",%s,", paths->keys[i]);
        cleanup_free char *want = xasprintf(",%s,", controller);
        if (strstr(key, want))
            return paths->values[i];
    }
    return NULL;
}

static int write_value(const char *dir, const char *file, const char *value, const char *field,
                       struct error *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    if (write_file_string(path, value, err) < 0)
        return error_prefix(err, "config.json: linux.resources.%s", field);
    return 0;
}

static int write_int(const char *dir, const char *file, long long value, const char *field,
                     struct error *err)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", value);
    return write_value(dir, file, buf, field, err);
}

static int need_dir(const char *dir, const char *controller, const char *field,
                    struct error *err)
{
    if (dir)
        return 0;
    return error_set(err, ENOENT, "config.json: linux.resources.%s: no %s cgroup on this host",
                     field, controller);
}

static int v1_memory(const struct spec_strmap *paths, const struct spec_memory *m,
                     struct error *err)
{
    const char *dir = v1_dir(paths, "memory");
    if (!m->present)
        return 0;
    if (need_dir(dir, "memory", "memory", err) < 0)
        return -1;
    if (m->has_reservation &&
        write_int(dir, "memory.soft_limit_in_bytes", m->reservation, "memory.reservation", err) < 0)
        return -1;
    /* memsw (limit + swap) may never be below the limit: order the two writes so every
     * intermediate state is valid, whichever way they move. */
    if (m->has_limit && m->has_swap) {
        struct error first;
        if (write_int(dir, "memory.limit_in_bytes", m->limit, "memory.limit", &first) == 0)
            return write_int(dir, "memory.memsw.limit_in_bytes", m->swap, "memory.swap", err);
        if (write_int(dir, "memory.memsw.limit_in_bytes", m->swap, "memory.swap", err) < 0)
            return -1;
    }
    if (m->has_limit && write_int(dir, "memory.limit_in_bytes", m->limit, "memory.limit", err) < 0)
        return -1;
    if (m->has_swap && !m->has_limit &&
        write_int(dir, "memory.memsw.limit_in_bytes", m->swap, "memory.swap", err) < 0)
        return -1;
    if (m->has_swappiness &&
        write_int(dir, "memory.swappiness", (long long)m->swappiness, "memory.swappiness", err) < 0)
        return -1;
    if (m->has_kernel_tcp && write_int(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp,
                                       "memory.kernelTCP", err) < 0)
        return -1;
    if (m->has_disable_oom_killer && m->disable_oom_killer &&
        write_value(dir, "memory.oom_control", "1", "memory.disableOOMKiller", err) < 0)
        return -1;
    return 0;
}

static int v1_cpu(const struct spec_strmap *paths, const struct spec_cpu *c, struct error *err)
{
    const char *dir = v1_dir(paths, "cpu");
    const char *cpuset = v1_dir(paths, "cpuset");
    if (!c->present)
        return 0;
    if ((c->has_shares || c->has_quota || c->has_period || c->has_realtime_period ||
         c->has_realtime_runtime) &&
        need_dir(dir, "cpu", "cpu", err) < 0)
        return -1;
    if (c->has_shares && write_int(dir, "cpu.shares", (long long)c->shares, "cpu.shares", err) < 0)
        return -1;
    if (c->has_period &&
        write_int(dir, "cpu.cfs_period_us", (long long)c->period, "cpu.period", err) < 0)
        return -1;
    if (c->has_quota && write_int(dir, "cpu.cfs_quota_us", c->quota, "cpu.quota", err) < 0)
        return -1;
    if (c->has_realtime_period && write_int(dir, "cpu.rt_period_us", (long long)c->realtime_period,
                                            "cpu.realtimePeriod", err) < 0)
        return -1;
    if (c->has_realtime_runtime && write_int(dir, "cpu.rt_runtime_us", c->realtime_runtime,
                                             "cpu.realtimeRuntime", err) < 0)
        return -1;
    if ((c->cpus || c->mems) && need_dir(cpuset, "cpuset", "cpu", err) < 0)
        return -1;
    if (c->cpus && write_value(cpuset, "cpuset.cpus", c->cpus, "cpu.cpus", err) < 0)
        return -1;
    if (c->mems && write_value(cpuset, "cpuset.mems", c->mems, "cpu.mems", err) < 0)
        return -1;
    return 0;
}

static int v1_pids_blkio(const struct spec_strmap *paths, const struct spec_resources *r,
                         struct error *err)
{
    const char *pids = v1_dir(paths, "pids");
    const char *blkio = v1_dir(paths, "blkio");

    if (r->has_pids_limit) {
        if (need_dir(pids, "pids", "pids.limit", err) < 0)
            return -1;
        if (r->pids_limit > 0
                ? write_int(pids, "pids.max", r->pids_limit, "pids.limit", err) < 0
                : write_value(pids, "pids.max", "max", "pids.limit", err) < 0)
            return -1;
    }
    if (r->block_io.present && r->block_io.has_weight) {
        if (need_dir(blkio, "blkio", "blockIO.weight", err) < 0 ||
            write_int(blkio, "blkio.weight", r->block_io.weight, "blockIO.weight", err) < 0)
            return -1;
    }
    return 0;
}

static int apply_v1(const struct spec_strmap *paths, const struct spec_resources *r,
                    struct error *err)
{
    if (r->unified.count)
        return error_set(err, EINVAL, "config.json: linux.resources.unified: requires cgroup v2");
    return v1_memory(paths, &r->memory, err) < 0 || v1_cpu(paths, &r->cpu, err) < 0 ||
                   v1_pids_blkio(paths, r, err) < 0
               ? -1
               : 0;
}

/* Enables the controllers the resources need in every ancestor of dir, as v2 requires. */
static int v2_enable_controllers(const char *mountpoint, const char *dir, struct error *err)
{
    cleanup_free char *available = NULL;
    cleanup_free char *controllers_path = xasprintf("%s/cgroup.controllers", mountpoint);
    cleanup_free char *request = NULL;
    cleanup_free char *walk = xstrdup(dir);
    size_t root_len = strlen(mountpoint);
    char *save = NULL;

    if (read_file(controllers_path, 4096, &available, NULL, err) < 0)
        return -1;
    request = xstrdup("");
    for (char *c = strtok_r(available, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
        char *joined = xasprintf("%s%s+%s", request, *request ? " " : "", c);
        free(request);
        request = joined;
    }
    for (char *slash = strchr(walk + root_len, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        cleanup_free char *control = xasprintf("%s/cgroup.subtree_control", walk);
        struct error ignored;
        /* Best effort: an ancestor with processes refuses ("no internal processes"); the
         * write of the limit itself then reports the real problem. */
        write_file_string(control, request, &ignored);
        *slash = '/';
    }
    return 0;
}

static int v2_memory_cpu(const char *dir, const struct spec_resources *r, struct error *err)
{
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;
    char buf[64];

    if (m->has_limit && (m->limit < 0 ? write_value(dir, "memory.max", "max", "memory.limit", err)
                                      : write_int(dir, "memory.max", m->limit, "memory.limit",
                                                  err)) < 0)
        return -1;
    if (m->has_reservation &&
        write_int(dir, "memory.low", m->reservation, "memory.reservation", err) < 0)
        return -1;
    /* v1's swap is memory+swap; v2's memory.swap.max is swap alone (runc's conversion). */
    if (m->has_swap && m->has_limit && m->swap >= 0 && m->limit >= 0 &&
        write_int(dir, "memory.swap.max", m->swap - m->limit, "memory.swap", err) < 0)
        return -1;
    if (c->has_shares && c->shares > 0 &&
        write_int(dir, "cpu.weight", 1 + (((long long)c->shares - 2) * 9999) / 262142,
                  "cpu.shares", err) < 0)
        return -1;
    if (c->has_quota || c->has_period) {
        if (c->has_quota && c->quota > 0)
            snprintf(buf, sizeof buf, "%lld %" PRIu64, (long long)c->quota,
                     c->has_period ? c->period : 100000);
        else
            snprintf(buf, sizeof buf, "max %" PRIu64, c->has_period ? c->period : 100000);
        if (write_value(dir, "cpu.max", buf, "cpu.quota", err) < 0)
            return -1;
    }
    if (c->cpus && write_value(dir, "cpuset.cpus", c->cpus, "cpu.cpus", err) < 0)
        return -1;
    if (c->mems && write_value(dir, "cpuset.mems", c->mems, "cpu.mems", err) < 0)
        return -1;
    return 0;
}

static int apply_v2(const char *mountpoint, const char *dir, const struct spec_resources *r,
                    struct error *err)
{
    if (v2_enable_controllers(mountpoint, dir, err) < 0 || v2_memory_cpu(dir, r, err) < 0)
        return -1;
    if (r->has_pids_limit &&
        (r->pids_limit > 0 ? write_int(dir, "pids.max", r->pids_limit, "pids.limit", err)
                           : write_value(dir, "pids.max", "max", "pids.limit", err)) < 0)
        return -1;
    if (r->block_io.present && r->block_io.has_weight &&
        write_int(dir, "io.weight", 1 + ((long long)r->block_io.weight - 10) * 9999 / 990,
                  "blockIO.weight", err) < 0)
        return -1;
    for (size_t i = 0; i < r->unified.count; i++) {
        const char *key = r->unified.keys[i];
        if (strchr(key, '/') || key[0] == '.')
            return error_set(err, EINVAL, "config.json: linux.resources.unified: invalid key %s",
                             key);
        cleanup_free char *field = xasprintf("unified.%s", key);
        if (write_value(dir, key, r->unified.values[i], field, err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_apply_resources(const struct spec_strmap *paths, const struct spec_resources *r,
                           struct error *err)
{
    if (!r->present)
        return 0;
    if (cgroup_detect_mode() != CGROUP_MODE_V2)
        return apply_v1(paths, r, err);
    for (size_t i = 0; i < paths->count; i++)
        if (strcmp(paths->keys[i], CGROUP_UNIFIED_KEY) == 0)
            return apply_v2("/sys/fs/cgroup", paths->values[i], r, err);
    return error_set(err, ENOENT, "no unified cgroup directory");
}
