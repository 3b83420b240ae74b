/* process.capabilities with libcap: the five sets, applied around the uid/gid switch. */
#ifndef RUNC_GO_CAPS_H
#define RUNC_GO_CAPS_H

#include "../error.h"
#include "../spec/spec.h"

/* Before the user switch: drops everything outside the bounding set and asks the kernel to
 * keep permitted capabilities across setuid (PR_SET_KEEPCAPS). */
int caps_prepare(const struct spec_capabilities *caps, struct error *err);

/* After the user switch: sets effective/permitted/inheritable, then raises ambient
 * (which needs them in permitted and inheritable first). */
int caps_apply(const struct spec_capabilities *caps, struct error *err);

#endif
