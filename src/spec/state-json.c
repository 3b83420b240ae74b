#include "state-json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "../util.h"
#include "json-out.h"
#include "json-read.h"

void spec_strmap_add(struct spec_strmap *map, const char *key, const char *value)
{
    map->keys = xrealloc(map->keys, (map->count + 1) * sizeof *map->keys);
    map->values = xrealloc(map->values, (map->count + 1) * sizeof *map->values);
    map->keys[map->count] = xstrdup(key);
    map->values[map->count] = xstrdup(value);
    map->count++;
}

void spec_strmap_free(struct spec_strmap *map)
{
    for (size_t i = 0; i < map->count; i++) {
        free(map->keys[i]);
        free(map->values[i]);
    }
    free(map->keys);
    free(map->values);
    memset(map, 0, sizeof *map);
}

char *state_record_to_json(const struct state_record *record)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", record->oci_version);
    json_out_kv_string(out, "id", record->id);
    json_out_kv_int(out, "pid", record->pid);
    json_out_kv_uint(out, "initStartTime", record->init_start_time);
    json_out_kv_string(out, "bundle", record->bundle);
    json_out_kv_string(out, "rootfs", record->rootfs);
    json_out_kv_string(out, "created", record->created);
    json_out_kv_string(out, "owner", record->owner);
    json_out_kv_strmap(out, "annotations", &record->annotations);
    json_out_kv_strmap(out, "cgroupPaths", &record->cgroup_paths);
    json_out_kv_bool(out, "poststartHooks", record->poststart_hooks);
    json_out_kv_bool(out, "poststopHooks", record->poststop_hooks);
    if (record->intel_rdt_path && *record->intel_rdt_path)
        json_out_kv_string(out, "intelRdtPath", record->intel_rdt_path);
    if (record->systemd_unit && *record->systemd_unit)
        json_out_kv_string(out, "systemdUnit", record->systemd_unit);
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

struct state_record *state_record_from_json(const char *json, size_t len, const char *file,
                                            struct error *err)
{
    char errbuf[256];
    cleanup_free char *text = xstrndup(json, len);
    yajl_val root = yajl_tree_parse(text, errbuf, sizeof errbuf);
    struct state_record *record;
    const char *pid_path[] = {"pid", NULL};
    const char *start_path[] = {"initStartTime", NULL};
    const char *poststart_path[] = {"poststartHooks", NULL};
    const char *poststop_path[] = {"poststopHooks", NULL};
    yajl_val v;

    if (!root || !YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        error_set(err, EINVAL, "%s: invalid JSON", file);
        return NULL;
    }
    record = xcalloc(1, sizeof *record);
    record->oci_version = json_get_string(root, "ociVersion");
    record->id = json_get_string(root, "id");
    record->bundle = json_get_string(root, "bundle");
    record->rootfs = json_get_string(root, "rootfs");
    record->created = json_get_string(root, "created");
    record->owner = json_get_string(root, "owner");
    record->intel_rdt_path = json_get_string(root, "intelRdtPath");
    record->systemd_unit = json_get_string(root, "systemdUnit");
    if (!*record->systemd_unit) {
        free(record->systemd_unit);
        record->systemd_unit = NULL; /* cgroupfs */
    }
    v = yajl_tree_get(root, pid_path, yajl_t_number);
    record->pid = v && YAJL_IS_INTEGER(v) ? (int)YAJL_GET_INTEGER(v) : 0;
    v = yajl_tree_get(root, start_path, yajl_t_number);
    record->init_start_time = v ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
    v = yajl_tree_get(root, poststart_path, yajl_t_any);
    record->poststart_hooks = v && YAJL_IS_TRUE(v);
    v = yajl_tree_get(root, poststop_path, yajl_t_any);
    record->poststop_hooks = v && YAJL_IS_TRUE(v);
    json_read_strmap(root, "annotations", &record->annotations);
    json_read_strmap(root, "cgroupPaths", &record->cgroup_paths);
    yajl_tree_free(root);
    return record;
}

void state_record_free(struct state_record *record)
{
    if (!record)
        return;
    free(record->oci_version);
    free(record->id);
    free(record->bundle);
    free(record->rootfs);
    free(record->created);
    free(record->owner);
    free(record->intel_rdt_path);
    free(record->systemd_unit);
    spec_strmap_free(&record->annotations);
    spec_strmap_free(&record->cgroup_paths);
    free(record);
}
