/* linux.seccomp: the filter description; libseccomp names are checked in validate-linux.c. */
#include "parse-internal.h"

static int parse_seccomp_arg(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_seccomp_arg *arg = out;
    bool has;

    if (spec_get_u32(ctx, node, "index", &arg->index, NULL) < 0 ||
        spec_get_u64(ctx, node, "value", &arg->value, NULL) < 0 ||
        spec_get_u64(ctx, node, "valueTwo", &arg->value_two, &has) < 0)
        return -1;
    return spec_get_string(ctx, node, "op", &arg->op, NULL);
}

static int parse_syscall(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_syscall *sc = out;
    bool has;

    if (spec_get_string_array(ctx, node, "names", &sc->names, &sc->names_count, &has) < 0)
        return -1;
    if (!has)
        return spec_fail_key(ctx, "names", "required");
    if (spec_get_string(ctx, node, "action", &sc->action, NULL) < 0 ||
        spec_get_u32(ctx, node, "errnoRet", &sc->errno_ret, &sc->has_errno_ret) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "args", parse_seccomp_arg, sc->args, sc->args_count);
}

int spec_parse_seccomp_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_seccomp *s = out;
    bool has;

    s->present = true;
    if (spec_get_string(ctx, node, "defaultAction", &s->default_action, NULL) < 0 ||
        spec_get_u32(ctx, node, "defaultErrnoRet", &s->default_errno_ret,
                     &s->has_default_errno_ret) < 0 ||
        spec_get_string_array(ctx, node, "architectures", &s->architectures,
                              &s->architectures_count, &has) < 0 ||
        spec_get_string_array(ctx, node, "flags", &s->flags, &s->flags_count, &has) < 0 ||
        spec_get_opt_string(ctx, node, "listenerPath", &s->listener_path) < 0 ||
        spec_get_opt_string(ctx, node, "listenerMetadata", &s->listener_metadata) < 0)
        return -1;
    return PARSE_ARRAY(ctx, node, "syscalls", parse_syscall, s->syscalls, s->syscalls_count);
}
