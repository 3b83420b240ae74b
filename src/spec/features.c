/* The Features structure as JSON, in the layout `runc features` prints (Go's encoder with a
 * 4-space indent: keys in struct order, annotations sorted, a final newline). */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "json-out.h"
#include "state-json.h"

void spec_name_list_add(struct spec_name_list *list, const char *name)
{
    list->names = xrealloc(list->names, (list->count + 1) * sizeof *list->names);
    list->names[list->count++] = xstrdup(name);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void spec_name_list_sort(struct spec_name_list *list)
{
    if (list->count > 1)
        qsort(list->names, list->count, sizeof *list->names, compare_strings);
}

void spec_features_add_annotation(struct spec_features *features, const char *key,
                                  const char *value)
{
    spec_strmap_add(&features->annotations, key, value);
}

static void name_list_free(struct spec_name_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    memset(list, 0, sizeof *list);
}

/* {"enabled": value}, the shape of apparmor, selinux, intelRdt, netDevices. */
static void write_enabled(struct json_out *out, const char *key, bool value)
{
    json_out_key(out, key);
    json_out_map_open(out);
    json_out_kv_bool(out, "enabled", value);
    json_out_map_close(out);
}

static void write_seccomp(struct json_out *out, const struct spec_features_linux *l)
{
    json_out_key(out, "seccomp");
    json_out_map_open(out);
    json_out_kv_bool(out, "enabled", l->seccomp_enabled);
    json_out_kv_strings(out, "actions", l->seccomp_actions.names, l->seccomp_actions.count);
    json_out_kv_strings(out, "operators", l->seccomp_operators.names, l->seccomp_operators.count);
    json_out_kv_strings(out, "archs", l->seccomp_archs.names, l->seccomp_archs.count);
    json_out_kv_strings(out, "knownFlags", l->seccomp_known_flags.names,
                        l->seccomp_known_flags.count);
    json_out_kv_strings(out, "supportedFlags", l->seccomp_supported_flags.names,
                        l->seccomp_supported_flags.count);
    json_out_map_close(out);
}

static void write_linux(struct json_out *out, const struct spec_features_linux *l)
{
    json_out_key(out, "linux");
    json_out_map_open(out);
    json_out_kv_strings(out, "namespaces", l->namespaces.names, l->namespaces.count);
    json_out_kv_strings(out, "capabilities", l->capabilities.names, l->capabilities.count);
    json_out_key(out, "cgroup");
    json_out_map_open(out);
    json_out_kv_bool(out, "v1", l->cgroup_v1);
    json_out_kv_bool(out, "v2", l->cgroup_v2);
    json_out_kv_bool(out, "systemd", l->cgroup_systemd);
    json_out_kv_bool(out, "systemdUser", l->cgroup_systemd_user);
    json_out_kv_bool(out, "rdma", l->cgroup_rdma);
    json_out_map_close(out);
    write_seccomp(out, l);
    write_enabled(out, "apparmor", l->apparmor);
    write_enabled(out, "selinux", l->selinux);
    write_enabled(out, "intelRdt", l->intel_rdt);
    json_out_key(out, "mountExtensions");
    json_out_map_open(out);
    write_enabled(out, "idmap", l->idmap_mounts);
    json_out_map_close(out);
    write_enabled(out, "netDevices", l->net_devices);
    json_out_map_close(out);
}

/* Go marshals a map with its keys sorted. */
static void write_annotations(struct json_out *out, const struct spec_strmap *map)
{
    cleanup_free size_t *order = xcalloc(map->count + 1, sizeof *order);

    for (size_t i = 0; i < map->count; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(map->keys[order[j - 1]], map->keys[i]) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    json_out_key(out, "annotations");
    json_out_map_open(out);
    for (size_t i = 0; i < map->count; i++)
        json_out_kv_string(out, map->keys[order[i]], map->values[order[i]]);
    json_out_map_close(out);
}

char *spec_features_json(const struct spec_features *features)
{
    struct json_out *out = json_out_new("    ");
    char *json;

    json_out_map_open(out);
    json_out_kv_string(out, "ociVersionMin", SPEC_VERSION_MIN);
    json_out_kv_string(out, "ociVersionMax", SPEC_VERSION);
    json_out_kv_strings(out, "hooks", features->hooks.names, features->hooks.count);
    json_out_kv_strings(out, "mountOptions", features->mount_options.names,
                        features->mount_options.count);
    write_linux(out, &features->linux_);
    write_annotations(out, &features->annotations);
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

void spec_features_free(struct spec_features *features)
{
    struct spec_features_linux *l = &features->linux_;
    struct spec_name_list *lists[] = {
        &features->hooks,  &features->mount_options, &l->namespaces,
        &l->capabilities,  &l->seccomp_actions,      &l->seccomp_operators,
        &l->seccomp_archs, &l->seccomp_known_flags,  &l->seccomp_supported_flags,
    };

    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        name_list_free(lists[i]);
    spec_strmap_free(&features->annotations);
}
