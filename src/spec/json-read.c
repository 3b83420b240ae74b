#include "json-read.h"

#include "../util.h"
#include "state-json.h"

char *json_get_string(yajl_val root, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(root, path, yajl_t_string);
    return xstrdup(v ? YAJL_GET_STRING(v) : "");
}

void json_read_strmap(yajl_val root, const char *key, struct spec_strmap *map)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(root, path, yajl_t_object);

    for (size_t i = 0; v && i < v->u.object.len; i++) {
        yajl_val value = v->u.object.values[i];
        if (YAJL_IS_STRING(value))
            spec_strmap_add(map, v->u.object.keys[i], YAJL_GET_STRING(value));
    }
}
