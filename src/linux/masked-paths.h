/* linux.maskedPaths and linux.readonlyPaths, applied after the root switch so that they cover
 * the container's own /proc and /sys. Paths are resolved inside the new root. */
#ifndef RUNC_GO_MASKED_PATHS_H
#define RUNC_GO_MASKED_PATHS_H

#include <stddef.h>

#include "../error.h"

/* Bind-mounts each path onto itself read-only (its top mount, as runc). Missing paths are
 * skipped. */
int readonly_paths_apply(int root_fd, char *const *paths, size_t count, struct error *err);

/* Covers each path: a file with a bind of the container's /dev/null, a directory with an
 * empty read-only tmpfs. Missing paths are skipped. */
int masked_paths_apply(int root_fd, char *const *paths, size_t count, struct error *err);

#endif
