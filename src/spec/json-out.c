#include "json-out.h"

#include <string.h>
#include <yajl/yajl_gen.h>

#include "../util.h"
#include "spec.h"

struct json_out {
    yajl_gen gen;
};

struct json_out *json_out_new(const char *indent)
{
    struct json_out *out = xcalloc(1, sizeof *out);
    out->gen = yajl_gen_alloc(NULL);
    if (!out->gen)
        abort();
    if (indent) {
        yajl_gen_config(out->gen, yajl_gen_beautify, 1);
        yajl_gen_config(out->gen, yajl_gen_indent_string, indent);
    }
    /* runc's encoder leaves '/' unescaped; yajl does too unless escape_solidus is set. */
    return out;
}

void json_out_free(struct json_out *out)
{
    if (!out)
        return;
    yajl_gen_free(out->gen);
    free(out);
}

void json_out_map_open(struct json_out *out)
{
    yajl_gen_map_open(out->gen);
}

void json_out_map_close(struct json_out *out)
{
    yajl_gen_map_close(out->gen);
}

void json_out_array_open(struct json_out *out)
{
    yajl_gen_array_open(out->gen);
}

void json_out_array_close(struct json_out *out)
{
    yajl_gen_array_close(out->gen);
}

void json_out_string(struct json_out *out, const char *value)
{
    yajl_gen_string(out->gen, (const unsigned char *)value, strlen(value));
}

void json_out_key(struct json_out *out, const char *key)
{
    json_out_string(out, key);
}

void json_out_int(struct json_out *out, long long value)
{
    yajl_gen_integer(out->gen, value);
}

void json_out_uint(struct json_out *out, unsigned long long value)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%llu", value);
    yajl_gen_number(out->gen, buf, (size_t)n);
}

void json_out_bool(struct json_out *out, bool value)
{
    yajl_gen_bool(out->gen, value);
}

void json_out_null(struct json_out *out)
{
    yajl_gen_null(out->gen);
}

void json_out_kv_string(struct json_out *out, const char *key, const char *value)
{
    json_out_key(out, key);
    json_out_string(out, value ? value : "");
}

void json_out_kv_int(struct json_out *out, const char *key, long long value)
{
    json_out_key(out, key);
    json_out_int(out, value);
}

void json_out_kv_uint(struct json_out *out, const char *key, unsigned long long value)
{
    json_out_key(out, key);
    json_out_uint(out, value);
}

void json_out_kv_bool(struct json_out *out, const char *key, bool value)
{
    json_out_key(out, key);
    json_out_bool(out, value);
}

void json_out_kv_strings(struct json_out *out, const char *key, char *const *items, size_t count)
{
    json_out_key(out, key);
    json_out_array_open(out);
    for (size_t i = 0; i < count; i++)
        json_out_string(out, items[i]);
    json_out_array_close(out);
}

char *json_out_finish(struct json_out *out)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(out->gen, &buf, &len);
    return xstrndup((const char *)buf, len);
}

char *json_quote(const char *s)
{
    struct json_out *out = json_out_new(NULL);
    char *quoted;
    json_out_string(out, s);
    quoted = json_out_finish(out);
    json_out_free(out);
    return quoted;
}

void json_out_kv_strmap(struct json_out *out, const char *key, const struct spec_strmap *map)
{
    json_out_key(out, key);
    json_out_map_open(out);
    for (size_t i = 0; i < map->count; i++)
        json_out_kv_string(out, map->keys[i], map->values[i]);
    json_out_map_close(out);
}
