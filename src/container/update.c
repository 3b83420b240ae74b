/* `update`: new limits for a running container. As runc does, the changes are merged into the
 * resources the container has (the config's, or what the last update left in
 * RESOURCES_FILE), the merged set is written to the cgroup (device rules excepted) and saved
 * for the next update. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../linux/cgroup.h"
#include "../log.h"
#include "../spec/json-out.h"
#include "../spec/state-json.h"
#include "../util.h"
#include "container.h"
#include "state.h"

/* ------------------------------------------------------ flags, with runc's messages */

static int flag_u64(const char *name, const char *value, uint64_t *out, bool *has,
                    struct error *err)
{
    char *end;

    if (!value || !*value)
        return 0;
    errno = 0;
    *out = strtoull(value, &end, 10);
    if (value[0] == '-' || value[0] == '+' || *end || end == value)
        return error_set(err, 0,
                         "invalid value for %s: strconv.ParseUint: parsing \"%s\": invalid syntax",
                         name, value);
    if (errno == ERANGE)
        return error_set(err, 0,
                         "invalid value for %s: strconv.ParseUint: parsing \"%s\": value out of "
                         "range",
                         name, value);
    *has = true;
    return 0;
}

static int flag_i64(const char *name, const char *value, int64_t *out, bool *has, struct error *err)
{
    long long number;

    if (!value || !*value)
        return 0;
    if (parse_long(value, &number) < 0)
        return error_set(err, 0,
                         "invalid value for %s: strconv.ParseInt: parsing \"%s\": invalid syntax",
                         name, value);
    *out = number;
    *has = true;
    return 0;
}

static int flag_memory(const char *name, const char *value, int64_t *out, bool *has,
                       struct error *err)
{
    if (!value || !*value)
        return 0;
    if (strcmp(value, "-1") == 0)
        *out = -1;
    else if (cgroup_parse_ram_bytes(value, out) < 0)
        return error_set(err, 0, "invalid value for %s: invalid size: '%s'", name, value);
    *has = true;
    return 0;
}

/* runc's int flags: parsed by the CLI library, 0 meaning "not given". */
static int flag_int(const char *name, const char *value, long long *out, struct error *err)
{
    *out = 0;
    if (!value)
        return 0;
    if (parse_long(value, out) < 0)
        return error_set(err, 0, "invalid value \"%s\" for flag -%s: parse error", value, name);
    return 0;
}

static struct spec_resources *resources_from_flags(const struct update_options *o,
                                                   struct error *err)
{
    struct spec_resources *r = spec_parse_resources("{}", 2, "flags", err);
    struct spec_cpu *c = &r->cpu;
    struct spec_memory *m = &r->memory;
    long long weight, pids;

    c->present = m->present = true;
    if (flag_int("blkio-weight", o->blkio_weight, &weight, err) < 0 ||
        flag_int("pids-limit", o->pids_limit, &pids, err) < 0 ||
        flag_u64("cpu-burst", o->cpu_burst, &c->burst, &c->has_burst, err) < 0 ||
        flag_u64("cpu-period", o->cpu_period, &c->period, &c->has_period, err) < 0 ||
        flag_u64("cpu-rt-period", o->cpu_rt_period, &c->realtime_period, &c->has_realtime_period,
                 err) < 0 ||
        flag_u64("cpu-share", o->cpu_share, &c->shares, &c->has_shares, err) < 0 ||
        flag_i64("cpu-quota", o->cpu_quota, &c->quota, &c->has_quota, err) < 0 ||
        flag_i64("cpu-rt-runtime", o->cpu_rt_runtime, &c->realtime_runtime,
                 &c->has_realtime_runtime, err) < 0 ||
        flag_i64("cpu-idle", o->cpu_idle, &c->idle, &c->has_idle, err) < 0 ||
        flag_memory("memory", o->memory, &m->limit, &m->has_limit, err) < 0 ||
        flag_memory("memory-swap", o->memory_swap, &m->swap, &m->has_swap, err) < 0 ||
        flag_memory("memory-reservation", o->memory_reservation, &m->reservation,
                    &m->has_reservation, err) < 0) {
        spec_resources_free(r);
        return NULL;
    }
    if (weight != 0) {
        r->block_io.present = r->block_io.has_weight = true;
        r->block_io.weight = (uint16_t)weight;
    }
    r->has_pids_limit = pids != 0;
    r->pids_limit = pids;
    if (o->cpuset_cpus && *o->cpuset_cpus)
        c->cpus = xstrdup(o->cpuset_cpus);
    if (o->cpuset_mems && *o->cpuset_mems)
        c->mems = xstrdup(o->cpuset_mems);
    if ((o->kernel_memory && *o->kernel_memory) || (o->kernel_memory_tcp && *o->kernel_memory_tcp))
        log_warn("Kernel memory settings are ignored and will be removed");
    return r;
}

static struct spec_resources *resources_from_file(const char *path, struct error *err)
{
    cleanup_close int fd =
        strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    cleanup_free char *json = NULL;
    size_t len;

    if (fd < 0) {
        error_set(err, errno, "open %s", path);
        return NULL;
    }
    if (read_fd_all(fd, 16 << 20, &json, &len, err) < 0)
        return NULL;
    return spec_parse_resources(json, len, strcmp(path, "-") == 0 ? "resources" : path, err);
}

/* ------------------------------------------------------------------- merging */

static void steal_string(char **dst, char **src)
{
    if (!*src || !**src)
        return;
    free(*dst);
    *dst = take_ptr(src);
}

#define MERGE(dst, src, field)                                                                     \
    do {                                                                                           \
        if ((src)->has_##field) {                                                                  \
            (dst)->field = (src)->field;                                                           \
            (dst)->has_##field = true;                                                             \
        }                                                                                          \
    } while (0)

static void merge_memory_cpu(struct spec_resources *dst, struct spec_resources *src)
{
    struct spec_memory *dm = &dst->memory, *sm = &src->memory;
    struct spec_cpu *dc = &dst->cpu, *sc = &src->cpu;

    if (sm->present) {
        dm->present = true;
        /* runc: unlimited memory with swap not given means unlimited swap too */
        if (sm->has_limit && sm->limit == -1 && !sm->has_swap) {
            sm->has_swap = true;
            sm->swap = -1;
        }
        MERGE(dm, sm, limit);
        MERGE(dm, sm, reservation);
        MERGE(dm, sm, swap);
        MERGE(dm, sm, kernel);
        MERGE(dm, sm, kernel_tcp);
        MERGE(dm, sm, swappiness);
        MERGE(dm, sm, disable_oom_killer);
        MERGE(dm, sm, use_hierarchy);
        MERGE(dm, sm, check_before_update);
    }
    if (sc->present) {
        dc->present = true;
        MERGE(dc, sc, shares);
        MERGE(dc, sc, quota);
        MERGE(dc, sc, period);
        MERGE(dc, sc, burst);
        MERGE(dc, sc, realtime_runtime);
        MERGE(dc, sc, realtime_period);
        MERGE(dc, sc, idle);
        steal_string(&dc->cpus, &sc->cpus);
        steal_string(&dc->mems, &sc->mems);
    }
}

/* A list given in the update replaces the one in place (the caller frees the old elements'
 * strings first). */
#define REPLACE_LIST(dst, src, array, count)                                                       \
    do {                                                                                           \
        free((dst)->array);                                                                        \
        (dst)->array = take_ptr(&(src)->array);                                                    \
        (dst)->count = (src)->count;                                                               \
        (src)->count = 0;                                                                          \
    } while (0)

static void merge_block_io(struct spec_block_io *dst, struct spec_block_io *src)
{
    if (!src->present)
        return;
    dst->present = true;
    if (src->has_weight && src->weight != 0)
        MERGE(dst, src, weight);
    if (src->has_leaf_weight && src->leaf_weight != 0)
        MERGE(dst, src, leaf_weight);
    if (src->weight_device_count)
        REPLACE_LIST(dst, src, weight_device, weight_device_count);
    if (src->throttle_read_bps_count)
        REPLACE_LIST(dst, src, throttle_read_bps, throttle_read_bps_count);
    if (src->throttle_write_bps_count)
        REPLACE_LIST(dst, src, throttle_write_bps, throttle_write_bps_count);
    if (src->throttle_read_iops_count)
        REPLACE_LIST(dst, src, throttle_read_iops, throttle_read_iops_count);
    if (src->throttle_write_iops_count)
        REPLACE_LIST(dst, src, throttle_write_iops, throttle_write_iops_count);
}

static void merge_lists(struct spec_resources *dst, struct spec_resources *src)
{
    if (src->hugepage_limits_count) {
        for (size_t i = 0; i < dst->hugepage_limits_count; i++)
            free(dst->hugepage_limits[i].page_size);
        REPLACE_LIST(dst, src, hugepage_limits, hugepage_limits_count);
    }
    if (src->net_priorities_count) {
        for (size_t i = 0; i < dst->net_priorities_count; i++)
            free(dst->net_priorities[i].name);
        REPLACE_LIST(dst, src, net_priorities, net_priorities_count);
    }
    if (src->rdma_count) {
        for (size_t i = 0; i < dst->rdma_count; i++)
            free(dst->rdma[i].device);
        REPLACE_LIST(dst, src, rdma, rdma_count);
    }
    for (size_t i = 0; i < src->unified.count; i++) {
        size_t j = 0;
        while (j < dst->unified.count && strcmp(dst->unified.keys[j], src->unified.keys[i]) != 0)
            j++;
        if (j == dst->unified.count) {
            spec_strmap_add(&dst->unified, src->unified.keys[i], src->unified.values[i]);
        } else {
            free(dst->unified.values[j]);
            dst->unified.values[j] = xstrdup(src->unified.values[i]);
        }
    }
}

/* Device rules are not updated (runc: an update can't change them). */
static void merge_resources(struct spec_resources *dst, struct spec_resources *src)
{
    dst->present = true;
    merge_memory_cpu(dst, src);
    if (src->has_pids_limit && src->pids_limit != 0)
        MERGE(dst, src, pids_limit);
    merge_block_io(&dst->block_io, &src->block_io);
    if (src->has_network) {
        dst->has_network = true;
        MERGE(dst, src, class_id);
    }
    merge_lists(dst, src);
}

/* ------------------------------------------------- the saved resources, as JSON */

#define OUT_INT(out, obj, field, key)                                                              \
    do {                                                                                           \
        if ((obj)->has_##field) {                                                                  \
            json_out_key(out, key);                                                                \
            json_out_int(out, (long long)(obj)->field);                                            \
        }                                                                                          \
    } while (0)

#define OUT_UINT(out, obj, field, key)                                                             \
    do {                                                                                           \
        if ((obj)->has_##field) {                                                                  \
            json_out_key(out, key);                                                                \
            json_out_uint(out, (unsigned long long)(obj)->field);                                  \
        }                                                                                          \
    } while (0)

#define OUT_BOOL(out, obj, field, key)                                                             \
    do {                                                                                           \
        if ((obj)->has_##field) {                                                                  \
            json_out_key(out, key);                                                                \
            json_out_bool(out, (obj)->field);                                                      \
        }                                                                                          \
    } while (0)

static void out_devices(struct json_out *out, const struct spec_resources *r)
{
    json_out_key(out, "devices");
    json_out_array_open(out);
    for (size_t i = 0; i < r->devices_count; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];
        json_out_map_open(out);
        json_out_key(out, "allow");
        json_out_bool(out, d->allow);
        if (d->type)
            json_out_kv_string(out, "type", d->type);
        OUT_INT(out, d, major, "major");
        OUT_INT(out, d, minor, "minor");
        if (d->access)
            json_out_kv_string(out, "access", d->access);
        json_out_map_close(out);
    }
    json_out_array_close(out);
}

static void out_memory_cpu(struct json_out *out, const struct spec_resources *r)
{
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;

    json_out_key(out, "memory");
    json_out_map_open(out);
    OUT_INT(out, m, limit, "limit");
    OUT_INT(out, m, reservation, "reservation");
    OUT_INT(out, m, swap, "swap");
    OUT_INT(out, m, kernel, "kernel");
    OUT_INT(out, m, kernel_tcp, "kernelTCP");
    OUT_UINT(out, m, swappiness, "swappiness");
    OUT_BOOL(out, m, disable_oom_killer, "disableOOMKiller");
    OUT_BOOL(out, m, use_hierarchy, "useHierarchy");
    OUT_BOOL(out, m, check_before_update, "checkBeforeUpdate");
    json_out_map_close(out);
    json_out_key(out, "cpu");
    json_out_map_open(out);
    OUT_UINT(out, c, shares, "shares");
    OUT_INT(out, c, quota, "quota");
    OUT_UINT(out, c, period, "period");
    OUT_UINT(out, c, burst, "burst");
    OUT_INT(out, c, realtime_runtime, "realtimeRuntime");
    OUT_UINT(out, c, realtime_period, "realtimePeriod");
    OUT_INT(out, c, idle, "idle");
    if (c->cpus)
        json_out_kv_string(out, "cpus", c->cpus);
    if (c->mems)
        json_out_kv_string(out, "mems", c->mems);
    json_out_map_close(out);
}

static void out_throttles(struct json_out *out, const char *key,
                          const struct spec_block_io_throttle *list, size_t count)
{
    json_out_key(out, key);
    json_out_array_open(out);
    for (size_t i = 0; i < count; i++) {
        json_out_map_open(out);
        json_out_kv_int(out, "major", list[i].major);
        json_out_kv_int(out, "minor", list[i].minor);
        json_out_key(out, "rate");
        json_out_uint(out, list[i].rate);
        json_out_map_close(out);
    }
    json_out_array_close(out);
}

static void out_block_io(struct json_out *out, const struct spec_block_io *b)
{
    json_out_key(out, "blockIO");
    json_out_map_open(out);
    OUT_UINT(out, b, weight, "weight");
    OUT_UINT(out, b, leaf_weight, "leafWeight");
    json_out_key(out, "weightDevice");
    json_out_array_open(out);
    for (size_t i = 0; i < b->weight_device_count; i++) {
        const struct spec_block_io_weight_device *d = &b->weight_device[i];
        json_out_map_open(out);
        json_out_kv_int(out, "major", d->major);
        json_out_kv_int(out, "minor", d->minor);
        OUT_UINT(out, d, weight, "weight");
        OUT_UINT(out, d, leaf_weight, "leafWeight");
        json_out_map_close(out);
    }
    json_out_array_close(out);
    out_throttles(out, "throttleReadBpsDevice", b->throttle_read_bps, b->throttle_read_bps_count);
    out_throttles(out, "throttleWriteBpsDevice", b->throttle_write_bps,
                  b->throttle_write_bps_count);
    out_throttles(out, "throttleReadIOPSDevice", b->throttle_read_iops,
                  b->throttle_read_iops_count);
    out_throttles(out, "throttleWriteIOPSDevice", b->throttle_write_iops,
                  b->throttle_write_iops_count);
    json_out_map_close(out);
}

static void out_other(struct json_out *out, const struct spec_resources *r)
{
    if (r->has_pids_limit) {
        json_out_key(out, "pids");
        json_out_map_open(out);
        json_out_kv_int(out, "limit", r->pids_limit);
        json_out_map_close(out);
    }
    json_out_key(out, "hugepageLimits");
    json_out_array_open(out);
    for (size_t i = 0; i < r->hugepage_limits_count; i++) {
        json_out_map_open(out);
        json_out_kv_string(out, "pageSize", r->hugepage_limits[i].page_size);
        json_out_key(out, "limit");
        json_out_uint(out, r->hugepage_limits[i].limit);
        json_out_map_close(out);
    }
    json_out_array_close(out);
    json_out_key(out, "network");
    json_out_map_open(out);
    OUT_UINT(out, r, class_id, "classID");
    json_out_key(out, "priorities");
    json_out_array_open(out);
    for (size_t i = 0; i < r->net_priorities_count; i++) {
        json_out_map_open(out);
        json_out_kv_string(out, "name", r->net_priorities[i].name);
        json_out_kv_int(out, "priority", r->net_priorities[i].priority);
        json_out_map_close(out);
    }
    json_out_array_close(out);
    json_out_map_close(out);
    json_out_key(out, "rdma");
    json_out_map_open(out);
    for (size_t i = 0; i < r->rdma_count; i++) {
        json_out_key(out, r->rdma[i].device);
        json_out_map_open(out);
        OUT_UINT(out, &r->rdma[i], hca_handles, "hcaHandles");
        OUT_UINT(out, &r->rdma[i], hca_objects, "hcaObjects");
        json_out_map_close(out);
    }
    json_out_map_close(out);
    json_out_key(out, "unified");
    json_out_map_open(out);
    for (size_t i = 0; i < r->unified.count; i++)
        json_out_kv_string(out, r->unified.keys[i], r->unified.values[i]);
    json_out_map_close(out);
}

static char *resources_to_json(const struct spec_resources *r)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    json_out_map_open(out);
    out_devices(out, r);
    out_memory_cpu(out, r);
    out_block_io(out, &r->block_io);
    out_other(out, r);
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

/* ------------------------------------------------------------------ update */

/* What the container has now: the last update's result, else the config's. */
static struct spec_resources *current_resources(struct container *c, struct error *err)
{
    cleanup_close int fd = openat(c->dirfd, RESOURCES_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    cleanup_free char *json = NULL;
    struct spec *config;
    size_t len;

    if (fd >= 0) {
        if (read_fd_all(fd, 16 << 20, &json, &len, err) < 0)
            return NULL;
        return spec_parse_resources(json, len, RESOURCES_FILE, err);
    }
    config = container_load_config(c, err);
    if (!config)
        return NULL;
    /* Round trip through JSON: the result must be freeable on its own. */
    json = resources_to_json(&config->linux_.resources);
    spec_free(config);
    return spec_parse_resources(json, strlen(json), CONFIG_FILE, err);
}

static int check_intel_rdt(const struct update_options *o, struct error *err)
{
    if (o->l3_cache_schema && *o->l3_cache_schema)
        return error_set(err, 0, "Intel RDT/CAT: l3 cache schema is not enabled");
    if (o->mem_bw_schema && *o->mem_bw_schema)
        return error_set(err, 0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
    return 0;
}

int container_update(const struct update_options *o, struct error *err)
{
    cleanup_container struct container *c = container_load(o->root, o->id, err);
    struct spec_resources *changes = NULL, *merged = NULL;
    int result = -1;

    if (!c)
        return -1;
    changes = o->resources ? resources_from_file(o->resources, err) : resources_from_flags(o, err);
    if (!changes)
        return -1;
    merged = current_resources(c, err);
    if (merged && check_intel_rdt(o, err) == 0) {
        merge_resources(merged, changes);
        if (container_status(c) == STATUS_STOPPED) {
            error_set(err, 0, "container not running");
        } else if ((c->record->systemd_unit &&
                    cgroup_systemd_update(c->record->systemd_unit, merged, err) < 0) ||
                   cgroup_update_resources(&c->record->cgroup_paths, merged, err) < 0) {
            /* As runc: put the previous values back so the cgroup matches what is saved. */
            struct error ignored;
            struct spec_resources *previous = current_resources(c, &ignored);
            if (previous &&
                cgroup_update_resources(&c->record->cgroup_paths, previous, &ignored) < 0)
                log_warn("setting back cgroup configs failed due to error: %s, your state and "
                         "actual configs might be inconsistent",
                         ignored.msg);
            spec_resources_free(previous);
        } else {
            cleanup_free char *json = resources_to_json(merged);
            result = container_write_file(c, RESOURCES_FILE, json, strlen(json), err);
        }
    }
    spec_resources_free(changes);
    spec_resources_free(merged);
    return result;
}
