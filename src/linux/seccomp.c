/* linux.seccomp: translate the config into a libseccomp filter and load it, the way runc's
 * libcontainer/seccomp does (same skips, same splitting of rules, same defaults). */
#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

#define SECCOMP_ARGS_MAX 6

static void release_filter(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}

#define cleanup_filter __attribute__((cleanup(release_filter)))

/* A config value we cannot use: the message says what was expected, no strerror after it. */
#define config_invalid(err, ...) (error_set((err), 0, __VA_ARGS__), (err)->errnum = EINVAL, -1)

/* errnoRet defaults to EPERM for both actions that carry one (runc: ActTrace too). */
static int parse_action(const char *name, bool has_ret, uint32_t ret, uint32_t *action)
{
    uint32_t value = has_ret ? ret : EPERM;

    if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
        *action = SCMP_ACT_KILL_THREAD;
    else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
        *action = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
        *action = SCMP_ACT_TRAP;
    else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
        *action = SCMP_ACT_ERRNO(value);
    else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
        *action = SCMP_ACT_TRACE(value);
    else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
        *action = SCMP_ACT_ALLOW;
    else if (strcmp(name, "SCMP_ACT_LOG") == 0)
        *action = SCMP_ACT_LOG;
    else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
        *action = SCMP_ACT_NOTIFY;
    else
        return -1;
    return 0;
}

static int parse_operator(const char *name, enum scmp_compare *op)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };

    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        if (strcmp(name, ops[i].name) == 0) {
            *op = ops[i].op;
            return 0;
        }
    }
    return -1;
}

/* The config's SCMP_ARCH_X86_64 is libseccomp's "x86_64": the names match after the prefix,
 * so every architecture this libseccomp knows is accepted, and only those. */
static uint32_t resolve_arch(const char *name)
{
    cleanup_free char *lower = NULL;

    if (!str_has_prefix(name, "SCMP_ARCH_"))
        return 0;
    lower = xstrdup(name + strlen("SCMP_ARCH_"));
    for (char *p = lower; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    return seccomp_arch_resolve_name(lower);
}

static int add_architectures(scmp_filter_ctx ctx, const struct spec_seccomp *seccomp,
                             struct error *err)
{
    for (size_t i = 0; i < seccomp->architectures_count; i++) {
        const char *name = seccomp->architectures[i];
        uint32_t arch = resolve_arch(name);
        int rc;

        if (arch == 0)
            return config_invalid(err,
                                  "config.json: linux.seccomp.architectures[%zu]: unknown "
                                  "architecture \"%s\" (libseccomp %d.%d.%d)",
                                  i, name, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
        /* The native architecture is always in the filter: listing it again is fine. */
        rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            return error_set(err, -rc, "config.json: linux.seccomp.architectures[%zu]: add %s", i,
                             name);
    }
    return 0;
}

/* Finds the filter attribute of a flag: 1 when found, 0 when this libseccomp has none for a
 * flag the spec knows, -1 when the flag is unknown. */
static int flag_attribute(const char *name, enum scmp_filter_attr *attr)
{
    if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        *attr = SCMP_FLTATR_CTL_TSYNC;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
        *attr = SCMP_FLTATR_CTL_LOG;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        *attr = SCMP_FLTATR_CTL_SSB;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0) {
        /* SCMP_FLTATR_CTL_WAITKILL is an enum value (no macro to test), new in 2.6.0. */
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
        *attr = SCMP_FLTATR_CTL_WAITKILL;
#else
        return 0;
#endif
    } else
        return -1;
    return 1;
}

static int apply_flags(scmp_filter_ctx ctx, const struct spec_seccomp *seccomp, struct error *err)
{
    for (size_t i = 0; i < seccomp->flags_count; i++) {
        const char *name = seccomp->flags[i];
        enum scmp_filter_attr attr;
        int known = flag_attribute(name, &attr), rc;

        if (known < 0)
            return config_invalid(err, "config.json: linux.seccomp.flags[%zu]: unknown flag \"%s\"",
                                  i, name);
        if (known == 0)
            return config_invalid(
                err,
                "config.json: linux.seccomp.flags[%zu]: %s needs libseccomp 2.6.0 "
                "or later (built with %d.%d.%d)",
                i, name, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
        rc = seccomp_attr_set(ctx, attr, 1);
        if (rc < 0)
            return error_set(err, -rc, "config.json: linux.seccomp.flags[%zu]: set %s", i, name);
    }
    return 0;
}

static int make_conditions(const struct spec_syscall *sc, size_t i, struct scmp_arg_cmp *conds,
                           bool *share_index, struct error *err)
{
    unsigned per_index[SECCOMP_ARGS_MAX] = {0};

    *share_index = false;
    for (size_t j = 0; j < sc->args_count; j++) {
        const struct spec_seccomp_arg *arg = &sc->args[j];
        enum scmp_compare op;

        if (arg->index >= SECCOMP_ARGS_MAX)
            return config_invalid(
                err,
                "config.json: linux.seccomp.syscalls[%zu].args[%zu].index: expected "
                "0 to %d, got %u",
                i, j, SECCOMP_ARGS_MAX - 1, arg->index);
        if (parse_operator(arg->op, &op) < 0)
            return config_invalid(err,
                                  "config.json: linux.seccomp.syscalls[%zu].args[%zu].op: unknown "
                                  "operator \"%s\"",
                                  i, j, arg->op);
        /* For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo what the masked arg equals. */
        conds[j] = (struct scmp_arg_cmp){
            .arg = arg->index, .op = op, .datum_a = arg->value, .datum_b = arg->value_two};
        if (++per_index[arg->index] > 1)
            *share_index = true;
    }
    return 0;
}

/* One name of syscalls[i]. Conditions on distinct arguments are ANDed in one rule; when two
 * test the same argument, every condition becomes a rule of its own (ORed), as runc does. */
static int add_name_rules(scmp_filter_ctx ctx, const struct spec_syscall *sc, size_t i,
                          const char *name, uint32_t action, const struct scmp_arg_cmp *conds,
                          bool share_index, struct error *err)
{
    int nr = seccomp_syscall_resolve_name(name), rc = 0;

    /* Unknown to this libseccomp: skipped like runc, so one profile serves old and new
     * kernels. Not logged: the init must not write to the container's stderr. */
    if (nr == __NR_SCMP_ERROR)
        return 0;
    if (!share_index)
        rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->args_count, conds);
    for (size_t j = 0; share_index && j < sc->args_count && rc == 0; j++)
        rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[j]);
    if (rc < 0)
        return error_set(err, -rc, "config.json: linux.seccomp.syscalls[%zu]: add rule for \"%s\"",
                         i, name);
    return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, const struct spec_seccomp *seccomp, size_t i,
                             uint32_t default_action, bool *uses_notify, struct error *err)
{
    const struct spec_syscall *sc = &seccomp->syscalls[i];
    cleanup_free struct scmp_arg_cmp *conds = xcalloc(sc->args_count + 1, sizeof *conds);
    bool share_index;
    uint32_t action;

    if (parse_action(sc->action, sc->has_errno_ret, sc->errno_ret, &action) < 0)
        return config_invalid(
            err, "config.json: linux.seccomp.syscalls[%zu].action: unknown action \"%s\"", i,
            sc->action);
    /* libseccomp refuses a rule that repeats the default action; it would change nothing. */
    if (action == default_action)
        return 0;
    if (make_conditions(sc, i, conds, &share_index, err) < 0)
        return -1;
    for (size_t j = 0; j < sc->names_count; j++) {
        /* The listener fd leaves through sendmsg after the filter is loaded: a trapped
         * sendmsg would wait for an agent that never gets the fd. */
        if (action == SCMP_ACT_NOTIFY && strcmp(sc->names[j], "sendmsg") == 0)
            return config_invalid(err,
                                  "config.json: linux.seccomp.syscalls[%zu].names[%zu]: "
                                  "SCMP_ACT_NOTIFY cannot be used for sendmsg",
                                  i, j);
        if (add_name_rules(ctx, sc, i, sc->names[j], action, conds, share_index, err) < 0)
            return -1;
        if (action == SCMP_ACT_NOTIFY)
            *uses_notify = true;
    }
    return 0;
}

/* Filter attributes runc sets whatever the config says. */
static int set_base_attributes(scmp_filter_ctx ctx, struct error *err)
{
    /* libseccomp sets no_new_privs on load by default: that is process.noNewPrivileges'
     * decision, not ours (without it, the init loads while it still has CAP_SYS_ADMIN). */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0)
        return error_set(err, -rc, "seccomp: clear the no_new_privs attribute");
    /* The kernel's errno from seccomp(2) instead of libseccomp's generic -ECANCELED, so a
     * failed load says why. Older libraries without it are fine. */
    (void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    return 0;
}

static int build_filter(scmp_filter_ctx ctx, const struct spec_seccomp *seccomp,
                        uint32_t default_action, bool *uses_notify, struct error *err)
{
    if (set_base_attributes(ctx, err) < 0 || add_architectures(ctx, seccomp, err) < 0 ||
        apply_flags(ctx, seccomp, err) < 0)
        return -1;
    for (size_t i = 0; i < seccomp->syscalls_count; i++) {
        if (add_syscall_rules(ctx, seccomp, i, default_action, uses_notify, err) < 0)
            return -1;
    }
    return 0;
}

int seccomp_load_config(const struct spec_seccomp *seccomp, int *notify_fd, struct error *err)
{
    cleanup_filter scmp_filter_ctx ctx = NULL;
    bool uses_notify = false;
    uint32_t default_action;
    int rc;

    *notify_fd = -1;
    if (!seccomp->present)
        return 0;
    if (!seccomp->default_action ||
        parse_action(seccomp->default_action, seccomp->has_default_errno_ret,
                     seccomp->default_errno_ret, &default_action) < 0)
        return config_invalid(err,
                              "config.json: linux.seccomp.defaultAction: unknown action \"%s\"",
                              seccomp->default_action ? seccomp->default_action : "");
    ctx = seccomp_init(default_action);
    if (!ctx)
        return config_invalid(err,
                              "config.json: linux.seccomp.defaultAction: libseccomp refuses %s",
                              seccomp->default_action);
    if (build_filter(ctx, seccomp, default_action, &uses_notify, err) < 0)
        return -1;
    /* Last: from here the filter applies to us too (it may deny mmap, open...). */
    rc = seccomp_load(ctx);
    if (rc < 0)
        return error_set(err, -rc, "load seccomp filter");
    if (uses_notify) {
        int fd = seccomp_notify_fd(ctx);
        if (fd < 0)
            return error_set(err, fd < -1 ? -fd : 0,
                             "seccomp: no listener fd after loading the filter");
        *notify_fd = fd;
    }
    return 0;
}
