/* spec_validate() for the "linux" section: namespaces and what depends on them, devices,
 * propagation, network devices and the small policy objects. */
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

/* runc's propagation table accepts the recursive forms as well as the spec's four. */
static const char *const propagations[] = {
    "private", "rprivate",   "shared",      "rshared", "slave",
    "rslave",  "unbindable", "runbindable", NULL,
};

static const char *const memory_policy_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};

static const char *const memory_policy_flags[] = {
    "MPOL_F_NUMA_BALANCING",
    "MPOL_F_RELATIVE_NODES",
    "MPOL_F_STATIC_NODES",
    NULL,
};

static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};

static int validate_namespaces(const struct spec_linux *l, const char *file, struct error *err)
{
    bool seen[SPEC_NS_COUNT] = {false};

    for (size_t i = 0; i < l->namespaces_count; i++) {
        const struct spec_namespace *ns = &l->namespaces[i];
        const char *name = spec_namespace_type_name(ns->type);

        if ((unsigned)ns->type >= SPEC_NS_COUNT)
            return spec_invalid(err, file, "linux.namespaces[%zu].type: unknown namespace type", i);
        if (seen[ns->type])
            return spec_invalid(
                err, file, "linux.namespaces[%zu].type: duplicate namespace type \"%s\"", i, name);
        seen[ns->type] = true;
        /* An empty path means "create one", as in runc. */
        if (ns->path && ns->path[0] != '\0' && !spec_is_absolute(ns->path))
            return spec_invalid(err, file, "linux.namespaces[%zu].path: must be an absolute path",
                                i);
    }
    return 0;
}

static bool creates_namespace(const struct spec *spec, enum spec_namespace_type type)
{
    const struct spec_namespace *ns = spec_find_namespace(spec, type);
    return ns && (!ns->path || ns->path[0] == '\0');
}

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

/* What the kernel refuses with a bare EINVAL when the map is written (user_namespaces(7)):
 * an empty range, ranges that overlap on either side, more than 340 lines. */
static int validate_id_map(const struct spec_id_mapping *maps, size_t count, const char *field,
                           const char *file, struct error *err)
{
    if (count > 340)
        return spec_invalid(err, file, "%s: %zu ranges, the kernel takes at most 340", field,
                            count);
    for (size_t i = 0; i < count; i++) {
        if (maps[i].size == 0)
            return spec_invalid(err, file, "%s[%zu].size: must be greater than zero", field, i);
        for (size_t j = 0; j < i; j++) {
            if (ranges_overlap(maps[i].container_id, maps[i].size, maps[j].container_id,
                               maps[j].size))
                return spec_invalid(err, file, "%s[%zu]: containerID range overlaps %s[%zu]'s",
                                    field, i, field, j);
            if (ranges_overlap(maps[i].host_id, maps[i].size, maps[j].host_id, maps[j].size))
                return spec_invalid(err, file, "%s[%zu]: hostID range overlaps %s[%zu]'s", field, i,
                                    field, j);
        }
    }
    return 0;
}

static int validate_id_maps(const struct spec *spec, const char *file, struct error *err)
{
    const struct spec_linux *l = &spec->linux_;
    char field[64];

    if (validate_id_map(l->uid_mappings, l->uid_mappings_count, "linux.uidMappings", file, err) <
            0 ||
        validate_id_map(l->gid_mappings, l->gid_mappings_count, "linux.gidMappings", file, err) < 0)
        return -1;
    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        snprintf(field, sizeof field, "mounts[%zu].uidMappings", i);
        if (validate_id_map(m->uid_mappings, m->uid_mappings_count, field, file, err) < 0)
            return -1;
        snprintf(field, sizeof field, "mounts[%zu].gidMappings", i);
        if (validate_id_map(m->gid_mappings, m->gid_mappings_count, field, file, err) < 0)
            return -1;
    }
    return 0;
}

/* Checks of fields that only make sense with a namespace of their own. */
static int validate_namespace_needs(const struct spec *spec, const char *file, struct error *err)
{
    const struct spec_linux *l = &spec->linux_;
    bool has_user = spec_find_namespace(spec, SPEC_NS_USER) != NULL;

    /* runc drops mappings silently without a user namespace; an engine that sent them
     * expected one, so say so. */
    if (l->uid_mappings_count > 0 && !has_user)
        return spec_invalid(err, file, "linux.uidMappings: requires a user namespace");
    if (l->gid_mappings_count > 0 && !has_user)
        return spec_invalid(err, file, "linux.gidMappings: requires a user namespace");
    if (creates_namespace(spec, SPEC_NS_USER) && l->uid_mappings_count == 0)
        return spec_invalid(err, file, "linux.uidMappings: required to create a user namespace");
    if (creates_namespace(spec, SPEC_NS_USER) && l->gid_mappings_count == 0)
        return spec_invalid(err, file, "linux.gidMappings: required to create a user namespace");
    /* Without their own namespace these would rename the host (runc: "unable to set hostname
     * without a private UTS namespace"). */
    if (spec->hostname && spec->hostname[0] && !spec_find_namespace(spec, SPEC_NS_UTS))
        return spec_invalid(err, file, "hostname: requires a uts namespace");
    if (spec->domainname && spec->domainname[0] && !spec_find_namespace(spec, SPEC_NS_UTS))
        return spec_invalid(err, file, "domainname: requires a uts namespace");
    /* Masking mounts over the host's /proc would be worse than not masking. */
    if (l->masked_paths_count > 0 && !spec_find_namespace(spec, SPEC_NS_MOUNT))
        return spec_invalid(err, file, "linux.maskedPaths: requires a mount namespace");
    if (l->readonly_paths_count > 0 && !spec_find_namespace(spec, SPEC_NS_MOUNT))
        return spec_invalid(err, file, "linux.readonlyPaths: requires a mount namespace");
    if ((l->time_boottime.present || l->time_monotonic.present) &&
        !creates_namespace(spec, SPEC_NS_TIME))
        return spec_invalid(err, file, "linux.timeOffsets: requires a new time namespace");
    if (l->net_devices_count > 0 && !spec_find_namespace(spec, SPEC_NS_NETWORK))
        return spec_invalid(err, file, "linux.netDevices: requires a network namespace");
    return 0;
}

static int validate_path_list(char *const *paths, size_t count, const char *name, const char *file,
                              struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (!spec_is_absolute(paths[i]))
            return spec_invalid(err, file, "linux.%s[%zu]: must be an absolute path", name, i);
    }
    return 0;
}

static int validate_devices(const struct spec_linux *l, const char *file, struct error *err)
{
    for (size_t i = 0; i < l->devices_count; i++) {
        const struct spec_device *d = &l->devices[i];
        static const char *const types[] = {"c", "b", "u", "p", NULL};

        if (!spec_str_in(d->type, types)) {
            cleanup_free char *quoted = spec_quote(d->type);
            return spec_invalid(err, file,
                                "linux.devices[%zu].type: unknown device type %s (expected c, b, "
                                "u or p)",
                                i, quoted);
        }
        if (!spec_is_absolute(d->path))
            return spec_invalid(err, file, "linux.devices[%zu].path: must be an absolute path", i);
        if (strcmp(d->type, "p") != 0 && !d->has_major)
            return spec_invalid(err, file, "linux.devices[%zu].major: required for type \"%s\"", i,
                                d->type);
        if (strcmp(d->type, "p") != 0 && !d->has_minor)
            return spec_invalid(err, file, "linux.devices[%zu].minor: required for type \"%s\"", i,
                                d->type);
    }
    return 0;
}

static int validate_device_cgroup(const struct spec_resources *r, const char *file,
                                  struct error *err)
{
    static const char *const types[] = {"a", "b", "c", NULL};

    for (size_t i = 0; i < r->devices_count; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];

        /* Absent or empty type means "a", as in runc. */
        if (d->type && d->type[0] && !spec_str_in(d->type, types)) {
            cleanup_free char *quoted = spec_quote(d->type);
            return spec_invalid(err, file,
                                "linux.resources.devices[%zu].type: unknown device type %s "
                                "(expected a, b or c)",
                                i, quoted);
        }
        if (d->access && strspn(d->access, "rwm") != strlen(d->access)) {
            cleanup_free char *quoted = spec_quote(d->access);
            return spec_invalid(err, file,
                                "linux.resources.devices[%zu].access: invalid access %s "
                                "(expected letters of \"rwm\")",
                                i, quoted);
        }
    }
    return 0;
}

/* dev_valid_name() in the kernel: what a network interface may be called. */
static bool is_netdev_name(const char *name)
{
    size_t len = strlen(name);

    return len > 0 && len < 16 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
           strcspn(name, "/: \t\n\v\f\r") == len;
}

static int validate_net_devices(const struct spec_linux *l, const char *file, struct error *err)
{
    for (size_t i = 0; i < l->net_devices_count; i++) {
        const struct spec_net_device *dev = &l->net_devices[i];
        char path[SPEC_PATH_MAX] = "linux.netDevices";

        spec_path_format_key(path, sizeof path, dev->host_name);
        if (!is_netdev_name(dev->host_name))
            return spec_invalid(err, file, "%s: invalid network device name", path);
        if (dev->name && !is_netdev_name(dev->name))
            return spec_invalid(err, file, "%s.name: invalid network device name", path);
    }
    return 0;
}

static int validate_policies(const struct spec_linux *l, const char *file, struct error *err)
{
    const struct spec_memory_policy *mp = &l->memory_policy;

    if (l->rootfs_propagation && !spec_str_in(l->rootfs_propagation, propagations)) {
        cleanup_free char *quoted = spec_quote(l->rootfs_propagation);
        return spec_invalid(err, file,
                            "linux.rootfsPropagation: unknown propagation %s (expected "
                            "private, shared, slave or unbindable, optionally prefixed by r)",
                            quoted);
    }
    if (mp->present && !spec_str_in(mp->mode, memory_policy_modes)) {
        cleanup_free char *quoted = spec_quote(mp->mode);
        return spec_invalid(err, file, "linux.memoryPolicy.mode: unknown mode %s", quoted);
    }
    for (size_t i = 0; i < mp->flags_count; i++) {
        if (!spec_str_in(mp->flags[i], memory_policy_flags)) {
            cleanup_free char *quoted = spec_quote(mp->flags[i]);
            return spec_invalid(err, file, "linux.memoryPolicy.flags[%zu]: unknown flag %s", i,
                                quoted);
        }
    }
    if (l->personality.present && !spec_str_in(l->personality.domain, personality_domains)) {
        cleanup_free char *quoted = spec_quote(l->personality.domain);
        return spec_invalid(err, file,
                            "linux.personality.domain: unknown domain %s (expected LINUX or "
                            "LINUX32)",
                            quoted);
    }
    return 0;
}

/* Values the kernel refuses with a bare EINVAL once the cgroup exists: said before, with why. */
static int validate_resource_values(const struct spec_resources *r, const char *file,
                                    struct error *err)
{
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;

    if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
        return spec_invalid(err, file,
                            "linux.resources.memory.swap: %lld is below memory.limit %lld "
                            "(swap counts memory plus swap: use at least the limit, or -1)",
                            (long long)m->swap, (long long)m->limit);
    /* v1's cpu.shares range, and the one runc's shares -> cpu.weight conversion assumes. */
    if (c->has_shares && c->shares != 0 && (c->shares < 2 || c->shares > 262144))
        return spec_invalid(err, file,
                            "linux.resources.cpu.shares: the minimum allowed cpu-shares is 2, the "
                            "maximum 262144 (got %llu)",
                            (unsigned long long)c->shares);
    if (c->has_period && c->period != 0 && (c->period < 1000 || c->period > 1000000))
        return spec_invalid(err, file,
                            "linux.resources.cpu.period: %llu is out of range (the kernel takes "
                            "1000 to 1000000 us)",
                            (unsigned long long)c->period);
    if (c->has_quota && c->quota != 0 && c->quota != -1 && c->quota < 1000)
        return spec_invalid(err, file,
                            "linux.resources.cpu.quota: %lld is too small (the kernel takes at "
                            "least 1000 us, or -1 for no limit)",
                            (long long)c->quota);
    return 0;
}

int spec_validate_linux(const struct spec *spec, const char *file, struct error *err)
{
    const struct spec_linux *l = &spec->linux_;

    if (validate_namespaces(l, file, err) < 0 || validate_namespace_needs(spec, file, err) < 0 ||
        validate_id_maps(spec, file, err) < 0 ||
        validate_path_list(l->masked_paths, l->masked_paths_count, "maskedPaths", file, err) < 0 ||
        validate_path_list(l->readonly_paths, l->readonly_paths_count, "readonlyPaths", file, err) <
            0 ||
        validate_devices(l, file, err) < 0 ||
        validate_device_cgroup(&l->resources, file, err) < 0 ||
        validate_resource_values(&l->resources, file, err) < 0 ||
        validate_net_devices(l, file, err) < 0 || validate_policies(l, file, err) < 0)
        return -1;
    if (l->seccomp.present && spec_validate_seccomp(&l->seccomp, file, err) < 0)
        return -1;
    return spec_validate_sysctl(spec, file, err);
}
