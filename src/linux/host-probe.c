/* The host probes of `runc-go check`. Where another module already decides a question for
 * create (lsm.c for AppArmor and SELinux, intel-rdt.c for resctrl, cgroup-hierarchy.c for the
 * cgroup layout), its answer is asked, not recomputed. */
#include "criu.h"
#include "host-probe.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../util.h"
#include "passwd.h"
#include "cgroup-internal.h"
#include "intel-rdt.h"
#include "lsm.h"

/* The numbers are the same on every architecture from 424 on; old headers may lack them. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* The kernel's capability sets are 64 bits wide. */
#define HOST_CAPS_MAX 64

static const char *const ns_proc_names[SPEC_NS_COUNT] = {
    [SPEC_NS_MOUNT] = "mnt",     [SPEC_NS_PID] = "pid",   [SPEC_NS_NETWORK] = "net",
    [SPEC_NS_UTS] = "uts",       [SPEC_NS_IPC] = "ipc",   [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *host_namespace_proc_name(enum spec_namespace_type type)
{
    return type < SPEC_NS_COUNT ? ns_proc_names[type] : "?";
}

bool host_list_has(const struct spec_name_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->names[i], name) == 0)
            return true;
    return false;
}

bool host_user_namespaces(const struct host_probe *probe)
{
    return probe->namespaces[SPEC_NS_USER] && probe->max_user_namespaces != 0;
}

/* Adds each word of text (split at any of seps) not yet in list. */
static void add_words(struct spec_name_list *list, const char *text, const char *seps)
{
    cleanup_free char *copy = xstrdup(text ? text : "");
    char *save = NULL;

    for (char *w = strtok_r(copy, seps, &save); w; w = strtok_r(NULL, seps, &save))
        if (!host_list_has(list, w))
            spec_name_list_add(list, w);
}

static long long read_number(const char *path)
{
    cleanup_free char *text = NULL;
    struct error ignored;
    long long value;
    size_t len;

    if (read_file(path, 64, &text, &len, &ignored) < 0)
        return -1;
    text[strcspn(text, "\n")] = '\0';
    return parse_long(text, &value) < 0 ? -1 : value;
}

/* ------------------------------------------------------------------------- cgroups */

bool host_hierarchy_has(const struct host_cgroup_hierarchy *h, const char *controller)
{
    size_t len = strlen(controller);

    for (const char *p = h->key; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, controller, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

/* Swap accounting on v2: the memory.swap.* files of a cgroup with the memory controller (the
 * root has none of them); failing one, the kernel's command line. */
static void probe_swap_v2(struct host_probe *probe)
{
    cleanup_closedir DIR *d = opendir(probe->v2_mountpoint);
    cleanup_free char *cmdline = NULL;
    struct error ignored;
    struct dirent *de;
    size_t len;

    while (d && (de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *dir = xasprintf("%s/%s", probe->v2_mountpoint, de->d_name);
        if (!cgroup_file_exists(dir, "memory.max"))
            continue;
        probe->swap_accounting = cgroup_file_exists(dir, "memory.swap.max") ? HOST_YES : HOST_NO;
        probe->swap_accounting_source = "memory.swap.max";
        return;
    }
    if (read_file("/proc/cmdline", 1 << 16, &cmdline, &len, &ignored) == 0 &&
        strstr(cmdline, "swapaccount=0")) {
        probe->swap_accounting = HOST_NO;
        probe->swap_accounting_source = "swapaccount=0 in /proc/cmdline";
    }
}

static void probe_swap(struct host_probe *probe)
{
    probe->swap_accounting = HOST_UNKNOWN;
    probe->swap_accounting_source = "no cgroup with the memory controller to look at";
    if (probe->cgroup_mode == CGROUP_MODE_V2) {
        if (probe->v2_mountpoint && host_list_has(&probe->v2_controllers, "memory"))
            probe_swap_v2(probe);
        return;
    }
    for (size_t i = 0; i < probe->v1_hierarchies_count; i++) {
        const struct host_cgroup_hierarchy *h = &probe->v1_hierarchies[i];
        if (!host_hierarchy_has(h, "memory"))
            continue;
        probe->swap_accounting =
            cgroup_file_exists(h->mountpoint, "memory.memsw.limit_in_bytes") ? HOST_YES : HOST_NO;
        probe->swap_accounting_source = "memory.memsw.limit_in_bytes";
        return;
    }
}

/* The hierarchies as create would use them (cgroup-hierarchy.c decides which count). */
static void probe_cgroups(struct host_probe *probe)
{
    struct cgroup_hierarchy *list = NULL;
    struct error ignored;
    size_t count = 0;

    probe->cgroup_mode = cgroup_detect_mode();
    probe->has_cgroup = cgroup_hierarchies(&list, &count, &ignored) == 0;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(list[i].key, CGROUP_UNIFIED_KEY) == 0) {
            probe->v2_mountpoint = xstrdup(list[i].mountpoint);
            continue;
        }
        probe->v1_hierarchies = xrealloc(probe->v1_hierarchies, (probe->v1_hierarchies_count + 1) *
                                                                    sizeof *probe->v1_hierarchies);
        probe->v1_hierarchies[probe->v1_hierarchies_count++] = (struct host_cgroup_hierarchy){
            .key = xstrdup(list[i].key), .mountpoint = xstrdup(list[i].mountpoint)};
        if (!str_has_prefix(list[i].key, "name="))
            add_words(&probe->v1_controllers, list[i].key, ",");
    }
    cgroup_hierarchies_free(list, count);
    if (probe->v2_mountpoint) {
        cleanup_free char *controllers = cgroup_read(probe->v2_mountpoint, "cgroup.controllers");
        cleanup_free char *delegated = cgroup_read(probe->v2_mountpoint, "cgroup.subtree_control");
        add_words(&probe->v2_controllers, controllers, " \n");
        add_words(&probe->v2_delegated, delegated, " \n");
    }
    probe_swap(probe);
    for (size_t i = 0; i < probe->v1_hierarchies_count; i++) {
        const struct host_cgroup_hierarchy *h = &probe->v1_hierarchies[i];
        if (host_hierarchy_has(h, "memory"))
            probe->v1_kernel_tcp =
                cgroup_file_exists(h->mountpoint, "memory.kmem.tcp.limit_in_bytes");
        if (!host_hierarchy_has(h, "cpu"))
            continue;
        probe->v1_cpu_rt = cgroup_file_exists(h->mountpoint, "cpu.rt_runtime_us");
        probe->v1_cpu_burst = cgroup_file_exists(h->mountpoint, "cpu.cfs_burst_us");
        probe->v1_cpu_idle = cgroup_file_exists(h->mountpoint, "cpu.idle");
    }

    size_t sizes_count;
    char **sizes = cgroup_hugepage_sizes(&sizes_count);
    for (size_t i = 0; i < sizes_count; i++) {
        spec_name_list_add(&probe->hugepage_sizes, sizes[i]);
        free(sizes[i]);
    }
    free(sizes);
}

bool host_sysctl_exists(const char *key)
{
    cleanup_free char *path = xasprintf("/proc/sys/%s", key);

    for (char *p = path + strlen("/proc/sys/"); *p; p++)
        if (*p == '.')
            *p = '/';
    return !strstr(key, "..") && access(path, F_OK) == 0;
}

/* --------------------------------------------------------------- user namespaces */

/* /etc/subuid or /etc/subgid: "name-or-uid:start:count" lines of the caller. */
static void read_subids(const char *path, const char *name, uid_t uid, struct host_id_range **out,
                        size_t *count)
{
    cleanup_fclose FILE *f = fopen(path, "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    char uid_text[24];

    snprintf(uid_text, sizeof uid_text, "%u", (unsigned)uid);
    while (f && getline(&line, &cap, f) > 0) {
        char who[256];
        unsigned long long start, length;
        if (sscanf(line, "%255[^:]:%llu:%llu", who, &start, &length) != 3)
            continue;
        if (strcmp(who, name) != 0 && strcmp(who, uid_text) != 0)
            continue;
        *out = xrealloc(*out, (*count + 1) * sizeof **out);
        (*out)[(*count)++] = (struct host_id_range){.start = start, .count = length};
    }
}

/* The caller's name, as shadow-utils' files name users in /etc/subuid. */
static char *user_name(uid_t uid)
{
    char *name = passwd_lookup(uid, PASSWD_NAME);
    return name ? name : xasprintf("%u", (unsigned)uid);
}

static void probe_user_namespaces(struct host_probe *probe)
{
    uid_t uid = getuid();

    probe->max_user_namespaces = read_number("/proc/sys/user/max_user_namespaces");
    probe->unprivileged_userns_clone =
        (int)read_number("/proc/sys/kernel/unprivileged_userns_clone");
    probe->user = user_name(uid);
    read_subids("/etc/subuid", probe->user, uid, &probe->subuids, &probe->subuids_count);
    read_subids("/etc/subgid", probe->user, uid, &probe->subgids, &probe->subgids_count);
}

/* ------------------------------------------------------------ kernel interfaces */

/* A system call exists when it fails with anything but ENOSYS. Each call below is refused by
 * the kernel's argument checks (a NULL or too small struct, invalid flags): nothing is made. */
static bool syscall_exists(long result)
{
    return result >= 0 || errno != ENOSYS;
}

static void probe_syscalls(struct host_syscalls *s)
{
    /* mount_setattr: a size below MOUNT_ATTR_SIZE_VER0 is EINVAL. */
    s->mount_setattr = syscall_exists(syscall(SYS_mount_setattr, -1, "", 0, NULL, 0));
    /* pidfd_open: pid 0 is EINVAL. */
    s->pidfd_open = syscall_exists(syscall(SYS_pidfd_open, 0, 0));
    /* clone3: a size below CLONE_ARGS_SIZE_VER0 is EINVAL before anything is cloned. */
    s->clone3 = syscall_exists(syscall(SYS_clone3, NULL, 0));
    /* openat2: a size below OPEN_HOW_SIZE_VER0 is EINVAL. */
    s->openat2 = syscall_exists(syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0));
    /* fsopen: EPERM without CAP_SYS_ADMIN, else unknown flags are EINVAL. */
    s->fsopen = syscall_exists(syscall(SYS_fsopen, NULL, ~0U));
    /* get_mempolicy only reads; the NUMA calls are ENOSYS without CONFIG_NUMA. */
    s->set_mempolicy = syscall_exists(syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0));
}

static void probe_seccomp(struct host_probe *probe)
{
    const struct scmp_version *version = seccomp_version();
    struct seccomp_notif_sizes sizes;
    uint32_t action = SECCOMP_RET_ALLOW;

    probe->seccomp = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
    probe->seccomp_notify = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0;
    if (version)
        snprintf(probe->libseccomp, sizeof probe->libseccomp, "%u.%u.%u", version->major,
                 version->minor, version->micro);
    probe->libseccomp_api = seccomp_api_get();
}

static void probe_filesystems(struct host_probe *probe)
{
    cleanup_fclose FILE *f = fopen("/proc/filesystems", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;

    while (f && getline(&line, &cap, f) > 0) {
        char *name = strrchr(line, '\t');
        name = name ? name + 1 : line;
        name[strcspn(name, "\n")] = '\0';
        if (*name)
            spec_name_list_add(&probe->filesystems, name);
    }
    probe->overlayfs = host_list_has(&probe->filesystems, "overlay");
}

/* What checkpoint asks first (criu_check_host), so `check` says what checkpoint will say. */
static void probe_criu(struct host_probe *probe)
{
    cleanup_free char *reason = NULL;
    struct error err;
    int version = 0;

    if (criu_check_host(NULL, &probe->criu_works, &reason, &version, &err) < 0) {
        snprintf(probe->criu_reason, sizeof probe->criu_reason, "%.200s", err.msg);
        return;
    }
    probe->criu_installed = true;
    snprintf(probe->criu_version, sizeof probe->criu_version, "%d.%d.%d", version / 10000,
             version / 100 % 100, version % 100);
    snprintf(probe->criu_reason, sizeof probe->criu_reason, "%.200s", reason ? reason : "");
}

static unsigned int kernel_capabilities(void)
{
    int bits = cap_max_bits();
    return bits > 0 && bits <= HOST_CAPS_MAX ? (unsigned int)bits : CAP_LAST_CAP + 1;
}

void host_probe(struct host_probe *probe)
{
    struct utsname uts;
    /* intel_rdt_check() is what create asks; a config with an empty linux.intelRdt passes
     * exactly when resctrl is there. */
    const struct spec_intel_rdt rdt = {.present = true};
    struct error ignored;

    memset(probe, 0, sizeof *probe);
    if (uname(&uts) == 0) {
        snprintf(probe->kernel, sizeof probe->kernel, "%s", uts.release);
        snprintf(probe->machine, sizeof probe->machine, "%s", uts.machine);
    }
    probe_cgroups(probe);
    for (int type = 0; type < SPEC_NS_COUNT; type++) {
        cleanup_free char *path = xasprintf("/proc/self/ns/%s", ns_proc_names[type]);
        probe->namespaces[type] = access(path, F_OK) == 0;
    }
    probe_user_namespaces(probe);
    probe_seccomp(probe);
    probe->apparmor = lsm_apparmor_enabled();
    probe->selinux = lsm_selinux_enabled();
    probe_syscalls(&probe->syscalls);
    probe_filesystems(probe);
    probe->intel_rdt = intel_rdt_check(&rdt, &ignored) == 0;
    probe->capabilities = kernel_capabilities();
    probe_criu(probe);
}

static void free_list(struct spec_name_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
}

void host_probe_free(struct host_probe *probe)
{
    for (size_t i = 0; i < probe->v1_hierarchies_count; i++) {
        free(probe->v1_hierarchies[i].key);
        free(probe->v1_hierarchies[i].mountpoint);
    }
    free(probe->v1_hierarchies);
    free(probe->v2_mountpoint);
    free_list(&probe->v1_controllers);
    free_list(&probe->v2_controllers);
    free_list(&probe->v2_delegated);
    free_list(&probe->hugepage_sizes);
    free_list(&probe->filesystems);
    free(probe->user);
    free(probe->subuids);
    free(probe->subgids);
    memset(probe, 0, sizeof *probe);
}
