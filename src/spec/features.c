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

static void write_list(struct json_out *out, const char *key, const struct spec_name_list *list)
{
    json_out_key(out, key);
    json_out_array_open(out);
    for (size_t i = 0; i < list->count; i++)
        json_out_string(out, list->names[i]);
    json_out_array_close(out);
}

static void write_bool(struct json_out *out, const char *key, bool value)
{
    json_out_key(out, key);
    json_out_bool(out, value);
}

/* {"enabled": value}, the shape of apparmor, selinux, intelRdt, netDevices. */
static void write_enabled(struct json_out *out, const char *key, bool value)
{
    json_out_key(out, key);
    json_out_map_open(out);
    write_bool(out, "enabled", value);
    json_out_map_close(out);
}

static void write_seccomp(struct json_out *out, const struct spec_features_linux *l)
{
    json_out_key(out, "seccomp");
    json_out_map_open(out);
    write_bool(out, "enabled", l->seccomp_enabled);
    write_list(out, "actions", &l->seccomp_actions);
    write_list(out, "operators", &l->seccomp_operators);
    write_list(out, "archs", &l->seccomp_archs);
    write_list(out, "knownFlags", &l->seccomp_known_flags);
    write_list(out, "supportedFlags", &l->seccomp_supported_flags);
    json_out_map_close(out);
}

static void write_linux(struct json_out *out, const struct spec_features_linux *l)
{
    json_out_key(out, "linux");
    json_out_map_open(out);
    write_list(out, "namespaces", &l->namespaces);
    write_list(out, "capabilities", &l->capabilities);
    json_out_key(out, "cgroup");
    json_out_map_open(out);
    write_bool(out, "v1", l->cgroup_v1);
    write_bool(out, "v2", l->cgroup_v2);
    write_bool(out, "systemd", l->cgroup_systemd);
    write_bool(out, "systemdUser", l->cgroup_systemd_user);
    write_bool(out, "rdma", l->cgroup_rdma);
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
    write_list(out, "hooks", &features->hooks);
    write_list(out, "mountOptions", &features->mount_options);
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
