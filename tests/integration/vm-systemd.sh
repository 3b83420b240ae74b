#!/bin/bash
# timeout: 2400
# In the pure cgroup v2 VM booted with systemd as PID 1 and the system D-Bus
# (`run-v2 --systemd`): the systemd cgroup driver (tests/vm/systemd-cgroup.sh), CRIU with
# that driver (tests/vm/criu.sh) and docker/podman with their systemd cgroup drivers
# (tests/vm/systemd-engines.sh). The sanitizer pass leaves the engines out: they test the
# engines' use of the runtime, not its memory, and are the slowest part under emulation.
source "$(dirname "$0")/../vm/boot.sh"
scripts=(systemd-cgroup criu)
[[ ${SANITIZE:-} == 1 ]] || scripts+=(systemd-engines)
vm_run --systemd --mem 3G --timeout 2300 -- "${scripts[@]}"
