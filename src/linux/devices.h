/* /dev as runc makes it: the default devices, linux.devices, /dev/ptmx and the /dev/fd and
 * /dev/std* links. Runs before the root is switched; every path resolved inside the rootfs. */
#ifndef RUNC_GO_DEVICES_H
#define RUNC_GO_DEVICES_H

#include <stddef.h>

#include "../error.h"
#include "../spec/spec.h"

/* Creates /dev/null, zero, full, random, urandom, tty (char devices, mode 0666, owner 0:0)
 * unless linux.devices lists the same path, then each linux.devices entry (mknod with its
 * type, numbers, fileMode, uid and gid; where mknod is refused, as in a user namespace, a bind
 * mount of the host's node), then /dev/ptmx -> pts/ptmx, /dev/fd -> /proc/self/fd,
 * /dev/std{in,out,err} and /dev/core -> /proc/kcore when the host has it. An existing default
 * device is left alone, as runc does; an existing linux.devices path that is not the requested
 * device is an error, as the runtime-spec asks. Runs with umask 0 so modes are exact. */
int devices_setup(int root_fd, const struct spec_device *devices, size_t count, struct error *err);

#endif
