/* The state document given to hooks on stdin (runtime.md "State"). */
#include "hooks.h"

#include "../spec/json-out.h"

char *hooks_state_json(const struct spec *spec, const char *id, pid_t pid, const char *bundle,
                       const char *status)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", spec->oci_version);
    json_out_kv_string(out, "id", id);
    json_out_kv_string(out, "status", status);
    json_out_kv_int(out, "pid", pid);
    json_out_kv_string(out, "bundle", bundle);
    if (spec->annotations.count) {
        json_out_key(out, "annotations");
        json_out_map_open(out);
        for (size_t i = 0; i < spec->annotations.count; i++)
            json_out_kv_string(out, spec->annotations.keys[i], spec->annotations.values[i]);
        json_out_map_close(out);
    }
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}
