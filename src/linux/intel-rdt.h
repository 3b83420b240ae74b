/* linux.intelRdt: the container's tasks in a resctrl group (Intel RDT / AMD PQoS), with the
 * group's schemata as config-linux.md orders them. */
#ifndef RUNC_GO_INTEL_RDT_H
#define RUNC_GO_INTEL_RDT_H

#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

/* Before anything exists: fails when the config asks for RDT and this host has no resctrl
 * filesystem mounted (runtime.md: the runtime MUST generate an error). */
int intel_rdt_check(const struct spec_intel_rdt *rdt, struct error *err);

/* Puts pid in the group named by closID (default: the container id; "/" is the root group),
 * made if missing, after writing the schemata; with enableMonitoring, in a monitoring group
 * named after the container. Returns what delete must remove (a malloc'd path; "" when
 * nothing was made), or NULL with err set. */
char *intel_rdt_apply(const struct spec_intel_rdt *rdt, const char *id, pid_t pid,
                      struct error *err);

/* Removes what intel_rdt_apply() made ("" or NULL: nothing). */
int intel_rdt_remove(const char *path, struct error *err);

#endif
