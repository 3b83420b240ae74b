/* Internal to src/spec/: the yajl_tree walk with JSON path tracking shared by the parse-*.c
 * files, and the per-section parsers and validators they call.
 *
 * Ownership model: every parser writes straight into the `struct spec` being built. Arrays are
 * allocated zeroed with their final count before their elements are filled, so when a parser
 * fails half way the caller only has to spec_free() the whole tree. */
#ifndef RUNC_GO_SPEC_PARSE_INTERNAL_H
#define RUNC_GO_SPEC_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "../error.h"
#include "spec.h"

#define SPEC_PATH_MAX 512

/* Where the walk is: the file name for messages and the JSON path of the current node
 * ("linux.resources.rdma.mlx5_1"). */
struct parse_ctx {
    const char *file;
    struct error *err;
    char path[SPEC_PATH_MAX];
    size_t len;
};

/* Path tracking. The push functions return a mark for spec_path_pop(). Keys that are not plain
 * identifiers are written as ["key"] so dotted keys (sysctl, annotations) stay unambiguous. */
size_t spec_path_push_key(struct parse_ctx *ctx, const char *key);
size_t spec_path_push_index(struct parse_ctx *ctx, size_t index);
void spec_path_pop(struct parse_ctx *ctx, size_t mark);
/* Appends the path form of key (".key" or ["key"]) to buf; validate.c uses it for map keys. */
void spec_path_format_key(char *buf, size_t size, const char *key);
/* A malloc'd JSON-quoted copy of s, safe to echo in a one-line message. */
char *spec_quote(const char *s);

/* Fails with "<file>: <path>: <message>" (or "<file>: <message>" at the top level). */
int spec_fail(struct parse_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for the child `key` of the current node. */
int spec_fail_key(struct parse_ctx *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses JSON text (at most max bytes) into a tree; errors name the file and are one line
 * ("config.json: invalid JSON: ..."). */
yajl_val spec_json_parse_text(const char *json, size_t len, size_t max, const char *file,
                              struct error *err);

/* Looks up key in an object. The last occurrence wins, as in Go's encoding/json which runc
 * uses, and JSON null counts as absent. */
yajl_val spec_json_get(yajl_val obj, const char *key);

/* Scalar fields of obj. Convention for all of them: when `has` is NULL the field is required
 * ("<path>: required" when absent); otherwise *has says whether it was given. */
int spec_get_string(struct parse_ctx *ctx, yajl_val obj, const char *key, char **out, bool *has);
int spec_get_bool(struct parse_ctx *ctx, yajl_val obj, const char *key, bool *out, bool *has);
int spec_get_u64(struct parse_ctx *ctx, yajl_val obj, const char *key, uint64_t *out, bool *has);
int spec_get_u32(struct parse_ctx *ctx, yajl_val obj, const char *key, uint32_t *out, bool *has);
int spec_get_u16(struct parse_ctx *ctx, yajl_val obj, const char *key, uint16_t *out, bool *has);
int spec_get_i64(struct parse_ctx *ctx, yajl_val obj, const char *key, int64_t *out, bool *has);
int spec_get_i32(struct parse_ctx *ctx, yajl_val obj, const char *key, int32_t *out, bool *has);

/* Optional string field that is NULL when absent (the common case). */
static inline int spec_get_opt_string(struct parse_ctx *ctx, yajl_val obj, const char *key,
                                      char **out)
{
    bool has;
    return spec_get_string(ctx, obj, key, out, &has);
}

/* Arrays of scalars; `has` as above but may not be NULL (such arrays are never required). */
int spec_get_string_array(struct parse_ctx *ctx, yajl_val obj, const char *key, char ***out,
                          size_t *count, bool *has);
int spec_get_u32_array(struct parse_ctx *ctx, yajl_val obj, const char *key, uint32_t **out,
                       size_t *count);
/* A map of string to string (annotations, sysctl, unified). */
int spec_get_strmap(struct parse_ctx *ctx, yajl_val obj, const char *key, struct spec_strmap *out);

/* Compound fields. The callback runs with the path pointing at the node and gets the node
 * (always a JSON object) and the destination. */
typedef int (*parse_object_fn)(struct parse_ctx *ctx, yajl_val node, void *out);
typedef int (*parse_entry_fn)(struct parse_ctx *ctx, const char *key, yajl_val node, void *out);

/* An optional object field: fn is called only when it is present. */
int spec_get_object(struct parse_ctx *ctx, yajl_val obj, const char *key, parse_object_fn fn,
                    void *out);
/* An optional array of objects: allocates *items zeroed (count set before filling). */
int spec_get_array(struct parse_ctx *ctx, yajl_val obj, const char *key, size_t elem_size,
                   parse_object_fn fn, void **items, size_t *count);
/* An optional object whose values are objects keyed by a name (netDevices, rdma). */
int spec_get_map(struct parse_ctx *ctx, yajl_val obj, const char *key, size_t elem_size,
                 parse_entry_fn fn, void **items, size_t *count);

/* Type-safe front end to spec_get_array/spec_get_map: assigns the typed array even on failure so
 * spec_free() reclaims what was built. */
#define PARSE_ARRAY(ctx, obj, key, fn, arr, count)                                                 \
    ({                                                                                             \
        void *items_ = NULL;                                                                       \
        int rc_ = spec_get_array(ctx, obj, key, sizeof *(arr), fn, &items_, &(count));             \
        (arr) = items_;                                                                            \
        rc_;                                                                                       \
    })
#define PARSE_MAP(ctx, obj, key, fn, arr, count)                                                   \
    ({                                                                                             \
        void *items_ = NULL;                                                                       \
        int rc_ = spec_get_map(ctx, obj, key, sizeof *(arr), fn, &items_, &(count));               \
        (arr) = items_;                                                                            \
        rc_;                                                                                       \
    })

/* Section parsers: node is the JSON object of the section (spec_parse_mounts_node takes the
 * document and the spec, as mounts is a top-level array). */
int spec_parse_process_node(struct parse_ctx *ctx, yajl_val node, void *process);
int spec_parse_mounts_node(struct parse_ctx *ctx, yajl_val root, struct spec *spec);
int spec_parse_hooks_node(struct parse_ctx *ctx, yajl_val node, void *hooks);
int spec_parse_id_mapping_node(struct parse_ctx *ctx, yajl_val node, void *mapping);
int spec_parse_linux_node(struct parse_ctx *ctx, yajl_val node, void *linux_);
int spec_parse_seccomp_node(struct parse_ctx *ctx, yajl_val node, void *seccomp);
int spec_parse_resources_node(struct parse_ctx *ctx, yajl_val node, void *resources);

/* Validation helpers: "<file>: " + the formatted message, and small predicates. */
int spec_invalid(struct error *err, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether s is one of the NULL-terminated list. */
bool spec_str_in(const char *s, const char *const *list);
static inline bool spec_is_absolute(const char *path)
{
    return path && path[0] == '/';
}

/* Validators of the sections; `file` names the file in messages. */
int spec_validate_process(const struct spec_process *process, const char *file, bool need_process,
                          struct error *err);
int spec_validate_linux(const struct spec *spec, const char *file, struct error *err);
int spec_validate_seccomp(const struct spec_seccomp *seccomp, const char *file, struct error *err);
int spec_validate_sysctl(const struct spec *spec, const char *file, struct error *err);

/* Release helpers (free.c, free-linux.c). */
void spec_free_linux(struct spec_linux *linux_);
void spec_free_strmap(struct spec_strmap *map);
void spec_free_strv(char **strv, size_t count);

#endif
