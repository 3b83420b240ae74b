/* Namespaces: the clone/unshare flags a config asks for, joining by path, id maps. */
#ifndef RUNC_GO_NAMESPACES_H
#define RUNC_GO_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

int namespace_clone_flag(enum spec_namespace_type type);

/* Flags of the namespaces the config creates (entries without a path). */
int namespaces_new_flags(const struct spec *spec);
/* True when any namespace is joined by path. */
bool namespaces_any_joined(const struct spec *spec);

/* Opens every namespace path of the config (O_CLOEXEC) in the order they must be joined:
 * the user namespace first, since it grants the capabilities the other joins need.
 * fds[i] / types[i]; returns the count or -1. Paths are opened before anything else so a
 * bad path fails the create early with the field's name. */
int namespaces_open_joined(const struct spec *spec, int *fds, enum spec_namespace_type *types,
                           struct error *err);

/* setns() into each opened namespace except `skip_flags` (e.g. CLONE_NEWPID, which the
 * parent joins for its children). */
int namespaces_join(const int *fds, const enum spec_namespace_type *types, int count,
                    int skip_flags, struct error *err);

/* Writes uid_map/gid_map of pid (and setgroups "deny" first when deny_setgroups). */
int namespaces_write_id_maps(pid_t pid, const struct spec *spec, struct error *err);

/* An fd of a new user namespace with these maps, owned by nobody (its only process, made
 * for this, is gone): what mount_setattr(MOUNT_ATTR_IDMAP) takes. field names the config
 * value in errors. */
int namespaces_make_userns(const struct spec_id_mapping *uids, size_t uid_count,
                           const struct spec_id_mapping *gids, size_t gid_count, const char *field,
                           struct error *err);

#endif
