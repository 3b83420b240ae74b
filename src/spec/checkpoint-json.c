#include "checkpoint-json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "../util.h"
#include "json-out.h"
#include "json-read.h"
#include "state-json.h"

static void write_descriptors(struct json_out *out, char *const descriptors[3])
{
    json_out_array_open(out);
    for (int i = 0; i < 3; i++)
        json_out_string(out, descriptors[i] ? descriptors[i] : "");
    json_out_array_close(out);
}

char *checkpoint_record_to_json(const struct checkpoint_record *record)
{
    struct json_out *out = json_out_new("  ");
    char *json;

    json_out_map_open(out);
    json_out_kv_int(out, "version", 1);
    json_out_kv_string(out, "id", record->id);
    json_out_kv_string(out, "bundle", record->bundle);
    json_out_kv_string(out, "rootfs", record->rootfs);
    json_out_kv_string(out, "criuVersion", record->criu_version ? record->criu_version : "");
    json_out_kv_strmap(out, "cgroupPaths", &record->cgroup_paths);
    json_out_key(out, "descriptors");
    write_descriptors(out, record->descriptors);
    json_out_kv_strmap(out, "externalMounts", &record->external_mounts);
    json_out_kv_strmap(out, "externalNamespaces", &record->external_namespaces);
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

char *checkpoint_descriptors_to_json(char *const descriptors[3])
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    write_descriptors(out, descriptors);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

static yajl_val parse(const char *json, size_t len, const char *file, yajl_type type,
                      struct error *err)
{
    char errbuf[256];
    cleanup_free char *text = xstrndup(json, len);
    yajl_val root = yajl_tree_parse(text, errbuf, sizeof errbuf);

    if (!root || root->type != type) {
        yajl_tree_free(root);
        error_set(err, EINVAL, "%s: invalid JSON (expected an %s)", file,
                  type == yajl_t_array ? "array" : "object");
        return NULL;
    }
    return root;
}

static void read_descriptors(yajl_val array, char *descriptors[3])
{
    for (size_t i = 0; i < 3; i++) {
        yajl_val v = array && i < array->u.array.len ? array->u.array.values[i] : NULL;
        descriptors[i] = xstrdup(v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
    }
}

struct checkpoint_record *checkpoint_record_from_json(const char *json, size_t len,
                                                      const char *file, struct error *err)
{
    yajl_val root = parse(json, len, file, yajl_t_object, err);
    const char *descriptors_path[] = {"descriptors", NULL};
    struct checkpoint_record *record;

    if (!root)
        return NULL;
    record = xcalloc(1, sizeof *record);
    record->id = json_get_string(root, "id");
    record->bundle = json_get_string(root, "bundle");
    record->rootfs = json_get_string(root, "rootfs");
    record->criu_version = json_get_string(root, "criuVersion");
    json_read_strmap(root, "cgroupPaths", &record->cgroup_paths);
    read_descriptors(yajl_tree_get(root, descriptors_path, yajl_t_array), record->descriptors);
    json_read_strmap(root, "externalMounts", &record->external_mounts);
    json_read_strmap(root, "externalNamespaces", &record->external_namespaces);
    yajl_tree_free(root);
    return record;
}

int checkpoint_descriptors_from_json(const char *json, size_t len, const char *file,
                                     char *descriptors[3], struct error *err)
{
    yajl_val root = parse(json, len, file, yajl_t_array, err);

    if (!root)
        return -1;
    read_descriptors(root, descriptors);
    yajl_tree_free(root);
    return 0;
}

void checkpoint_record_free(struct checkpoint_record *record)
{
    if (!record)
        return;
    free(record->id);
    free(record->bundle);
    free(record->rootfs);
    free(record->criu_version);
    spec_strmap_free(&record->cgroup_paths);
    for (int i = 0; i < 3; i++)
        free(record->descriptors[i]);
    spec_strmap_free(&record->external_mounts);
    spec_strmap_free(&record->external_namespaces);
    free(record);
}
