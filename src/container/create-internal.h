/* Shared between create.c and run.c. */
#ifndef RUNC_GO_CREATE_INTERNAL_H
#define RUNC_GO_CREATE_INTERNAL_H

#include <signal.h>

#include "container.h"
#include "state.h"

/* Creates the container; the init restores original_mask before execve. A foreground run
 * with process.terminal gets the pty master in *console_master (else it stays unchanged;
 * NULL when the caller takes none). With created, the caller also gets the container,
 * still locked, to start it without loading it again (run). */
int container_create_with_mask(const struct create_options *options, const sigset_t *original_mask,
                               pid_t *init_pid, int *console_master, struct container **created,
                               struct error *err);

/* The first state.json of a new container (create, restore): what is known before anything
 * exists outside the state dir, pid 0 (reads as stopped), so a runtime killed later leaves a
 * record `delete` cleans up from. Sets c->record and saves it. */
int container_record_early(struct container *c, const struct spec *spec, const char *bundle,
                           const char *rootfs, const struct spec_strmap *cgroup_paths,
                           const char *systemd_unit, struct error *err);

/* `start` of a container the caller has loaded (and locked). */
int container_start_loaded(struct container *c, struct error *err);

/* Stops every process of the container and removes its cgroups and state. */
int container_destroy(struct container *c, struct error *err);

#endif
