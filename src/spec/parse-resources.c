/* linux.resources: the cgroup limits. */
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

static int parse_device_cgroup(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_device_cgroup *d = out;

    if (spec_get_bool(ctx, node, "allow", &d->allow, NULL) < 0 ||
        spec_get_opt_string(ctx, node, "type", &d->type) < 0 ||
        spec_get_i64(ctx, node, "major", &d->major, &d->has_major) < 0 ||
        spec_get_i64(ctx, node, "minor", &d->minor, &d->has_minor) < 0)
        return -1;
    return spec_get_opt_string(ctx, node, "access", &d->access);
}

static int parse_memory(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_memory *m = out;

    m->present = true;
    if (spec_get_i64(ctx, node, "limit", &m->limit, &m->has_limit) < 0 ||
        spec_get_i64(ctx, node, "reservation", &m->reservation, &m->has_reservation) < 0 ||
        spec_get_i64(ctx, node, "swap", &m->swap, &m->has_swap) < 0 ||
        spec_get_i64(ctx, node, "kernel", &m->kernel, &m->has_kernel) < 0 ||
        spec_get_i64(ctx, node, "kernelTCP", &m->kernel_tcp, &m->has_kernel_tcp) < 0 ||
        spec_get_u64(ctx, node, "swappiness", &m->swappiness, &m->has_swappiness) < 0 ||
        spec_get_bool(ctx, node, "disableOOMKiller", &m->disable_oom_killer,
                      &m->has_disable_oom_killer) < 0 ||
        spec_get_bool(ctx, node, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy) < 0)
        return -1;
    return spec_get_bool(ctx, node, "checkBeforeUpdate", &m->check_before_update,
                         &m->has_check_before_update);
}

static int parse_cpu(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_cpu *c = out;

    c->present = true;
    if (spec_get_u64(ctx, node, "shares", &c->shares, &c->has_shares) < 0 ||
        spec_get_i64(ctx, node, "quota", &c->quota, &c->has_quota) < 0 ||
        spec_get_u64(ctx, node, "period", &c->period, &c->has_period) < 0 ||
        spec_get_u64(ctx, node, "burst", &c->burst, &c->has_burst) < 0 ||
        spec_get_i64(ctx, node, "realtimeRuntime", &c->realtime_runtime, &c->has_realtime_runtime) <
            0 ||
        spec_get_u64(ctx, node, "realtimePeriod", &c->realtime_period, &c->has_realtime_period) <
            0 ||
        spec_get_i64(ctx, node, "idle", &c->idle, &c->has_idle) < 0 ||
        spec_get_opt_string(ctx, node, "cpus", &c->cpus) < 0)
        return -1;
    return spec_get_opt_string(ctx, node, "mems", &c->mems);
}

static int parse_pids(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_resources *r = out;

    /* The schema still lists limit as required but config-linux.md made it optional. */
    return spec_get_i64(ctx, node, "limit", &r->pids_limit, &r->has_pids_limit);
}

static int parse_weight_device(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_block_io_weight_device *d = out;

    if (spec_get_i64(ctx, node, "major", &d->major, NULL) < 0 ||
        spec_get_i64(ctx, node, "minor", &d->minor, NULL) < 0 ||
        spec_get_u16(ctx, node, "weight", &d->weight, &d->has_weight) < 0)
        return -1;
    return spec_get_u16(ctx, node, "leafWeight", &d->leaf_weight, &d->has_leaf_weight);
}

static int parse_throttle(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_block_io_throttle *t = out;
    bool has;

    if (spec_get_i64(ctx, node, "major", &t->major, NULL) < 0 ||
        spec_get_i64(ctx, node, "minor", &t->minor, NULL) < 0)
        return -1;
    return spec_get_u64(ctx, node, "rate", &t->rate, &has);
}

static int parse_block_io(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_block_io *b = out;

    b->present = true;
    if (spec_get_u16(ctx, node, "weight", &b->weight, &b->has_weight) < 0 ||
        spec_get_u16(ctx, node, "leafWeight", &b->leaf_weight, &b->has_leaf_weight) < 0 ||
        PARSE_ARRAY(ctx, node, "weightDevice", parse_weight_device, b->weight_device,
                    b->weight_device_count) < 0 ||
        PARSE_ARRAY(ctx, node, "throttleReadBpsDevice", parse_throttle, b->throttle_read_bps,
                    b->throttle_read_bps_count) < 0 ||
        PARSE_ARRAY(ctx, node, "throttleWriteBpsDevice", parse_throttle, b->throttle_write_bps,
                    b->throttle_write_bps_count) < 0 ||
        PARSE_ARRAY(ctx, node, "throttleReadIOPSDevice", parse_throttle, b->throttle_read_iops,
                    b->throttle_read_iops_count) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "throttleWriteIOPSDevice", parse_throttle, b->throttle_write_iops,
                       b->throttle_write_iops_count);
}

/* The schema's pattern ^[1-9][0-9]*[KMG]B$, the form the hugetlb cgroup files use. */
static bool is_page_size(const char *s)
{
    size_t digits = strspn(s, "0123456789");

    return digits > 0 && s[0] != '0' && s[digits] != '\0' && strchr("KMG", s[digits]) &&
           strcmp(s + digits + 1, "B") == 0;
}

static int parse_hugepage_limit(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_hugepage_limit *h = out;

    if (spec_get_string(ctx, node, "pageSize", &h->page_size, NULL) < 0)
        return -1;
    if (!is_page_size(h->page_size)) {
        cleanup_free char *quoted = spec_quote(h->page_size);
        return spec_fail_key(ctx, "pageSize", "invalid page size %s (expected e.g. 2MB)", quoted);
    }
    return spec_get_u64(ctx, node, "limit", &h->limit, NULL);
}

static int parse_net_priority(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_net_priority *p = out;

    if (spec_get_string(ctx, node, "name", &p->name, NULL) < 0)
        return -1;
    return spec_get_u32(ctx, node, "priority", &p->priority, NULL);
}

static int parse_network(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_resources *r = out;

    r->has_network = true;
    if (spec_get_u32(ctx, node, "classID", &r->class_id, &r->has_class_id) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "priorities", parse_net_priority, r->net_priorities,
                       r->net_priorities_count);
}

static int parse_rdma(struct parse_ctx *ctx, const char *key, yajl_val node, void *out)
{
    struct spec_rdma *rdma = out;

    rdma->device = xstrdup(key);
    if (spec_get_u32(ctx, node, "hcaHandles", &rdma->hca_handles, &rdma->has_hca_handles) < 0)
        return -1;
    return spec_get_u32(ctx, node, "hcaObjects", &rdma->hca_objects, &rdma->has_hca_objects);
}

int spec_parse_resources_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_resources *r = out;

    r->present = true;
    if (PARSE_ARRAY(ctx, node, "devices", parse_device_cgroup, r->devices, r->devices_count) < 0 ||
        spec_get_object(ctx, node, "memory", parse_memory, &r->memory) < 0 ||
        spec_get_object(ctx, node, "cpu", parse_cpu, &r->cpu) < 0 ||
        spec_get_object(ctx, node, "pids", parse_pids, r) < 0 ||
        spec_get_object(ctx, node, "blockIO", parse_block_io, &r->block_io) < 0 ||
        PARSE_ARRAY(ctx, node, "hugepageLimits", parse_hugepage_limit, r->hugepage_limits,
                    r->hugepage_limits_count) < 0 ||
        spec_get_object(ctx, node, "network", parse_network, r) < 0 ||
        PARSE_MAP(ctx, node, "rdma", parse_rdma, r->rdma, r->rdma_count) < 0)
        return -1;
    return spec_get_strmap(ctx, node, "unified", &r->unified);
}
