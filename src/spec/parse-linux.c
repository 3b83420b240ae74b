/* The "linux" section, except resources (parse-resources.c) and seccomp (parse-seccomp.c). */
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

static int parse_namespace(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_namespace *ns = out;
    cleanup_free char *type = NULL;
    cleanup_free char *quoted = NULL;

    if (spec_get_string(ctx, node, "type", &type, NULL) < 0 ||
        spec_get_opt_string(ctx, node, "path", &ns->path) < 0)
        return -1;
    for (int t = 0; t < SPEC_NS_COUNT; t++) {
        if (strcmp(type, spec_namespace_type_name((enum spec_namespace_type)t)) == 0) {
            ns->type = (enum spec_namespace_type)t;
            return 0;
        }
    }
    quoted = spec_quote(type);
    return spec_fail_key(ctx, "type",
                         "unknown namespace type %s (expected mount, pid, network, uts, ipc, "
                         "user, cgroup or time)",
                         quoted);
}

static int parse_device(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_device *d = out;

    if (spec_get_string(ctx, node, "type", &d->type, NULL) < 0 ||
        spec_get_string(ctx, node, "path", &d->path, NULL) < 0 ||
        spec_get_i64(ctx, node, "major", &d->major, &d->has_major) < 0 ||
        spec_get_i64(ctx, node, "minor", &d->minor, &d->has_minor) < 0 ||
        spec_get_u32(ctx, node, "fileMode", &d->file_mode, &d->has_file_mode) < 0 ||
        spec_get_u32(ctx, node, "uid", &d->uid, &d->has_uid) < 0)
        return -1;
    return spec_get_u32(ctx, node, "gid", &d->gid, &d->has_gid);
}

static int parse_net_device(struct parse_ctx *ctx, const char *key, yajl_val node, void *out)
{
    struct spec_net_device *dev = out;

    dev->host_name = xstrdup(key);
    return spec_get_opt_string(ctx, node, "name", &dev->name);
}

static int parse_intel_rdt(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_intel_rdt *rdt = out;
    bool has;

    rdt->present = true;
    if (spec_get_opt_string(ctx, node, "closID", &rdt->clos_id) < 0 ||
        spec_get_string_array(ctx, node, "schemata", &rdt->schemata, &rdt->schemata_count, &has) <
            0 ||
        spec_get_opt_string(ctx, node, "l3CacheSchema", &rdt->l3_cache_schema) < 0 ||
        spec_get_opt_string(ctx, node, "memBwSchema", &rdt->mem_bw_schema) < 0 ||
        spec_get_bool(ctx, node, "enableMonitoring", &rdt->enable_monitoring, &has) < 0)
        return -1;
    /* The schema's pattern ^MB:[^\n]*$: the value is written as one line of "schemata". */
    if (rdt->mem_bw_schema &&
        (!str_has_prefix(rdt->mem_bw_schema, "MB:") || strchr(rdt->mem_bw_schema, '\n')))
        return spec_fail_key(ctx, "memBwSchema", "expected one line starting with \"MB:\"");
    return 0;
}

static int parse_memory_policy(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_memory_policy *policy = out;
    bool has;

    policy->present = true;
    if (spec_get_opt_string(ctx, node, "mode", &policy->mode) < 0 ||
        spec_get_opt_string(ctx, node, "nodes", &policy->nodes) < 0)
        return -1;
    return spec_get_string_array(ctx, node, "flags", &policy->flags, &policy->flags_count, &has);
}

static int parse_personality(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_personality *personality = out;
    bool has;

    personality->present = true;
    if (spec_get_opt_string(ctx, node, "domain", &personality->domain) < 0)
        return -1;
    return spec_get_string_array(ctx, node, "flags", &personality->flags, &personality->flags_count,
                                 &has);
}

static int parse_time_offset(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_time_offset *offset = out;
    bool has;

    offset->present = true;
    if (spec_get_i64(ctx, node, "secs", &offset->secs, &has) < 0)
        return -1;
    return spec_get_u32(ctx, node, "nanosecs", &offset->nanosecs, &has);
}

static int parse_time_offsets(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_linux *l = out;

    if (spec_get_object(ctx, node, "boottime", parse_time_offset, &l->time_boottime) < 0)
        return -1;
    return spec_get_object(ctx, node, "monotonic", parse_time_offset, &l->time_monotonic);
}

/* Namespaces, id mappings, devices: what the container is made of. */
static int parse_linux_isolation(struct parse_ctx *ctx, yajl_val node, struct spec_linux *l)
{
    if (PARSE_ARRAY(ctx, node, "namespaces", parse_namespace, l->namespaces, l->namespaces_count) <
            0 ||
        PARSE_ARRAY(ctx, node, "uidMappings", spec_parse_id_mapping_node, l->uid_mappings,
                    l->uid_mappings_count) < 0 ||
        PARSE_ARRAY(ctx, node, "gidMappings", spec_parse_id_mapping_node, l->gid_mappings,
                    l->gid_mappings_count) < 0 ||
        PARSE_ARRAY(ctx, node, "devices", parse_device, l->devices, l->devices_count) < 0)
        return -1;
    return PARSE_MAP(ctx, node, "netDevices", parse_net_device, l->net_devices,
                     l->net_devices_count);
}

/* Paths, labels and the remaining optional objects. */
static int parse_linux_misc(struct parse_ctx *ctx, yajl_val node, struct spec_linux *l)
{
    if (spec_get_opt_string(ctx, node, "cgroupsPath", &l->cgroups_path) < 0 ||
        spec_get_opt_string(ctx, node, "rootfsPropagation", &l->rootfs_propagation) < 0 ||
        spec_get_strmap(ctx, node, "sysctl", &l->sysctl) < 0 ||
        spec_get_string_array(ctx, node, "maskedPaths", &l->masked_paths, &l->masked_paths_count,
                              &l->has_masked_paths) < 0 ||
        spec_get_string_array(ctx, node, "readonlyPaths", &l->readonly_paths,
                              &l->readonly_paths_count, &l->has_readonly_paths) < 0 ||
        spec_get_opt_string(ctx, node, "mountLabel", &l->mount_label) < 0 ||
        spec_get_object(ctx, node, "intelRdt", parse_intel_rdt, &l->intel_rdt) < 0 ||
        spec_get_object(ctx, node, "memoryPolicy", parse_memory_policy, &l->memory_policy) < 0 ||
        spec_get_object(ctx, node, "personality", parse_personality, &l->personality) < 0)
        return -1;
    return spec_get_object(ctx, node, "timeOffsets", parse_time_offsets, l);
}

int spec_parse_linux_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_linux *l = out;

    if (parse_linux_isolation(ctx, node, l) < 0 ||
        spec_get_object(ctx, node, "resources", spec_parse_resources_node, &l->resources) < 0 ||
        spec_get_object(ctx, node, "seccomp", spec_parse_seccomp_node, &l->seccomp) < 0)
        return -1;
    return parse_linux_misc(ctx, node, l);
}
