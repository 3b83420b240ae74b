/* Small queries on a parsed spec. */
#include <string.h>

#include "parse-internal.h"

/* Indexed by enum spec_namespace_type; the names config.json uses. */
static const char *const namespace_names[SPEC_NS_COUNT] = {
    [SPEC_NS_MOUNT] = "mount",   [SPEC_NS_PID] = "pid",   [SPEC_NS_NETWORK] = "network",
    [SPEC_NS_UTS] = "uts",       [SPEC_NS_IPC] = "ipc",   [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *spec_namespace_type_name(enum spec_namespace_type type)
{
    if ((unsigned)type >= SPEC_NS_COUNT)
        return "unknown";
    return namespace_names[type];
}

const struct spec_namespace *spec_find_namespace(const struct spec *spec,
                                                 enum spec_namespace_type type)
{
    for (size_t i = 0; i < spec->linux_.namespaces_count; i++) {
        if (spec->linux_.namespaces[i].type == type)
            return &spec->linux_.namespaces[i];
    }
    return NULL;
}

bool spec_mount_has_option(const struct spec_mount *m, const char *option)
{
    for (size_t i = 0; i < m->options_count; i++)
        if (strcmp(m->options[i], option) == 0)
            return true;
    return false;
}

bool spec_mount_is_bind(const struct spec_mount *m)
{
    return (m->type && strcmp(m->type, "bind") == 0) || spec_mount_has_option(m, "bind") ||
           spec_mount_has_option(m, "rbind");
}

bool spec_mount_is_idmapped(const struct spec_mount *m)
{
    return m->uid_mappings_count || m->gid_mappings_count || spec_mount_has_option(m, "idmap") ||
           spec_mount_has_option(m, "ridmap");
}

const char *spec_mount_idmap_problem(const struct spec *spec, const struct spec_mount *m)
{
    if (!spec_mount_is_bind(m))
        return "only bind mounts can be idmapped";
    /* A bare "idmap" takes the container's maps, as runc does. */
    if (!m->uid_mappings_count && !spec->linux_.uid_mappings_count)
        return "idmap needs uidMappings and gidMappings on the mount, or a user namespace with "
               "linux.uidMappings";
    return NULL;
}

const char *spec_annotation(const struct spec *spec, const char *key)
{
    const struct spec_strmap *map = &spec->annotations;

    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->keys[i], key) == 0)
            return map->values[i];
    }
    return NULL;
}
