/* A small JSON writer over yajl_gen for the runtime's own output (state, list, logs),
 * so nothing outside src/spec/ touches yajl. */
#ifndef RUNC_GO_JSON_OUT_H
#define RUNC_GO_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_out;

/* indent NULL: compact. Otherwise pretty-printed with that indent string. */
struct json_out *json_out_new(const char *indent);
void json_out_free(struct json_out *out);
void json_out_map_open(struct json_out *out);
void json_out_map_close(struct json_out *out);
void json_out_array_open(struct json_out *out);
void json_out_array_close(struct json_out *out);
void json_out_key(struct json_out *out, const char *key);
void json_out_string(struct json_out *out, const char *value);
struct spec_strmap;
/* "key": {"k": "v", ...} */
void json_out_kv_strmap(struct json_out *out, const char *key, const struct spec_strmap *map);
void json_out_int(struct json_out *out, long long value);
void json_out_uint(struct json_out *out, unsigned long long value);
void json_out_bool(struct json_out *out, bool value);
void json_out_null(struct json_out *out);
/* Convenience: key + value. */
void json_out_kv_string(struct json_out *out, const char *key, const char *value);
void json_out_kv_int(struct json_out *out, const char *key, long long value);
void json_out_kv_uint(struct json_out *out, const char *key, unsigned long long value);
void json_out_kv_bool(struct json_out *out, const char *key, bool value);
/* key: [the count strings of items]. */
void json_out_kv_strings(struct json_out *out, const char *key, char *const *items, size_t count);
/* Returns a malloc'd copy of what was written. */
char *json_out_finish(struct json_out *out);

/* Returns a malloc'd JSON string literal (with quotes) for s. */
char *json_quote(const char *s);

#endif
