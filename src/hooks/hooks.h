/* OCI hooks (config.json `hooks`): each runs with the container's state JSON on stdin. */
#ifndef RUNC_GO_HOOKS_H
#define RUNC_GO_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "../spec/spec.h"

enum hook_kind {
    HOOK_PRESTART,
    HOOK_CREATE_RUNTIME,
    HOOK_CREATE_CONTAINER,
    HOOK_START_CONTAINER,
    HOOK_POSTSTART,
    HOOK_POSTSTOP,
};

/* True when the config has at least one hook of that kind (nothing else is done when not). */
bool hooks_present(const struct spec_hooks *hooks, enum hook_kind kind);

/* The state JSON hooks read: ociVersion, id, status, pid, bundle, annotations. */
char *hooks_state_json(const struct spec *spec, const char *id, pid_t pid, const char *bundle,
                       const char *status);

/* Runs every hook of one kind in order; the first failure (exit status, signal, timeout)
 * stops the list: "prestart hook #1 (/usr/bin/x): exit status 2, stderr: ...". */
int hooks_run(const struct spec_hooks *hooks, enum hook_kind kind, const char *state_json,
              struct error *err);

/* poststart and poststop: failures are logged as warnings and the rest still run. */
void hooks_run_warn(const struct spec_hooks *hooks, enum hook_kind kind, const char *state_json);

#endif
