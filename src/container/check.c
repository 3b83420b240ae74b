/* `runc-go check`: the host report and a bundle's evaluation against it. The checks create
 * runs before anything exists (lsm_check, intel_rdt_check, caps_classify, mount option
 * parsing) are called as they are, each on the one field it covers; the rest compares the
 * config with the host probe (host-probe.c). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../linux/caps.h"
#include "../linux/features.h"
#include "../linux/intel-rdt.h"
#include "../linux/lsm.h"
#include "../linux/mount-options.h"
#include "../spec/json-out.h"
#include "../util.h"
#include "check-internal.h"

/* ------------------------------------------------------------------------ findings */

void check_add(struct check_findings *list, const char *field, const char *fmt, ...)
{
    char reason[ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    list->items[list->count++] =
        (struct check_finding){.field = xstrdup(field), .reason = xstrdup(reason)};
}

/* A JSON path as the runtime's messages start with one: "process.apparmorProfile". */
static bool looks_like_field(const char *s, size_t len)
{
    static const char *const tops[] = {"process", "linux", "mounts", "root", "hooks"};

    if (len == 0 || memchr(s, ' ', len))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(tops); i++) {
        size_t top = strlen(tops[i]);
        if (len >= top && strncmp(s, tops[i], top) == 0 &&
            (len == top || s[top] == '.' || s[top] == '['))
            return true;
    }
    return false;
}

void check_add_error(struct check_findings *list, const char *field, const struct error *err)
{
    const char *msg = err->msg;
    const char *colon;
    char path[256];

    if (str_has_prefix(msg, "config.json: "))
        msg += strlen("config.json: ");
    colon = strstr(msg, ": ");
    if (colon && (size_t)(colon - msg) < sizeof path &&
        looks_like_field(msg, (size_t)(colon - msg))) {
        snprintf(path, sizeof path, "%.*s", (int)(colon - msg), msg);
        check_add(list, path, "%s", colon + 2);
        return;
    }
    check_add(list, field, "%s", msg);
}

/* A path that is not there, worded as the runtime's errors are ("no such file or
 * directory"). */
static void add_missing_path(struct check_findings *list, const char *field, const char *path,
                             int errnum)
{
    struct error err;

    error_set(&err, errnum, "%s", path);
    check_add(list, field, "%s", err.msg);
}

void check_findings_free(struct check_findings *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].field);
        free(list->items[i].reason);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* ------------------------------------------------------------- checks of a bundle */

/* What runc-go itself needs of the kernel for any container (path.c, mounts.c, sysctl.c). */
static void check_kernel_interfaces(const struct host_probe *probe, const struct spec *spec,
                                    struct check_bundle *b)
{
    const struct host_syscalls *s = &probe->syscalls;

    if (!s->openat2)
        check_add(&b->problems, "root.path",
                  "runc-go resolves paths inside the rootfs with openat2(2), which this kernel "
                  "lacks (Linux 5.6+)");
    if (!s->fsopen)
        check_add(&b->problems, "mounts",
                  "runc-go mounts with the new mount API (open_tree, move_mount, fsopen), which "
                  "this kernel lacks (Linux 5.2+)");
    if (!s->mount_setattr)
        check_add(&b->problems, "mounts",
                  "runc-go sets mount attributes with mount_setattr(2), which this kernel lacks "
                  "(Linux 5.12+)");
    if (!probe->has_cgroup)
        check_add(&b->problems, "linux.cgroupsPath",
                  "no cgroup hierarchy mounted under /sys/fs/cgroup");
    if (spec->linux_.memory_policy.present && !s->set_mempolicy)
        check_add(&b->problems, "linux.memoryPolicy",
                  "this kernel has no NUMA memory policies (CONFIG_NUMA)");
}

/* Root and hooks run from the host: their paths must be there. */
static void check_paths(const char *bundle, const struct spec *spec, struct check_bundle *b)
{
    const struct spec_hooks *h = &spec->hooks;
    /* createContainer and startContainer run inside the container: their paths are the
     * rootfs's, not the host's. */
    const struct {
        const char *name;
        const struct spec_hook *list;
        size_t count;
    } hooks[] = {
        {"prestart", h->prestart, h->prestart_count},
        {"createRuntime", h->create_runtime, h->create_runtime_count},
        {"poststart", h->poststart, h->poststart_count},
        {"poststop", h->poststop, h->poststop_count},
    };
    cleanup_free char *rootfs = spec->root_path[0] == '/'
                                    ? xstrdup(spec->root_path)
                                    : xasprintf("%s/%s", bundle, spec->root_path);
    struct stat st;

    if (stat(rootfs, &st) < 0)
        add_missing_path(&b->problems, "root.path", rootfs, errno);
    else if (!S_ISDIR(st.st_mode))
        check_add(&b->problems, "root.path", "%s: not a directory", rootfs);
    for (size_t k = 0; k < ARRAY_SIZE(hooks); k++) {
        for (size_t i = 0; i < hooks[k].count; i++) {
            if (access(hooks[k].list[i].path, X_OK) == 0)
                continue;
            cleanup_free char *field = xasprintf("hooks.%s[%zu].path", hooks[k].name, i);
            add_missing_path(&b->problems, field, hooks[k].list[i].path, errno);
        }
    }
}

/* lsm.c and intel-rdt.c decide as create does, each on its own field. */
static void check_lsm_rdt(const struct spec *spec, struct check_bundle *b)
{
    struct spec_process apparmor_only = spec->process, selinux_only = spec->process;
    struct error err;

    apparmor_only.selinux_label = NULL;
    selinux_only.apparmor_profile = NULL;
    if (lsm_check(&apparmor_only, &err) < 0)
        check_add_error(&b->problems, "process.apparmorProfile", &err);
    if (lsm_check(&selinux_only, &err) < 0)
        check_add_error(&b->problems, "process.selinuxLabel", &err);
    if (lsm_check_mount_label(spec->linux_.mount_label, &err) < 0)
        check_add_error(&b->problems, "linux.mountLabel", &err);
    if (intel_rdt_check(&spec->linux_.intel_rdt, &err) < 0)
        check_add_error(&b->problems, "linux.intelRdt", &err);
}

static void check_capabilities(const struct host_probe *probe, const struct spec_capabilities *c,
                               struct check_bundle *b)
{
    const struct {
        const char *name;
        char *const *list;
        size_t count;
    } sets[] = {
        {"bounding", c->bounding, c->bounding_count},
        {"effective", c->effective, c->effective_count},
        {"inheritable", c->inheritable, c->inheritable_count},
        {"permitted", c->permitted, c->permitted_count},
        {"ambient", c->ambient, c->ambient_count},
    };

    for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
        for (size_t i = 0; i < sets[s].count; i++) {
            int value;
            enum caps_name_class class =
                caps_classify(sets[s].list[i], probe->capabilities, &value);
            cleanup_free char *field = xasprintf("process.capabilities.%s[%zu]", sets[s].name, i);
            if (class == CAPS_NAME_UNKNOWN)
                check_add(&b->problems, field, "unknown capability \"%s\"", sets[s].list[i]);
            else if (class == CAPS_NAME_UNSUPPORTED)
                check_add(&b->warnings, field,
                          "%s is not known to this kernel (%u capabilities), ignored as runc does",
                          sets[s].list[i], probe->capabilities);
        }
    }
}

static void check_namespaces(const struct host_probe *probe, const struct spec_linux *l,
                             struct check_bundle *b)
{
    bool userns = host_user_namespaces(probe);

    for (size_t i = 0; i < l->namespaces_count; i++) {
        const struct spec_namespace *ns = &l->namespaces[i];
        const char *name = spec_namespace_type_name(ns->type);
        cleanup_free char *field = xasprintf("linux.namespaces[%zu] (%s)", i, name);
        if (!probe->namespaces[ns->type])
            check_add(&b->problems, field, "no %s namespace support (no /proc/self/ns/%s)", name,
                      host_namespace_proc_name(ns->type));
        else if (ns->type == SPEC_NS_USER && !ns->path && !userns)
            check_add(&b->problems, field,
                      "user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)");
        else if (ns->path && access(ns->path, F_OK) < 0)
            add_missing_path(&b->problems, field, ns->path, errno);
    }
    if ((l->uid_mappings_count || l->gid_mappings_count) && !userns)
        check_add(&b->problems, l->uid_mappings_count ? "linux.uidMappings" : "linux.gidMappings",
                  "no user namespaces on this host");
    if ((l->time_boottime.present || l->time_monotonic.present) && !probe->namespaces[SPEC_NS_TIME])
        check_add(&b->problems, "linux.timeOffsets", "no time namespace support (Linux 5.6+)");
}

static bool notify_unsupported(const struct host_probe *probe, const char *action,
                               struct check_bundle *b, const char *field)
{
    /* libseccomp's API level 5 brought SCMP_ACT_NOTIFY */
    if (!action || strcmp(action, "SCMP_ACT_NOTIFY") != 0 ||
        (probe->seccomp_notify && probe->libseccomp_api >= 5))
        return false;
    check_add(&b->problems, field, "SCMP_ACT_NOTIFY needs seccomp user notification: %s",
              !probe->seccomp_notify ? "this kernel has none (Linux 5.0+)"
                                     : "the linked libseccomp's API level is below 5");
    return true;
}

static void check_seccomp(const struct host_probe *probe, const struct spec_seccomp *s,
                          struct check_bundle *b)
{
    struct spec_features features;

    if (!s->present)
        return;
    if (!probe->seccomp) {
        check_add(&b->problems, "linux.seccomp",
                  "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)");
        return;
    }
    notify_unsupported(probe, s->default_action, b, "linux.seccomp.defaultAction");
    for (size_t i = 0; i < s->syscalls_count; i++) {
        cleanup_free char *field = xasprintf("linux.seccomp.syscalls[%zu].action", i);
        notify_unsupported(probe, s->syscalls[i].action, b, field);
    }
    if (!s->flags_count)
        return;
    /* what `features` reports as supported is what libseccomp and the kernel accept */
    features_gather(&features);
    for (size_t i = 0; i < s->flags_count; i++) {
        cleanup_free char *field = xasprintf("linux.seccomp.flags[%zu]", i);
        if (!host_list_has(&features.linux_.seccomp_supported_flags, s->flags[i]))
            check_add(&b->problems, field, "%s is not supported by this kernel and libseccomp %s",
                      s->flags[i], probe->libseccomp);
    }
    spec_features_free(&features);
}

static void check_mount(const struct host_probe *probe, const struct spec *spec,
                        const struct spec_mount *m, size_t i, struct check_bundle *b)
{
    cleanup_free char *options = xasprintf("mounts[%zu].options", i);
    cleanup_free char *type = xasprintf("mounts[%zu].type", i);
    struct mount_options parsed;
    struct error err;
    const char *problem;

    if (mount_options_parse(m->options, m->options_count, &parsed, &err) < 0)
        check_add_error(&b->problems, options, &err);
    else
        mount_options_free(&parsed);
    /* create's rules (spec_mount_idmap_problem()), and a kernel with mount_setattr(2) */
    if (spec_mount_is_idmapped(m)) {
        cleanup_free char *field = xasprintf("mounts[%zu]", i);
        if (!probe->syscalls.mount_setattr)
            check_add(&b->problems, field, "%s",
                      "idmapped mounts need mount_setattr(2), which this kernel lacks "
                      "(Linux 5.12+)");
        else if ((problem = spec_mount_idmap_problem(spec, m)) != NULL)
            check_add(&b->problems, field, "%s", problem);
    }
    if (spec_mount_is_bind(m) || !m->type || !*m->type || strcmp(m->type, "none") == 0 ||
        host_list_has(&probe->filesystems, m->type))
        return;
    check_add(&b->warnings, type,
              "filesystem \"%s\" is not in /proc/filesystems: the mount works only if a kernel "
              "module provides it on demand",
              m->type);
}

static void check_sysctl_net(const struct spec *spec, struct check_bundle *b)
{
    const struct spec_strmap *sysctl = &spec->linux_.sysctl;

    for (size_t i = 0; i < sysctl->count; i++) {
        const char *key = sysctl->keys[i];
        if (host_sysctl_exists(key))
            continue;
        cleanup_free char *quoted = json_quote(key);
        cleanup_free char *field = xasprintf("linux.sysctl[%s]", quoted);
        /* a per-interface key may name an interface only the container's network has */
        if (str_has_prefix(key, "net.") || str_has_prefix(key, "net/"))
            check_add(&b->warnings, field, "not in this host's /proc/sys/net");
        else
            check_add(&b->problems, field, "no such sysctl on this kernel");
    }
    if (spec->linux_.net_devices_count)
        check_add(&b->warnings, "linux.netDevices",
                  "runc-go does not move network devices yet: ignored");
}

static void check_spec(const struct host_probe *probe, const char *dir, const struct spec *spec,
                       struct check_bundle *b)
{
    check_kernel_interfaces(probe, spec, b);
    check_paths(dir, spec, b);
    check_lsm_rdt(spec, b);
    check_capabilities(probe, &spec->process.capabilities, b);
    check_namespaces(probe, &spec->linux_, b);
    check_seccomp(probe, &spec->linux_.seccomp, b);
    for (size_t i = 0; i < spec->mounts_count; i++)
        check_mount(probe, spec, &spec->mounts[i], i, b);
    check_sysctl_net(spec, b);
    check_cgroup_resources(probe, &spec->linux_.resources, b);
}

/* The config as create reads it: parse and validation errors are the one problem. */
static void check_bundle_dir(const struct host_probe *probe, struct check_bundle *b)
{
    cleanup_free char *path = xasprintf("%s/config.json", b->path);
    cleanup_free char *text = NULL;
    struct spec *spec = NULL;
    struct error err;
    size_t len = 0;

    if (read_file(path, 64u << 20, &text, &len, &err) < 0 ||
        !(spec = spec_parse(text, len, path, &err)) || spec_validate(spec, path, true, &err) < 0) {
        check_add(&b->problems, "config.json", "%s", err.msg);
        spec_free(spec);
        return;
    }
    check_spec(probe, b->path, spec, b);
    spec_free(spec);
}

int container_check(const char *bundle, enum check_format format, FILE *out, bool *runnable,
                    struct error *err)
{
    struct host_probe probe;
    struct check_bundle b = {.path = bundle};

    host_probe(&probe);
    if (bundle)
        check_bundle_dir(&probe, &b);
    if (format == CHECK_FORMAT_JSON)
        check_report_json(&probe, bundle ? &b : NULL, out);
    else
        check_report_text(&probe, bundle ? &b : NULL, out);
    *runnable = b.problems.count == 0;
    check_findings_free(&b.problems);
    check_findings_free(&b.warnings);
    host_probe_free(&probe);
    if (fflush(out) != 0 || ferror(out))
        return error_set(err, errno, "write the report");
    return 0;
}
