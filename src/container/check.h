/* `runc-go check`: a report of what this host offers containers and, for a bundle, every
 * field of its config.json that will not work here and why. Nothing is created: no state
 * directory, cgroup, namespace or process. */
#ifndef RUNC_GO_CHECK_H
#define RUNC_GO_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "../error.h"

enum check_format { CHECK_FORMAT_TEXT, CHECK_FORMAT_JSON };

/* Writes the report to out. bundle NULL: the host only. *runnable is false when the bundle
 * has a problem (its config.json unreadable, invalid, or asking for what the host lacks);
 * warnings (what runc-go ignores, as runc does) leave it true. Returns -1 only when the
 * report itself cannot be made. */
int container_check(const char *bundle, enum check_format format, FILE *out, bool *runnable,
                    struct error *err);

#endif
