/* The Features structure of runtime-spec features.md / features-linux.md (what
 * `runc-go features` prints): a plain model filled by whoever knows the answers, and its
 * JSON. Serialised here so nothing outside src/spec/ touches yajl. */
#ifndef RUNC_GO_SPEC_FEATURES_H
#define RUNC_GO_SPEC_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

/* The oldest config.json ociVersion runc-go accepts; the newest is SPEC_VERSION. */
#define SPEC_VERSION_MIN "1.0.0"

struct spec_name_list {
    char **names; /* owned */
    size_t count;
};

struct spec_features_linux {
    struct spec_name_list namespaces, capabilities;
    bool cgroup_v1, cgroup_v2, cgroup_systemd, cgroup_systemd_user, cgroup_rdma;
    bool seccomp_enabled;
    struct spec_name_list seccomp_actions, seccomp_operators, seccomp_archs, seccomp_known_flags,
        seccomp_supported_flags;
    bool apparmor, selinux, intel_rdt, idmap_mounts, net_devices;
};

struct spec_features {
    struct spec_name_list hooks, mount_options;
    struct spec_features_linux linux_;
    struct spec_strmap annotations; /* written sorted by key, as runc's encoder does */
};

void spec_name_list_add(struct spec_name_list *list, const char *name);
/* Sorts with strcmp, as runc sorts most of its lists. */
void spec_name_list_sort(struct spec_name_list *list);
void spec_features_add_annotation(struct spec_features *features, const char *key,
                                  const char *value);

/* The document, pretty-printed with runc's 4-space indent and a final newline. ociVersionMin
 * and ociVersionMax come from this model's own constants; the rest from features. */
char *spec_features_json(const struct spec_features *features);

void spec_features_free(struct spec_features *features);

#endif
