#ifndef RUNC_GO_SYSCTL_H
#define RUNC_GO_SYSCTL_H

#include "../error.h"
#include "../spec/spec.h"

/* Writes each linux.sysctl entry to the container's /proc/sys (after pivot_root). */
int sysctl_apply(const struct spec_strmap *sysctl, struct error *err);

#endif
