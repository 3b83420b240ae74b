/* spec_validate(): the values a well-typed config.json can still get wrong, each reported as
 * "<file>: <json path>: <what was expected>". Linux-specific checks are in validate-linux.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

int spec_invalid(struct error *err, const char *file, const char *fmt, ...)
{
    char msg[ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(err, 0, "%s: %s", file, msg);
}

bool spec_str_in(const char *s, const char *const *list)
{
    if (!s)
        return false;
    for (; *list; list++) {
        if (strcmp(s, *list) == 0)
            return true;
    }
    return false;
}

/* getrlimit(2)'s resources; the spec wants an error for names the kernel has no limit for. */
static const char *const rlimit_names[] = {
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK",
    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
    "RLIMIT_RTPRIO",
    "RLIMIT_RTTIME",
    "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",
    NULL,
};

static const char *const sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const char *const ioprio_classes[] = {
    "IOPRIO_CLASS_RT",
    "IOPRIO_CLASS_BE",
    "IOPRIO_CLASS_IDLE",
    NULL,
};

static int validate_rlimits(const struct spec_process *p, const char *file, struct error *err)
{
    for (size_t i = 0; i < p->rlimits_count; i++) {
        const struct spec_rlimit *r = &p->rlimits[i];
        cleanup_free char *quoted = spec_quote(r->type);

        if (!spec_str_in(r->type, rlimit_names))
            return spec_invalid(err, file,
                                "process.rlimits[%zu].type: unknown rlimit type %s (expected one "
                                "of getrlimit(2)'s: RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE ...)",
                                i, quoted);
        for (size_t j = 0; j < i; j++) {
            if (p->rlimits[j].type && strcmp(p->rlimits[j].type, r->type) == 0)
                return spec_invalid(
                    err, file, "process.rlimits[%zu].type: duplicate rlimit type %s", i, quoted);
        }
        /* setrlimit(2) fails with EINVAL inside the container; say so before creating it. */
        if (r->soft > r->hard)
            return spec_invalid(err, file,
                                "process.rlimits[%zu].soft: %llu is greater than hard limit %llu",
                                i, (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
    return 0;
}

/* runc refuses these when it builds the environment, after the container exists: refuse them
 * before (the exec path reports them again with runc's own words). */
static int validate_env(const struct spec_process *p, const char *file, struct error *err)
{
    for (size_t i = 0; i < p->env_count; i++) {
        const char *eq = strchr(p->env[i], '=');
        if (!eq || eq == p->env[i])
            return spec_invalid(err, file,
                                "process.env[%zu]: invalid environment variable \"%s\" (expected "
                                "NAME=VALUE)",
                                i, p->env[i]);
    }
    return 0;
}

static int validate_scheduling(const struct spec_process *p, const char *file, struct error *err)
{
    const struct spec_scheduler *s = &p->scheduler;

    if (s->present && !spec_str_in(s->policy, sched_policies)) {
        cleanup_free char *quoted = spec_quote(s->policy);
        return spec_invalid(err, file,
                            "process.scheduler.policy: unknown policy %s (expected SCHED_OTHER, "
                            "SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE or "
                            "SCHED_DEADLINE)",
                            quoted);
    }
    for (size_t i = 0; i < s->flags_count; i++) {
        if (!spec_str_in(s->flags[i], sched_flags)) {
            cleanup_free char *quoted = spec_quote(s->flags[i]);
            return spec_invalid(err, file, "process.scheduler.flags[%zu]: unknown flag %s", i,
                                quoted);
        }
    }
    if (p->has_io_priority && !spec_str_in(p->io_priority_class, ioprio_classes)) {
        cleanup_free char *quoted = spec_quote(p->io_priority_class);
        return spec_invalid(err, file,
                            "process.ioPriority.class: unknown class %s (expected "
                            "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)",
                            quoted);
    }
    /* ioprio_set(2) has 8 levels per class. */
    if (p->has_io_priority && (p->io_priority < 0 || p->io_priority > 7))
        return spec_invalid(err, file, "process.ioPriority.priority: expected 0 to 7");
    /* The kernel's range for /proc/PID/oom_score_adj. */
    if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
        return spec_invalid(err, file, "process.oomScoreAdj: expected -1000 to 1000");
    return 0;
}

int spec_validate_process(const struct spec_process *p, const char *file, bool need_process,
                          struct error *err)
{
    /* Only a process that is going to run needs these (runc: "args must not be empty",
     * "Cwd must be an absolute path"). */
    if (need_process && p->args_count == 0)
        return spec_invalid(err, file, "process.args: must not be empty");
    if (need_process && !spec_is_absolute(p->cwd))
        return spec_invalid(err, file, "process.cwd: must be an absolute path");
    if (validate_rlimits(p, file, err) < 0 || validate_env(p, file, err) < 0)
        return -1;
    /* umask(2) takes the permission bits only. */
    if (p->user.has_umask && p->user.umask > 0777)
        return spec_invalid(err, file,
                            "process.user.umask: %u is not a file mode (expected 0 to 0777)",
                            p->user.umask);
    return validate_scheduling(p, file, err);
}

static int validate_mounts(const struct spec *spec, const char *file, struct error *err)
{
    for (size_t i = 0; i < spec->mounts_count; i++) {
        const struct spec_mount *m = &spec->mounts[i];

        /* A relative destination is allowed: config.md keeps it "for compatibility with old
         * tools" as relative to "/", and runc 1.1 accepts it with a warning. An empty one
         * would name the rootfs itself. */
        if (!m->destination || m->destination[0] == '\0')
            return spec_invalid(err, file, "mounts[%zu].destination: must not be empty", i);
        if ((m->uid_mappings_count > 0) != (m->gid_mappings_count > 0))
            return spec_invalid(
                err, file, "mounts[%zu]: uidMappings and gidMappings must be given together", i);
    }
    return 0;
}

static int validate_hook_list(const struct spec_hook *hooks, size_t count, const char *name,
                              const char *file, struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (!spec_is_absolute(hooks[i].path))
            return spec_invalid(err, file, "hooks.%s[%zu].path: must be an absolute path", name, i);
        if (hooks[i].has_timeout && hooks[i].timeout <= 0)
            return spec_invalid(err, file, "hooks.%s[%zu].timeout: must be greater than zero", name,
                                i);
    }
    return 0;
}

static int validate_hooks(const struct spec_hooks *h, const char *file, struct error *err)
{
    if (validate_hook_list(h->prestart, h->prestart_count, "prestart", file, err) < 0 ||
        validate_hook_list(h->create_runtime, h->create_runtime_count, "createRuntime", file, err) <
            0 ||
        validate_hook_list(h->create_container, h->create_container_count, "createContainer", file,
                           err) < 0 ||
        validate_hook_list(h->start_container, h->start_container_count, "startContainer", file,
                           err) < 0 ||
        validate_hook_list(h->poststart, h->poststart_count, "poststart", file, err) < 0)
        return -1;
    return validate_hook_list(h->poststop, h->poststop_count, "poststop", file, err);
}

int spec_validate(const struct spec *spec, const char *file, bool need_process, struct error *err)
{
    if (!file)
        file = "config.json";
    if (!spec->oci_version || spec->oci_version[0] == '\0')
        return spec_invalid(err, file, "ociVersion: required");
    if (!spec->root_path || spec->root_path[0] == '\0')
        return spec_invalid(err, file, "root.path: required");
    if (need_process && !spec->has_process)
        return spec_invalid(err, file, "process: required");
    if (spec->has_process && spec_validate_process(&spec->process, file, need_process, err) < 0)
        return -1;
    if (validate_mounts(spec, file, err) < 0 || validate_hooks(&spec->hooks, file, err) < 0)
        return -1;
    return spec_validate_linux(spec, file, err);
}
