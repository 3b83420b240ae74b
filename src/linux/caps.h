/* process.capabilities with libcap: the five sets, applied around the uid/gid switch.
 *
 * As in runc, a config without process.capabilities gets no capability at all (every set
 * empty), not the runtime's own. A name must be spelled as the spec does ("CAP_KILL"); one
 * that neither libcap nor the kernel knows is a config error naming the entry, one that
 * libcap knows but this kernel doesn't (a newer capability on an older kernel) is ignored
 * with runc's warning. */
#ifndef RUNC_GO_CAPS_H
#define RUNC_GO_CAPS_H

#include "../error.h"
#include "../spec/spec.h"

enum caps_name_class {
    CAPS_NAME_UNKNOWN = -1,    /* not a capability name: a config error */
    CAPS_NAME_UNSUPPORTED = 0, /* a capability this kernel doesn't have: warn and ignore */
    CAPS_NAME_KNOWN = 1,       /* *value is its number */
};

/* Pure classification of one config name against a kernel that knows kernel_caps
 * capabilities (cap_last_cap + 1). Unit-tested with made-up kernels. */
enum caps_name_class caps_classify(const char *name, unsigned int kernel_caps, int *value);

/* In the runtime, before anything exists: fails on an unknown name (`config.json:
 * process.capabilities.bounding[2]: unknown capability "CAP_FOO"`) and warns once, as runc
 * does, about the names this kernel doesn't support. The child's functions below then skip
 * those silently (the container's init never prints). */
int caps_check(const struct spec_capabilities *caps, struct error *err);

/* Before the user switch: drops everything outside the bounding set and asks the kernel to
 * keep permitted capabilities across setuid (PR_SET_KEEPCAPS). */
int caps_prepare(const struct spec_capabilities *caps, struct error *err);

/* After the user switch: sets effective/permitted/inheritable, then raises ambient
 * (which needs them in permitted and inheritable first). */
int caps_apply(const struct spec_capabilities *caps, struct error *err);

#endif
