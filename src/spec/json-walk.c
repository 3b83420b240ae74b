/* Typed access to a yajl_tree: scalars with the schema's ranges, arrays and maps, each error
 * reported at its JSON path. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

yajl_val spec_json_get(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = obj->u.object.len; i > 0; i--) {
        if (strcmp(obj->u.object.keys[i - 1], key) == 0) {
            yajl_val v = obj->u.object.values[i - 1];
            return YAJL_IS_NULL(v) ? NULL : v;
        }
    }
    return NULL;
}

/* Looks up a field; 0 with *node NULL when absent and optional, -1 when absent and required. */
static int lookup(struct parse_ctx *ctx, yajl_val obj, const char *key, bool *has, yajl_val *node)
{
    *node = spec_json_get(obj, key);
    if (has)
        *has = *node != NULL;
    if (!*node && !has)
        return spec_fail_key(ctx, key, "required");
    return 0;
}

int spec_get_string(struct parse_ctx *ctx, yajl_val obj, const char *key, char **out, bool *has)
{
    yajl_val node;

    if (lookup(ctx, obj, key, has, &node) < 0)
        return -1;
    if (!node)
        return 0;
    if (!YAJL_IS_STRING(node))
        return spec_fail_key(ctx, key, "expected string");
    *out = xstrdup(node->u.string);
    return 0;
}

int spec_get_bool(struct parse_ctx *ctx, yajl_val obj, const char *key, bool *out, bool *has)
{
    yajl_val node;

    if (lookup(ctx, obj, key, has, &node) < 0)
        return -1;
    if (!node)
        return 0;
    if (!YAJL_IS_TRUE(node) && !YAJL_IS_FALSE(node))
        return spec_fail_key(ctx, key, "expected boolean");
    *out = YAJL_IS_TRUE(node);
    return 0;
}

/* yajl only fills the long long form when the number fits, so uint64 values above INT64_MAX
 * are read from the number's text. The text is JSON grammar, so an integer is exactly an
 * optional '-' and digits; "1.0" and "1e3" are not integers (Go's json rejects them too). */
static bool number_is_integer(yajl_val node)
{
    const char *p;

    if (!YAJL_IS_NUMBER(node) || !YAJL_GET_NUMBER(node))
        return false;
    p = YAJL_GET_NUMBER(node);
    if (*p == '-')
        p++;
    return *p != '\0' && strspn(p, "0123456789") == strlen(p);
}

static bool json_to_unsigned(yajl_val node, uint64_t max, uint64_t *out)
{
    const char *text;
    unsigned long long v;
    char *end;

    if (!number_is_integer(node))
        return false;
    text = YAJL_GET_NUMBER(node);
    /* strtoull would silently negate "-1"; even "-0" is refused, as Go's ParseUint does. */
    if (text[0] == '-')
        return false;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static bool json_to_signed(yajl_val node, int64_t min, int64_t max, int64_t *out)
{
    long long v;
    char *end;

    if (!number_is_integer(node))
        return false;
    errno = 0;
    v = strtoll(YAJL_GET_NUMBER(node), &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static int parse_unsigned(struct parse_ctx *ctx, yajl_val obj, const char *key, uint64_t max,
                          const char *type_name, uint64_t *out, bool *has)
{
    yajl_val node;

    if (lookup(ctx, obj, key, has, &node) < 0)
        return -1;
    if (node && !json_to_unsigned(node, max, out))
        return spec_fail_key(ctx, key, "expected %s", type_name);
    return 0;
}

static int parse_signed(struct parse_ctx *ctx, yajl_val obj, const char *key, int64_t min,
                        int64_t max, const char *type_name, int64_t *out, bool *has)
{
    yajl_val node;

    if (lookup(ctx, obj, key, has, &node) < 0)
        return -1;
    if (node && !json_to_signed(node, min, max, out))
        return spec_fail_key(ctx, key, "expected %s", type_name);
    return 0;
}

#define U64_NAME "unsigned 64-bit integer"
#define U32_NAME "unsigned 32-bit integer"
#define U16_NAME "unsigned 16-bit integer"
#define I64_NAME "integer"
#define I32_NAME "32-bit integer"

int spec_get_u64(struct parse_ctx *ctx, yajl_val obj, const char *key, uint64_t *out, bool *has)
{
    return parse_unsigned(ctx, obj, key, UINT64_MAX, U64_NAME, out, has);
}

int spec_get_u32(struct parse_ctx *ctx, yajl_val obj, const char *key, uint32_t *out, bool *has)
{
    uint64_t v = *out;
    if (parse_unsigned(ctx, obj, key, UINT32_MAX, U32_NAME, &v, has) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int spec_get_u16(struct parse_ctx *ctx, yajl_val obj, const char *key, uint16_t *out, bool *has)
{
    uint64_t v = *out;
    if (parse_unsigned(ctx, obj, key, UINT16_MAX, U16_NAME, &v, has) < 0)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

int spec_get_i64(struct parse_ctx *ctx, yajl_val obj, const char *key, int64_t *out, bool *has)
{
    return parse_signed(ctx, obj, key, INT64_MIN, INT64_MAX, I64_NAME, out, has);
}

int spec_get_i32(struct parse_ctx *ctx, yajl_val obj, const char *key, int32_t *out, bool *has)
{
    int64_t v = *out;
    if (parse_signed(ctx, obj, key, INT32_MIN, INT32_MAX, I32_NAME, &v, has) < 0)
        return -1;
    *out = (int32_t)v;
    return 0;
}

/* Finds an optional array field; fails when it is not an array. */
static int lookup_array(struct parse_ctx *ctx, yajl_val obj, const char *key, yajl_val *node)
{
    *node = spec_json_get(obj, key);
    if (*node && !YAJL_IS_ARRAY(*node))
        return spec_fail_key(ctx, key, "expected array");
    return 0;
}

int spec_get_string_array(struct parse_ctx *ctx, yajl_val obj, const char *key, char ***out,
                          size_t *count, bool *has)
{
    yajl_val node;
    size_t mark, n;

    if (lookup_array(ctx, obj, key, &node) < 0)
        return -1;
    *has = node != NULL;
    if (!node)
        return 0;
    n = node->u.array.len;
    *out = xcalloc(n, sizeof **out);
    *count = n;
    mark = spec_path_push_key(ctx, key);
    for (size_t i = 0; i < n; i++) {
        yajl_val item = node->u.array.values[i];
        if (!YAJL_IS_STRING(item)) {
            spec_path_push_index(ctx, i);
            return spec_fail(ctx, "expected string");
        }
        (*out)[i] = xstrdup(item->u.string);
    }
    spec_path_pop(ctx, mark);
    return 0;
}

int spec_get_u32_array(struct parse_ctx *ctx, yajl_val obj, const char *key, uint32_t **out,
                       size_t *count)
{
    yajl_val node;
    size_t mark, n;

    if (lookup_array(ctx, obj, key, &node) < 0)
        return -1;
    if (!node)
        return 0;
    n = node->u.array.len;
    *out = xcalloc(n, sizeof **out);
    *count = n;
    mark = spec_path_push_key(ctx, key);
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        if (!json_to_unsigned(node->u.array.values[i], UINT32_MAX, &v)) {
            spec_path_push_index(ctx, i);
            return spec_fail(ctx, "expected %s", U32_NAME);
        }
        (*out)[i] = (uint32_t)v;
    }
    spec_path_pop(ctx, mark);
    return 0;
}

/* Finds an optional object field; fails when it is not an object. */
static int lookup_object(struct parse_ctx *ctx, yajl_val obj, const char *key, yajl_val *node)
{
    *node = spec_json_get(obj, key);
    if (*node && !YAJL_IS_OBJECT(*node))
        return spec_fail_key(ctx, key, "expected object");
    return 0;
}

/* Go's encoding/json keeps the last of duplicate keys; entries shadowed by a later one are
 * skipped so maps hold each key once, as runc sees them. */
static bool key_repeated_later(yajl_val obj, size_t i)
{
    for (size_t j = i + 1; j < obj->u.object.len; j++) {
        if (strcmp(obj->u.object.keys[i], obj->u.object.keys[j]) == 0)
            return true;
    }
    return false;
}

int spec_get_strmap(struct parse_ctx *ctx, yajl_val obj, const char *key, struct spec_strmap *out)
{
    yajl_val node;
    size_t mark, n;

    if (lookup_object(ctx, obj, key, &node) < 0)
        return -1;
    if (!node)
        return 0;
    n = node->u.object.len;
    out->keys = xcalloc(n, sizeof *out->keys);
    out->values = xcalloc(n, sizeof *out->values);
    out->count = 0;
    mark = spec_path_push_key(ctx, key);
    for (size_t i = 0; i < n; i++) {
        yajl_val value = node->u.object.values[i];
        if (key_repeated_later(node, i))
            continue;
        if (!YAJL_IS_STRING(value))
            return spec_fail_key(ctx, node->u.object.keys[i], "expected string");
        out->keys[out->count] = xstrdup(node->u.object.keys[i]);
        out->values[out->count] = xstrdup(value->u.string);
        out->count++;
    }
    spec_path_pop(ctx, mark);
    return 0;
}

int spec_get_object(struct parse_ctx *ctx, yajl_val obj, const char *key, parse_object_fn fn,
                    void *out)
{
    yajl_val node;
    size_t mark;

    if (lookup_object(ctx, obj, key, &node) < 0)
        return -1;
    if (!node)
        return 0;
    mark = spec_path_push_key(ctx, key);
    if (fn(ctx, node, out) < 0)
        return -1;
    spec_path_pop(ctx, mark);
    return 0;
}

int spec_get_array(struct parse_ctx *ctx, yajl_val obj, const char *key, size_t elem_size,
                   parse_object_fn fn, void **items, size_t *count)
{
    yajl_val node;
    size_t mark, n;

    if (lookup_array(ctx, obj, key, &node) < 0)
        return -1;
    if (!node)
        return 0;
    n = node->u.array.len;
    *items = xcalloc(n, elem_size);
    *count = n;
    mark = spec_path_push_key(ctx, key);
    for (size_t i = 0; i < n; i++) {
        yajl_val item = node->u.array.values[i];
        size_t item_mark = spec_path_push_index(ctx, i);
        if (!YAJL_IS_OBJECT(item))
            return spec_fail(ctx, "expected object");
        if (fn(ctx, item, (char *)*items + i * elem_size) < 0)
            return -1;
        spec_path_pop(ctx, item_mark);
    }
    spec_path_pop(ctx, mark);
    return 0;
}

int spec_get_map(struct parse_ctx *ctx, yajl_val obj, const char *key, size_t elem_size,
                 parse_entry_fn fn, void **items, size_t *count)
{
    yajl_val node;
    size_t mark, n;

    if (lookup_object(ctx, obj, key, &node) < 0)
        return -1;
    if (!node)
        return 0;
    n = node->u.object.len;
    *items = xcalloc(n, elem_size);
    *count = 0;
    mark = spec_path_push_key(ctx, key);
    for (size_t i = 0; i < n; i++) {
        const char *name = node->u.object.keys[i];
        yajl_val value = node->u.object.values[i];
        size_t item_mark;
        if (key_repeated_later(node, i))
            continue;
        item_mark = spec_path_push_key(ctx, name);
        if (!YAJL_IS_OBJECT(value))
            return spec_fail(ctx, "expected object");
        /* Counted before filling so spec_free() sees the entry even if fn fails. */
        (*count)++;
        if (fn(ctx, name, value, (char *)*items + (*count - 1) * elem_size) < 0)
            return -1;
        spec_path_pop(ctx, item_mark);
    }
    spec_path_pop(ctx, mark);
    return 0;
}
