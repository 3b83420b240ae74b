/* The "mounts" and "hooks" sections, and the id mappings shared with "linux". */
#include "parse-internal.h"

int spec_parse_id_mapping_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_id_mapping *mapping = out;

    if (spec_get_u32(ctx, node, "containerID", &mapping->container_id, NULL) < 0 ||
        spec_get_u32(ctx, node, "hostID", &mapping->host_id, NULL) < 0)
        return -1;
    return spec_get_u32(ctx, node, "size", &mapping->size, NULL);
}

static int parse_mount(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_mount *m = out;
    bool has;

    if (spec_get_string(ctx, node, "destination", &m->destination, NULL) < 0 ||
        spec_get_opt_string(ctx, node, "source", &m->source) < 0 ||
        spec_get_opt_string(ctx, node, "type", &m->type) < 0 ||
        spec_get_string_array(ctx, node, "options", &m->options, &m->options_count, &has) < 0 ||
        PARSE_ARRAY(ctx, node, "uidMappings", spec_parse_id_mapping_node, m->uid_mappings,
                    m->uid_mappings_count) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "gidMappings", spec_parse_id_mapping_node, m->gid_mappings,
                       m->gid_mappings_count);
}

int spec_parse_mounts_node(struct parse_ctx *ctx, yajl_val root, struct spec *spec)
{
    return PARSE_ARRAY(ctx, root, "mounts", parse_mount, spec->mounts, spec->mounts_count);
}

static int parse_hook(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_hook *hook = out;
    bool has;

    if (spec_get_string(ctx, node, "path", &hook->path, NULL) < 0 ||
        spec_get_string_array(ctx, node, "args", &hook->args, &hook->args_count, &has) < 0 ||
        spec_get_string_array(ctx, node, "env", &hook->env, &hook->env_count, &has) < 0)
        return -1;
    return spec_get_i64(ctx, node, "timeout", &hook->timeout, &hook->has_timeout);
}

int spec_parse_hooks_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_hooks *h = out;

    if (PARSE_ARRAY(ctx, node, "prestart", parse_hook, h->prestart, h->prestart_count) < 0 ||
        PARSE_ARRAY(ctx, node, "createRuntime", parse_hook, h->create_runtime,
                    h->create_runtime_count) < 0 ||
        PARSE_ARRAY(ctx, node, "createContainer", parse_hook, h->create_container,
                    h->create_container_count) < 0 ||
        PARSE_ARRAY(ctx, node, "startContainer", parse_hook, h->start_container,
                    h->start_container_count) < 0 ||
        PARSE_ARRAY(ctx, node, "poststart", parse_hook, h->poststart, h->poststart_count) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "poststop", parse_hook, h->poststop, h->poststop_count);
}
