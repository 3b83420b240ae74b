/* spec_validate() for linux.seccomp and linux.sysctl. */
#include <stdio.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL,
};

static const char *const seccomp_arches[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL,
};

static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static const char *const seccomp_ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* Only these actions return an errno to the caller (config-linux.md: a runtime MUST fail
 * when errnoRet is given for another). */
static bool action_takes_errno(const char *action)
{
    return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static int check_name(const char *value, const char *const *list, const char *what,
                      const char *file, const char *path, struct error *err)
{
    cleanup_free char *quoted = NULL;

    if (spec_str_in(value, list))
        return 0;
    quoted = spec_quote(value);
    return spec_invalid(err, file, "%s: unknown %s %s (`runc-go features` lists the known ones)",
                        path, what, quoted);
}

static int validate_syscall(const struct spec_syscall *sc, size_t i, const struct spec_seccomp *s,
                            const char *file, struct error *err)
{
    char path[SPEC_PATH_MAX];

    snprintf(path, sizeof path, "linux.seccomp.syscalls[%zu].action", i);
    if (check_name(sc->action, seccomp_actions, "action", file, path, err) < 0)
        return -1;
    /* An empty names list (the schema says minItems 1) is a rule matching nothing; runc
     * accepts it, so do we. */
    if (sc->has_errno_ret && !action_takes_errno(sc->action))
        return spec_invalid(err, file,
                            "linux.seccomp.syscalls[%zu].errnoRet: only allowed with "
                            "SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
                            i);
    if (strcmp(sc->action, "SCMP_ACT_NOTIFY") == 0 && !s->listener_path)
        return spec_invalid(err, file,
                            "linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY in "
                            "syscalls[%zu]",
                            i);
    for (size_t j = 0; j < sc->names_count; j++) {
        /* The init reports back over a socket with write(2); trapping it to an agent that is
         * told about the container only afterwards would deadlock (runc refuses it too). */
        if (strcmp(sc->action, "SCMP_ACT_NOTIFY") == 0 && strcmp(sc->names[j], "write") == 0)
            return spec_invalid(err, file,
                                "linux.seccomp.syscalls[%zu].names[%zu]: SCMP_ACT_NOTIFY cannot "
                                "be used for write",
                                i, j);
    }
    for (size_t j = 0; j < sc->args_count; j++) {
        snprintf(path, sizeof path, "linux.seccomp.syscalls[%zu].args[%zu].op", i, j);
        if (check_name(sc->args[j].op, seccomp_ops, "operator", file, path, err) < 0)
            return -1;
    }
    return 0;
}

static int validate_seccomp_lists(const struct spec_seccomp *s, const char *file, struct error *err)
{
    char path[SPEC_PATH_MAX];

    for (size_t i = 0; i < s->architectures_count; i++) {
        snprintf(path, sizeof path, "linux.seccomp.architectures[%zu]", i);
        if (check_name(s->architectures[i], seccomp_arches, "architecture", file, path, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->flags_count; i++) {
        snprintf(path, sizeof path, "linux.seccomp.flags[%zu]", i);
        if (check_name(s->flags[i], seccomp_flags, "flag", file, path, err) < 0)
            return -1;
    }
    return 0;
}

int spec_validate_seccomp(const struct spec_seccomp *s, const char *file, struct error *err)
{
    if (check_name(s->default_action, seccomp_actions, "action", file,
                   "linux.seccomp.defaultAction", err) < 0)
        return -1;
    /* Every syscall not listed would wait for an agent, including the runtime's own. */
    if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
        return spec_invalid(err, file,
                            "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
    if (s->has_default_errno_ret && !action_takes_errno(s->default_action))
        return spec_invalid(err, file,
                            "linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or "
                            "SCMP_ACT_TRACE");
    if (s->listener_metadata && !s->listener_path)
        return spec_invalid(err, file, "linux.seccomp.listenerMetadata: requires listenerPath");
    if (validate_seccomp_lists(s, file, err) < 0)
        return -1;
    for (size_t i = 0; i < s->syscalls_count; i++) {
        if (validate_syscall(&s->syscalls[i], i, s, file, err) < 0)
            return -1;
    }
    return 0;
}

/* The IPC namespace's sysctls besides fs.mqueue.* (runc's list). */
static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
    "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

/* Writing a sysctl that is not in a namespace of the container's own changes the host, so
 * each name needs its namespace (runc's rules). Returns what is wrong, or NULL. */
static const char *sysctl_problem(const struct spec *spec, const char *name)
{
    if (spec_str_in(name, ipc_sysctls) || str_has_prefix(name, "fs.mqueue."))
        return spec_find_namespace(spec, SPEC_NS_IPC) ? NULL : "requires an ipc namespace";
    /* Whether a joined network namespace is the host's needs a stat of the path: that is
     * left to the code that opens it. */
    if (str_has_prefix(name, "net."))
        return spec_find_namespace(spec, SPEC_NS_NETWORK) ? NULL : "requires a network namespace";
    if (strcmp(name, "kernel.domainname") == 0)
        return spec_find_namespace(spec, SPEC_NS_UTS) ? NULL : "requires a uts namespace";
    if (strcmp(name, "kernel.hostname") == 0)
        return "conflicts with the hostname field";
    return "not in a separate kernel namespace (only net.*, kernel.shm*, kernel.msg*, kernel.sem, "
           "fs.mqueue.* and kernel.domainname can be set for a container)";
}

int spec_validate_sysctl(const struct spec *spec, const char *file, struct error *err)
{
    const struct spec_strmap *sysctl = &spec->linux_.sysctl;

    for (size_t i = 0; i < sysctl->count; i++) {
        char path[SPEC_PATH_MAX] = "linux.sysctl";
        cleanup_free char *name = xstrdup(sysctl->keys[i]);
        const char *problem;

        spec_path_format_key(path, sizeof path, sysctl->keys[i]);
        if (name[0] == '\0')
            return spec_invalid(err, file, "%s: sysctl name must not be empty", path);
        /* "net/ipv4/ip_forward" is accepted by runc as the /proc/sys path form. */
        for (char *p = name; *p; p++) {
            if (*p == '/')
                *p = '.';
        }
        problem = sysctl_problem(spec, name);
        if (problem)
            return spec_invalid(err, file, "%s: %s", path, problem);
    }
    return 0;
}
