/* The Features structure of this build. Lists come from the code that acts on them where it
 * has a table (mount-options.c, the namespace types of spec.h) and from the linked libraries
 * where they decide (libcap names the capabilities caps.c accepts, libseccomp the
 * architectures and flags seccomp.c can hand it), so the document cannot drift from them. */
#include "features.h"

#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>

#include "../hooks/hooks.h"
#include "../util.h"
#include "criu.h"
#include "mount-options.h"

/* config.json's name of each kind src/hooks runs. */
static const char *const hook_names[] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

/* runtime-spec's names (schema/defs-linux.json). seccomp.c translates every action and
 * operator into libseccomp's; which architectures exist depends on the libseccomp linked. */
static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const char *const seccomp_arches[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64",
};

/* The filter attribute seccomp.c sets for each flag of the spec (its flag_attribute());
 * 0 where this libseccomp has none, and seccomp.c refuses the flag. */
static const struct {
    const char *name;
    enum scmp_filter_attr attr;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL},
#else
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0},
#endif
};

/* The kernel's capability sets are 64 bits wide (_LINUX_CAPABILITY_U32S_3). */
#define CAP_VALUES_MAX 64

static void add_all(struct spec_name_list *list, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        spec_name_list_add(list, names[i]);
}

static bool list_has(const struct spec_name_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->names[i], name) == 0)
            return true;
    }
    return false;
}

static void gather_mount_options(struct spec_features *features)
{
    cleanup_free const char **names = NULL;
    size_t count = mount_option_names(&names);

    add_all(&features->mount_options, names, count);
    spec_name_list_sort(&features->mount_options);
}

/* caps.c accepts every name libcap knows, also one newer than the running kernel (ignored
 * with a warning), so the list follows libcap's names, not cap_max_bits(). cap_to_name()
 * answers with the number for a value it has no name for. */
static void gather_capabilities(struct spec_name_list *list)
{
    for (cap_value_t value = 0; value < CAP_VALUES_MAX; value++) {
        char *name = cap_to_name(value);

        if (name && str_has_prefix(name, "cap_")) {
            for (char *p = name; *p; p++)
                *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
            spec_name_list_add(list, name);
        }
        cap_free(name);
    }
}

/* seccomp.c resolves SCMP_ARCH_X86_64 as libseccomp's "x86_64": the same here. */
static bool seccomp_arch_known(const char *name)
{
    cleanup_free char *lower = xstrdup(name + strlen("SCMP_ARCH_"));

    for (char *p = lower; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    return seccomp_arch_resolve_name(lower) != 0;
}

/* A flag is supported when the attribute seccomp.c would set is accepted by libseccomp, which
 * also asks the kernel (seccomp(2)) whether it knows the flag. */
static void gather_seccomp_flags(struct spec_features_linux *l)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

    for (size_t i = 0; i < ARRAY_SIZE(seccomp_flags); i++) {
        spec_name_list_add(&l->seccomp_known_flags, seccomp_flags[i].name);
        if (ctx && seccomp_flags[i].attr != 0 &&
            seccomp_attr_set(ctx, seccomp_flags[i].attr, 1) == 0)
            spec_name_list_add(&l->seccomp_supported_flags, seccomp_flags[i].name);
    }
    if (ctx)
        seccomp_release(ctx);
}

static void gather_seccomp(struct spec_features_linux *l)
{
    l->seccomp_enabled = true;
    add_all(&l->seccomp_actions, seccomp_actions, ARRAY_SIZE(seccomp_actions));
    spec_name_list_sort(&l->seccomp_actions);
    add_all(&l->seccomp_operators, seccomp_operators, ARRAY_SIZE(seccomp_operators));
    spec_name_list_sort(&l->seccomp_operators);
    for (size_t i = 0; i < ARRAY_SIZE(seccomp_arches); i++) {
        if (seccomp_arch_known(seccomp_arches[i]))
            spec_name_list_add(&l->seccomp_archs, seccomp_arches[i]);
    }
    spec_name_list_sort(&l->seccomp_archs);
    gather_seccomp_flags(l);
}

static void gather_linux(struct spec_features *features)
{
    struct spec_features_linux *l = &features->linux_;

    for (int type = 0; type < SPEC_NS_COUNT; type++)
        spec_name_list_add(&l->namespaces,
                           spec_namespace_type_name((enum spec_namespace_type)type));
    spec_name_list_sort(&l->namespaces);
    gather_capabilities(&l->capabilities);
    /* cgroup.c drives v1, v2 and hybrid hosts by hand (rdma.max included), and systemd's
     * system instance with --systemd-cgroup (cgroup-systemd.c); not its user instance. */
    l->cgroup_v1 = l->cgroup_v2 = l->cgroup_systemd = l->cgroup_rdma = true;
    l->cgroup_systemd_user = false;
    gather_seccomp(l);
    /* process.apparmorProfile is applied at execve as runc does (process-setup.c); SELinux
     * only in part (process.selinuxLabel, not linux.mountLabel), so not claimed. */
    l->apparmor = true;
    l->selinux = false;
    /* linux.intelRdt and linux.netDevices are parsed and validated, nothing applies them. */
    l->intel_rdt = false;
    l->net_devices = false;
    /* An idmapped mount needs the "idmap" option to pass mount-options.c. */
    l->idmap_mounts = list_has(&features->mount_options, "idmap");
}

/* runc's key says the build can checkpoint; ours says whether this host can: what
 * `criu check` answers (checkpoint and restore ask it first too). */
static void add_criu(struct spec_features *features)
{
    cleanup_free char *reason = NULL, *value = NULL;
    struct error err;
    bool works = false;
    int version = 0;

    spec_features_add_annotation(features, "org.opencontainers.runc.checkpoint.enabled", "true");
    if (criu_check_host(NULL, &works, &reason, &version, &err) < 0)
        value = xasprintf("no: %s", err.msg);
    else if (works)
        value = xasprintf("yes: CRIU %d.%d.%d, criu check passed", version / 10000,
                          version / 100 % 100, version % 100);
    else
        value = xasprintf("no: CRIU %d.%d.%d, criu check failed: %s", version / 10000,
                          version / 100 % 100, version % 100, reason ? reason : "");
    spec_features_add_annotation(features, "io.github.runc-go.checkpoint.host", value);
}

void features_gather(struct spec_features *features)
{
    const struct scmp_version *version = seccomp_version();
    cleanup_free char *libseccomp = NULL;

    memset(features, 0, sizeof *features);
    add_all(&features->hooks, hook_names, ARRAY_SIZE(hook_names));
    gather_mount_options(features);
    gather_linux(features);
    spec_features_add_annotation(features, "io.github.runc-go.version", RUNC_GO_VERSION);
    /* runc's key: tools read the linked libseccomp's version from it. */
    if (version) {
        libseccomp = xasprintf("%u.%u.%u", version->major, version->minor, version->micro);
        spec_features_add_annotation(features, "io.github.seccomp.libseccomp.version", libseccomp);
    }
    add_criu(features);
}

char *features_json(void)
{
    struct spec_features features;
    char *json;

    features_gather(&features);
    json = spec_features_json(&features);
    spec_features_free(&features);
    return json;
}
