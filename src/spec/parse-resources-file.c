/* spec_parse_resources(): a LinuxResources object on its own (`update --resources FILE`).
 * Like the process file parser, the result lives inside a zeroed struct spec so that
 * spec_free() releases it. */
#include <stddef.h>

#include "../util.h"
#include "parse-internal.h"

#define RESOURCES_MAX_BYTES (16u << 20)

struct spec_resources *spec_parse_resources(const char *json, size_t len, const char *file,
                                            struct error *err)
{
    struct parse_ctx ctx = {.file = file ? file : "resources.json", .err = err};
    yajl_val tree = spec_json_parse_text(json, len, RESOURCES_MAX_BYTES, ctx.file, err);
    struct spec *holder;
    int result;

    if (!tree)
        return NULL;
    if (!YAJL_IS_OBJECT(tree)) {
        yajl_tree_free(tree);
        error_set(err, 0, "%s: expected a JSON object at the top level", ctx.file);
        return NULL;
    }
    holder = xcalloc(1, sizeof *holder);
    holder->linux_.resources.present = true;
    result = spec_parse_resources_node(&ctx, tree, &holder->linux_.resources);
    yajl_tree_free(tree);
    if (result < 0) {
        spec_free(holder);
        return NULL;
    }
    return &holder->linux_.resources;
}

void spec_resources_free(struct spec_resources *resources)
{
    if (resources)
        spec_free((struct spec *)((char *)resources - offsetof(struct spec, linux_.resources)));
}
