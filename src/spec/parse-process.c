/* The "process" section: user, args, env, capabilities, rlimits, scheduler, I/O priority. */
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

static int parse_console_size(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_process *process = out;

    process->has_console_size = true;
    if (spec_get_u64(ctx, node, "height", &process->console_height, NULL) < 0)
        return -1;
    return spec_get_u64(ctx, node, "width", &process->console_width, NULL);
}

static int parse_user(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_user *user = out;
    bool has;

    if (spec_get_u32(ctx, node, "uid", &user->uid, &has) < 0 ||
        spec_get_u32(ctx, node, "gid", &user->gid, &has) < 0 ||
        spec_get_u32(ctx, node, "umask", &user->umask, &user->has_umask) < 0 ||
        spec_get_u32_array(ctx, node, "additionalGids", &user->additional_gids,
                           &user->additional_gids_count) < 0)
        return -1;
    return spec_get_opt_string(ctx, node, "username", &user->username);
}

static int parse_capabilities(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_capabilities *caps = out;

    caps->present = true;
    if (spec_get_string_array(ctx, node, "bounding", &caps->bounding, &caps->bounding_count,
                              &caps->has_bounding) < 0 ||
        spec_get_string_array(ctx, node, "effective", &caps->effective, &caps->effective_count,
                              &caps->has_effective) < 0 ||
        spec_get_string_array(ctx, node, "inheritable", &caps->inheritable,
                              &caps->inheritable_count, &caps->has_inheritable) < 0 ||
        spec_get_string_array(ctx, node, "permitted", &caps->permitted, &caps->permitted_count,
                              &caps->has_permitted) < 0)
        return -1;
    return spec_get_string_array(ctx, node, "ambient", &caps->ambient, &caps->ambient_count,
                                 &caps->has_ambient);
}

static int parse_rlimit(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_rlimit *rlimit = out;

    if (spec_get_string(ctx, node, "type", &rlimit->type, NULL) < 0 ||
        spec_get_u64(ctx, node, "soft", &rlimit->soft, NULL) < 0)
        return -1;
    return spec_get_u64(ctx, node, "hard", &rlimit->hard, NULL);
}

static int parse_scheduler(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_scheduler *sched = out;
    bool has_flags;

    sched->present = true;
    if (spec_get_string(ctx, node, "policy", &sched->policy, NULL) < 0 ||
        spec_get_i32(ctx, node, "nice", &sched->nice, &sched->has_nice) < 0 ||
        spec_get_i32(ctx, node, "priority", &sched->priority, &sched->has_priority) < 0 ||
        spec_get_string_array(ctx, node, "flags", &sched->flags, &sched->flags_count, &has_flags) <
            0 ||
        spec_get_u64(ctx, node, "runtime", &sched->runtime, &sched->has_runtime) < 0 ||
        spec_get_u64(ctx, node, "deadline", &sched->deadline, &sched->has_deadline) < 0)
        return -1;
    return spec_get_u64(ctx, node, "period", &sched->period, &sched->has_period);
}

static int parse_io_priority(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_process *process = out;
    bool has;

    process->has_io_priority = true;
    if (spec_get_string(ctx, node, "class", &process->io_priority_class, NULL) < 0)
        return -1;
    return spec_get_i32(ctx, node, "priority", &process->io_priority, &has);
}

/* The schema's pattern ^[0-9, -]*$: a cpu list such as "0-3, 7". */
static int parse_cpu_list(struct parse_ctx *ctx, yajl_val node, const char *key, char **out)
{
    if (spec_get_opt_string(ctx, node, key, out) < 0)
        return -1;
    if (*out && strspn(*out, "0123456789, -") != strlen(*out)) {
        cleanup_free char *quoted = spec_quote(*out);
        return spec_fail_key(ctx, key, "invalid cpu list %s (expected e.g. 0-3,7)", quoted);
    }
    return 0;
}

static int parse_exec_cpu_affinity(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_process *process = out;

    if (parse_cpu_list(ctx, node, "initial", &process->exec_cpu_affinity_initial) < 0)
        return -1;
    return parse_cpu_list(ctx, node, "final", &process->exec_cpu_affinity_final);
}

/* Scalars and string lists of the process object. */
static int parse_process_fields(struct parse_ctx *ctx, yajl_val node, struct spec_process *p)
{
    bool has;
    int32_t oom = 0;

    if (spec_get_bool(ctx, node, "terminal", &p->terminal, &has) < 0 ||
        spec_get_string_array(ctx, node, "args", &p->args, &p->args_count, &has) < 0 ||
        spec_get_opt_string(ctx, node, "commandLine", &p->command_line) < 0 ||
        spec_get_string_array(ctx, node, "env", &p->env, &p->env_count, &has) < 0 ||
        spec_get_string(ctx, node, "cwd", &p->cwd, NULL) < 0 ||
        spec_get_bool(ctx, node, "noNewPrivileges", &p->no_new_privileges, &has) < 0 ||
        spec_get_opt_string(ctx, node, "apparmorProfile", &p->apparmor_profile) < 0 ||
        spec_get_i32(ctx, node, "oomScoreAdj", &oom, &p->has_oom_score_adj) < 0 ||
        spec_get_opt_string(ctx, node, "selinuxLabel", &p->selinux_label) < 0)
        return -1;
    p->oom_score_adj = oom;
    return 0;
}

int spec_parse_process_node(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec_process *p = out;

    if (parse_process_fields(ctx, node, p) < 0 ||
        spec_get_object(ctx, node, "consoleSize", parse_console_size, p) < 0 ||
        spec_get_object(ctx, node, "user", parse_user, &p->user) < 0 ||
        spec_get_object(ctx, node, "capabilities", parse_capabilities, &p->capabilities) < 0 ||
        PARSE_ARRAY(ctx, node, "rlimits", parse_rlimit, p->rlimits, p->rlimits_count) < 0 ||
        spec_get_object(ctx, node, "scheduler", parse_scheduler, &p->scheduler) < 0 ||
        spec_get_object(ctx, node, "ioPriority", parse_io_priority, p) < 0)
        return -1;
    return spec_get_object(ctx, node, "execCPUAffinity", parse_exec_cpu_affinity, p);
}
