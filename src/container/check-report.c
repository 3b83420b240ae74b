/* The report of `runc-go check`: one line per fact (text), or one JSON object with the same
 * facts as fields and the bundle's findings as {"field", "reason"} arrays. */
#include <string.h>

#include "../spec/json-out.h"
#include "../util.h"
#include "check-internal.h"

static const char *yes_no(bool value)
{
    return value ? "yes" : "no";
}

static const char *mode_name(enum cgroup_mode mode)
{
    switch (mode) {
    case CGROUP_MODE_V2:
        return "v2";
    case CGROUP_MODE_HYBRID:
        return "hybrid";
    case CGROUP_MODE_V1:
        break;
    }
    return "v1";
}

/* ---------------------------------------------------------------------------- text */

static void print_list(FILE *out, const struct spec_name_list *list, const char *sep)
{
    if (!list->count)
        fputs("none", out);
    for (size_t i = 0; i < list->count; i++)
        fprintf(out, "%s%s", i ? sep : "", list->names[i]);
}

static void text_cgroup(const struct host_probe *p, FILE *out)
{
    static const char *const answers[] = {
        [HOST_NO] = "no", [HOST_YES] = "yes", [HOST_UNKNOWN] = "unknown"};

    fprintf(out, "cgroup: %s (", p->has_cgroup ? mode_name(p->cgroup_mode) : "none");
    if (p->cgroup_mode != CGROUP_MODE_V2) {
        fputs("v1: ", out);
        print_list(out, &p->v1_controllers, ",");
    }
    if (p->v2_mountpoint) {
        fprintf(out, "%sv2 at %s: ", p->cgroup_mode == CGROUP_MODE_V2 ? "" : " ; ",
                p->v2_mountpoint);
        print_list(out, &p->v2_controllers, ",");
    }
    fputs(")\n", out);
    if (p->v2_mountpoint) {
        fputs("cgroup v2 delegated: ", out);
        print_list(out, &p->v2_delegated, ",");
        fputc('\n', out);
    }
    fprintf(out, "swap accounting: %s (%s)\n", answers[p->swap_accounting],
            p->swap_accounting_source);
    fputs("hugepage sizes: ", out);
    print_list(out, &p->hugepage_sizes, ",");
    fputc('\n', out);
}

static void text_ranges(FILE *out, const char *what, const char *user,
                        const struct host_id_range *ranges, size_t count)
{
    fprintf(out, "%s of %s: %s", what, user, count ? "" : "none");
    for (size_t i = 0; i < count; i++)
        fprintf(out, "%s%llu:%llu", i ? "," : "", (unsigned long long)ranges[i].start,
                (unsigned long long)ranges[i].count);
    fputc('\n', out);
}

static void text_namespaces(const struct host_probe *p, FILE *out)
{
    fputs("namespaces:", out);
    for (int type = 0; type < SPEC_NS_COUNT; type++)
        if (p->namespaces[type])
            fprintf(out, " %s", spec_namespace_type_name((enum spec_namespace_type)type));
    fprintf(out, "\nuser namespaces: %s (max_user_namespaces ", yes_no(host_user_namespaces(p)));
    if (p->max_user_namespaces < 0)
        fputs("not present", out);
    else
        fprintf(out, "%lld", p->max_user_namespaces);
    if (p->unprivileged_userns_clone >= 0)
        fprintf(out, ", unprivileged_userns_clone %d", p->unprivileged_userns_clone);
    fputs(")\n", out);
    text_ranges(out, "subuid", p->user, p->subuids, p->subuids_count);
    text_ranges(out, "subgid", p->user, p->subgids, p->subgids_count);
    fprintf(out, "time namespace: %s\n", yes_no(p->namespaces[SPEC_NS_TIME]));
}

static void text_host(const struct host_probe *p, FILE *out)
{
    const struct host_syscalls *s = &p->syscalls;

    fprintf(out, "kernel: %s (%s)\n", p->kernel, p->machine);
    text_cgroup(p, out);
    text_namespaces(p, out);
    fprintf(out, "seccomp: %s (notify: %s; libseccomp %s, API level %u)\n", yes_no(p->seccomp),
            yes_no(p->seccomp_notify), p->libseccomp[0] ? p->libseccomp : "unknown",
            p->libseccomp_api);
    fprintf(out, "apparmor: %s\n", yes_no(p->apparmor));
    fprintf(out, "selinux: %s\n", yes_no(p->selinux));
    fprintf(out, "idmapped mounts: %s (mount_setattr)\n", yes_no(s->mount_setattr));
    fprintf(out, "overlayfs: %s\n", yes_no(p->overlayfs));
    fprintf(out, "pidfd_open: %s\n", yes_no(s->pidfd_open));
    fprintf(out, "clone3: %s\n", yes_no(s->clone3));
    fprintf(out, "openat2: %s\n", yes_no(s->openat2));
    fprintf(out, "new mount api (fsopen): %s\n", yes_no(s->fsopen));
    fprintf(out, "numa memory policy: %s\n", yes_no(s->set_mempolicy));
    fprintf(out, "intel rdt (resctrl): %s\n", yes_no(p->intel_rdt));
    fprintf(out, "capabilities: %u\n", p->capabilities);
    if (!p->criu_installed)
        fprintf(out, "checkpoint/restore (criu): no (%s)\n", p->criu_reason);
    else if (p->criu_works)
        fprintf(out, "checkpoint/restore (criu): yes (CRIU %s, criu check passed)\n",
                p->criu_version);
    else
        fprintf(out, "checkpoint/restore (criu): no (CRIU %s, criu check failed: %s)\n",
                p->criu_version, p->criu_reason);
}

static void text_findings(const struct check_findings *list, const char *prefix, FILE *out)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct check_finding *f = &list->items[i];
        /* a config.json that doesn't load: its error names the file and the field */
        if (strcmp(f->field, "config.json") == 0)
            fprintf(out, "  %s%s\n", prefix, f->reason);
        else
            fprintf(out, "  %s%s: %s\n", prefix, f->field, f->reason);
    }
}

void check_report_text(const struct host_probe *probe, const struct check_bundle *bundle, FILE *out)
{
    text_host(probe, out);
    if (!bundle)
        return;
    fprintf(out, "bundle %s: %zu problem(s), %zu warning(s)\n", bundle->path,
            bundle->problems.count, bundle->warnings.count);
    text_findings(&bundle->problems, "", out);
    text_findings(&bundle->warnings, "warning: ", out);
}

/* ---------------------------------------------------------------------------- JSON */

static void json_cgroup(struct json_out *j, const struct host_probe *p)
{
    json_out_key(j, "cgroup");
    json_out_map_open(j);
    json_out_kv_string(j, "mode", p->has_cgroup ? mode_name(p->cgroup_mode) : "none");
    json_out_key(j, "v1");
    if (p->cgroup_mode == CGROUP_MODE_V2) {
        json_out_null(j);
    } else {
        json_out_map_open(j);
        json_out_kv_strings(j, "controllers", p->v1_controllers.names, p->v1_controllers.count);
        json_out_key(j, "hierarchies");
        json_out_array_open(j);
        for (size_t i = 0; i < p->v1_hierarchies_count; i++) {
            json_out_map_open(j);
            json_out_kv_string(j, "mountpoint", p->v1_hierarchies[i].mountpoint);
            json_out_kv_string(j, "controllers", p->v1_hierarchies[i].key);
            json_out_map_close(j);
        }
        json_out_array_close(j);
        json_out_map_close(j);
    }
    json_out_key(j, "v2");
    if (!p->v2_mountpoint) {
        json_out_null(j);
    } else {
        json_out_map_open(j);
        json_out_kv_string(j, "mountpoint", p->v2_mountpoint);
        json_out_kv_strings(j, "controllers", p->v2_controllers.names, p->v2_controllers.count);
        json_out_kv_strings(j, "delegated", p->v2_delegated.names, p->v2_delegated.count);
        json_out_map_close(j);
    }
    json_out_key(j, "swapAccounting");
    if (p->swap_accounting == HOST_UNKNOWN)
        json_out_null(j);
    else
        json_out_bool(j, p->swap_accounting == HOST_YES);
    json_out_kv_strings(j, "hugepageSizes", p->hugepage_sizes.names, p->hugepage_sizes.count);
    json_out_map_close(j);
}

static void json_ranges(struct json_out *j, const char *key, const struct host_id_range *ranges,
                        size_t count)
{
    json_out_key(j, key);
    json_out_array_open(j);
    for (size_t i = 0; i < count; i++) {
        json_out_map_open(j);
        json_out_key(j, "start");
        json_out_uint(j, ranges[i].start);
        json_out_key(j, "count");
        json_out_uint(j, ranges[i].count);
        json_out_map_close(j);
    }
    json_out_array_close(j);
}

static void json_optional_int(struct json_out *j, const char *key, long long value)
{
    json_out_key(j, key);
    if (value < 0)
        json_out_null(j);
    else
        json_out_int(j, value);
}

static void json_namespaces(struct json_out *j, const struct host_probe *p)
{
    json_out_key(j, "namespaces");
    json_out_array_open(j);
    for (int type = 0; type < SPEC_NS_COUNT; type++)
        if (p->namespaces[type])
            json_out_string(j, spec_namespace_type_name((enum spec_namespace_type)type));
    json_out_array_close(j);
    json_out_key(j, "userNamespaces");
    json_out_map_open(j);
    json_out_kv_bool(j, "enabled", host_user_namespaces(p));
    json_optional_int(j, "maxUserNamespaces", p->max_user_namespaces);
    json_optional_int(j, "unprivilegedUsernsClone", p->unprivileged_userns_clone);
    json_out_kv_string(j, "user", p->user);
    json_ranges(j, "subuid", p->subuids, p->subuids_count);
    json_ranges(j, "subgid", p->subgids, p->subgids_count);
    json_out_map_close(j);
    json_out_kv_bool(j, "timeNamespace", p->namespaces[SPEC_NS_TIME]);
}

static void json_kernel_interfaces(struct json_out *j, const struct host_probe *p)
{
    const struct host_syscalls *s = &p->syscalls;

    json_out_key(j, "seccomp");
    json_out_map_open(j);
    json_out_kv_bool(j, "enabled", p->seccomp);
    json_out_kv_bool(j, "notify", p->seccomp_notify);
    json_out_kv_string(j, "libseccomp", p->libseccomp);
    json_out_kv_int(j, "apiLevel", p->libseccomp_api);
    json_out_map_close(j);
    json_out_kv_bool(j, "apparmor", p->apparmor);
    json_out_kv_bool(j, "selinux", p->selinux);
    json_out_kv_bool(j, "idmappedMounts", s->mount_setattr);
    json_out_kv_bool(j, "overlayfs", p->overlayfs);
    json_out_key(j, "syscalls");
    json_out_map_open(j);
    json_out_kv_bool(j, "pidfd_open", s->pidfd_open);
    json_out_kv_bool(j, "clone3", s->clone3);
    json_out_kv_bool(j, "openat2", s->openat2);
    json_out_kv_bool(j, "fsopen", s->fsopen);
    json_out_kv_bool(j, "mount_setattr", s->mount_setattr);
    json_out_kv_bool(j, "get_mempolicy", s->set_mempolicy);
    json_out_map_close(j);
    json_out_kv_bool(j, "intelRdt", p->intel_rdt);
    json_out_kv_int(j, "capabilities", p->capabilities);
    json_out_key(j, "criu");
    json_out_map_open(j);
    json_out_kv_bool(j, "installed", p->criu_installed);
    json_out_kv_string(j, "version", p->criu_version);
    json_out_kv_bool(j, "checkPassed", p->criu_works);
    if (!p->criu_works)
        json_out_kv_string(j, "reason", p->criu_reason);
    json_out_map_close(j);
}

static void json_findings(struct json_out *j, const char *key, const struct check_findings *list)
{
    json_out_key(j, key);
    json_out_array_open(j);
    for (size_t i = 0; i < list->count; i++) {
        json_out_map_open(j);
        json_out_kv_string(j, "field", list->items[i].field);
        json_out_kv_string(j, "reason", list->items[i].reason);
        json_out_map_close(j);
    }
    json_out_array_close(j);
}

void check_report_json(const struct host_probe *probe, const struct check_bundle *bundle, FILE *out)
{
    struct json_out *j = json_out_new("    ");
    char *text;

    json_out_map_open(j);
    json_out_kv_string(j, "kernel", probe->kernel);
    json_out_kv_string(j, "machine", probe->machine);
    json_cgroup(j, probe);
    json_namespaces(j, probe);
    json_kernel_interfaces(j, probe);
    if (bundle) {
        json_out_key(j, "bundle");
        json_out_map_open(j);
        json_out_kv_string(j, "path", bundle->path);
        json_out_kv_bool(j, "runnable", bundle->problems.count == 0);
        json_findings(j, "problems", &bundle->problems);
        json_findings(j, "warnings", &bundle->warnings);
        json_out_map_close(j);
    }
    json_out_map_close(j);
    text = json_out_finish(j);
    fprintf(out, "%s\n", text);
    free(text);
    json_out_free(j);
}
