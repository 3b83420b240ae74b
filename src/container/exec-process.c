/* `exec`: the process to run, from --process or from the container's config amended by the
 * flags, checked the way runc 1.1 checks it (its messages are what engines and people see). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../linux/caps.h"
#include "../linux/lsm.h"
#include "../util.h"
#include "exec-internal.h"
#include "process-setup.h"

#define PROCESS_FILE_MAX (16u << 20)
#define ID_MAX 2147483647LL /* runc: "uids and gids must be in range 0-2147483647" */

static void strv_append(char ***items, size_t *count, const char *value)
{
    *items = xrealloc(*items, (*count + 1) * sizeof **items);
    (*items)[(*count)++] = xstrdup(value);
}

static void replace_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

static int load_process_file(struct exec_context *ctx, struct error *err)
{
    const char *path = ctx->options->process_file;
    cleanup_free char *text = NULL;
    size_t len = 0;

    /* runc 1.1 opens "-" as a file; reading stdin is what a caller of "-" means. */
    if (strcmp(path, "-") == 0) {
        if (read_fd_all(STDIN_FILENO, PROCESS_FILE_MAX, &text, &len, err) < 0)
            return error_prefix(err, "read process from stdin");
        path = "process.json (stdin)";
    } else if (read_file(path, PROCESS_FILE_MAX, &text, &len, err) < 0) {
        return -1;
    }
    ctx->file_process = spec_parse_process(text, len, path, err);
    ctx->process = ctx->file_process;
    return ctx->process ? 0 : -1;
}

/* --user uid[:gid]: runc parses with strconv.Atoi and checks the range in the init. */
static int parse_id(const char *text, const char *what, uint32_t *out, struct error *err)
{
    long long value;

    if (parse_long(text, &value) < 0)
        return error_set(err, 0, "parsing %s as int for %s failed: invalid syntax", text, what);
    if (value < 0 || value > ID_MAX)
        return error_set(err, 0,
                         "unable to setup user: uids and gids must be in range 0-2147483647");
    *out = (uint32_t)value;
    return 0;
}

static int apply_user_flags(const struct exec_options *options, struct spec_user *user,
                            struct error *err)
{
    if (options->user && *options->user) {
        cleanup_free char *copy = xstrdup(options->user);
        char *colon = strchr(copy, ':');
        if (colon) {
            *colon = '\0';
            if (parse_id(colon + 1, "gid", &user->gid, err) < 0)
                return -1;
        }
        if (parse_id(copy, "uid", &user->uid, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < options->additional_gids_count; i++) {
        const char *text = options->additional_gids[i];
        long long gid;
        if (parse_long(text, &gid) < 0)
            return error_set(err, 0, "invalid value \"%s\" for flag -additional-gids", text);
        if (gid < 0)
            return error_set(err, 0, "additional-gids must be a positive number %lld", gid);
        if (gid > ID_MAX)
            return error_set(err, 0,
                             "unable to setup user: uids and gids must be in range 0-2147483647");
        user->additional_gids =
            xrealloc(user->additional_gids, (user->additional_gids_count + 1) * sizeof(uint32_t));
        user->additional_gids[user->additional_gids_count++] = (uint32_t)gid;
    }
    return 0;
}

/* runc 1.1.2+ (CVE-2022-29162) adds --cap to every set but the inheritable one. */
static void apply_cap_flags(const struct exec_options *options, struct spec_capabilities *caps)
{
    if (options->caps_count == 0)
        return;
    caps->present = true;
    caps->has_bounding = caps->has_effective = caps->has_permitted = caps->has_ambient = true;
    for (size_t i = 0; i < options->caps_count; i++) {
        strv_append(&caps->bounding, &caps->bounding_count, options->caps[i]);
        strv_append(&caps->effective, &caps->effective_count, options->caps[i]);
        strv_append(&caps->permitted, &caps->permitted_count, options->caps[i]);
        strv_append(&caps->ambient, &caps->ambient_count, options->caps[i]);
    }
}

/* The process of the saved config with the command line's args and amendments. */
static int amend_config_process(struct exec_context *ctx, struct error *err)
{
    const struct exec_options *options = ctx->options;
    struct spec_process *p = &ctx->config->process;

    for (size_t i = 0; i < p->args_count; i++)
        free(p->args[i]);
    free(p->args);
    p->args = NULL;
    p->args_count = 0;
    for (size_t i = 0; i < options->args_count; i++)
        strv_append(&p->args, &p->args_count, options->args[i]);
    if (options->cwd && *options->cwd)
        replace_string(&p->cwd, options->cwd);
    if (options->apparmor && *options->apparmor)
        replace_string(&p->apparmor_profile, options->apparmor);
    if (options->process_label && *options->process_label)
        replace_string(&p->selinux_label, options->process_label);
    apply_cap_flags(options, &p->capabilities);
    /* Appended: process_build_env lets a later NAME= replace the config's in place. */
    for (size_t i = 0; i < options->env_count; i++)
        strv_append(&p->env, &p->env_count, options->env[i]);
    /* runc ignores the config's terminal for exec: only --tty asks for one. */
    p->terminal = options->tty;
    if (options->no_new_privs_set)
        p->no_new_privileges = options->no_new_privs;
    ctx->process = p;
    return apply_user_flags(options, &p->user, err);
}

/* runc's validateProcessSpec, with its messages. */
static int validate_process(const struct spec_process *p, struct error *err)
{
    if (!p->cwd || !*p->cwd)
        return error_set(err, 0, "Cwd property must not be empty");
    if (p->cwd[0] != '/')
        return error_set(err, 0, "Cwd must be an absolute path");
    if (p->args_count == 0)
        return error_set(err, 0, "args must not be empty");
    if (lsm_check(p, err) < 0)
        return -1;
    return caps_check(&p->capabilities, err);
}

int exec_prepare_process(struct exec_context *ctx, struct error *err)
{
    const struct spec_process *p;

    if (ctx->options->process_file && *ctx->options->process_file) {
        if (load_process_file(ctx, err) < 0)
            return -1;
    } else if (amend_config_process(ctx, err) < 0) {
        return -1;
    }
    p = ctx->process;
    if (validate_process(p, err) < 0)
        return -1;
    ctx->argv = xcalloc(p->args_count + 1, sizeof *ctx->argv);
    memcpy(ctx->argv, p->args, p->args_count * sizeof *ctx->argv);
    ctx->envp = process_build_env(p->env, p->env_count, err);
    if (!ctx->envp)
        return error_prefix(err, "unable to start container process");
    return 0;
}

/* "path" for every hierarchy, or "controller[,controller...]:path" for some. */
struct sub_cgroup {
    const char *controllers; /* NULL: every hierarchy */
    size_t controllers_len;
    const char *path;
};

static int parse_sub_cgroup(const char *arg, size_t total, struct sub_cgroup *out,
                            struct error *err)
{
    const char *colon = strchr(arg, ':');

    if (colon && strchr(colon + 1, ':'))
        return error_set(err, 0, "invalid --cgroup argument: %s", arg);
    if (!colon && total != 1)
        return error_set(err, 0,
                         "invalid --cgroup argument: %s (missing <controller>: "
                         "prefix)",
                         arg);
    out->controllers = colon ? arg : NULL;
    out->controllers_len = colon ? (size_t)(colon - arg) : 0;
    out->path = colon ? colon + 1 : arg;
    while (*out->path == '/')
        out->path++;
    /* runc joins without a check; a sub-cgroup outside the container's is refused here. */
    for (const char *p = out->path; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == out->path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return error_set(err, 0,
                             "invalid --cgroup argument: %s (\"..\" would leave "
                             "the container's cgroup)",
                             arg);
    return 0;
}

/* Whether a hierarchy key ("cpu,cpuacct", "name=systemd", "unified") names controller. */
static bool key_has_controller(const char *key, const char *controller, size_t len)
{
    for (const char *p = key; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, controller, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

/* Joins from the container's own directory (own), so two flags naming one hierarchy
 * ("cpu:a", "cpuacct:b") don't nest: the last wins, as in runc's map. */
static int apply_sub_cgroup(struct spec_strmap *paths, const struct spec_strmap *own,
                            const struct sub_cgroup *sub, struct error *err)
{
    const char *list = sub->controllers;
    size_t list_len = sub->controllers_len;

    for (size_t i = 0; i < paths->count; i++) {
        bool match = list == NULL;
        for (size_t pos = 0; list && pos < list_len && !match;) {
            size_t n = strcspn(list + pos, ",:");
            match = key_has_controller(paths->keys[i], list + pos, n);
            pos += n + 1;
        }
        if (match && *sub->path) {
            char *joined = xasprintf("%s/%s", own->values[i], sub->path);
            free(paths->values[i]);
            paths->values[i] = joined;
        }
    }
    for (size_t pos = 0; list && pos < list_len;) {
        size_t n = strcspn(list + pos, ",:");
        bool known = false;
        for (size_t i = 0; i < paths->count && !known; i++)
            known = key_has_controller(paths->keys[i], list + pos, n);
        if (!known)
            return error_set(err, 0, "unknown controller %.*s in SubCgroupPaths", (int)n,
                             list + pos);
        pos += n + 1;
    }
    return 0;
}

int exec_resolve_cgroups(struct exec_context *ctx, struct error *err)
{
    const struct exec_options *options = ctx->options;
    const struct spec_strmap *own = &ctx->container->record->cgroup_paths;
    struct sub_cgroup sub = {NULL, 0, ""};

    for (size_t i = 0; i < own->count; i++)
        spec_strmap_add(&ctx->cgroup_paths, own->keys[i], own->values[i]);
    for (size_t i = 0; i < options->cgroups_count; i++)
        if (parse_sub_cgroup(options->cgroups[i], options->cgroups_count, &sub, err) < 0 ||
            apply_sub_cgroup(&ctx->cgroup_paths, own, &sub, err) < 0)
            return -1;
    return 0;
}

int exec_check_io(const struct exec_context *ctx, struct error *err)
{
    const struct exec_options *options = ctx->options;
    bool terminal = ctx->process->terminal;
    bool socket = options->console_socket && *options->console_socket;

    if (options->detach && terminal && !socket)
        return error_set(err, 0,
                         "cannot allocate tty if runc will detach without setting "
                         "console socket");
    if ((!options->detach || !terminal) && socket)
        return error_set(err, 0,
                         "cannot use console socket if runc will not detach or "
                         "allocate tty");
    return 0;
}
